"""Noticing that another desk changed the studio, so open lists can refresh.

PostgreSQL: every commit that changed records sends `NOTIFY upright_changes` with the names of
the tables it touched; a watcher LISTENs on its own connection. SQLite: `PRAGMA data_version`
on a connection of the watcher's own changes whenever any other connection (another window,
another program on this computer) commits.

`watcher(database).poll()` is cheap and never blocks: call it every second or two from the
database worker; it returns the set of changed table names (SQLite can't say which, and
answers {"*"}), or an empty set.
"""

from __future__ import annotations

import json
import logging
import uuid

from sqlalchemy import event, text
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CHANNEL = "upright_changes"
EVERYTHING = "*"
MAYBE = "?"  # something changed, perhaps only this desk's own save: refresh lists, not forms
ORIGIN = uuid.uuid4().hex  # this process: its own commits are not news to it
_installed = False
_own_commits = 0  # commits this process made that changed records


def _tables_of(session: Session) -> set[str]:
    touched = session.info.setdefault("upright_changed_tables", set())
    return touched


def mark_changed(session: Session, tables) -> None:
    """Announce tables changed with SQL statements rather than ORM objects (which the flush
    hook below can't see) when this session commits."""
    _tables_of(session).update(tables)


def install() -> None:
    """Make every Session announce its commits on PostgreSQL (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True

    @event.listens_for(Session, "after_flush")
    def _remember(session, _context) -> None:
        touched = _tables_of(session)
        for obj in (*session.new, *session.dirty, *session.deleted):
            table = getattr(getattr(obj, "__table__", None), "name", None)
            if table:
                touched.add(table)

    @event.listens_for(Session, "before_commit")
    def _announce(session) -> None:
        global _own_commits
        touched = session.info.pop("upright_changed_tables", None)
        if not touched:
            return
        _own_commits += 1
        bind = session.get_bind()
        if bind.dialect.name != "postgresql":
            return
        payload = json.dumps({"from": ORIGIN, "tables": sorted(touched)})[:7900]  # NOTIFY stops at 8000 bytes
        session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})

    @event.listens_for(Session, "after_rollback")
    def _forget(session) -> None:
        session.info.pop("upright_changed_tables", None)


class SqliteWatcher:
    """SQLite can't say who committed: a change seen while this process also committed may be
    only this desk's own, and is reported as MAYBE (lists refresh; open forms don't reload)."""

    def __init__(self, engine):
        self.connection = engine.raw_connection()
        self.version = self._read()
        self.own = _own_commits

    def _read(self) -> int:
        cursor = self.connection.cursor()
        try:
            cursor.execute("PRAGMA data_version")
            return cursor.fetchone()[0]
        finally:
            cursor.close()

    def poll(self) -> set[str]:
        now, own = self._read(), _own_commits
        if now == self.version:
            return set()
        self.version = now
        if own != self.own:
            self.own = own
            return {MAYBE}
        return {EVERYTHING}

    def close(self) -> None:
        self.connection.close()


class PostgresWatcher:
    def __init__(self, engine):
        import psycopg

        url = engine.url
        self.connection = psycopg.connect(
            host=url.host, port=url.port, dbname=url.database, user=url.username, password=url.password,
            autocommit=True, connect_timeout=5, application_name="Upright (changes)",
        )  # fmt: skip
        self.connection.execute(f"LISTEN {CHANNEL}")

    def poll(self) -> set[str]:
        changed: set[str] = set()
        for note in self.connection.notifies(timeout=0, stop_after=None):
            try:
                said = json.loads(note.payload)
            except ValueError:
                changed.add(EVERYTHING)
                continue
            if said.get("from") != ORIGIN:
                changed.update(said.get("tables") or (EVERYTHING,))
        return changed

    def close(self) -> None:
        self.connection.close()


def watcher(database):
    """A watcher for `database` (a studio.db.Database)."""
    install()
    if database.engine.dialect.name == "postgresql":
        return PostgresWatcher(database.engine)
    return SqliteWatcher(database.engine)
