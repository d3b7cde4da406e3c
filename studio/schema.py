"""Applying the Alembic migrations shipped inside the package.

Alembic (with Mako and Pygments under it, about 18 MB) is imported only when there is
something to migrate or to check: opening a database whose schema is already at the head
reads the stored revision and the migration files' own `revision =` lines instead.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# pg_advisory_xact_lock key held while migrating a server ("Uprt" in ASCII).
MIGRATION_LOCK = 0x55707274

_REVISION = re.compile(r"""^revision\s*(?::\s*str\s*)?=\s*['"]([^'"]+)['"]\s*$""", re.MULTILINE)
_DOWN_REVISION = re.compile(
    r"""^down_revision\s*(?::[^=\n]+)?=\s*(?:None|['"]([^'"]+)['"])\s*$""", re.MULTILINE
)


def alembic_config(connection=None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _head_from_files() -> str | None:
    """The head revision as the migration files name it, without Alembic: the one revision no
    other file goes down to. None whenever the files are not that plain (no single head, a
    merge, a revision or down_revision written another way): then Alembic decides."""
    revisions: set[str] = set()
    below: set[str] = set()
    for file in sorted((MIGRATIONS / "versions").glob("*.py")):
        if file.name.startswith("__"):
            continue
        source = file.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(source), _DOWN_REVISION.findall(source)
        if len(revision) != 1 or len(down) != 1 or revision[0] in revisions:
            return None
        revisions.add(revision[0])
        if down[0]:
            below.add(down[0])
    heads = revisions - below
    return heads.pop() if len(heads) == 1 and below <= revisions else None


def _stored_revision(connection) -> str | None:
    """The revision in alembic_version, without Alembic; None when there is none, or several
    (a branched history: Alembic's to read)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def upgrade(engine: Engine, path: Path | None) -> tuple[str | None, Path | None, str | None]:
    """Bring the schema to head. Returns (revision before, pre-migration backup or None, a note
    for the person when the backup could not be made).

    An existing database is backed up before any migration: a SQLite file is copied, a server is
    dumped with pg_dump by the desk that migrates it. A database written by a newer Upright, or a
    database that isn't Upright's at all, is refused untouched.
    """
    from studio.backups import latest_backup, make_backup
    from studio.db import DatabaseProblem, DatabaseTooNew

    known_head = _head_from_files()
    if known_head is not None:
        with engine.connect() as connection:
            stored = _stored_revision(connection)
        if stored == known_head:
            return stored, None, None  # the usual start: nothing to migrate, Alembic not needed

    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    with engine.connect() as connection:
        current = current_revision(connection)
        tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
    if current == head:
        return current, None, None
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise DatabaseTooNew(
            "This studio database was written by a newer version of Upright "
            f"(schema {current}). Install the newer Upright to open it; nothing has been changed.",
            path=path,
            latest_backup=latest_backup(path) if path else None,
        )
    if current is None and tables:
        raise DatabaseProblem(
            "This database already holds tables that are not Upright's; Upright will not change it. "
            "Choose another file.",
            path=path,
        )
    reason = f"before-upgrade-{head}"
    backup = make_backup(path, reason=reason) if (current and path) else None
    note = None
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several desks may start at once against one server: one migrates, the others wait
            # for it (the lock ends with this transaction) and then find nothing left to do.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            if current_revision(connection) == head:
                return current, None, None
            if current:
                backup, note = _server_backup(engine, reason)
        command.upgrade(alembic_config(connection), "head")
    return current, backup, note


def _server_backup(engine: Engine, reason: str) -> tuple[Path | None, str | None]:
    """The server's pre-migration dump, made by the desk holding the migration lock. Without
    pg_dump on this desk the migration still runs (PostgreSQL migrates in one transaction, so a
    failure changes nothing) and the person is told how to get the tool."""
    from studio.backups import ToolMissing, make_backup

    try:
        return make_backup(engine.url.render_as_string(hide_password=False), reason=reason), None
    except ToolMissing as exc:
        return None, f"No backup was made before the upgrade: {exc}"
