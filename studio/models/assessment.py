"""Assessments: what a trainer recorded for a client on one day, signed when complete."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from studio.models.base import Base, UTCDateTime, Versioned


class Assessment(Versioned, Base):
    """One assessment. The structured record lives in `data` as JSON
    (`studio.clinical.assessment.to_json`): its shape grows with the form, and nothing queries
    inside it; the scores shown in lists are computed from it by `findings`."""

    __tablename__ = "assessment"
    __table_args__ = (Index("ix_assessment_client", "client_id", "assessed_on"),)

    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), nullable=False)
    assessed_on: Mapped[date] = mapped_column(Date, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # initial / reassessment
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    data: Mapped[str] = mapped_column(Text, nullable=False)
