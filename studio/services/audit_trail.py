"""Reading the audit trail: the owner's Audit view, filtered, and its CSV export.

There is nothing here to change or remove an entry: the trail is only ever added to (and the
database refuses anything else, see migration 0009).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studio import access, audit, files
from studio.models import Client, StaffMember
from studio.models.account import AuditEntry

DEFAULT_LIMIT = 5000

ACTIONS = (
    ("create", "Created"),
    ("change", "Changed"),
    ("archive", "Archived"),
    ("restore", "Restored"),
    ("delete", "Deleted"),
    ("print", "Printed"),
    ("export", "Exported"),
    ("import", "Imported"),
    ("sign_in", "Signed in"),
    ("sign_in_failed", "Sign-in failed"),
    ("sign_out", "Signed out"),
    ("lock", "Locked the desk"),
    ("password_set", "Password set"),
    ("password_reset", "Password reset"),
    ("erase", "Erased a client"),
)
ACTION_LABELS = dict(ACTIONS)
# Entries whose details are {field: [before, after]}.
CHANGES = frozenset({"change", "archive", "restore"})

RECORD_LABELS = {
    "client": "client", "assessment": "assessment", "medical_clearance": "medical clearance",
    "program": "program", "program_item": "program exercise", "session_log": "session",
    "session_log_entry": "logged exercise", "referral": "referral", "document": "document",
    "clinician": "clinician", "staff": "staff member", "studio_profile": "studio profile",
}  # fmt: skip
# Details naming a staff member by id: the view shows their name beside it.
STAFF_FIELDS = frozenset({"trainer_id", "created_by_id", "signed_by_id", "made_by_id", "by_id"})
CSV_COLUMNS = ("when (UTC)", "who", "staff id", "desk", "action", "record", "record id", "client id", "client",
               "what", "details")  # fmt: skip


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action.replace("_", " ").capitalize())


def field_label(name: str) -> str:
    """"first_name" → "First name"; "data.pain_history.nprs_now" → "Data › pain history › nprs now"."""
    parts = [part.replace("_", " ") for part in name.split(".")]
    text = " › ".join(parts)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Change:
    """One line of an entry's details: a field and its value (before and after, for a change)."""

    field: str
    label: str
    before: Any
    after: Any
    changed: bool  # False: `after` is the value (a created or deleted record's, or other details)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # UTC
    staff_id: int | None
    who: str
    desk: str | None
    action: str
    record_type: str | None
    record_id: int | None
    client_id: int | None
    client_name: str | None  # None when the client is no longer in the studio (or the entry isn't about one)
    summary: str
    details: Any  # parsed JSON; the text itself when it isn't JSON ("(erased)")
    staff_names: Mapping[int, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def record_label(self) -> str:
        if not self.record_type:
            return ""
        label = RECORD_LABELS.get(self.record_type, self.record_type.replace("_", " "))
        return f"{label} #{self.record_id}" if self.record_id is not None else label

    @property
    def client_label(self) -> str:
        if self.client_id is None:
            return ""
        return self.client_name or f"Client #{self.client_id} (no longer in the studio)"

    @property
    def erased(self) -> bool:
        return self.summary == audit.ERASED

    def changes(self) -> list[Change]:
        """The details as lines a person can read."""
        details = self.details
        if details is None:
            return []
        if not isinstance(details, dict):
            return [Change("", "Details", None, details, False)]
        lines = []
        for key, value in details.items():
            pair = isinstance(value, list) and len(value) == 2
            if self.action in CHANGES and pair:
                lines.append(Change(key, field_label(key), self._named(key, value[0]), self._named(key, value[1]), True))
            else:
                lines.append(Change(key, field_label(key), None, self._named(key, value), False))
        return lines

    def _named(self, key: str, value: Any) -> Any:
        if key in STAFF_FIELDS and isinstance(value, int) and value in self.staff_names:
            return f"{self.staff_names[value]} (#{value})"
        return value


@dataclass(frozen=True)
class PersonChoice:
    """Someone the trail names: a staff member (by id), or "Upright tools" and the like (by name)."""

    staff_id: int | None
    name: str


def _parse(details: str | None) -> Any:
    if details is None:
        return None
    try:
        return json.loads(details)
    except ValueError:
        return details


def _utc_start(day: date) -> datetime:
    """The start of a local day, as an aware time (the trail keeps UTC)."""
    return datetime.combine(day, time.min).astimezone()


def _query(*, client_id=None, staff_id=None, who=None, action=None, since=None, until=None):
    query = select(AuditEntry, Client.first_name, Client.last_name).outerjoin(Client, Client.id == AuditEntry.client_id)
    if client_id is not None:
        query = query.where(AuditEntry.client_id == client_id)
    if staff_id is not None:
        query = query.where(AuditEntry.staff_id == staff_id)
    elif who is not None:
        query = query.where(AuditEntry.staff_id.is_(None), AuditEntry.who == who)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.at >= _utc_start(since))
    if until is not None:
        query = query.where(AuditEntry.at < _utc_start(until + timedelta(days=1)))
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


@access.guarded("audit.read")
def entries(
    session: Session,
    *,
    client_id: int | None = None,
    staff_id: int | None = None,
    who: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = DEFAULT_LIMIT,
) -> list[AuditRow]:
    """Entries newest first. `staff_id` picks a staff member's; `who` (with no staff_id) those of
    someone without one ("Upright tools"); `since`/`until` are local days, both included."""
    audit.write_pending(session)  # what this transaction did so far is in the trail too
    query = _query(client_id=client_id, staff_id=staff_id, who=who, action=action, since=since, until=until)
    if limit is not None:
        query = query.limit(limit)
    staff_names = {
        staff_id: f"{first} {last}"
        for staff_id, first, last in session.execute(select(StaffMember.id, StaffMember.first_name, StaffMember.last_name))
    }
    out = []
    for entry, first, last in session.execute(query):
        name = " ".join(part for part in (first, last) if part) or None
        out.append(
            AuditRow(
                id=entry.id, at=entry.at, staff_id=entry.staff_id, who=entry.who, desk=entry.desk,
                action=entry.action, record_type=entry.record_type, record_id=entry.record_id,
                client_id=entry.client_id, client_name=name, summary=entry.summary, details=_parse(entry.details),
                staff_names=staff_names,
            )  # fmt: skip
        )
    return out


@access.guarded("audit.read")
def count(session: Session) -> int:
    """How many entries the trail holds in all."""
    audit.write_pending(session)
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def actions() -> list[tuple[str, str]]:
    """(action, label) for the action filter."""
    return list(ACTIONS)


@access.guarded("audit.read")
def people(session: Session) -> list[PersonChoice]:
    """Everyone the trail names, by name: staff by their current name, others as recorded."""
    audit.write_pending(session)
    named: dict[tuple[int | None, str], str] = {}
    rows = session.execute(
        select(AuditEntry.staff_id, AuditEntry.who, StaffMember.first_name, StaffMember.last_name)
        .outerjoin(StaffMember, StaffMember.id == AuditEntry.staff_id)
        .group_by(AuditEntry.staff_id, AuditEntry.who, StaffMember.first_name, StaffMember.last_name)
    )
    for staff_id, who, first, last in rows:
        if staff_id is None:
            named[(None, who)] = who
        else:
            current = " ".join(part for part in (first, last) if part)
            named.setdefault((staff_id, ""), current or who)
    choices = [PersonChoice(staff_id, name) for (staff_id, _), name in named.items()]
    return sorted(choices, key=lambda p: (p.staff_id is None, p.name.casefold(), p.staff_id or 0))


@access.guarded("audit.read")
def clients(session: Session) -> list[tuple[int, str]]:
    """(client id, name) of every client the trail has entries about, by name; a client no
    longer in the studio (erased or deleted) as "Client #N (no longer in the studio)", last."""
    audit.write_pending(session)
    rows = session.execute(
        select(AuditEntry.client_id, Client.first_name, Client.last_name)
        .outerjoin(Client, Client.id == AuditEntry.client_id)
        .where(AuditEntry.client_id.is_not(None))
        .group_by(AuditEntry.client_id, Client.first_name, Client.last_name)
    )
    out = []
    for client_id, first, last in rows:
        name = " ".join(part for part in (first, last) if part)
        out.append((client_id, name or f"Client #{client_id} (no longer in the studio)", not name))
    out.sort(key=lambda c: (c[2], c[1].casefold(), c[0]))
    return [(client_id, name) for client_id, name, _gone in out]


def _csv_details(row: AuditRow) -> str:
    if row.details is None:
        return ""
    if isinstance(row.details, str):
        return row.details
    return json.dumps(row.details, ensure_ascii=False, sort_keys=False)


def to_csv(rows: list[AuditRow]) -> str:
    """The entries as CSV text, one line each; details as JSON ({field: [before, after]} for a change)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([
            row.at.isoformat(timespec="seconds"), row.who, "" if row.staff_id is None else row.staff_id,
            row.desk or "", row.action, row.record_type or "", "" if row.record_id is None else row.record_id,
            "" if row.client_id is None else row.client_id, row.client_name or "", row.summary, _csv_details(row),
        ])  # fmt: skip
    return out.getvalue()


def _described(filters: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in filters.items() if value is not None}


@access.guarded("audit.read")
def export_csv(session: Session, path: str | Path, **filters: Any) -> int:
    """Write the entries `entries(**filters)` finds (all of them: no limit unless given) to
    `path` as UTF-8 CSV with a BOM (so Excel reads accents), readable by this computer's user
    only, whole or not at all. The export is an entry of its own. Returns how many were written."""
    filters.setdefault("limit", None)
    rows = entries(session, **filters)
    content = ("\ufeff" + to_csv(rows)).encode("utf-8")
    files.write_private(Path(path), content)
    shown = _described({k: v for k, v in filters.items() if k != "limit"})
    audit.record(
        session,
        "export",
        f"Exported {len(rows)} audit entries to CSV",
        record_type=None,
        client_id=filters.get("client_id"),
        details={"rows": len(rows), "file": Path(path).name, **({"filters": shown} if shown else {})},
    )
    return len(rows)
