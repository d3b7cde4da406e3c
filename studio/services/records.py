"""What every editable record's service does the same way: parse, version-check, archive."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from studio.errors import NotFound, StaleEdit, ValidationError
from studio.fields import Field, parse_record
from studio.models.base import utcnow

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
    """The row to change, refusing if it was saved elsewhere after `expected_version` was read."""
    obj = session.get(model, record_id)
    if obj is None:
        raise NotFound(f"That {what} no longer exists (it may have been removed at another desk).")
    if expected_version is not None and obj.version != expected_version:
        raise StaleEdit(what, obj.updated_at)
    return obj


def set_archived(obj: object, archived: bool) -> None:
    obj.archived_at = utcnow() if archived else None


def require_reference(session: Session, model: type, ref_id: int | None, field: str, message: str) -> None:
    if ref_id is not None and session.get(model, ref_id) is None:
        raise ValidationError({field: message})
