"""Backups you can trust: written, verified, fingerprinted, listed, pruned and restored.

A SQLite studio is copied with SQLite's own backup API (a plain copy of a live WAL database can
miss committed pages); a PostgreSQL studio with `pg_dump -Fc`. Every backup is verified after it
is written — a SQLite copy is opened read-only, passes `PRAGMA integrity_check`, has its schema
revision read and every table's records counted, and the counts must equal the source's at the
moment of the copy; a dump must list cleanly with `pg_restore --list` — and only then gets its
name. Beside it goes a small manifest, `<backup>.json`: when, what kind, the schema revision,
the size, the records per table and the SHA-256 of the file. A backup damaged later (a flipped
byte, a truncated file, an edited checksum) no longer matches its manifest and is refused before
anything is touched: a restore never goes ahead on a backup that fails its checks.

Kinds and how long they are kept:

- ``daily``: made by `daily()` at most once a day (the window calls it when the studio opens);
  daily backups older than the retention (14 days unless the desk chose otherwise) are removed,
  but only once today's backup is safely written.
- ``manual`` (Back up now, `upright-admin backup`), ``before-upgrade`` (before every schema
  migration) and ``before-restore`` (the safety copy every restore makes first): kept until a
  person removes them. They are few, and each marks a moment someone may want to go back to.

Writing never leaves half a file behind: everything is written to a temporary file in the target
folder and renamed into place with `os.replace` once it is complete and checked. A restore checks
the backup, makes a verified safety copy of the current data, copies the backup beside the
database, checks the copy against the backup's fingerprint, folds the old file's write-ahead log
in (and refuses while another program still has the file open), then swaps the copy in.
"""

from __future__ import annotations

import errno
import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from studio.errors import UprightError

BACKUP_SUFFIX = ".sqlite"
DUMP_SUFFIX = ".dump"
MANIFEST_SUFFIX = ".json"
MANIFEST_FORMAT = 1
DEFAULT_KEEP_DAYS = 14
DAILY_LOCK = ".daily.lock"
STAMP_FORMAT = "%Y%m%d-%H%M%S"

DAILY, MANUAL, BEFORE_UPGRADE, BEFORE_RESTORE, OTHER = "daily", "manual", "before-upgrade", "before-restore", "other"
KIND_LABELS = {
    DAILY: "daily",
    MANUAL: "manual",
    BEFORE_UPGRADE: "before migration",
    BEFORE_RESTORE: "before restore",
    OTHER: "other",
}

SQLITE_MAGIC = b"SQLite format 3\x00"
DUMP_MAGIC = b"PGDMP"
_NAME = re.compile(r"-(?P<stamp>\d{8}-\d{6})-(?P<reason>[A-Za-z][A-Za-z0-9-]*)\.(?:sqlite|dump)$")
_CHUNK = 1 << 20

GET_PG_TOOLS = (
    "install the PostgreSQL client tools: apt install postgresql-client (Debian, Ubuntu), "
    "the EDB installer on Windows (https://www.postgresql.org/download/windows/), "
    "or brew install libpq on macOS"
)


class BackupProblem(UprightError):
    pass


class ToolMissing(BackupProblem):
    """pg_dump or pg_restore isn't installed on this computer."""


@dataclass(frozen=True)
class BackupInfo:
    """What a deep check of a SQLite file found."""

    path: Path
    schema_revision: str | None
    counts: dict[str, int]


@dataclass(frozen=True)
class Backup:
    """One backup as the Backups page shows it; `problem` says why it can't be restored."""

    path: Path
    kind: str
    created: datetime
    size: int
    revision: str | None = None
    counts: Mapping[str, int] = field(default_factory=dict)
    sha256: str | None = None
    fingerprinted: bool = False  # it has a manifest, so any later change is caught
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def summary(self) -> str:
        """'30 clients, 86 assessments': the records a person recognises a backup by."""
        if not self.counts:
            return ""
        parts = [
            f"{self.counts[table]} {word if self.counts[table] == 1 else word + 's'}"
            for table, word in (("client", "client"), ("assessment", "assessment"))
            if table in self.counts
        ]
        return ", ".join(parts) or f"{sum(self.counts.values())} records"


@dataclass(frozen=True)
class DailyResult:
    made: Path | None  # None when today's backup was already there
    pruned: tuple[Path, ...] = ()
    kept_days: int = DEFAULT_KEEP_DAYS


# --- where a database is and where its backups go ------------------------------------------


@dataclass(frozen=True)
class _Source:
    path: Path | None  # a SQLite file …
    url: str | None  # … or a PostgreSQL server (the URL may hold the password: never shown)

    @property
    def server(self) -> bool:
        return self.url is not None

    def shown(self) -> str:
        if self.path is not None:
            return str(self.path)
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)


def _source(database: Path | str) -> _Source:
    if isinstance(database, Path) or "://" not in str(database):
        return _Source(Path(database), None)
    from sqlalchemy.engine import make_url

    from studio.db import database_url, sqlite_path

    url = database_url(str(database))
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is None:
            raise BackupProblem("An in-memory database has nothing on disk to back up.")
        return _Source(path, None)
    if backend == "postgresql":
        return _Source(None, url)
    raise BackupProblem(f"Upright backs up SQLite files and PostgreSQL servers, not {backend} databases.")


def backups_dir(database: Path | str) -> Path:
    """`backups/` beside a SQLite file; for a server, `backups/` in this desk's Upright folder."""
    source = _source(database)
    if source.path is not None:
        return source.path.parent / "backups"
    from studio.db import default_database_path

    return default_database_path().parent / "backups"


def _prefix(source: _Source) -> str:
    """How this database's backups are named: the file's stem, or database@host for a server."""
    if source.path is not None:
        return source.path.stem
    from sqlalchemy.engine import make_url

    url = make_url(source.url)
    host = url.host or url.query.get("host") or "localhost"
    label = f"{url.database}@{host}" + (f"_{url.port}" if url.port and url.port != 5432 else "")
    return re.sub(r"[^A-Za-z0-9_.@-]+", "_", label)


def _new_backup_path(folder: Path, source: _Source, reason: str, when: datetime) -> Path:
    suffix = DUMP_SUFFIX if source.server else BACKUP_SUFFIX
    stem = f"{_prefix(source)}-{when.strftime(STAMP_FORMAT)}-{reason}"
    candidate, n = folder / f"{stem}{suffix}", 2
    while candidate.exists():
        candidate = folder / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def _kind_of(reason: str) -> str:
    for kind in (DAILY, MANUAL, BEFORE_RESTORE, BEFORE_UPGRADE):
        if reason == kind or reason.startswith(kind + "-"):
            return kind
    return OTHER


# --- plain words for what the disk said ----------------------------------------------------


def _disk_words(exc: BaseException) -> str:
    """'the disk is full', 'the folder is read-only …', or the system's own words."""
    number = getattr(exc, "errno", None)
    text = str(exc).lower()
    if number in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)) or "disk is full" in text or "no space" in text:
        return "the disk is full"
    if (
        number in (errno.EACCES, errno.EPERM, errno.EROFS)
        or "readonly" in text
        or "read-only" in text
        or ("unable to open" in text)
    ):
        return "the folder is read-only, or this user may not write there"
    return getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__


def _cannot_write(what: str, folder: Path, exc: BaseException, after: str = "Nothing was written.") -> BackupProblem:
    advice = (
        "Free some space, then try again."
        if "full" in _disk_words(exc)
        else "Choose a folder you can write to, or check its permissions."
    )
    return BackupProblem(f"{what} could not be written in {folder}: {_disk_words(exc)}. {after} {advice}")


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to sync."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def _temporary(folder: Path, name: str, suffix: str, after: str = "Nothing was written.") -> Iterator[Path]:
    """An empty file beside where `name` will go; removed unless it was renamed into place."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=suffix, dir=folder)
        os.close(fd)
    except OSError as exc:
        raise _cannot_write(name, folder, exc, after) from exc
    temp = Path(temp)
    try:
        yield temp
    finally:
        for leftover in (temp, temp.with_name(temp.name + "-journal")):
            try:
                leftover.unlink(missing_ok=True)
            except OSError:
                pass


def _write_file(path: Path, data: bytes) -> None:
    """All of `data` on disk, or an OSError (os.write, so a full disk shows up here)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _magic(path: Path) -> bytes:
    with open(path, "rb") as stream:
        return stream.read(16)


# --- SQLite files --------------------------------------------------------------------------


def _table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables if t != "alembic_version"}


def inspect(path: Path) -> BackupInfo:
    """Check a SQLite database file end to end; BackupProblem says what is wrong with it."""
    path = Path(path)
    if not path.is_file():
        raise BackupProblem(f"There is no file at {path}.")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                problems = "; ".join(str(row[0]) for row in result[:3])
                raise BackupProblem(f"{path.name} failed its integrity check: {problems}")
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in tables:
                raise BackupProblem(f"{path.name} is not an Upright database (it has no schema version).")
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            counts = _table_counts(conn)
    except sqlite3.DatabaseError as exc:
        raise BackupProblem(f"{path.name} is damaged or not a database: {exc}") from exc
    return BackupInfo(path, revision[0] if revision else None, counts)


def _copy_pages(source: sqlite3.Connection, target: Path) -> None:
    """The backup API into `target`, left as a plain rollback-journal file: a WAL-mode copy
    would grow -wal/-shm files beside it whenever it is merely read."""
    with closing(sqlite3.connect(target)) as dst:
        source.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")


def _open_source(db_path: Path) -> sqlite3.Connection:
    """Read-write where allowed, though only read: a read-only connection can't tidy away the
    -wal/-shm files when it is the last to close, and would leave them beside the database."""
    try:
        return sqlite3.connect(f"file:{db_path}?mode=rw", uri=True, timeout=5)
    except sqlite3.OperationalError:
        return sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)


def _write_sqlite_backup(db_path: Path, temp: Path) -> tuple[str | None, dict[str, int]]:
    """Copy the live database into `temp` and prove the copy has what the database had."""
    try:
        with closing(_open_source(db_path)) as src:
            # One read transaction for the counts and the copy: both see the same moment.
            src.execute("BEGIN")
            expected = _table_counts(src)
            _copy_pages(src, temp)
            src.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if "full" in str(exc) or "readonly" in str(exc) or "unable to open database file" in str(exc):
            raise _cannot_write("The backup", temp.parent, exc) from exc
        raise BackupProblem(f"{db_path} could not be read for the backup: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        raise BackupProblem(f"{db_path} can't be backed up: it is damaged or not a database ({exc}).") from exc
    info = inspect(temp)
    if info.counts != expected:
        raise BackupProblem(
            f"The backup of {db_path.name} does not hold the same records as the database "
            f"({_count_difference(expected, info.counts)}); it was not kept."
        )
    return info.schema_revision, info.counts


def _count_difference(expected: Mapping[str, int], found: Mapping[str, int]) -> str:
    changed = [
        f"{table}: {expected.get(table, 0)} expected, {found.get(table, 0)} found"
        for table in sorted(set(expected) | set(found))
        if expected.get(table, 0) != found.get(table, 0)
    ]
    return "; ".join(changed[:4])


# --- PostgreSQL dumps ----------------------------------------------------------------------

_PG_TOOL_FOLDERS = (
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/opt/homebrew/opt/libpq/bin",
    "/usr/local/opt/libpq/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/Applications/Postgres.app/Contents/Versions/*/bin",
    "C:/Program Files/PostgreSQL/*/bin",
)


def _version_key(folder: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", folder)) or (0,)


def find_pg_tool(name: str) -> Path | None:
    """pg_dump or pg_restore: on PATH, else the newest in the usual install folders (a newer
    pg_dump can dump an older server, never the other way round)."""
    found = shutil.which(name)
    if found:
        return Path(found)
    exe = name + (".exe" if os.name == "nt" else "")
    for pattern in _PG_TOOL_FOLDERS:
        for folder in sorted(glob.glob(pattern), key=_version_key, reverse=True):
            candidate = Path(folder) / exe
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
    return None


def _pg_tool(name: str, doing: str) -> Path:
    tool = find_pg_tool(name)
    if tool is None:
        raise ToolMissing(
            f"{name} was not found on this computer, so Upright can't {doing}. To get it, {GET_PG_TOOLS}; then try again."
        )
    return tool


_LIBPQ_QUERY = {
    "host": "PGHOST", "port": "PGPORT", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS", "passfile": "PGPASSFILE", "target_session_attrs": "PGTARGETSESSIONATTRS",
}  # fmt: skip


def _pg_environment(url: str) -> dict[str, str]:
    """The connection for pg_dump/pg_restore in libpq's environment variables: the password
    never appears on a command line, where any user of the machine could read it."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    env = dict(os.environ)  # PGSSLMODE, PGPASSFILE … apply here as they do to the window's connection
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    env.update(PGAPPNAME="Upright backup", PGDATABASE=parsed.database or "")
    for key, value in (("PGHOST", parsed.host), ("PGPORT", parsed.port), ("PGUSER", parsed.username),
                       ("PGPASSWORD", parsed.password)):  # fmt: skip
        if value is not None:
            env[key] = str(value)
    for key, value in parsed.query.items():
        if key in _LIBPQ_QUERY:
            env[_LIBPQ_QUERY[key]] = value if isinstance(value, str) else value[0]
    return env


def _run_tool(
    args: list[str], url: str | None, what: str, extra_env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess:
    env = _pg_environment(url) if url else dict(os.environ)
    env.update(extra_env or {})
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True, errors="replace")
    except OSError as exc:
        raise BackupProblem(f"{Path(args[0]).name} could not be started to {what}: {exc}") from exc
    if result.returncode != 0:
        words = " ".join(result.stderr.split()) or f"exit code {result.returncode}"
        password = _password(url)
        if password:
            words = words.replace(password, "***")
        if "version mismatch" in words:
            words += f". This {Path(args[0]).name} is older than the server: {GET_PG_TOOLS}, of the server's version or newer"
        raise BackupProblem(f"{Path(args[0]).name} could not {what}: {words}")
    return result


def _password(url: str | None) -> str | None:
    if not url:
        return None
    from sqlalchemy.engine import make_url

    return make_url(url).password


def _server_engine(url: str):
    from studio.db import make_engine

    return make_engine(url)


def _server_counts(connection) -> tuple[str | None, dict[str, int]]:
    from sqlalchemy import text

    tables = (
        connection.execute(
            text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                "AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        )
        .scalars()
        .all()
    )
    revision = None
    if "alembic_version" in tables:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    counts = {
        t: connection.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar_one()
        for t in tables
        if t != "alembic_version"
    }
    return revision, counts


def _server_problem(source: _Source, exc: BaseException) -> BackupProblem:
    words = " ".join(str(getattr(exc, "orig", None) or exc).split())
    password = _password(source.url)
    if password:
        words = words.replace(password, "***")
    return BackupProblem(f"The studio server {source.shown()} could not be reached for the backup: {words}")


def _dump_toc(path: Path) -> set[str]:
    """The tables whose data a custom-format dump holds, read with `pg_restore --list`."""
    tool = _pg_tool("pg_restore", "check a PostgreSQL backup")
    listing = _run_tool([str(tool), "--list", str(path)], None, f"read {path.name} (it is damaged or not a dump)")
    tables = set()
    for line in listing.stdout.splitlines():
        # "215; 0 16410 TABLE DATA public client upright"
        match = re.match(r"^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) ", line)
        if match:
            tables.add(match.group(2))
    return tables


def _write_server_dump(source: _Source, temp: Path) -> tuple[str | None, dict[str, int]]:
    """pg_dump into `temp` from an exported snapshot, so the counts taken here describe exactly
    what the dump holds; then `pg_restore --list` proves the file is readable."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    tool = _pg_tool("pg_dump", "back up a studio server")
    engine = _server_engine(source.url)
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                connection.execute(text("SET TRANSACTION READ ONLY"))
                snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                revision, counts = _server_counts(connection)
                _run_tool(
                    [str(tool), "--format=custom", f"--snapshot={snapshot}", f"--file={temp}"],
                    source.url,
                    f"back up {source.shown()}",
                )
    except SQLAlchemyError as exc:
        raise _server_problem(source, exc) from exc
    finally:
        engine.dispose()
    missing = sorted(set(counts) - _dump_toc(temp))
    if missing:
        raise BackupProblem(f"The dump of {source.shown()} lacks the data of {', '.join(missing)}; it was not kept.")
    return revision, counts


# --- writing a backup ----------------------------------------------------------------------


def _manifest(kind: str, when: datetime, source: _Source, revision, counts, size: int, sha256: str) -> dict:
    return {
        "upright_backup": MANIFEST_FORMAT,
        "kind": kind,
        "created": when.isoformat(timespec="seconds"),
        "source": source.shown(),
        "engine": "postgresql" if source.server else "sqlite",
        "revision": revision,
        "size": size,
        "sha256": sha256,
        "counts": counts,
    }


def make_backup(
    database: Path | str,
    target: Path | None = None,
    *,
    reason: str = MANUAL,
    folder: Path | None = None,
    when: datetime | None = None,
) -> Path:
    """Write a verified, fingerprinted backup of a SQLite file or a PostgreSQL server.

    `target` names the file (it must not exist: no backup is ever overwritten); by default it
    goes in `folder` (the backups folder) named `<studio>-<YYYYmmdd-HHMMSS>-<reason>`, which
    sorts by time and says its kind. Returns where it went.
    """
    source = _source(database)
    if source.path is not None and not source.path.is_file():
        raise BackupProblem(f"There is no studio database at {source.path} to back up.")
    when = (when or datetime.now()).astimezone()
    if target is not None:
        final = Path(target)
    else:
        final = _new_backup_path(Path(folder) if folder else backups_dir(database), source, reason, when)
    if final.exists():
        raise BackupProblem(f"{final} already exists; choose another name so no backup is overwritten.")
    if source.server:
        _pg_tool("pg_dump", "back up a studio server")  # before anything is created on disk
    new_folder = not final.parent.exists()
    try:
        _write_backup(source, final, reason, when)
    except BaseException:
        if new_folder:
            try:
                final.parent.rmdir()  # only if empty: a failed first backup leaves no trace
            except OSError:
                pass
        raise
    return final


def _write_backup(source: _Source, final: Path, reason: str, when: datetime) -> None:
    """Into temporary files beside `final`, checked, then renamed into place: never half a backup."""
    with (
        _temporary(final.parent, final.name, ".partial") as temp,
        _temporary(final.parent, manifest_path(final).name, ".partial") as temp_manifest,
    ):
        if source.server:
            revision, counts = _write_server_dump(source, temp)
        else:
            revision, counts = _write_sqlite_backup(source.path, temp)
        size, sha256 = temp.stat().st_size, _sha256(temp)
        record = _manifest(_kind_of(reason), when, source, revision, counts, size, sha256)
        try:
            _write_file(temp_manifest, json.dumps(record, indent=2).encode("utf-8"))
        except OSError as exc:
            raise _cannot_write("The backup's manifest", final.parent, exc) from exc
        if final.exists():
            raise BackupProblem(f"{final} already exists; choose another name so no backup is overwritten.")
        try:
            # Readable by this computer's user only, like every file of people's details Upright
            # writes (mkstemp made them so; pg_dump must not have changed it). See studio/files.py.
            os.chmod(temp, 0o600)
            os.chmod(temp_manifest, 0o600)
            os.replace(temp_manifest, manifest_path(final))
            os.replace(temp, final)
        except OSError as exc:
            manifest_path(final).unlink(missing_ok=True)
            raise _cannot_write("The backup", final.parent, exc) from exc
        _fsync_folder(final.parent)


# --- reading and checking backups ----------------------------------------------------------


def _read_manifest(path: Path) -> dict | None:
    sidecar = manifest_path(path)
    if not sidecar.is_file():
        return None
    try:
        record = json.loads(sidecar.read_text(encoding="utf-8"))
        if not isinstance(record, dict) or record.get("upright_backup") != MANIFEST_FORMAT:
            raise ValueError("not an Upright backup manifest")
        record["size"], record["sha256"] = int(record["size"]), str(record["sha256"])
        record["counts"] = {str(k): int(v) for k, v in dict(record.get("counts") or {}).items()}
        return record
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise BackupProblem(
            f"The record kept beside {path.name} ({sidecar.name}) is unreadable ({exc}), so the backup can't be "
            "checked against its fingerprint. It will not be restored."
        ) from exc


def _name_time(path: Path) -> tuple[datetime | None, str]:
    match = _NAME.search(path.name)
    if not match:
        return None, OTHER
    stamp = datetime.strptime(match.group("stamp"), STAMP_FORMAT).astimezone()
    return stamp, _kind_of(match.group("reason"))


def _described(path: Path, record: dict | None, **extra) -> Backup:
    stamp, kind = _name_time(path)
    try:
        size = path.stat().st_size
        mtime = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except OSError:
        size, mtime = 0, datetime.now().astimezone()
    created = stamp or mtime
    if record:
        kind = record.get("kind") or kind
        try:
            created = datetime.fromisoformat(record["created"]).astimezone()
        except (KeyError, TypeError, ValueError):
            pass
    values = dict(
        path=path, kind=kind, created=created, size=size,
        revision=record.get("revision") if record else None,
        counts=dict(record["counts"]) if record else {},
        sha256=record["sha256"] if record else None,
        fingerprinted=record is not None,
    )  # fmt: skip
    values.update(extra)
    return Backup(**values)


def verify(path: Path, *, deep: bool = True) -> Backup:
    """Check a backup before trusting it; BackupProblem says in plain words what is wrong.

    With a manifest, the file must have its recorded size and SHA-256 (a flipped byte, a cut-off
    file or an edited checksum all fail here, before anything is opened). `deep` also opens it:
    a SQLite copy must pass its integrity check and hold the recorded revision and counts; a
    dump must list with `pg_restore --list`. A file without a manifest (made by hand, or by an
    Upright before fingerprints) gets the deep check only.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupProblem(f"There is no backup at {path}.")
    record = _read_manifest(path)
    refused = "It is damaged and will not be restored."
    if record is not None:
        size = path.stat().st_size
        if size != record["size"]:
            raise BackupProblem(
                f"{path.name} is {size:,} bytes but was {record['size']:,} bytes when it was written: "
                f"it has been cut short or changed since. {refused}"
            )
        if _sha256(path) != record["sha256"]:
            raise BackupProblem(
                f"{path.name} has changed since it was written: its SHA-256 fingerprint no longer matches "
                f"the one recorded with it. {refused}"
            )
    if not deep and record is not None:
        return _described(path, record)
    magic = _magic(path)
    if magic.startswith(DUMP_MAGIC):
        tables = _dump_toc(path)
        if record is not None and set(record["counts"]) - tables:
            raise BackupProblem(f"{path.name} lacks the data of tables it was written with. {refused}")
        return _described(path, record)
    if not magic.startswith(SQLITE_MAGIC):
        raise BackupProblem(f"{path.name} is neither a SQLite backup nor a PostgreSQL dump. {refused}")
    info = inspect(path)
    if record is not None and (info.counts != record["counts"] or info.schema_revision != record.get("revision")):
        raise BackupProblem(f"{path.name} no longer holds the records it was written with. {refused}")
    return _described(path, record, revision=info.schema_revision, counts=info.counts)


def check(path: Path, *, deep: bool = False) -> Backup:
    """Like `verify`, but a damaged backup comes back with its `problem` instead of raising."""
    try:
        return verify(path, deep=deep)
    except BackupProblem as exc:
        problem = f"Can't be checked on this computer: {exc}" if isinstance(exc, ToolMissing) else str(exc)
        try:
            record = _read_manifest(path)
        except BackupProblem:
            record = None
        return _described(path, record, problem=problem)


def list_backups(database: Path | str, folder: Path | None = None) -> list[Path]:
    """This database's backups in its backups folder, newest first."""
    source = _source(database)
    where = Path(folder) if folder else backups_dir(database)
    if not where.is_dir():
        return []
    prefix = _prefix(source) + "-"
    found = []
    for p in where.iterdir():
        if (
            p.name.startswith(prefix)
            and p.suffix in (BACKUP_SUFFIX, DUMP_SUFFIX)
            and _NAME.match(p.name[len(prefix) - 1 :])
        ):
            if p.is_file():
                found.append(p)

    def newest(p: Path):
        stamp, _ = _name_time(p)
        try:
            mtime = p.stat().st_mtime_ns
        except OSError:
            mtime = 0
        return (stamp.timestamp() if stamp else mtime / 1e9, mtime, len(p.name), p.name)

    return sorted(found, key=newest, reverse=True)


def backups(database: Path | str, folder: Path | None = None) -> list[Backup]:
    """Every backup of this database, newest first, each checked against its fingerprint (a
    backup without a manifest is opened and checked instead)."""
    return [check(p) for p in list_backups(database, folder)]


def latest_backup(database: Path | str, folder: Path | None = None) -> Path | None:
    """The newest backup that passes its checks: the one worth offering after a failure."""
    for path in list_backups(database, folder):
        if check(path).ok:
            return path
    return None


# --- daily backups and retention -----------------------------------------------------------


def daily(
    database: Path | str,
    *,
    keep_days: int = DEFAULT_KEEP_DAYS,
    today: date | None = None,
    folder: Path | None = None,
) -> DailyResult:
    """Today's automatic backup, unless one was already made today; then remove the daily
    backups older than `keep_days` (today counts as the first day). Nothing is pruned unless
    today's backup exists, so a failing disk never costs the older copies."""
    if int(keep_days) < 1:
        raise BackupProblem("Daily backups must be kept for at least 1 day.")
    keep_days = int(keep_days)
    today = today or date.today()
    where = Path(folder) if folder else backups_dir(database)
    with _daily_lock(where):
        return _daily(database, where, keep_days, today)


@contextmanager
def _daily_lock(folder: Path) -> Iterator[None]:
    """One daily backup at a time per backups folder: two windows opened at once on this computer
    (or two desks sharing a folder) would otherwise both find no backup for today and both make
    one. The second waits for the first, then finds today's backup there."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / DAILY_LOCK, "a+b")
    except OSError as exc:
        raise _cannot_write("The daily backup", folder, exc) from exc
    with handle:
        if os.name == "nt":
            import msvcrt

            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)  # retries for 10 s, then raises
                    break
                except OSError:
                    continue
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if os.name == "nt":
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _daily(database: Path | str, where: Path, keep_days: int, today: date) -> DailyResult:
    existing = [(p, _name_time(p)) for p in list_backups(database, where)]
    dailies = [(p, stamp) for p, (stamp, kind) in existing if kind == DAILY and stamp is not None]
    made = None
    if not any(stamp.date() == today for _, stamp in dailies):
        when = datetime.combine(today, datetime.now().time())
        made = make_backup(database, reason=DAILY, folder=where, when=when)
    oldest_kept = today - timedelta(days=keep_days - 1)
    pruned = []
    for path, stamp in dailies:
        if stamp.date() < oldest_kept:
            try:
                path.unlink()
                manifest_path(path).unlink(missing_ok=True)
                pruned.append(path)
            except OSError:
                pass  # removed next time; a leftover backup harms nobody
    return DailyResult(made, tuple(pruned), keep_days)


# --- restoring -----------------------------------------------------------------------------


def _damaged_current(db_path: Path, exc: BaseException) -> BackupProblem:
    return BackupProblem(
        f"The current database {db_path} is damaged ({exc}), so Upright can't make the safety copy it makes "
        "before every restore. Rename the file (keep it: it may still hold something), then restore again; "
        "nothing was restored."
    )


def _let_go(db_path: Path) -> None:
    """Fold the write-ahead log into the file and make sure nobody else has it open, so nothing
    of the old file's -wal/-shm can be replayed onto the restored one, and no other program
    goes on writing into a file that is no longer the studio's."""
    in_use = BackupProblem(
        f"{db_path.name} is still open in another program (another Upright window, or a desk sharing the file). "
        "Close Upright there, then restore again; nothing was restored."
    )
    wal = db_path.with_name(db_path.name + "-wal")
    try:
        with closing(sqlite3.connect(db_path, timeout=5)) as conn:
            busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise in_use from exc
        raise BackupProblem(f"{db_path} could not be prepared for the restore ({exc}); nothing was restored.") from exc
    except sqlite3.DatabaseError as exc:
        raise _damaged_current(db_path, exc) from exc
    # The last connection to close deletes the -wal file: if it is still there, someone else
    # has the database open, even if idle at the moment.
    if busy or wal.exists():
        raise in_use
    stale = db_path.with_name(db_path.name + "-shm")
    try:
        stale.unlink(missing_ok=True)
    except OSError as exc:
        raise BackupProblem(f"{stale} could not be removed ({_disk_words(exc)}); nothing was restored.") from exc


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _copy_bytes(source: Path, target: Path) -> str:
    """Copy a closed backup file byte for byte (os.write: a full disk is an OSError here);
    returns the SHA-256 of what was written."""
    digest = hashlib.sha256()
    fd = os.open(target, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_BINARY", 0))
    try:
        with open(source, "rb") as stream:
            while chunk := stream.read(_CHUNK):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view) :]
                digest.update(chunk)
        os.fsync(fd)
    finally:
        os.close(fd)
    return digest.hexdigest()


def _restore_sqlite(backup: Backup, db_path: Path, safety: Path | None) -> None:
    kept = f" What was there before is kept in {safety}." if safety else ""
    folder = db_path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write("The restored database", folder, exc, "Nothing was restored.") from exc
    with _temporary(folder, db_path.name, ".restoring", "Nothing was restored; the database is as it was.") as temp:
        try:
            written = _copy_bytes(backup.path, temp)
        except OSError as exc:
            raise _cannot_write(
                "The restored database", folder, exc, "Nothing was restored; the database is as it was."
            ) from exc
        expected = backup.sha256 or _sha256(backup.path)
        if written != expected:
            raise BackupProblem(
                f"The copy of {backup.path.name} came out different from the backup; nothing was restored."
            )
        info = inspect(temp)
        if backup.counts and info.counts != dict(backup.counts):
            raise BackupProblem(
                f"The copy of {backup.path.name} does not hold the backup's records; nothing was restored."
            )
        try:
            # The restored file gets the permissions the studio file had (a temporary file is private).
            mode = stat.S_IMODE(db_path.stat().st_mode) if db_path.exists() else 0o666 & ~_umask()
            os.chmod(temp, mode)
        except OSError:
            pass
        if db_path.exists():
            _let_go(db_path)
        try:
            os.replace(temp, db_path)
        except OSError as exc:
            raise _cannot_write(db_path.name, folder, exc, "Nothing was restored; the database is as it was.") from exc
        _fsync_folder(folder)
    try:
        inspect(db_path)
    except BackupProblem as exc:
        raise BackupProblem(f"The restored database failed its check ({exc}).{kept}") from exc


def _restore_server(backup: Backup, source: _Source, safety: Path) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    tool = _pg_tool("pg_restore", "restore a studio server")
    database = make_url(source.url).database
    args = [str(tool), "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
            f"--dbname={database}", str(backup.path)]  # fmt: skip
    try:
        # Another desk holding a table would make the restore wait for ever: give up after 15 s.
        _run_tool(
            args,
            source.url,
            f"restore {backup.path.name} into {source.shown()}",
            extra_env={"PGOPTIONS": "-c lock_timeout=15000"},
        )
    except BackupProblem as exc:
        raise BackupProblem(f"{exc} The restore ran as one transaction, so the studio server is as it was.") from exc
    engine = _server_engine(source.url)
    try:
        with engine.connect() as connection:
            _revision, counts = _server_counts(connection)
    except SQLAlchemyError as exc:
        raise _server_problem(source, exc) from exc
    finally:
        engine.dispose()
    if backup.counts and any(counts.get(t) != n for t, n in backup.counts.items()):
        raise BackupProblem(
            f"After the restore, the studio server does not hold the backup's records "
            f"({_count_difference(backup.counts, counts)}). What was there before is kept in {safety}."
        )


def restore_backup(backup: Path, database: Path | str, *, folder: Path | None = None) -> Path | None:
    """Replace the studio's data with a backup, after a verified safety copy of what is there now.

    Returns the safety copy (None when there was no database to keep). The backup is checked in
    full first, so a damaged one is refused before anything is touched; the caller must have
    closed its own connections to the database (Database.close()).
    """
    source = _source(database)
    checked = verify(Path(backup))
    is_dump = _magic(checked.path).startswith(DUMP_MAGIC)
    if is_dump != source.server:
        kind = "a PostgreSQL dump" if is_dump else "a SQLite backup"
        into = "a studio server" if is_dump else "a SQLite studio file"
        raise BackupProblem(
            f"{Path(backup).name} is {kind}; it can only be restored into {into}. Nothing was restored."
        )
    if source.server:
        safety = make_backup(database, reason=BEFORE_RESTORE, folder=folder)
        _restore_server(checked, source, safety)
        return safety
    if source.path.is_file():
        _let_go(source.path)  # refuse now, before the safety copy, if another program has it open
    try:
        safety = make_backup(database, reason=BEFORE_RESTORE, folder=folder) if source.path.is_file() else None
    except BackupProblem as exc:
        raise BackupProblem(
            f"No safety copy of the current database could be made, so nothing was restored: {exc}"
        ) from exc
    _restore_sqlite(checked, source.path, safety)
    return safety
