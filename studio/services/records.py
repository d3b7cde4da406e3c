"""What every editable record's service does the same way: parse, version-check, archive.

Who is at this desk (`set_actor` / `actor`) is recorded on every row saved, so a save refused
because another desk got there first can say who that was, when, and what they saved.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import inspect, update
from sqlalchemy.orm import Session

from studio.errors import NotFound, StaleEdit, ValidationError
from studio.fields import Field, parse_record
from studio.models.base import actor, set_actor, utcnow

__all__ = [
    "actor", "apply_details", "details_of", "field_errors", "load_for_edit", "parse_details",
    "require_reference", "set_actor", "set_archived", "stale_edit",
]  # fmt: skip

D = TypeVar("D")


def parse_details(cls: type[D], fields: tuple[Field, ...], raw: Mapping[str, Any], today: date | None) -> D:
    """Build the details dataclass from typed text, or raise ValidationError with every reason."""
    values, errors = parse_record(fields, raw, today)
    if errors:
        raise ValidationError(errors)
    return cls(**values)


def field_errors(fields: tuple[Field, ...], raw: Mapping[str, Any], today: date | None = None) -> dict[str, str]:
    """Reasons per field, for a form that validates as the person types."""
    return parse_record(fields, raw, today)[1]


def details_of(cls: type[D], obj: object) -> D:
    return cls(**{f.name: getattr(obj, f.name) for f in dataclasses.fields(cls)})


def apply_details(obj: object, details: object) -> None:
    for f in dataclasses.fields(details):
        setattr(obj, f.name, getattr(details, f.name))


def load_for_edit(session: Session, model: type, record_id: int, expected_version: int | None, what: str):
    """The row to change, refusing if it was saved elsewhere after `expected_version` was read.

    With an expected version the row is first claimed for this unit of work (a row lock on
    PostgreSQL, the write lock on SQLite) and read fresh, so no other desk can save it between
    this check and the write: two desks saving at once get one save and one StaleEdit, never
    a lost update. StaleEdit carries who saved it, when, and their values. Without an expected
    version (reading, or a change that doesn't depend on what was seen) nothing is claimed.
    """
    if expected_version is None:
        obj = session.get(model, record_id)
    else:
        obj = _claim(session, model, record_id)
    if obj is None:
        if expected_version is None:
            raise NotFound(f"That {what} no longer exists (it may have been removed at another desk).")
        raise NotFound(
            f"This {what} no longer exists: it was deleted at another desk after you opened it. "
            "Nothing was saved; what you typed is still on screen, so copy anything you need."
        )
    if expected_version is not None and obj.version != expected_version:
        raise stale_edit(obj, what)
    return obj


def _claim(session: Session, model: type, record_id: int):
    if session.get_bind().dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE; an update that changes nothing takes the database's write
        # lock (waiting out another desk's save, up to the busy timeout) until this commit.
        table = model.__table__
        keep = {name: table.c[name] for name in ("version", "updated_at", "changed_by")}  # no onupdate
        session.execute(update(table).where(table.c.id == record_id).values(**keep))
        return session.get(model, record_id, populate_existing=True)
    return session.get(model, record_id, with_for_update=True, populate_existing=True)


def stale_edit(obj: object, what: str) -> StaleEdit:
    """The refusal for a row another desk has saved: who, when, and the row as it now stands."""
    theirs = {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}
    return StaleEdit(
        what, obj.updated_at, who=obj.changed_by, theirs=theirs, version=obj.version, record_id=obj.id
    )


def set_archived(obj: object, archived: bool) -> None:
    obj.archived_at = utcnow() if archived else None


def require_reference(session: Session, model: type, ref_id: int | None, field: str, message: str) -> None:
    if ref_id is not None and session.get(model, ref_id) is None:
        raise ValidationError({field: message})
