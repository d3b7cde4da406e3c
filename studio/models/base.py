"""Declarative base shared by every aggregate.

Every editable row carries a version counter (optimistic locking, so a stale save from another
desk is caught instead of silently overwriting), created/updated times in UTC, and who changed
it last — the desk's name, so a refused save can say "changed by FRONT-DESK (maria) at 14:32".
"""

from __future__ import annotations

import getpass
import os
import platform
from datetime import datetime, timezone

from sqlalchemy import DateTime, Integer, MetaData, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Stable constraint names so Alembic batch migrations on SQLite can find them again.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


ACTOR_LENGTH = 120
_actor: str | None = None


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def desk_name() -> str:
    """This computer's name and the signed-in account, e.g. "FRONT-DESK (maria)"."""
    host = os.environ.get("COMPUTERNAME") or platform.node() or "this computer"
    host = host.split(".")[0]  # "front-desk.studio.lan" reads as "front-desk"
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a service account, a container): the host alone
        user = ""
    return f"{host} ({user})" if user else host


def actor() -> str:
    """Who is at this desk: what every insert and update records in `changed_by`."""
    global _actor
    if _actor is None:
        _actor = desk_name()[:ACTOR_LENGTH]
    return _actor


def set_actor(name: str | None) -> None:
    """Process-wide: the desk's name, or a staff member's once someone signs in. None (or blank)
    goes back to the computer's name."""
    global _actor
    name = " ".join((name or "").split())
    _actor = name[:ACTOR_LENGTH] if name else None


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC: SQLite has no time zones, PostgreSQL does."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC was expected")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Versioned:
    """Mixin: surrogate key, version counter, audit times and who saved last.

    `changed_by` is filled from `actor()` on every insert and update (the column's default and
    onupdate), so no service has to remember it; a change to a child that touches its parent's
    `updated_at` names the desk on the parent too.
    """

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow
    )
    changed_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH), default=actor, onupdate=actor)

    @declared_attr.directive
    def __mapper_args__(cls):  # noqa: N805 - SQLAlchemy's declared_attr signature
        return {"version_id_col": cls.__table__.c.version}
