"""Backups, for the owner only: `studio.backups` behind the "backups" permission.

`studio.backups` works on the database's file or server, not through a session; these take a
session to know who is asking; `make` also records the backup in the audit trail, once it is
written. `restore` makes no query with it, so the session holds no connection and the restore
can close the database while it is open: `with factory() as s: backups.restore(s, …)`.
The window's automatic daily backup is not a person's action and does not come through here.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from studio import access, audit
from studio import backups as files


@access.guarded("backups")
def list_backups(session: Session, database: Path | str, folder: Path | None = None) -> list[files.Backup]:
    """Every backup of this database, newest first, each checked against its fingerprint."""
    return files.backups(database, folder)


@access.guarded("backups")
def make(session: Session, database: Path | str, *, folder: Path | None = None) -> Path:
    """A manual, verified backup (`studio.backups.make_backup`); returns where it went. A copy
    of the whole studio leaves with whoever holds it: the audit trail records it as an export."""
    made = files.make_backup(database, folder=folder)
    audit.record(session, "export", f"Backup of the whole studio written: {made.name}", record_type="backup",
                 details={"file": str(made)})  # fmt: skip
    return made


@access.guarded("backups")
def restore(session: Session, backup: Path, database: Path | str, *, folder: Path | None = None) -> Path | None:
    """`studio.backups.restore_backup`: close the database first; returns the safety copy."""
    return files.restore_backup(backup, database, folder=folder)
