"""Medical clearances: what a clinician said about the client training, as the studio recorded it.

The safety gate (`studio.services.safety`) reads these: after a red flag, training waits for a
clearance dated on or after the assessment that found it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio import access
from studio.errors import ValidationError
from studio.models import Client, Clinician, MedicalClearance
from studio.services import records

CLEARED = "cleared"
CLEARED_WITH_RESTRICTIONS = "cleared_with_restrictions"
NOT_CLEARED = "not_cleared"
STATUSES = (
    (CLEARED, "Cleared for exercise"),
    (CLEARED_WITH_RESTRICTIONS, "Cleared with restrictions"),
    (NOT_CLEARED, "Not cleared"),
)
CLEARING = frozenset({CLEARED, CLEARED_WITH_RESTRICTIONS})
_LABELS = dict(STATUSES)
_NAME_LENGTH = 200


@dataclass(frozen=True)
class ClearanceRecord:
    id: int
    version: int
    client_id: int
    clinician_id: int | None
    clinician_name: str | None  # "First Last, credentials" from the network, or as typed
    cleared_on: date
    status: str
    status_label: str
    restrictions: str | None
    notes: str | None
    updated_at: datetime | None = None

    @property
    def clears(self) -> bool:
        return self.status in CLEARING


def network_name(clinician: Clinician) -> str:
    name = f"{clinician.first_name} {clinician.last_name}"
    return f"{name}, {clinician.credentials}" if clinician.credentials else name


def _record(session: Session, obj: MedicalClearance) -> ClearanceRecord:
    clinician = session.get(Clinician, obj.clinician_id) if obj.clinician_id is not None else None
    return ClearanceRecord(
        id=obj.id,
        version=obj.version,
        client_id=obj.client_id,
        clinician_id=obj.clinician_id,
        clinician_name=network_name(clinician) if clinician else obj.clinician_name,
        cleared_on=obj.cleared_on,
        status=obj.status,
        status_label=_LABELS.get(obj.status, obj.status),
        restrictions=obj.restrictions,
        notes=obj.notes,
        updated_at=obj.updated_at,
    )


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _store(
    session: Session,
    obj: MedicalClearance,
    *,
    cleared_on: date,
    status: str,
    clinician_id: int | None,
    clinician_name: str | None,
    restrictions: str | None,
    notes: str | None,
    today: date | None,
) -> None:
    errors: dict[str, str] = {}
    if status not in _LABELS:
        errors["status"] = "Choose cleared, cleared with restrictions, or not cleared"
    if not isinstance(cleared_on, date) or isinstance(cleared_on, datetime):
        errors["cleared_on"] = "Enter the date the clinician gave the clearance"
    elif cleared_on > (today or date.today()):
        errors["cleared_on"] = "The clearance date cannot be in the future"
    name, restrictions, notes = _text(clinician_name), _text(restrictions), _text(notes)
    clinician = session.get(Clinician, clinician_id) if clinician_id is not None else None
    if clinician_id is not None and clinician is None:
        errors["clinician_id"] = "That clinician is no longer in the network"
    elif clinician is None and name is None:
        errors["clinician_name"] = "Choose the clinician from the network or type their name"
    elif name is not None and len(name) > _NAME_LENGTH:
        errors["clinician_name"] = f"At most {_NAME_LENGTH} characters"
    if status == CLEARED_WITH_RESTRICTIONS and restrictions is None:
        errors["restrictions"] = "Write down the restrictions the clinician gave"
    if errors:
        raise ValidationError(errors)
    obj.cleared_on = cleared_on
    obj.status = status
    obj.clinician_id = clinician_id
    # A network clinician's name is kept too, so the record still says who cleared the client
    # if that clinician is later removed from the network (the link is then set to NULL).
    obj.clinician_name = network_name(clinician)[:_NAME_LENGTH] if clinician else name
    obj.restrictions = restrictions
    obj.notes = notes


@access.guarded("clinical.write")
def record(
    session: Session,
    client_id: int,
    *,
    cleared_on: date,
    status: str,
    clinician_id: int | None = None,
    clinician_name: str | None = None,
    restrictions: str | None = None,
    notes: str | None = None,
    today: date | None = None,
) -> ClearanceRecord:
    """Record a clinician's decision. Validation: a known status, a date not after `today`
    (default: the computer's date), a network clinician or a typed name, and the restrictions
    written down when the client is cleared with restrictions."""
    records.load_for_edit(session, Client, client_id, None, "client")
    obj = MedicalClearance(client_id=client_id)
    _store(session, obj, cleared_on=cleared_on, status=status, clinician_id=clinician_id,
           clinician_name=clinician_name, restrictions=restrictions, notes=notes, today=today)  # fmt: skip
    session.add(obj)
    session.flush()
    return _record(session, obj)


@access.guarded("clinical.write")
def update(
    session: Session,
    clearance_id: int,
    expected_version: int | None,
    *,
    cleared_on: date,
    status: str,
    clinician_id: int | None = None,
    clinician_name: str | None = None,
    restrictions: str | None = None,
    notes: str | None = None,
    today: date | None = None,
) -> ClearanceRecord:
    obj = records.load_for_edit(session, MedicalClearance, clearance_id, expected_version, "medical clearance")
    _store(session, obj, cleared_on=cleared_on, status=status, clinician_id=clinician_id,
           clinician_name=clinician_name, restrictions=restrictions, notes=notes, today=today)  # fmt: skip
    session.flush()
    return _record(session, obj)


@access.guarded("clinical.read")
def get(session: Session, clearance_id: int) -> ClearanceRecord:
    return _record(session, records.load_for_edit(session, MedicalClearance, clearance_id, None, "medical clearance"))


@access.guarded("clinical.read")
def list_for_client(session: Session, client_id: int, *, since: date | None = None) -> list[ClearanceRecord]:
    """The client's clearances, newest first (by date, then the later entry first);
    `since` keeps only those dated on or after that day."""
    query = select(MedicalClearance).where(MedicalClearance.client_id == client_id)
    if since is not None:
        query = query.where(MedicalClearance.cleared_on >= since)
    query = query.order_by(MedicalClearance.cleared_on.desc(), MedicalClearance.id.desc())
    return [_record(session, obj) for obj in session.scalars(query)]
