"""Signing in, and the record of who did what.

A staff member's password hash lives apart from their staff row: a failed sign-in counts up
here without bumping the staff record's version (which a form at another desk may be editing),
and a staff list or export can never carry a hash by accident.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from studio.models.base import Base, UTCDateTime, utcnow


class StaffCredential(Base):
    __tablename__ = "staff_credential"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    # "scrypt$n$r$p$salt$hash" (base64): never the password, never reversible.
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the owner resets it: the person chooses their own at the next sign-in.
    must_change: Mapped[bool] = mapped_column(nullable=False, default=False)
    # When the password was last set: not touched by the counters (studio.services.accounts).
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class AuditEntry(Base):
    """One thing someone did. Append-only: the program only ever adds rows (an erasure redacts
    the erased client's entries, and says so in an entry of its own)."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_at", "at"),
        Index("ix_audit_entry_client_id", "client_id"),
        Index("ix_audit_entry_staff_id", "staff_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: the trail outlives rows
    who: Mapped[str] = mapped_column(String(200), nullable=False)
    desk: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(30), nullable=False)
    record_type: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[int | None] = mapped_column(Integer)
    client_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    # JSON: {"field": [before, after], ...} for changes; other details for other actions.
    details: Mapped[str | None] = mapped_column(Text)
