"""The studio's own details, kept in the database so every desk prints the same letterhead."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio import access
from studio.errors import ValidationError
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


@access.guarded("studio.read")
def get(session: Session) -> StudioRecord | None:
    """The studio, or None on a database nobody has set up yet (the first start)."""
    obj = session.scalars(select(StudioProfile).order_by(StudioProfile.id).limit(1)).first()
    if obj is None:
        return None
    return StudioRecord(obj.id, obj.version, records.details_of(StudioDetails, obj))


@access.guarded("studio.settings")
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


# --- the letterhead logo ---------------------------------------------------------------------

LOGO_MAX_BYTES = 2 * 1024 * 1024
_LOGO_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"))


def logo_format(data: bytes) -> str | None:
    """The image format by the file's signature (its first bytes): "PNG", "JPEG", or None."""
    return next((name for signature, name in _LOGO_SIGNATURES if bytes(data[: len(signature)]) == signature), None)


def check_logo(data: bytes) -> str | None:
    """Why `data` cannot be the studio's logo, in words for the person choosing it; None if it can.

    Only the signature and the size are checked here: a file that claims to be a PNG but is
    damaged inside is stored, and the documents print without it (reports.pages)."""
    if logo_format(data) is None:
        return "The logo must be a PNG or JPEG image file."
    return logo_size_problem(len(data))


def logo_size_problem(size: int) -> str | None:
    """Why a logo file of `size` bytes is too big, or None (the dialog asks before reading it)."""
    if size > LOGO_MAX_BYTES:
        megabytes = size / (1024 * 1024)
        return f"The logo file is {megabytes:.1f} MB; it can be at most 2 MB. Save a smaller copy and choose that."
    return None


@access.guarded("studio.settings")
def set_logo(session: Session, data: bytes | None, expected_version: int | None = None) -> StudioRecord:
    """Put the logo (a PNG or JPEG file's bytes, at most 2 MB) on the letterhead; None removes it."""
    if data is not None:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ValidationError({"logo": "The logo must be a PNG or JPEG image file."})
        data = bytes(data)
        problem = check_logo(data)
        if problem:
            raise ValidationError({"logo": problem})
    current = get(session)
    if current is None:
        raise ValidationError({"logo": "Save the studio's name first; the logo goes next to it."})
    obj = records.load_for_edit(session, StudioProfile, current.id, expected_version, "studio profile")
    obj.logo = data
    session.flush()
    return StudioRecord(obj.id, obj.version, records.details_of(StudioDetails, obj))


@access.guarded("studio.read")
def logo(session: Session) -> bytes | None:
    """The letterhead logo's bytes, or None when the studio has none (or no profile yet)."""
    return session.scalars(select(StudioProfile.logo).order_by(StudioProfile.id).limit(1)).first()
