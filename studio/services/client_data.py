"""A client's data requests: everything the studio holds about one client, and erasing it.

What belongs to a client is found from the schema itself, not from a list kept by hand, so a
table added later is neither left out of an export nor left behind by an erasure: starting at
the client's row, every row whose foreign key points at a row that belongs to the client
belongs to them too — except through a key declared ON DELETE SET NULL, which says "this row
outlives the one it points at" (a document keeps its client while its program link is cleared,
say). Audit entries are not linked by keys (the trail outlives rows): those naming the client
are exported with their records, and an erasure has the trail redact them.

On SQLite an erasure also makes sure the deleted text is gone from the file, not only from the
tables: `secure_delete` overwrites what is deleted with zeros, and once the erasure is committed
the write-ahead log (which still holds the pages as they were) is checkpointed and truncated.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, delete, event, or_, select, text, update
from sqlalchemy.orm import Session

from studio import audit, changes, files
from studio.access import guarded
from studio.errors import NotFound
from studio.models import AuditEntry, Base, Client
from studio.services import records

log = logging.getLogger(__name__)

FORMAT = "upright-client-data"
FORMAT_VERSION = 1
_CHUNK = 500  # ids per IN (…): well inside every backend's limit on parameters


# --- what belongs to a client --------------------------------------------------------------


def _owning(fk) -> bool:
    """Whether a row with this foreign key belongs to the row it points at."""
    return (fk.ondelete or "").upper() not in ("SET NULL", "SET DEFAULT")


def owned_tables(metadata=Base.metadata) -> list[str]:
    """The tables that can hold rows belonging to a client, parents before children."""
    reached = {Client.__table__.name}
    grew = True
    while grew:
        grew = False
        for table in metadata.sorted_tables:
            if table.name in reached:
                continue
            if any(_owning(fk) and fk.column.table.name in reached for fk in table.foreign_keys):
                reached.add(table.name)
                grew = True
    return [t.name for t in metadata.sorted_tables if t.name in reached]


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _key(table: Table, row) -> tuple:
    return tuple(row[c.name] for c in table.primary_key.columns)


def _walk(session: Session, client_id: int) -> dict[str, dict[tuple, dict[str, Any]]]:
    """Every row belonging to the client: table name → primary key → the row (column → value).
    Every table that could hold such rows is present, empty or not."""
    metadata = Base.metadata
    names = owned_tables(metadata)
    tables = [metadata.tables[name] for name in names]
    found: dict[str, dict[tuple, dict[str, Any]]] = {name: {} for name in names}
    client = metadata.tables[Client.__table__.name]
    for row in session.execute(select(client).where(client.c.id == client_id)).mappings():
        found[client.name][_key(client, row)] = dict(row)
    if not found[client.name]:
        raise NotFound(f"Client {client_id} is not in this studio's records (erased, or never registered).")
    # Rows reach the client along several paths (a session log through its client and through
    # its program): go round until a pass finds nothing new.
    grew = True
    while grew:
        grew = False
        for table in tables:
            if table is client:
                continue
            for fk in table.foreign_keys:
                parent = fk.column.table.name
                if not _owning(fk) or parent not in found:
                    continue
                values = sorted({row[fk.column.name] for row in found[parent].values()} - {None})
                for chunk in _chunks(values):
                    for row in session.execute(select(table).where(fk.parent.in_(chunk))).mappings():
                        key = _key(table, row)
                        if key not in found[table.name]:
                            found[table.name][key] = dict(row)
                            grew = True
    return found


def _audit_rows(session: Session, client_id: int) -> list[dict[str, Any]]:
    table = AuditEntry.__table__
    about = or_(table.c.client_id == client_id, (table.c.record_type == "client") & (table.c.record_id == client_id))
    return [dict(row) for row in session.execute(select(table).where(about).order_by(table.c.id)).mappings()]


def json_safe(value: Any) -> Any:
    """A column value as JSON can hold it: dates and times in ISO 8601, bytes in base64."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def _rows_json(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{name: json_safe(value) for name, value in row.items()} for row in rows]


@guarded("client_data")
def records_of(session: Session, client_id: int) -> dict[str, Any]:
    """Everything the studio holds about the client, ready for `json.dumps`: `tables` (table
    name → its rows belonging to the client, each row column → value, in key order; every table
    that could hold such rows is named, empty or not) and `audit_trail` (the entries about them)."""
    found = _walk(session, client_id)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "client_id": client_id,
        "tables": {name: _rows_json(rows[key] for key in sorted(rows)) for name, rows in found.items()},
        "audit_trail": _rows_json(_audit_rows(session, client_id)),
    }


# --- erasing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing a client would remove: how many rows of each table, and their name."""

    client_id: int
    client_name: str
    version: int  # the client's, for erase(expected_version=…): refused if saved elsewhere since
    counts: dict[str, int]
    audit_entries: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class ErasureResult:
    client_id: int
    counts: dict[str, int]  # table → rows deleted (every owned table, zeros too)
    audit_entries_redacted: int | None  # what the audit trail reported, None when it didn't say
    viewer_copies_removed: int
    viewer_copies_left: int  # open in a PDF viewer (Windows): removed at Upright's next start
    erased_at: datetime = field(compare=False, default=None)  # type: ignore[assignment]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# Words for the tables a person would recognise; any other table is named as it is.
KIND_WORDS = {
    "client": ("client record", "client records"),
    "client_search_term": ("search word", "search words"),
    "assessment": ("assessment", "assessments"),
    "medical_clearance": ("medical clearance", "medical clearances"),
    "referral": ("referral", "referrals"),
    "program": ("program", "programs"),
    "program_item": ("program exercise", "program exercises"),
    "program_change": ("program history entry", "program history entries"),
    "session_log": ("logged session", "logged sessions"),
    "session_log_entry": ("logged exercise", "logged exercises"),
    "document": ("document record", "document records"),
}


def describe_counts(counts: dict[str, int]) -> list[str]:
    """"3 assessments", "1 program", … for the tables with rows: the kinds a person knows first,
    in the order above, then any other table by its name."""
    out = []
    order = {table: place for place, table in enumerate(KIND_WORDS)}
    for table, n in sorted(counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0])):
        if n:
            one, many = KIND_WORDS.get(table, (table.replace("_", " ") + " row", table.replace("_", " ") + " rows"))
            out.append(f"{n} {one if n == 1 else many}")
    return out


@guarded("client_data")
def erasure_plan(session: Session, client_id: int) -> ErasurePlan:
    """What `erase` would remove, for the confirmation (changes nothing)."""
    found = _walk(session, client_id)
    [client] = found[Client.__table__.name].values()
    name = " ".join(part for part in (client["first_name"], client["last_name"]) if part)
    return ErasurePlan(
        client_id=client_id,
        client_name=name,
        version=client["version"],
        counts={table: len(rows) for table, rows in found.items()},
        audit_entries=len(_audit_rows(session, client_id)),
    )


def _claim(session: Session, client_id: int, expected_version: int | None) -> None:
    """Hold the client's row for this unit of work (another desk can't add to them meanwhile),
    and refuse when it was saved elsewhere after `expected_version` was read."""
    table = Client.__table__
    if session.get_bind().dialect.name == "sqlite":
        # Takes SQLite's write lock now, before anything is read (see records._claim).
        keep = {name: table.c[name] for name in ("version", "updated_at", "changed_by")}
        session.execute(update(table).where(table.c.id == client_id).values(**keep))
        obj = session.get(Client, client_id, populate_existing=True)
    else:
        obj = session.get(Client, client_id, with_for_update=True, populate_existing=True)
    if obj is None:
        raise NotFound(f"Client {client_id} is not in this studio's records (erased already at another desk?).")
    if expected_version is not None and obj.version != expected_version:
        raise records.stale_edit(obj, "client")


def _forget_erased(session: Session, found: dict[str, dict[tuple, dict[str, Any]]]) -> None:
    """Objects of erased rows must not linger in the session (a later flush would try to save them)."""
    for obj in list(session.identity_map.values()):
        table = getattr(type(obj), "__table__", None)
        if table is None or table.name not in found:
            continue
        key = tuple(getattr(obj, c.key) for c in table.primary_key.columns)
        if key in found[table.name] and obj in session:  # (expunging a client takes its search terms along)
            session.expunge(obj)


def _checkpoint_after_commit(session: Session) -> None:
    """Once the erasure is committed, SQLite's write-ahead log still holds the pages as they
    were before: copy the new ones into the file and empty the log."""
    engine = session.get_bind()
    if engine.dialect.name != "sqlite":
        return

    def checkpoint(_session) -> None:
        try:
            with engine.connect() as connection:
                busy, _log, _copied = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
            if busy:
                log.warning("the erasure's write-ahead log could not be emptied yet (another connection is reading)")
        except Exception:  # noqa: BLE001 - the erasure stands; SQLite checkpoints by itself later
            log.warning("could not checkpoint after an erasure", exc_info=True)

    event.listen(session, "after_commit", checkpoint, once=True)


@guarded("client_data")
def erase(session: Session, client_id: int, *, expected_version: int | None = None) -> ErasureResult:
    """Delete every row belonging to the client (children first), have the audit trail redact
    their personal details, add an "erase" entry that says only that client number N was erased
    and how many rows of each kind, and remove the copies of their documents Upright made for
    the PDF viewer on this computer. The caller commits."""
    session.flush()
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        # Deleted cells and freed pages are overwritten with zeros, so no name stays in the file.
        session.execute(text("PRAGMA secure_delete = ON"))
    _claim(session, client_id, expected_version)
    found = _walk(session, client_id)
    _forget_erased(session, found)
    metadata = Base.metadata
    for name in reversed(owned_tables(metadata)):  # children first
        table = metadata.tables[name]
        keys = sorted(found[name])
        columns = list(table.primary_key.columns)
        for chunk in _chunks(keys):
            if len(columns) == 1:
                condition = columns[0].in_([key[0] for key in chunk])
            else:
                condition = or_(*(_row_is(columns, key) for key in chunk))
            session.execute(delete(table).where(condition))
    changes.mark_changed(session, found)
    redacted = audit.redact_client(session, client_id)
    counts = {name: len(rows) for name, rows in found.items()}
    removed, left = files.remove_viewer_copies_of(client_id)
    entry = audit.record(
        session,
        "erase",
        f"Erased client {client_id}: {sum(counts.values())} records removed at the client's request",
        record_type="client",
        record_id=client_id,
        client_id=client_id,
        details={"counts": {k: v for k, v in counts.items() if v}, "viewer_copies_removed": removed},
    )
    session.flush()
    _checkpoint_after_commit(session)
    return ErasureResult(
        client_id=client_id,
        counts=counts,
        audit_entries_redacted=redacted if isinstance(redacted, int) else None,
        viewer_copies_removed=removed,
        viewer_copies_left=left,
        erased_at=entry.at,
    )


def _row_is(columns, key: tuple):
    from sqlalchemy import and_

    return and_(*(column == value for column, value in zip(columns, key, strict=True)))
