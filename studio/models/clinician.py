"""The studio's network of clinicians it refers to and hears back from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from studio.models.base import Base, UTCDateTime, Versioned


class Clinician(Versioned, Base):
    __tablename__ = "clinician"
    __table_args__ = (
        Index("ix_clinician_sort", "sort_key"),
        Index("ix_clinician_specialty", "specialty"),
    )

    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    credentials: Mapped[str | None] = mapped_column(String(200))
    specialty: Mapped[str] = mapped_column(String(30), nullable=False)
    practice: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(40))
    fax: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    preferred_contact: Mapped[str | None] = mapped_column(String(10))
    accepting_new: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    notes: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Accent- and case-folded "last first practice" for ordering and searching.
    sort_key: Mapped[str] = mapped_column(String(500), nullable=False, default="")
