"""Medical clearances: a clinician's word that a client may (or may not yet) train."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from studio.models.base import Base, Versioned


class MedicalClearance(Versioned, Base):
    __tablename__ = "medical_clearance"
    __table_args__ = (Index("ix_medical_clearance_client", "client_id", "cleared_on"),)

    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), nullable=False)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinician.id", ondelete="SET NULL"))
    # For a clinician outside the studio's network (a hospital doctor, a locum).
    clinician_name: Mapped[str | None] = mapped_column(String(200))
    cleared_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(30), nullable=False)
    restrictions: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
