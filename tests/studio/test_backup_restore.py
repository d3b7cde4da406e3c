"""Backup → change → restore gives back exactly the backed-up records, on SQLite and on a
PostgreSQL server (pg_dump/pg_restore); damaged backups are refused with the database untouched;
a restore that fails half-way leaves nothing half-written."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from studio import backups
from studio.backups import BackupProblem, list_backups, make_backup, restore_backup, verify
from studio.db import open_database
from studio.services import clients, clinicians
from studio.services.demo import fill_demo_studio
from ui import cli


def every_row(database) -> dict[str, list[tuple]]:
    """Every row of every table (the schema version too), in primary-key order."""
    with database.engine.connect() as connection:
        meta = MetaData()
        meta.reflect(connection)
        return {
            name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*(table.primary_key.columns or table.columns)))
            ]
            for name, table in sorted(meta.tables.items())
        }


SPECIALTY = clinicians.SPECIALTIES[0][0]


def damage(kind: str, backup: Path) -> None:
    import json

    data = bytearray(backup.read_bytes())
    if kind == "flipped byte":
        data[len(data) // 2] ^= 0x01
        backup.write_bytes(bytes(data))
    elif kind == "truncated":
        backup.write_bytes(bytes(data[: len(data) // 3]))
    elif kind == "edited checksum":
        sidecar = backups.manifest_path(backup)
        record = json.loads(sidecar.read_text(encoding="utf-8"))
        record["sha256"] = "f" * 64
        sidecar.write_text(json.dumps(record), encoding="utf-8")


def target(database) -> Path | str:
    return database.path or database.url


def folder(database, tmp_path) -> Path:
    """Where this test's backups go: beside the SQLite file (the default), or in the test's folder."""
    return backups.backups_dir(database.path) if database.path else tmp_path / "backups"


def add_client(database, first: str, last: str = "Lund") -> None:
    with database.session_factory.begin() as s:
        clients.create(s, clients.parse({"first_name": first, "last_name": last}))


def change_everything(database) -> None:
    """A new client and clinician, a renamed client, an archived client."""
    with database.session_factory.begin() as s:
        clients.create(s, clients.parse({"first_name": "Added", "last_name": "Afterwards"}))
        clinicians.create(s, clinicians.parse({"first_name": "Lena", "last_name": "Later", "specialty": SPECIALTY}))
        first, second = clients.search(s, limit=2)
        clients.update(s, first.id, None, clients.parse({"first_name": "Renamed", "last_name": "Since"}))
        clients.set_archived(s, second.id, None, True)


def test_backup_change_restore_gives_back_exactly_every_backed_up_row(database, tmp_path):
    with database.session_factory.begin() as s:
        fill_demo_studio(s)
    where = folder(database, tmp_path)
    backup = make_backup(target(database), folder=where)
    backed_up = every_row(database)
    assert verify(backup).counts["client"] == len(backed_up["client"]) == 30

    change_everything(database)
    changed = every_row(database)
    assert changed != backed_up
    database.close()

    safety = restore_backup(backup, target(database), folder=where)
    assert every_row(database) == backed_up

    # The safety copy is a verified backup of what was replaced: restoring it undoes the restore.
    checked = verify(safety)
    assert checked.kind == "before-restore" and checked.counts["client"] == 31
    database.close()
    restore_backup(safety, target(database), folder=where)
    assert every_row(database) == changed


@pytest.mark.parametrize("kind", ["flipped byte", "truncated", "edited checksum"])
def test_a_corrupted_backup_is_refused_and_the_database_untouched(database, tmp_path, kind):
    add_client(database, "Ana")
    where = folder(database, tmp_path)
    backup = make_backup(target(database), folder=where)
    add_client(database, "Bea")
    before = every_row(database)
    damage(kind, backup)
    database.close()

    with pytest.raises(BackupProblem, match="will not be restored"):
        restore_backup(backup, target(database), folder=where)
    assert every_row(database) == before
    assert list_backups(target(database), where) == [backup]  # not even a safety copy was needed


def test_backups_are_listed_with_their_kind_newest_first(database, tmp_path):
    from datetime import date, timedelta

    add_client(database, "Ana")
    where = folder(database, tmp_path)
    made = backups.daily(target(database), today=date.today() - timedelta(days=1), folder=where).made
    manual = make_backup(target(database), folder=where)
    listed = backups.backups(target(database), where)
    assert [(b.path, b.kind_label, b.ok) for b in listed] == [(manual, "manual", True), (made, "daily", True)]
    assert listed[0].summary() == "1 client, 0 assessments"


# --- SQLite: the write-ahead log, other programs, failures half-way -------------------------


def studio_file(tmp_path) -> Path:
    path = tmp_path / "studio.sqlite"
    db = open_database(path, create=True)
    add_client(db, "Ana")
    db.close()
    return path


def client_names(path: Path) -> list[str]:
    db = open_database(path)
    try:
        with db.session_factory() as s:
            return [row.first_name for row in clients.search(s, include_archived=True)]
    finally:
        db.close()


def files_beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name != "backups")


def test_restore_refuses_while_another_program_has_the_file_open(tmp_path):
    import sqlite3

    path = studio_file(tmp_path)
    backup = make_backup(path)
    other = sqlite3.connect(path)  # another window: idle, but holding the file (and its WAL) open
    assert other.execute("SELECT count(*) FROM client").fetchone() == (1,)
    try:
        with pytest.raises(BackupProblem, match="still open in another program"):
            restore_backup(backup, path)
        assert list_backups(path) == [backup]  # refused before the safety copy
    finally:
        other.close()
    add_client_at(path, "Bea")
    restore_backup(backup, path)
    # Nothing of the old file's log is left to be replayed onto the restored one.
    assert files_beside(path) == ["studio.sqlite"]
    assert client_names(path) == ["Ana"]


def add_client_at(path: Path, first: str) -> None:
    db = open_database(path)
    add_client(db, first)
    db.close()


def test_a_restore_whose_swap_fails_changes_nothing(tmp_path, monkeypatch):
    path = studio_file(tmp_path)
    backup = make_backup(path)
    add_client_at(path, "Bea")
    before = path.read_bytes()
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst) == path:
            raise OSError(errno.EACCES, "Permission denied")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(BackupProblem, match="Nothing was restored; the database is as it was"):
        restore_backup(backup, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert files_beside(path) == ["studio.sqlite"]  # no temporary copy left behind
    assert client_names(path) == ["Ana", "Bea"]


def test_a_full_disk_during_the_restore_changes_nothing(tmp_path, monkeypatch):
    path = studio_file(tmp_path)
    backup = make_backup(path)
    add_client_at(path, "Bea")
    before = path.read_bytes()
    real_write, written = os.write, []

    def write(fd, data):
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".restoring"):
            if written:  # the first chunk lands, then the disk is full
                raise OSError(errno.ENOSPC, "No space left on device")
            written.append(len(data))
        return real_write(fd, data)

    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to tell which file is being written")
    monkeypatch.setattr(backups, "_CHUNK", 4096)
    monkeypatch.setattr(os, "write", write)
    with pytest.raises(BackupProblem, match="the disk is full") as refused:
        restore_backup(backup, path)
    monkeypatch.undo()
    assert "the database is as it was" in str(refused.value)
    assert path.read_bytes() == before
    assert files_beside(path) == ["studio.sqlite"]
    assert client_names(path) == ["Ana", "Bea"]


def test_a_read_only_studio_folder_gets_a_clear_message(tmp_path, monkeypatch):
    path = studio_file(tmp_path)
    backup = make_backup(path)
    real_open = os.open

    def read_only(file, flags, *args, **kwargs):
        if Path(file).parent == path.parent and flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system", str(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(BackupProblem, match="read-only") as refused:
        restore_backup(backup, path)
    monkeypatch.undo()
    assert "Nothing was restored" in str(refused.value)
    assert files_beside(path) == ["studio.sqlite"]


def test_the_restored_file_keeps_the_studio_files_permissions(tmp_path):
    path = studio_file(tmp_path)
    backup = make_backup(path)
    path.chmod(0o640)
    restore_backup(backup, path)
    assert path.stat().st_mode & 0o777 == 0o640


def test_restoring_over_a_damaged_file_says_to_rename_it_first(tmp_path):
    path = studio_file(tmp_path)
    backup = make_backup(path)
    path.write_bytes(b"\x00garbage" * 500)
    with pytest.raises(BackupProblem, match="damaged .* Rename the file") as refused:
        restore_backup(backup, path)
    assert "nothing was restored" in str(refused.value)
    assert path.read_bytes() == b"\x00garbage" * 500
    path.rename(path.with_name("studio.sqlite.damaged"))
    assert restore_backup(backup, path) is None  # nothing left to keep a safety copy of
    assert client_names(path) == ["Ana"]


def test_a_backup_without_a_manifest_is_checked_by_opening_it(tmp_path):
    path = studio_file(tmp_path)
    backup = make_backup(path)
    backups.manifest_path(backup).unlink()  # as an Upright before fingerprints left it
    checked = verify(backup)
    assert checked.ok and not checked.fingerprinted and checked.counts["client"] == 1
    data = bytearray(backup.read_bytes())
    data[100:4000] = b"\xde\xad" * 1950
    backup.write_bytes(bytes(data))
    assert not backups.check(backup).ok
    with pytest.raises(BackupProblem):
        restore_backup(backup, path)
    assert client_names(path) == ["Ana"]


# --- upright-admin backup --daily --------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_admin_daily_backup_makes_one_a_day(tmp_path, capsys):
    path = studio_file(tmp_path)
    code, out, _ = run(capsys, "backup", "--daily", "--database", str(path))
    assert code == 0 and "Today's backup written and checked" in out
    code, out, _ = run(capsys, "backup", "--daily", "--keep-days", "3", "--database", str(path))
    assert code == 0 and "already made" in out
    assert [b.kind for b in backups.backups(path)] == ["daily"]
    code, _, err = run(capsys, "backup", "--daily", str(tmp_path / "x.sqlite"), "--database", str(path))
    assert code == 2 and "leave out PATH" in err


# --- PostgreSQL: pg_dump and pg_restore -------------------------------------------------------


def test_without_pg_dump_the_admin_says_how_to_get_it(monkeypatch, capsys):
    monkeypatch.setattr(backups, "find_pg_tool", lambda name: None)
    code, _, err = run(capsys, "backup", "--database", "postgresql://desk:secret@db.example.invalid/upright")
    assert code == 2
    for hint in (
        "pg_dump was not found",
        "apt install postgresql-client",
        "EDB installer on Windows",
        "brew install libpq",
    ):
        assert hint in err
    assert "secret" not in err


def test_pg_dump_is_looked_for_in_the_debian_server_folders(monkeypatch, tmp_path):
    for version in ("13", "16"):
        tool = tmp_path / "usr/lib/postgresql" / version / "bin" / "pg_dump"
        tool.parent.mkdir(parents=True)
        tool.write_text("#!/bin/sh\n")
        tool.chmod(0o755)
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    monkeypatch.setattr(backups, "_PG_TOOL_FOLDERS", (str(tmp_path / "usr/lib/postgresql/*/bin"),))
    assert backups.find_pg_tool("pg_dump") == tmp_path / "usr/lib/postgresql/16/bin/pg_dump"


SERVER_TESTS = "runs on the server named by UPRIGHT_TEST_DATABASE_URL"


def server_only(database) -> None:
    if database.path is not None:
        pytest.skip(f"about pg_dump and pg_restore, so PostgreSQL only ({SERVER_TESTS})")
    if backups.find_pg_tool("pg_dump") is None or backups.find_pg_tool("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not installed here")


def test_the_server_password_never_reaches_a_command_line(database, tmp_path, monkeypatch):
    server_only(database)
    calls = []
    real_run = subprocess.run

    def watched(args, **kwargs):
        calls.append((list(args), kwargs.get("env") or {}))
        return real_run(args, **kwargs)

    monkeypatch.setattr(backups.subprocess, "run", watched)
    add_client(database, "Ana")
    backup = make_backup(database.url, folder=tmp_path)
    password = database.engine.url.password
    dumps = [(args, env) for args, env in calls if Path(args[0]).name.startswith("pg_dump")]
    assert dumps and all(password not in " ".join(args) for args, _ in calls)
    assert dumps[0][1]["PGPASSWORD"] == password
    assert "--format=custom" in dumps[0][0]
    assert backup.read_bytes().startswith(b"PGDMP")
    assert password not in backups.manifest_path(backup).read_text(encoding="utf-8")


def test_admin_backs_up_and_restores_a_server(database, tmp_path, capsys, monkeypatch):
    server_only(database)
    monkeypatch.setattr(backups, "backups_dir", lambda _database: tmp_path / "backups")
    add_client(database, "Ana")
    code, out, _ = run(capsys, "backup", "--database", database.url)
    assert code == 0
    dump = Path(out.split(": ", 1)[1].strip())
    assert dump.parent == tmp_path / "backups" and dump.suffix == ".dump"
    add_client(database, "Bea")
    database.close()
    code, out, _ = run(capsys, "restore", str(dump), "--database", database.url)
    assert code == 0, out
    assert database.engine.url.password not in out
    with database.session_factory() as s:
        assert [c.first_name for c in clients.search(s)] == ["Ana"]
    safety = Path(out.split("kept in ")[1].strip().rstrip("."))
    assert verify(safety).counts["client"] == 2


def test_a_dump_is_never_restored_into_a_sqlite_file(database, tmp_path):
    server_only(database)
    add_client(database, "Ana")
    dump = make_backup(database.url, folder=tmp_path)
    path = studio_file(tmp_path)
    with pytest.raises(BackupProblem, match="PostgreSQL dump; it can only be restored into a studio server"):
        restore_backup(dump, path)
    assert client_names(path) == ["Ana"]


def test_an_unreachable_server_is_named_without_its_password(monkeypatch, capsys):
    monkeypatch.setattr(backups, "find_pg_tool", lambda name: Path("/nowhere") / name)  # found, never run
    code, _, err = run(capsys, "backup", "--database", "postgresql://desk:secret@db.example.invalid/upright")
    assert code == 1
    assert "The studio server" in err and "db.example.invalid" in err and "could not be reached" in err
    assert "secret" not in err


def test_a_failed_first_backup_leaves_no_empty_backups_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(backups, "find_pg_tool", lambda name: Path("/nowhere") / name)  # found, never run
    monkeypatch.setattr(backups, "backups_dir", lambda _database: tmp_path / "backups")
    with pytest.raises(BackupProblem, match="could not be reached"):
        make_backup("postgresql://desk:secret@db.example.invalid/upright")
    assert not (tmp_path / "backups").exists()
