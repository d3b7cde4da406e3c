"""Applying the Alembic migrations shipped inside the package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

MIGRATIONS = Path(__file__).with_name("migrations")
# pg_advisory_xact_lock key held while migrating a server ("Uprt" in ASCII).
MIGRATION_LOCK = 0x55707274


def alembic_config(connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, path: Path | None) -> tuple[str | None, Path | None, str | None]:
    """Bring the schema to head. Returns (revision before, pre-migration backup or None, a note
    for the person when the backup could not be made).

    An existing database is backed up before any migration: a SQLite file is copied, a server is
    dumped with pg_dump by the desk that migrates it. A database written by a newer Upright, or a
    database that isn't Upright's at all, is refused untouched.
    """
    from studio.backups import latest_backup, make_backup
    from studio.db import DatabaseProblem, DatabaseTooNew

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
