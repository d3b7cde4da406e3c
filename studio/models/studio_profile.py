"""The studio's own details: letterhead, units and paper, shared by every desk."""

from __future__ import annotations

from sqlalchemy import LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from studio.models.base import Base, Versioned


class StudioProfile(Versioned, Base):
    """One row per database: the studio that owns it."""

    __tablename__ = "studio_profile"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    weight_unit: Mapped[str] = mapped_column(String(2), nullable=False, default="kg")
    length_unit: Mapped[str] = mapped_column(String(2), nullable=False, default="cm")
    paper: Mapped[str] = mapped_column(String(6), nullable=False, default="a4")
    # The letterhead logo as the PNG or JPEG file's bytes; None prints the name only.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
