"""Backups, for the owner only: `studio.backups` behind the "backups" permission.

`studio.backups` works on the database's file or server, not through a session; these take a
session only to know who is asking. They make no query with it, so it holds no connection and a
restore can close the database while it is open: `with factory() as s: backups.restore(s, …)`.
The window's automatic daily backup is not a person's action and does not come through here.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from studio import access
from studio import backups as files


@access.guarded("backups")
def list_backups(session: Session, database: Path | str, folder: Path | None = None) -> list[files.Backup]:
    """Every backup of this database, newest first, each checked against its fingerprint."""
    return files.backups(database, folder)


@access.guarded("backups")
def make(session: Session, database: Path | str, *, folder: Path | None = None) -> Path:
    """A manual, verified backup (`studio.backups.make_backup`); returns where it went."""
    return files.make_backup(database, folder=folder)


@access.guarded("backups")
def restore(session: Session, backup: Path, database: Path | str, *, folder: Path | None = None) -> Path | None:
    """`studio.backups.restore_backup`: close the database first; returns the safety copy."""
    return files.restore_backup(backup, database, folder=folder)
