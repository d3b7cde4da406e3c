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
                     "server closed the connection", "connection is lost", "terminating connection",
                     "not currently accepting connections", "the database system is starting up",
                     "the database system is shutting down")
    ):
        return DatabaseUnreachable(
            f"The studio server at {where} isn't answering ({reason}). Check that it is running and "
            "that this computer can reach it, then try again."
        )
    return DatabaseProblem(f"Upright could not use the studio server at {where}: {reason}")


# --- a step that failed for reasons outside Upright ------------------------------------------
#
# While the window is open the studio server can go away (restarted, network down) and a
# studio file can stay locked by another program, fill its disk, turn read-only or vanish with
# its drive. The step then fails as a whole — its transaction is rolled back, so nothing of it
# is half-written — and `database_failure` says so in words, to the person at the desk.


class ConnectionLost(DatabaseUnreachable):
    """The studio server stopped answering, or the studio file stayed locked by another program.
    Nothing of the step was saved; the same step will work once it is back. `where` is the
    server's HOST:PORT or the file; `locked` tells which of the two it is."""

    def __init__(self, message: str, *, where: str, locked: bool = False):
        self.where = where
        self.locked = locked
        super().__init__(message)


class DatabaseNotWritable(DatabaseProblem):
    """The studio file can't be written: its disk is full, it is read-only, or the disk failed
    (or was removed). Nothing of the step was written."""


# Words PostgreSQL and psycopg use when the server is going, gone or not letting anyone in,
# beyond those server_problem already reads as "isn't answering".
_SERVER_AWAY = (
    "not currently accepting connections", "the database system is starting up", "the database system is shutting down",
    "the database system is in recovery mode", "the connection is closed", "ssl connection has been closed",
    "broken pipe", "connection reset", "server closed the connection", "terminating connection",
)  # fmt: skip
_KEPT = "Nothing from this step was saved, and what you typed is still on screen"


def _driver_error(exc: BaseException) -> BaseException:
    return getattr(exc, "orig", None) or exc


def database_failure(url: URL | str, exc: BaseException) -> UprightError | None:
    """What a failed database call means, in plain words: ConnectionLost (server away, file
    locked: try again later), DatabaseNotWritable (disk full, read-only, I/O error), or the
    server's own refusals (server_problem). None when the failure is of another kind (a bug, a
    constraint), which the caller reports as it already does."""
    if isinstance(exc, UprightError):
        return None
    url = make_url(url)
    orig = _driver_error(exc)
    if url.get_backend_name() == "sqlite":
        return _sqlite_failure(sqlite_path(url.render_as_string(hide_password=False)), orig)
    if url.get_backend_name() == "postgresql":
        return _server_failure(url, exc, orig)
    return None


def _server_failure(url: URL, exc: BaseException, orig: BaseException) -> UprightError | None:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg ships with Upright
        return None
    invalidated = bool(getattr(exc, "connection_invalidated", False))
    if not (invalidated or isinstance(orig, (psycopg.OperationalError, psycopg.InterfaceError))):
        return None
    sqlstate = getattr(orig, "sqlstate", None) or ""
    # A cancelled statement, a deadlock or a serialization failure is the server answering.
    if sqlstate and not (sqlstate.startswith("08") or sqlstate.startswith("57P") or invalidated):
        return None
    problem = server_problem(url, exc)
    if isinstance(problem, (DatabaseMissing, DatabaseUnreadable)):
        return problem  # it answered, and refused: a wrong password, a dropped database
    reason = _server_reason(exc, url)
    if not (invalidated or sqlstate or isinstance(problem, DatabaseUnreachable) or any(c in reason.lower() for c in _SERVER_AWAY)):
        return problem
    first = reason.split(" This probably means")[0].strip().rstrip(".")
    where = _server_address(url)
    return ConnectionLost(
        f"The studio server at {where} isn't answering ({first}). {_KEPT}: save again once the server is back.",
        where=where,
    )


def _sqlite_failure(path: Path | None, orig: BaseException) -> UprightError | None:
    if not isinstance(orig, sqlite3.Error):
        return None
    name = getattr(orig, "sqlite_errorname", "") or ""
    said = str(orig).lower()
    shown = str(path) if path else "the studio database"
    folder = str(path.parent) if path else "its folder"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or (not name and "database is locked" in said):
        return ConnectionLost(
            f"The studio database {shown} is locked by another program and stayed locked for "
            f"{BUSY_TIMEOUT_MS // 1000} seconds (another Upright on this file, a backup or a file-sync tool). "
            f"{_KEPT}: save again once it is free.",
            where=shown,
            locked=True,
        )
    if name == "SQLITE_FULL" or (not name and "disk is full" in said):
        return DatabaseNotWritable(
            f"The disk that holds the studio database is full, so this change could not be saved. "
            f"Nothing of it was written — the studio database is exactly as it was before — and what you "
            f"typed is still on screen. Free some space on that disk ({folder}), then save again.",
            path=path,
        )
    if name.startswith("SQLITE_READONLY") or (not name and "readonly database" in said):
        return DatabaseNotWritable(
            f"The studio database {shown} can't be written to: the file or its folder is read-only for "
            f"this user, or the disk is write-protected. Nothing of this change was written, and what you "
            f"typed is still on screen. Check that you may write to the file and to its folder (Upright "
            f"writes the -wal and -shm files beside it), then save again.",
            path=path,
        )
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or (not name and ("disk i/o error" in said or "unable to open" in said)):
        return DatabaseNotWritable(
            f"The computer could not read or write the studio database {shown} ({orig}). Nothing of this "
            f"step was written, and what you typed is still on screen. If the file is on a USB stick, an "
            f"external disk or a network share, check that it is still connected, then try again. If this "
            f"keeps happening the disk may be failing: keep a copy of the latest backup somewhere else.",
            path=path,
        )
    return None


def check_answering(session: Session) -> None:
    """Raise, as a save would, unless the studio database can be used again: the server
    answers, or (SQLite) the file's write lock can be taken — without writing anything."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        connection.execute(text("SELECT 1"))
        return
    # BEGIN IMMEDIATE takes the lock a save needs; a short busy timeout, so a file still locked
    # doesn't hold the database worker for the full five seconds at every try.
    connection.exec_driver_sql("PRAGMA busy_timeout=250")
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


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
    from studio import audit, changes, schema
    from studio.backups import latest_backup

    changes.install()  # commits announce themselves to the other desks (PostgreSQL NOTIFY)
    audit.install()  # every change to a record goes into the audit trail

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
