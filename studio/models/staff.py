"""The people who work at the studio."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from studio.models.base import Base, UTCDateTime, Versioned


class StaffMember(Versioned, Base):
    __tablename__ = "staff"
    __table_args__ = (Index("ix_staff_sort", "last_name", "first_name"),)

    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    credentials: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
