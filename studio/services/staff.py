"""Trainers, front-desk staff and owners: the people and their roles (their passwords are in
studio.services.accounts). The studio always keeps at least one current owner."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studio import access
from studio.errors import ValidationError
from studio.fields import Field
from studio.models import StaffCredential, StaffMember
from studio.services import records
from studio.text import sort_key

ROLES = (("owner", "Owner"), ("trainer", "Trainer"), ("front_desk", "Front desk"))

FIELDS = (
    Field("first_name", "First name", "name", required=True, max_length=100),
    Field("last_name", "Last name", "name", required=True, max_length=100),
    Field("role", "Role", "choice", required=True, choices=ROLES),
    Field("credentials", "Credentials", "text", hint="e.g. NSCA-CSCS, ACE-CPT"),
    Field("phone", "Phone", "phone", max_length=40),
    Field("email", "Email", "email", max_length=254),
)


@dataclass(frozen=True)
class StaffDetails:
    first_name: str
    last_name: str
    role: str
    credentials: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class StaffRecord:
    id: int
    version: int
    details: StaffDetails
    archived: bool
    updated_at: datetime

    @property
    def name(self) -> str:
        return f"{self.details.first_name} {self.details.last_name}"

    @property
    def role_label(self) -> str:
        return dict(ROLES)[self.details.role]


def parse(raw: Mapping[str, Any], today: date | None = None) -> StaffDetails:
    return records.parse_details(StaffDetails, FIELDS, raw, today)


def _record(obj: StaffMember) -> StaffRecord:
    return StaffRecord(
        obj.id, obj.version, records.details_of(StaffDetails, obj), obj.archived_at is not None, obj.updated_at
    )


def _keep_an_owner(session: Session, obj: StaffMember, leaving: str) -> None:
    """Refuse to leave the studio without a current owner: nobody could manage staff again."""
    if obj.role != access.OWNER or obj.archived_at is not None:
        return
    others = (
        select(func.count())
        .select_from(StaffMember)
        .where(StaffMember.role == access.OWNER, StaffMember.archived_at.is_(None), StaffMember.id != obj.id)
    )
    if session.scalar(select(StaffCredential.staff_id).limit(1)) is not None:  # staff sign in
        others = others.where(StaffMember.id.in_(select(StaffCredential.staff_id)))
    if not session.scalar(others):
        raise ValidationError(
            {leaving: f"{obj.first_name} {obj.last_name} is the studio's only owner: make someone else an owner first."}
        )


@access.guarded("staff.manage")
def create(session: Session, details: StaffDetails) -> StaffRecord:
    obj = StaffMember()
    records.apply_details(obj, details)
    session.add(obj)
    session.flush()
    return _record(obj)


@access.guarded("staff.manage")
def update(session: Session, staff_id: int, expected_version: int | None, details: StaffDetails) -> StaffRecord:
    obj = records.load_for_edit(session, StaffMember, staff_id, expected_version, "staff member")
    if details.role != access.OWNER:
        _keep_an_owner(session, obj, "role")
    records.apply_details(obj, details)
    session.flush()
    return _record(obj)


@access.guarded("staff.manage")
def set_archived(session: Session, staff_id: int, expected_version: int | None, archived: bool) -> StaffRecord:
    obj = records.load_for_edit(session, StaffMember, staff_id, expected_version, "staff member")
    if archived:
        _keep_an_owner(session, obj, "archived")
    records.set_archived(obj, archived)
    session.flush()
    return _record(obj)


_HELD = "upright_staff_named"  # session.info: the staff members name_of has read in this session


@access.guarded("studio.read")
def name_of(session: Session, staff_id: int | None) -> str | None:
    """"First Last" of a staff member, for records that say who did something.

    The member read is held on the session: its identity map keeps only rows something still
    refers to, so without this every line of a long history (40 assessments, a program's
    changes) asked the database again for the same two or three people."""
    if staff_id is None:
        return None
    member = session.get(StaffMember, staff_id)
    if member is None:
        return None
    session.info.setdefault(_HELD, {})[staff_id] = member
    return f"{member.first_name} {member.last_name}"


@access.guarded("studio.read")
def get(session: Session, staff_id: int) -> StaffRecord:
    return _record(records.load_for_edit(session, StaffMember, staff_id, None, "staff member"))


TRAINING_ROLES = ("owner", "trainer")


def in_name_order(members) -> list[StaffMember]:
    """Staff by last name, then first, as the front desk reads a list: case and accents don't
    count ("de Vries" among the Ds, "Ødegård" among the Os), the same on SQLite and a server,
    whose collations disagree."""
    return sorted(members, key=lambda m: (sort_key(m.last_name, m.first_name), m.id))


@access.guarded("studio.read")
def list_staff(
    session: Session, *, roles: tuple[str, ...] | None = None, include_archived: bool = False
) -> list[StaffRecord]:
    """Staff in name order; `roles=TRAINING_ROLES` gives the people a client can be assigned to."""
    query = select(StaffMember)
    if roles:
        query = query.where(StaffMember.role.in_(roles))
    if not include_archived:
        query = query.where(StaffMember.archived_at.is_(None))
    return [_record(obj) for obj in in_name_order(session.scalars(query))]
