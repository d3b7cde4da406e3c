"""Engine and session factory: the local SQLite file by default, PostgreSQL by URL.

Opening a database here is the whole start-up story for the data: find the file, refuse it
clearly if it can't be used, back it up before migrating it, migrate it, hand out sessions.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from studio.errors import UprightError

APP_NAME = "Upright"
DATABASE_FILENAME = "upright.sqlite"
BUSY_TIMEOUT_MS = 5000
# Seconds a desk waits for the studio server before saying it isn't answering.
CONNECT_TIMEOUT_S = 5
POSTGRES_DRIVER = "postgresql+psycopg"


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


class DatabaseUnreachable(DatabaseProblem):
    """The studio server isn't answering (down, unreachable, or too slow): worth trying again."""


def default_database_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / DATABASE_FILENAME


def database_url(path_or_url: str | Path | None) -> str:
    """A SQLAlchemy URL from what the user gave: nothing (the default file), a path, or a URL.

    Upright speaks to a SQLite file or a PostgreSQL server (through psycopg, which it ships):
    `postgresql://` and `postgres://`, as other tools write them, mean the same server.
    """
    if path_or_url is None:
        return f"sqlite:///{default_database_path()}"
    given = str(path_or_url)
    if "://" not in given:
        return f"sqlite:///{Path(given).expanduser().resolve()}"
    try:
        url = make_url(given)
    except (ArgumentError, ValueError) as exc:
        hidden = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", given)
        raise DatabaseProblem(f"'{hidden}' is not a database address Upright understands.") from exc
    shown = url.render_as_string(hide_password=True)
    if url.drivername in ("postgres", "postgresql"):
        return url.set(drivername=POSTGRES_DRIVER).render_as_string(hide_password=False)
    try:
        url.get_dialect()
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseProblem(f"'{shown}' is not a database address Upright understands: {exc}") from exc
    if url.get_backend_name() == "postgresql" and url.drivername != POSTGRES_DRIVER:
        raise DatabaseProblem(
            f"'{shown}' asks for the {url.get_driver_name()} driver; Upright connects to PostgreSQL "
            f"with psycopg. Write the address as {POSTGRES_DRIVER}://user@host:port/database."
        )
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseProblem(
            f"'{shown}' is a {url.get_backend_name()} database; Upright works with a SQLite file "
            f"or a PostgreSQL server ({POSTGRES_DRIVER}://user@host:port/database)."
        )
    return given


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
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    connect_args: dict[str, object] = {"application_name": APP_NAME}
    if "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    # pre_ping: a desk left open overnight gets a fresh connection instead of a dead one.
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


@dataclass
class Database:
    url: str = field(repr=False)  # may hold the server password: never shown, see `where`
    engine: Engine
    session_factory: sessionmaker[Session]
    path: Path | None
    migrated_from: str | None = None
    pre_migration_backup: Path | None = None
    migration_note: str | None = None  # e.g. why a server could not be backed up before migrating

    @property
    def dialect(self) -> str:
        """"sqlite" or "postgresql"."""
        return self.engine.dialect.name

    @property
    def where(self) -> str:
        """The file, or the server address without its password: what a person may be shown."""
        return str(self.path) if self.path else self.engine.url.render_as_string(hide_password=True)

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


def _server_address(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def _server_reason(exc: BaseException, url: URL) -> str:
    """The driver's own words, one line, without the connection boilerplate or the password."""
    reason = " ".join(str(getattr(exc, "orig", None) or exc).split())
    if url.password:
        reason = reason.replace(str(url.password), "***")
    for noise in ("connection failed: ",):
        reason = reason.replace(noise, "")
    return reason.split("FATAL: ")[-1].strip()


def server_problem(url: URL, exc: BaseException) -> DatabaseProblem:
    """A failure talking to the studio server (`exc`, usually a DBAPIError from psycopg), in
    words the person at the desk can act on; never with the password."""
    where = _server_address(url)
    reason = _server_reason(exc, url)
    lowered = reason.lower()
    if f'database "{url.database}" does not exist' in reason:
        return DatabaseMissing(
            f"The studio server at {where} has no database called '{url.database}'. Check the name, "
            "or ask whoever looks after the server to create it (see the README: Studio server)."
        )
    if "password authentication failed" in lowered or "no password supplied" in lowered or (
        "role" in lowered and "does not exist" in lowered
    ) or "no pg_hba.conf entry" in lowered:
        return DatabaseUnreadable(
            f"The studio server at {where} did not accept the user name or password for "
            f"'{url.username or ''}' ({reason}). Check them with whoever looks after the server."
        )
    if "permission denied to create database" in lowered:
        return DatabaseUnreadable(
            f"The user '{url.username or ''}' may not create databases on the studio server at {where}. "
            f"Ask whoever looks after the server to create '{url.database}' for it (see the README: Studio server)."
        )
    if "permission denied" in lowered:
        return DatabaseUnreadable(
            f"The user '{url.username or ''}' may not set up Upright's tables in the database "
            f"'{url.database}' on {where} ({reason}). The database should belong to that user: "
            f"ALTER DATABASE {url.database} OWNER TO {url.username};"
        )
    if any(
        clue in lowered
        for clue in ("connection refused", "timeout", "timed out", "could not connect", "failed to resolve host",
                     "could not translate host", "no route to host", "network is unreachable",
                     "server closed the connection", "connection is lost", "terminating connection")
    ):
        return DatabaseUnreachable(
            f"The studio server at {where} isn't answering ({reason}). Check that it is running and "
            "that this computer can reach it, then try again."
        )
    return DatabaseProblem(f"Upright could not use the studio server at {where}: {reason}")


def _create_server_database(url: URL) -> None:
    """CREATE DATABASE through the server's maintenance database, for a person who asked for it."""
    maintenance = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    try:
        with maintenance.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            name = connection.dialect.identifier_preparer.quote(url.database)
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    finally:
        maintenance.dispose()


def _reach_server(engine: Engine, *, create: bool) -> None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        if create and isinstance(server_problem(engine.url, exc), DatabaseMissing):
            _create_server_database(engine.url)
        else:
            raise


def open_database(path_or_url: str | Path | None = None, *, create: bool = False) -> Database:
    """Open, check and migrate a studio database.

    `create` allows a new SQLite file, or a new database on a PostgreSQL server (the user then
    needs the right to create databases); the default file is always created on first start.
    """
    from studio import changes, schema
    from studio.backups import latest_backup

    changes.install()  # commits announce themselves to the other desks (PostgreSQL NOTIFY)

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
    server = engine.dialect.name == "postgresql"
    try:
        try:
            if server:
                _reach_server(engine, create=create)
            migrated_from, backup, note = schema.upgrade(engine, path)
        except DBAPIError as exc:
            if server:
                raise server_problem(engine.url, exc) from exc
            raise
    except BaseException:
        engine.dispose()
        raise
    factory = sessionmaker(engine, expire_on_commit=False)
    return Database(url, engine, factory, path, migrated_from, backup, note)
