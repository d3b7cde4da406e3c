"""The audit trail: who did what, when, and for changes the fields before and after.

`record` adds one entry for an action a service knows about (print, export, sign-in…).
Changes to the studio's records are recorded by themselves (`install`): every flush notes what
it inserted, updated and deleted, and the notes are written to the trail in the same
transaction just before it commits (so an entry stands or falls with what it describes, and a
session logged with its exercises makes one entry, not one per exercise). `write_pending`
writes them earlier, for a reader in the same transaction.

Entries are only ever added: the database refuses to change or delete them (migration 0009),
with one exception, `redact_client`, which blanks the summary and details of the entries about
a client who asked to be erased, keeping who did what and when.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import case, event, insert, inspect, or_, select, update
from sqlalchemy.orm import Session

from studio import access
from studio.models import (
    Assessment, Client, Clinician, Document, MedicalClearance, Program, ProgramItem, Referral, SessionLog,
    SessionLogEntry, StaffMember, StudioProfile,
)  # fmt: skip
from studio.models.account import AuditEntry
from studio.models.base import desk_name, utcnow

ERASED = "(erased)"
# Longest text kept whole in an entry's details; longer is cut with "(… N characters)".
TEXT_LIMIT = 300
# Bookkeeping every row carries (the entry's own time and who already say it), and what is
# derived from other columns.
NOT_RECORDED = frozenset({"id", "version", "created_at", "updated_at", "changed_by", "sort_key"})

_PENDING = "upright_audit_pending"  # rows noted by flushes, written before the commit
_OPEN_CREATES = "upright_audit_creates"  # (record_type, id) → its pending "create" row
_LOOKUPS = "upright_audit_lookups"  # parents' client ids and titles, for this transaction
_ERASED_CLIENTS = "upright_audit_erased"  # clients redacted in this transaction

_installed = False


# --- what each kind of record is called --------------------------------------------------------


def _name(values: Mapping[str, Any]) -> str:
    return " ".join(part for part in (values.get("first_name"), values.get("last_name")) if part) or "(no name)"


def _client_ref(client_id: int | None) -> str:
    return f" for client #{client_id}" if client_id is not None else ""


def _exercise_name(code: str | None, custom: str | None = None) -> str:
    if custom:
        try:
            named = json.loads(custom).get("name")
        except (ValueError, AttributeError):
            named = None
        if named:
            return str(named)
    return _library_names().get(code or "") or code or "(exercise)"


@functools.cache
def _library_names() -> dict[str, str]:
    try:
        from studio.exercises import load_library

        return {exercise.code: exercise.name for exercise in load_library()}
    except Exception:  # noqa: BLE001 - a name is a nicety; the code says the same
        return {}


def _referral_to(values: Mapping[str, Any]) -> str:
    try:
        snapshot = json.loads(values.get("clinician_snapshot") or "null") or {}
    except ValueError:
        snapshot = {}
    if snapshot.get("last_name"):
        return _name(snapshot) + (f", {snapshot['credentials']}" if snapshot.get("credentials") else "")
    return (values.get("destination") or "a clinician").replace("_", " ")


@dataclass(frozen=True)
class _Kind:
    record_type: str
    # "Client Ana López": what the entry is about, from the row's values and the lookups.
    describe: Callable[[Mapping[str, Any], _Lookups], str]
    # The client the record is about (None: not about a client).
    client_of: Callable[[Mapping[str, Any], _Lookups], int | None]
    # Changes to these alone are said by an entry of their own (a document's print or export).
    quiet: frozenset[str] = frozenset()
    # Created with a parent made in the same transaction: folded into the parent's entry.
    parent: tuple[str, str] | None = None  # (parent record_type, foreign key)


def _own_client(values, _lookups) -> int | None:
    return values.get("client_id")


KINDS: dict[type, _Kind] = {
    Client: _Kind("client", lambda v, _: f"Client {_name(v)}", lambda v, _: v.get("id")),
    Assessment: _Kind(
        "assessment",
        lambda v, _: f"{'Re-assessment' if v.get('kind') == 'reassessment' else 'Assessment'}"
        f" of {v.get('assessed_on')}{_client_ref(v.get('client_id'))}",
        _own_client,
    ),
    MedicalClearance: _Kind(
        "medical_clearance",
        lambda v, _: f"Medical clearance ({(v.get('status') or '').replace('_', ' ')}) of {v.get('cleared_on')}"
        f"{_client_ref(v.get('client_id'))}",
        _own_client,
    ),
    Program: _Kind("program", lambda v, _: f"Program '{v.get('title')}'{_client_ref(v.get('client_id'))}", _own_client),
    ProgramItem: _Kind(
        "program_item",
        lambda v, look: f"Exercise '{_exercise_name(v.get('exercise_code'), v.get('custom_exercise'))}' in program "
        f"'{look.program(v.get('program_id'))[1]}'{_client_ref(look.program(v.get('program_id'))[0])}",
        lambda v, look: look.program(v.get("program_id"))[0],
    ),
    SessionLog: _Kind(
        "session_log", lambda v, _: f"Session of {v.get('logged_on')}{_client_ref(v.get('client_id'))}", _own_client
    ),
    SessionLogEntry: _Kind(
        "session_log_entry",
        lambda v, look: f"Exercise '{_exercise_name(v.get('exercise_code'))}' logged in the session of "
        f"{look.session_log(v.get('session_log_id'))[1]}{_client_ref(look.session_log(v.get('session_log_id'))[0])}",
        lambda v, look: look.session_log(v.get("session_log_id"))[0],
        parent=("session_log", "session_log_id"),
    ),
    Referral: _Kind(
        "referral", lambda v, _: f"Referral to {_referral_to(v)}{_client_ref(v.get('client_id'))}", _own_client
    ),
    Document: _Kind(
        "document",
        lambda v, _: f"Document '{v.get('title')}'{_client_ref(v.get('client_id'))}",
        _own_client,
        quiet=frozenset({"handed"}),
    ),
    Clinician: _Kind("clinician", lambda v, _: f"Clinician {_name(v)}", lambda v, _: None),
    StaffMember: _Kind("staff", lambda v, _: f"Staff member {_name(v)}", lambda v, _: None),
    StudioProfile: _Kind("studio_profile", lambda v, _: f"Studio profile '{v.get('name')}'", lambda v, _: None),
}
# Never audited by the hook: ClientSearchTerm (derived from the client), StaffCredential
# (password hashes; signing in has entries of its own), ProgramChange (the program's own
# history of the changes the program and program_item entries record), AuditEntry itself.
# JSON text columns: a change lists the values that changed inside, not two long strings.
JSON_COLUMNS = {("assessment", "data"), ("referral", "clinician_snapshot"), ("program_item", "custom_exercise"),
                ("document", "options")}  # fmt: skip


class _Lookups:
    """Parents' client ids and titles, from the session's identity map or one query each kind,
    cached for the transaction."""

    def __init__(self, session: Session):
        self.session = session
        self.cache: dict[tuple[str, int], tuple[int | None, Any]] = session.info.setdefault(_LOOKUPS, {})

    def prefetch(self, model: type, ids: set[int]) -> None:
        wanted = {i for i in ids if i is not None and (model.__tablename__, i) not in self.cache}
        if not wanted:
            return
        mapper = inspect(model)
        for record_id in list(wanted):
            obj = self.session.identity_map.get(mapper.identity_key_from_primary_key((record_id,)))
            if obj is not None:
                state = inspect(obj).dict
                if "client_id" in state and self._label_key(model) in state:
                    self.cache[(model.__tablename__, record_id)] = (state["client_id"], state[self._label_key(model)])
                    wanted.discard(record_id)
        if wanted:
            table = model.__table__
            label = table.c[self._label_key(model)]
            rows = self.session.connection().execute(
                select(table.c.id, table.c.client_id, label).where(table.c.id.in_(sorted(wanted)))
            )
            for record_id, client_id, text in rows:
                self.cache[(model.__tablename__, record_id)] = (client_id, text)

    @staticmethod
    def _label_key(model: type) -> str:
        return "title" if model is Program else "logged_on"

    def _get(self, model: type, record_id: int | None) -> tuple[int | None, Any]:
        if record_id is None:
            return None, None
        key = (model.__tablename__, record_id)
        if key not in self.cache:
            self.prefetch(model, {record_id})
        return self.cache.get(key, (None, f"#{record_id}"))

    def program(self, program_id: int | None) -> tuple[int | None, Any]:
        return self._get(Program, program_id)

    def session_log(self, session_log_id: int | None) -> tuple[int | None, Any]:
        return self._get(SessionLog, session_log_id)


# --- values as the trail keeps them ------------------------------------------------------------


def shorten(text: str, limit: int = TEXT_LIMIT) -> str:
    return text if len(text) <= limit else f"{text[:limit]}(… {len(text)} characters)"


def plain(value: Any) -> Any:
    """A column value as JSON can hold it: dates and times in ISO 8601, long text cut short,
    binary data as its size."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"({len(bytes(value))} bytes)"
    if isinstance(value, Decimal):
        return str(value)
    return shorten(str(value))


def _flat(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, inner in value.items():
            _flat(inner, f"{prefix}.{key}", out)
    elif isinstance(value, list):
        whole = json.dumps(value, ensure_ascii=False, default=str)
        out[prefix] = (value if len(whole) <= TEXT_LIMIT else shorten(whole)) if value else None
    else:
        out[prefix] = plain(value)


def _json_changes(name: str, before: Any, after: Any) -> dict[str, list[Any]]:
    """The values that changed inside a JSON text column, by path ("data.pain_history.nprs_now")."""
    try:
        old = json.loads(before) if before else {}
        new = json.loads(after) if after else {}
    except (TypeError, ValueError):
        return {name: [plain(before), plain(after)]}
    flat_old: dict[str, Any] = {}
    flat_new: dict[str, Any] = {}
    _flat(old, name, flat_old)
    _flat(new, name, flat_new)
    return {
        key: [flat_old.get(key), flat_new.get(key)]
        for key in sorted(flat_old.keys() | flat_new.keys())
        if flat_old.get(key) != flat_new.get(key)
    }


def _values(state) -> dict[str, Any]:
    """The row's loaded column values (nothing is loaded from the database for this)."""
    loaded = state.dict
    return {attr.key: loaded[attr.key] for attr in state.mapper.column_attrs if attr.key in loaded}


def _recorded(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: plain(value) for key, value in values.items() if key not in NOT_RECORDED and value not in (None, "")}


def _changes(state, kind: _Kind) -> dict[str, list[Any]]:
    changed: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in NOT_RECORDED:
            continue
        history = state.attrs[key].history
        if not history.added and not history.deleted:
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before == after:
            continue
        if (kind.record_type, key) in JSON_COLUMNS:
            changed.update(_json_changes(key, before, after))
        else:
            changed[key] = [plain(before), plain(after)]
    return changed


def _logged_words(values: Mapping[str, Any]) -> str:
    """One exercise of a logged session in a line: "Bird dog: done, 3×10, pain 3→2, form ok"."""
    parts = ["done" if values.get("done") else "not done"]
    sets, reps, hold = values.get("sets_done"), values.get("reps_done"), values.get("hold_done")
    if sets is not None or reps is not None:
        parts.append(f"{sets if sets is not None else '?'}×{reps if reps is not None else '?'}")
    if hold is not None:
        parts.append(f"hold {hold} s")
    before, after = values.get("pain_before"), values.get("pain_after")
    if before is not None or after is not None:
        parts.append(f"pain {before if before is not None else '?'}→{after if after is not None else '?'}")
    if values.get("pain_next_day") is not None:
        parts.append(f"next day {values['pain_next_day']}")
    if values.get("form_ok") is not None:
        parts.append("form ok" if values["form_ok"] else "form not ok")
    return f"{_exercise_name(values.get('exercise_code'))}: {', '.join(parts)}"


# --- the flush hook -------------------------------------------------------------------------------


def _row(person: access.Person, at: datetime, action: str, kind: _Kind, record_id, client_id, summary: str, details):
    return {
        "at": at,
        "staff_id": person.staff_id,
        "who": person.name[:200],
        "desk": _desk(),
        "action": action,
        "record_type": kind.record_type,
        "record_id": record_id,
        "client_id": client_id,
        "summary": summary[:500],
        "details": details or None,
    }


@functools.cache
def _desk() -> str:
    return desk_name()[:120]  # the computer and its account: the same for the whole process


def _note_flush(session: Session, _context) -> None:
    new = [(inspect(obj), KINDS[type(obj)]) for obj in session.new if type(obj) in KINDS]
    dirty = [(inspect(obj), KINDS[type(obj)]) for obj in session.dirty if type(obj) in KINDS]
    deleted = [(inspect(obj), KINDS[type(obj)]) for obj in session.deleted if type(obj) in KINDS]
    if not (new or dirty or deleted):
        return
    lookups = _Lookups(session)
    for model, key in ((ProgramItem, "program_id"), (SessionLogEntry, "session_log_id")):
        parent = Program if model is ProgramItem else SessionLog
        lookups.prefetch(parent, {s.dict.get(key) for s, _ in (*new, *dirty, *deleted) if s.class_ is model})
    pending: list[dict[str, Any]] = session.info.setdefault(_PENDING, [])
    creates: dict[tuple[str, int], dict[str, Any]] = session.info.setdefault(_OPEN_CREATES, {})
    person, at = access.current(session), utcnow()

    new.sort(key=lambda item: item[0].insert_order or 0)
    for state, kind in new:
        values = _values(state)
        if kind.parent is not None:
            parent_row = creates.get((kind.parent[0], values.get(kind.parent[1])))
            if parent_row is not None:  # a session and its exercises: one entry
                parent_row["details"].setdefault("exercises", []).append(_logged_words(values))
                continue
        row = _row(person, at, "create", kind, state.identity[0] if state.identity else values.get("id"),
                   kind.client_of(values, lookups), kind.describe(values, lookups), _recorded(values))  # fmt: skip
        row["details"] = row["details"] or {}
        pending.append(row)
        if row["record_id"] is not None:
            creates[(kind.record_type, row["record_id"])] = row

    for state, kind in sorted(dirty, key=lambda item: (item[1].record_type, item[0].identity or ())):
        changed = _changes(state, kind)
        if not changed or not (changed.keys() - kind.quiet):
            continue
        action = "change"
        if "archived_at" in changed:
            before, after = changed["archived_at"]
            action = "archive" if before is None and after is not None else "restore" if after is None else "change"
        values = _values(state)
        pending.append(_row(person, at, action, kind, state.identity[0], kind.client_of(values, lookups),
                            kind.describe(values, lookups), changed))  # fmt: skip

    for state, kind in sorted(deleted, key=lambda item: (item[1].record_type, item[0].identity or ())):
        values = _values(state)
        pending.append(_row(person, at, "delete", kind, state.identity[0] if state.identity else None,
                            kind.client_of(values, lookups), kind.describe(values, lookups), _recorded(values)))  # fmt: skip


def _erased(session: Session) -> set[int]:
    return session.info.get(_ERASED_CLIENTS, set())


def write_pending(session: Session) -> int:
    """Write the entries the flushes so far have noted (the commit does this by itself; a reader
    of the trail in the same transaction calls it first). Returns how many were written."""
    rows = session.info.pop(_PENDING, None)
    session.info.pop(_OPEN_CREATES, None)
    if not rows:
        return 0
    erased = _erased(session)
    for row in rows:
        if row["client_id"] in erased or (row["record_type"] == "client" and row["record_id"] in erased):
            row["summary"], row["details"] = ERASED, (ERASED if row["details"] else None)
        elif row["details"]:
            row["details"] = json.dumps(row["details"], ensure_ascii=False, default=str)
        else:
            row["details"] = None
    session.execute(insert(AuditEntry.__table__), rows)
    return len(rows)


def _before_commit(session: Session) -> None:
    session.flush()  # what is still pending is noted (and written) with the rest
    write_pending(session)


def _transaction_ended(session: Session, transaction) -> None:
    if transaction.parent is None:  # committed, rolled back or closed: start afresh
        for key in (_PENDING, _OPEN_CREATES, _LOOKUPS, _ERASED_CLIENTS):
            session.info.pop(key, None)


def install() -> None:
    """Record every insert, update and delete of the studio's records in the trail (once per
    process, for every Session)."""
    global _installed
    if _installed:
        return
    _installed = True
    event.listen(Session, "after_flush", _note_flush)
    # Before other before_commit listeners (changes.py announces the tables a flush touched).
    event.listen(Session, "before_commit", _before_commit, insert=True)
    event.listen(Session, "after_transaction_end", _transaction_ended)


# --- entries services add ----------------------------------------------------------------------


def record(
    session: Session,
    action: str,
    summary: str,
    *,
    record_type: str | None = None,
    record_id: int | None = None,
    client_id: int | None = None,
    details: dict[str, Any] | None = None,
    person: access.Person | None = None,
) -> AuditEntry:
    """Add one entry to the trail, in this session's transaction (so it stands or falls with
    what it describes). `person` defaults to the one the session works for."""
    person = person or access.current(session)
    if action != "erase" and client_id is not None and client_id in _erased(session):
        summary, details = ERASED, None
    entry = AuditEntry(
        at=utcnow(),
        staff_id=person.staff_id,
        who=person.name[:200],
        desk=desk_name()[:120],
        action=action,
        record_type=record_type,
        record_id=record_id,
        client_id=client_id,
        summary=summary[:500],
        details=json.dumps(details, default=str, ensure_ascii=False) if details else None,
    )
    session.add(entry)
    return entry


def document_handed(session: Session, document: Document, handed: str) -> AuditEntry | None:
    """The entry for what happened to a document: printed (or in a batch) is "print", saved as
    a file or opened in the PDF viewer is "export"; previewed only adds nothing."""
    action = {"printed": "print", "batch": "print", "saved": "export", "opened": "export"}.get(handed)
    if action is None:
        return None
    how = {"printed": "Printed", "batch": "Printed in a batch", "saved": "Saved as PDF", "opened": "Opened in the PDF viewer"}
    return record(
        session,
        action,
        f"{how[handed]}: '{document.title}'{_client_ref(document.client_id)}",
        record_type="document",
        record_id=document.id,
        client_id=document.client_id,
        details={"kind": document.kind, "title": document.title, "pages": document.pages,
                 "fingerprint": document.fingerprint, "handed": handed},  # fmt: skip
    )


# --- erasure ----------------------------------------------------------------------------------------


def redact_client(session: Session, client_id: int) -> int:
    """Remove every personal detail of a client from the trail: the summary and details of each
    entry about them become "(erased)"; who did what, when, stays. Entries noted later in this
    transaction are written erased too. Returns how many entries were redacted.

    The only change the database lets anyone make to the trail (migration 0009)."""
    session.flush()
    write_pending(session)
    session.info.setdefault(_ERASED_CLIENTS, set()).add(client_id)
    table = AuditEntry.__table__
    about = or_(table.c.client_id == client_id, (table.c.record_type == "client") & (table.c.record_id == client_id))
    not_yet = or_(table.c.summary != ERASED, (table.c.details.is_not(None)) & (table.c.details != ERASED))
    result = session.execute(
        update(table)
        .where(about, table.c.action != "erase", not_yet)
        .values(summary=ERASED, details=case((table.c.details.is_(None), None), else_=ERASED))
    )
    for obj in list(session.identity_map.values()):
        if isinstance(obj, AuditEntry):
            session.expire(obj)
    return result.rowcount or 0
