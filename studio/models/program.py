"""Exercise programs: a client's prescription, its history, and the sessions logged against it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from studio.models.base import Base, UTCDateTime, Versioned, utcnow


class Program(Versioned, Base):
    """One program for one client: a draft while it is built, active while the client trains
    on it (at most one at a time), archived when replaced."""

    __tablename__ = "program"

    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes: Mapped[str | None] = mapped_column(Text)


class ProgramItem(Versioned, Base):
    """One exercise in a program with its dose. A library exercise is named by its code; a
    trainer's own exercise (or edited copy) is kept whole in `custom_exercise`, in the library's
    JSON shape, so it is screened and printed the same way. Removed items stay for the record."""

    __tablename__ = "program_item"
    __table_args__ = (Index("ix_program_item_program", "program_id", "position"),)

    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    exercise_code: Mapped[str] = mapped_column(String(80), nullable=False)
    custom_exercise: Mapped[str | None] = mapped_column(Text)
    side: Mapped[str | None] = mapped_column(String(10))  # left / right / both
    sets: Mapped[int | None] = mapped_column(Integer)
    reps: Mapped[int | None] = mapped_column(Integer)
    hold_seconds: Mapped[int | None] = mapped_column(Integer)
    rest_seconds: Mapped[int | None] = mapped_column(Integer)
    times_per_day: Mapped[int | None] = mapped_column(Integer)
    days_per_week: Mapped[int | None] = mapped_column(Integer)
    load: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    override_reason: Mapped[str | None] = mapped_column(Text)  # why it was added although screened out
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProgramChange(Base):
    """Append-only history: what changed in a program, when, by whom and why."""

    __tablename__ = "program_change"
    __table_args__ = (Index("ix_program_change_program", "program_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"), nullable=False)
    program_item_id: Mapped[int | None] = mapped_column(ForeignKey("program_item.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    exercise_code: Mapped[str | None] = mapped_column(String(80))
    # added / removed / progressed / regressed / declined / dose_changed / activated / archived
    change: Mapped[str] = mapped_column(String(20), nullable=False)
    from_code: Mapped[str | None] = mapped_column(String(80))
    to_code: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    # The newest session-log entry for the item when this change was made: a progress/regress
    # proposal counts only sessions logged after the last decision about the item.
    seen_entry_id: Mapped[int | None] = mapped_column(Integer)


class SessionLog(Versioned, Base):
    """One training session of a client on a program."""

    __tablename__ = "session_log"
    __table_args__ = (Index("ix_session_log_client", "client_id", "logged_on"),)

    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), nullable=False)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"), nullable=False, index=True)
    logged_on: Mapped[date] = mapped_column(Date, nullable=False)
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(Text)


class SessionLogEntry(Base):
    """What the client did of one program item at one session, and how the pain moved."""

    __tablename__ = "session_log_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_log_id: Mapped[int] = mapped_column(
        ForeignKey("session_log.id", ondelete="CASCADE"), nullable=False, index=True
    )
    program_item_id: Mapped[int] = mapped_column(
        ForeignKey("program_item.id", ondelete="CASCADE"), nullable=False, index=True
    )
    exercise_code: Mapped[str] = mapped_column(String(80), nullable=False)  # what was done that day
    done: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    sets_done: Mapped[int | None] = mapped_column(Integer)
    reps_done: Mapped[int | None] = mapped_column(Integer)
    hold_done: Mapped[int | None] = mapped_column(Integer)  # seconds
    pain_before: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    pain_next_day: Mapped[int | None] = mapped_column(Integer)
    form_ok: Mapped[bool | None] = mapped_column(Boolean)
