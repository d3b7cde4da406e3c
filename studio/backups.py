"""Backups of a SQLite studio: written with SQLite's own backup API and checked after writing.

A plain file copy of a live WAL database can miss committed pages; the backup API cannot.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from studio.errors import UprightError

BACKUP_SUFFIX = ".sqlite"


class BackupProblem(UprightError):
    pass


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    schema_revision: str | None
    counts: dict[str, int]


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def _new_backup_path(db_path: Path, reason: str) -> Path:
    folder = backups_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = folder / f"{db_path.stem}-{stamp}-{reason}{BACKUP_SUFFIX}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{db_path.stem}-{stamp}-{reason}-{n}{BACKUP_SUFFIX}"
        n += 1
    return candidate


def _copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def inspect(path: Path) -> BackupInfo:
    """Check a database file end to end; BackupProblem says what is wrong with it."""
    if not path.is_file():
        raise BackupProblem(f"There is no file at {path}.")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                problems = "; ".join(row[0] for row in result[:3])
                raise BackupProblem(f"{path.name} failed its integrity check: {problems}")
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in tables:
                raise BackupProblem(f"{path.name} is not an Upright database (it has no schema version).")
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            counts = {
                table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                for table in ("client", "clinician", "staff")
                if table in tables
            }
    except sqlite3.DatabaseError as exc:
        raise BackupProblem(f"{path.name} is damaged or not a database: {exc}") from exc
    return BackupInfo(path, revision[0] if revision else None, counts)


def make_backup(db_path: Path, target: Path | None = None, *, reason: str = "manual") -> Path:
    """Write a verified backup of the database at `db_path`; returns where it went."""
    if not db_path.is_file():
        raise BackupProblem(f"There is no studio database at {db_path} to back up.")
    final = Path(target) if target else _new_backup_path(db_path, reason)
    if final.exists():
        raise BackupProblem(f"{final} already exists; choose another name so no backup is overwritten.")
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_name(final.name + ".partial")
    try:
        _copy(db_path, partial)
        inspect(partial)
        os.replace(partial, final)
    except (OSError, sqlite3.Error) as exc:
        raise BackupProblem(f"The backup to {final} could not be written: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return final


def list_backups(db_path: Path) -> list[Path]:
    folder = backups_dir(db_path)
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob(f"*{BACKUP_SUFFIX}") if p.is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def latest_backup(db_path: Path) -> Path | None:
    backups = list_backups(db_path)
    return backups[0] if backups else None


def restore_backup(backup: Path, db_path: Path) -> Path | None:
    """Replace the studio's data with a backup, after a safety copy of what is there now.

    Returns the safety copy (None when there was no database to keep). The backup is checked
    first, so a damaged one is refused before anything is touched.
    """
    inspect(backup)
    safety = make_backup(db_path, reason="before-restore") if db_path.is_file() else None
    db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as src, closing(
            sqlite3.connect(db_path, timeout=5)
        ) as dst:
            src.backup(dst)
    except sqlite3.Error as exc:
        raise BackupProblem(
            f"Restoring {backup.name} failed ({exc}); the database is unchanged or can be put back from {safety}."
        ) from exc
    inspect(db_path)
    return safety
