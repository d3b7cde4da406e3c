"""Referrals: a letter to a clinician, from draft to the clinician's reply."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from studio.models.base import Base, Versioned

DEFAULT_REQUEST = "Please evaluate and advise whether exercise may continue, and any restrictions."


class Referral(Versioned, Base):
    """One referral of one client. The clinician's details are copied into
    `clinician_snapshot` when the letter is drafted and sent, so a letter printed again later
    still says who it went to if the network entry changes or is removed."""

    __tablename__ = "referral"
    __table_args__ = (Index("ix_referral_status", "status", "follow_up_on"),)

    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), nullable=False, index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id", ondelete="SET NULL"))
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinician.id", ondelete="SET NULL"))
    clinician_snapshot: Mapped[str | None] = mapped_column(Text)  # JSON: name, credentials, practice, address…
    tier: Mapped[str] = mapped_column(String(20), nullable=False)  # emergency / urgent / routine
    destination: Mapped[str] = mapped_column(String(30), nullable=False)
    # draft / sent / acknowledged / appointment_made / reply_received / closed
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    request: Mapped[str] = mapped_column(Text, nullable=False, default=DEFAULT_REQUEST)
    sent_on: Mapped[date | None] = mapped_column(Date)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    reply_decision: Mapped[str | None] = mapped_column(String(30))  # cleared / cleared_with_restrictions / not_cleared
    reply_restrictions: Mapped[str | None] = mapped_column(Text)
    reply_on: Mapped[date | None] = mapped_column(Date)
    clearance_id: Mapped[int | None] = mapped_column(ForeignKey("medical_clearance.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(Text)
