"""Moving a studio onto its server: copy every record of a SQLite studio into an empty
PostgreSQL database (or any empty Upright database), then prove the copy row for row.

The copy keeps every id, so references between records, documents' fingerprints and referral
numbers stay as they were. It runs in one transaction on the target: a copy that fails or does
not verify leaves the server as empty as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Connection

from studio.errors import UprightError
from studio.models import Base

BATCH = 1000


class CopyRefused(UprightError):
    """The copy can't start (the target isn't empty, the two are the same database…)."""


class CopyMismatch(UprightError):
    """The records on the target don't match the source after copying; nothing was kept."""


@dataclass(frozen=True)
class TableCopy:
    table: str
    source_rows: int
    target_rows: int
    checksum_matches: bool

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.checksum_matches


@dataclass(frozen=True)
class CopyReport:
    tables: tuple[TableCopy, ...]

    @property
    def rows(self) -> int:
        return sum(t.target_rows for t in self.tables)

    def describe(self) -> str:
        copied = [t for t in self.tables if t.source_rows]
        lines = [f"  {t.table}: {t.target_rows} of {t.source_rows}" for t in copied]
        return f"Copied {self.rows} records in {len(copied)} tables, each checked row for row:\n" + "\n".join(lines)


def _tables():
    return [t for t in Base.metadata.sorted_tables]


def _checksum(conn: Connection, table) -> str:
    """A digest of the table's rows in id order, with values normalised so the same record on
    SQLite and PostgreSQL gives the same digest (times without zone, bytes as hex)."""
    digest = hashlib.sha256()
    key = list(table.primary_key.columns)
    columns = [c for c in table.columns]
    for row in conn.execute(select(*columns).order_by(*key)).yield_per(BATCH):
        for value in row:
            if isinstance(value, (bytes, memoryview)):
                value = bytes(value).hex()
            elif hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
                value = value.replace(tzinfo=None)
            digest.update(repr(value).encode())
            digest.update(b"\x1f")
        digest.update(b"\x1e")
    return digest.hexdigest()


def _count(conn: Connection, table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _reset_sequences(conn: Connection) -> None:
    """After inserting explicit ids on PostgreSQL, the next new record must get the next id."""
    if conn.dialect.name != "postgresql":
        return
    for table in _tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or not key[0].autoincrement:
            continue
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": key[0].name}).scalar()
        if sequence:
            conn.execute(
                text(f"SELECT setval(:s, COALESCE((SELECT max({key[0].name}) FROM {table.name}), 0) + 1, false)"),
                {"s": sequence},
            )


def copy_studio(source, target) -> CopyReport:
    """Copy the studio in `source` into `target` (both `studio.db.Database`, both migrated to
    the same revision). Refuses a target that already holds records; verifies every table by
    count and checksum before committing."""
    if source.engine.url == target.engine.url:
        raise CopyRefused("The source and the target are the same database.")
    tables = _tables()
    with source.engine.connect() as src, target.engine.begin() as dst:
        names = set(inspect(dst).get_table_names())
        missing = [t.name for t in tables if t.name not in names]
        if missing:
            raise CopyRefused(f"The target is not an Upright database at this version (no {', '.join(missing)} table).")
        busy = [t.name for t in tables if _count(dst, t)]
        if busy:
            raise CopyRefused(
                "The server's database already holds a studio (records in "
                + ", ".join(busy[:5])
                + "). Copy into a new, empty database so nothing there is overwritten."
            )
        for table in tables:
            rows = src.execute(select(table)).mappings()
            batch = []
            for row in rows:
                batch.append(dict(row))
                if len(batch) >= BATCH:
                    dst.execute(table.insert(), batch)
                    batch = []
            if batch:
                dst.execute(table.insert(), batch)
        _reset_sequences(dst)
        report = CopyReport(
            tuple(
                TableCopy(t.name, _count(src, t), _count(dst, t), _checksum(src, t) == _checksum(dst, t)) for t in tables
            )
        )
        bad = [t for t in report.tables if not t.ok]
        if bad:
            raise CopyMismatch(
                "The copy did not match the original, so nothing was kept on the server: "
                + "; ".join(f"{t.table} {t.target_rows}/{t.source_rows} rows{'' if t.checksum_matches else ', contents differ'}" for t in bad)
            )
    return report


# --- what is on a server before connecting ------------------------------------------------------


@dataclass(frozen=True)
class ServerState:
    where: str  # user@host:port/database, no password
    upright: bool  # holds Upright's tables
    revision: str | None
    clients: int

    @property
    def empty(self) -> bool:
        return not self.upright or self.clients == 0

    def describe(self) -> str:
        if not self.upright:
            return f"Connected to {self.where}. The database is empty: Upright will set it up when you connect."
        noun = "client" if self.clients == 1 else "clients"
        return f"Connected to {self.where}: an Upright studio with {self.clients} {noun}."


def server_state(url: str) -> ServerState:
    """Connect to `url` without changing anything and say what is there. Raises the same plain
    DatabaseProblem errors as opening it would."""
    from sqlalchemy.exc import DBAPIError

    from studio import db

    address = db.database_url(url)
    engine = db.make_engine(address)
    u = engine.url
    shown = f"{u.username}@{u.host or 'localhost'}:{u.port or 5432}/{u.database}"
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            upright = "client" in tables and "alembic_version" in tables
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() if upright else None
            clients = conn.execute(text("SELECT count(*) FROM client")).scalar_one() if upright else 0
    except DBAPIError as exc:
        raise db.server_problem(engine.url, exc) from exc
    finally:
        engine.dispose()
    return ServerState(shown, upright, revision, clients)
