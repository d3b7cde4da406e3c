"""Engine and session factory: the local SQLite file by default, PostgreSQL by URL.

Opening a database here is the whole start-up story for the data: find the file, refuse it
clearly if it can't be used, back it up before migrating it, migrate it, hand out sessions.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from studio.errors import UprightError

APP_NAME = "Upright"
DATABASE_FILENAME = "upright.sqlite"
BUSY_TIMEOUT_MS = 5000


class DatabaseProblem(UprightError):
    """The database can't be opened as it is; `latest_backup` is offered where one exists."""

    def __init__(self, message: str, *, path: Path | None = None, latest_backup: Path | None = None):
        self.path = path
        self.latest_backup = latest_backup
        if latest_backup is not None:
            message += f"\n\nThe latest backup is {latest_backup}."
        super().__init__(message)


class DatabaseMissing(DatabaseProblem):
    pass


class DatabaseUnreadable(DatabaseProblem):
    """Corrupt, not a database, locked, or unreadable by this user."""


class DatabaseTooNew(DatabaseProblem):
    pass


def default_database_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / DATABASE_FILENAME


def database_url(path_or_url: str | Path | None) -> str:
    """A SQLAlchemy URL from what the user gave: nothing (the default file), a path, or a URL."""
    if path_or_url is None:
        return f"sqlite:///{default_database_path()}"
    text = str(path_or_url)
    if "://" in text:
        try:
            make_url(text).get_dialect()
        except (ArgumentError, NoSuchModuleError) as exc:
            raise DatabaseProblem(f"'{text}' is not a database address Upright understands: {exc}") from exc
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL; None for in-memory databases and servers."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL, not NORMAL: a desk commits a few times a minute, so the extra fsync costs nothing a
    # person notices, and a power cut must never take back a save the screen confirmed.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def make_engine(url: str) -> Engine:
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


@dataclass
class Database:
    url: str
    engine: Engine
    session_factory: sessionmaker[Session]
    path: Path | None
    migrated_from: str | None = None
    pre_migration_backup: Path | None = None

    def close(self) -> None:
        self.engine.dispose()


def _probe_sqlite_file(path: Path) -> None:
    """Refuse early, in plain words, a file that isn't a usable SQLite database."""
    from studio.backups import latest_backup

    try:
        with closing(sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)) as raw:
            raw.execute("PRAGMA schema_version").fetchone()
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            reason = (
                f"The studio database {path} is locked by another program and stayed locked for "
                f"{BUSY_TIMEOUT_MS // 1000} seconds. Close other copies of Upright or backup tools, then try again."
            )
        else:
            reason = f"The studio database {path} can't be opened for writing ({exc}). Check that the file and its folder are writable."
        raise DatabaseUnreadable(reason, path=path, latest_backup=latest_backup(path)) from exc
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnreadable(
            f"The file {path} is damaged or is not an Upright database ({exc}). It has not been changed.",
            path=path,
            latest_backup=latest_backup(path),
        ) from exc


def open_database(path_or_url: str | Path | None = None, *, create: bool = False) -> Database:
    """Open, check and migrate a studio database.

    `create` allows a new SQLite file; the default file is always created on first start.
    """
    from studio import schema
    from studio.backups import latest_backup

    url = database_url(path_or_url)
    path = sqlite_path(url)
    if path is not None:
        if not path.exists():
            if not (create or path_or_url is None):
                raise DatabaseMissing(
                    f"There is no studio database at {path}.", path=path, latest_backup=latest_backup(path)
                )
            path.parent.mkdir(parents=True, exist_ok=True)
        else:
            _probe_sqlite_file(path)
    engine = make_engine(url)
    try:
        migrated_from, backup = schema.upgrade(engine, path)
    except BaseException:
        engine.dispose()
        raise
    factory = sessionmaker(engine, expire_on_commit=False)
    return Database(url, engine, factory, path, migrated_from, backup)
