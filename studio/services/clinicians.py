"""The clinician network: who the studio refers to, and how to reach them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio import access
from studio.fields import Field
from studio.models import Clinician
from studio.services import records
from studio.text import fold, sort_key

SPECIALTIES = (
    ("primary_care", "Primary care physician"),
    ("pain_specialist", "Pain specialist"),
    ("physiotherapist", "Physiotherapist"),
    ("chiropractor", "Chiropractor"),
    ("orthopaedic_surgeon", "Orthopaedic surgeon"),
    ("sports_medicine", "Sports medicine physician"),
    ("psychologist", "Psychologist"),
    ("other", "Other"),
)
CONTACT_METHODS = (("phone", "Phone"), ("fax", "Fax"), ("email", "Email"), ("post", "Post"))

FIELDS = (
    Field("first_name", "First name", "name", required=True, max_length=100),
    Field("last_name", "Last name", "name", required=True, max_length=100),
    Field("credentials", "Credentials", "text", hint="e.g. MD, DPT, DC"),
    Field("specialty", "Specialty", "choice", required=True, choices=SPECIALTIES),
    Field("practice", "Practice", "text"),
    Field("address", "Address", "multiline", max_length=500),
    Field("phone", "Phone", "phone", max_length=40),
    Field("fax", "Fax", "phone", max_length=40),
    Field("email", "Email", "email", max_length=254),
    Field("preferred_contact", "Preferred contact", "choice", choices=CONTACT_METHODS),
    Field("accepting_new", "Accepting new referrals", "bool"),
    Field("notes", "Studio notes", "multiline"),
)


@dataclass(frozen=True)
class ClinicianDetails:
    first_name: str
    last_name: str
    specialty: str
    credentials: str | None = None
    practice: str | None = None
    address: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None
    preferred_contact: str | None = None
    accepting_new: bool = True
    notes: str | None = None


@dataclass(frozen=True)
class ClinicianRecord:
    id: int
    version: int
    details: ClinicianDetails
    archived: bool
    updated_at: datetime

    @property
    def name(self) -> str:
        d = self.details
        return f"{d.first_name} {d.last_name}" + (f", {d.credentials}" if d.credentials else "")

    @property
    def specialty_label(self) -> str:
        return dict(SPECIALTIES)[self.details.specialty]


def parse(raw: Mapping[str, Any], today: date | None = None) -> ClinicianDetails:
    return records.parse_details(ClinicianDetails, FIELDS, raw, today)


def _record(obj: Clinician) -> ClinicianRecord:
    return ClinicianRecord(
        obj.id, obj.version, records.details_of(ClinicianDetails, obj), obj.archived_at is not None, obj.updated_at
    )


def _store(obj: Clinician, details: ClinicianDetails) -> None:
    records.apply_details(obj, details)
    obj.sort_key = sort_key(details.last_name, details.first_name, details.practice)


@access.guarded("clinicians")
def create(session: Session, details: ClinicianDetails) -> ClinicianRecord:
    obj = Clinician()
    _store(obj, details)
    session.add(obj)
    session.flush()
    return _record(obj)


@access.guarded("clinicians")
def update(session: Session, clinician_id: int, expected_version: int | None, details: ClinicianDetails) -> ClinicianRecord:
    obj = records.load_for_edit(session, Clinician, clinician_id, expected_version, "clinician")
    _store(obj, details)
    session.flush()
    return _record(obj)


@access.guarded("clinicians")
def set_archived(session: Session, clinician_id: int, expected_version: int | None, archived: bool) -> ClinicianRecord:
    obj = records.load_for_edit(session, Clinician, clinician_id, expected_version, "clinician")
    records.set_archived(obj, archived)
    session.flush()
    return _record(obj)


@access.guarded("clinicians")
def get(session: Session, clinician_id: int) -> ClinicianRecord:
    return _record(records.load_for_edit(session, Clinician, clinician_id, None, "clinician"))


@access.guarded("clinicians")
def search(
    session: Session,
    text: str = "",
    *,
    specialty: str | None = None,
    accepting_only: bool = False,
    include_archived: bool = False,
) -> list[ClinicianRecord]:
    """The directory, filtered. A network is tens to hundreds of people, so one query serves.

    Every word typed must appear somewhere in the name, practice, credentials, email or phone.
    """
    query = select(Clinician).order_by(Clinician.sort_key, Clinician.id)
    if specialty:
        query = query.where(Clinician.specialty == specialty)
    if accepting_only:
        query = query.where(Clinician.accepting_new.is_(True))
    if not include_archived:
        query = query.where(Clinician.archived_at.is_(None))
    found = [_record(obj) for obj in session.scalars(query)]
    wanted = fold(text).split()
    if not wanted:
        return found

    def haystack(rec: ClinicianRecord) -> str:
        d = rec.details
        return fold(" ".join(filter(None, (d.first_name, d.last_name, d.practice, d.credentials, d.email, d.phone))))

    return [rec for rec in found if all(word in haystack(rec) for word in wanted)]
