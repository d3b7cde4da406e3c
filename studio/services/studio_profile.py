"""The studio's own details, kept in the database so every desk prints the same letterhead."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.fields import Field
from studio.models import StudioProfile
from studio.services import records

WEIGHT_UNITS = (("kg", "Kilograms (kg)"), ("lb", "Pounds (lb)"))
LENGTH_UNITS = (("cm", "Centimetres (cm)"), ("in", "Inches (in)"))
PAPER_SIZES = (("a4", "A4"), ("letter", "US Letter"))

FIELDS = (
    Field("name", "Studio name", "name", required=True),
    Field("address", "Address", "multiline", max_length=500),
    Field("phone", "Phone", "phone", max_length=40),
    Field("email", "Email", "email", max_length=254),
    Field("weight_unit", "Weights in", "choice", required=True, choices=WEIGHT_UNITS),
    Field("length_unit", "Lengths in", "choice", required=True, choices=LENGTH_UNITS),
    Field("paper", "Paper", "choice", required=True, choices=PAPER_SIZES),
)


@dataclass(frozen=True)
class StudioDetails:
    name: str
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    weight_unit: str = "kg"
    length_unit: str = "cm"
    paper: str = "a4"


@dataclass(frozen=True)
class StudioRecord:
    id: int
    version: int
    details: StudioDetails


def parse(raw: Mapping[str, Any], today: date | None = None) -> StudioDetails:
    return records.parse_details(StudioDetails, FIELDS, raw, today)


def get(session: Session) -> StudioRecord | None:
    """The studio, or None on a database nobody has set up yet (the first start)."""
    obj = session.scalars(select(StudioProfile).order_by(StudioProfile.id).limit(1)).first()
    if obj is None:
        return None
    return StudioRecord(obj.id, obj.version, records.details_of(StudioDetails, obj))


def save(session: Session, details: StudioDetails, expected_version: int | None = None) -> StudioRecord:
    """Create the profile on first start, update it afterwards."""
    current = get(session)
    if current is None:
        obj = StudioProfile()
        session.add(obj)
    else:
        obj = records.load_for_edit(session, StudioProfile, current.id, expected_version, "studio profile")
    records.apply_details(obj, details)
    session.flush()
    return StudioRecord(obj.id, obj.version, records.details_of(StudioDetails, obj))
