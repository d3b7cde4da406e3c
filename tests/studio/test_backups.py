import pytest

from studio.backups import BackupProblem, inspect, latest_backup, list_backups, make_backup, restore_backup
from studio.db import open_database
from studio.services import clients


def names(database):
    with database.session_factory() as s:
        return [f"{r.first_name} {r.last_name}" for r in clients.search(s, include_archived=True)]


def test_backup_change_restore_gives_back_exactly_the_backed_up_records(tmp_path):
    path = tmp_path / "studio.sqlite"
    database = open_database(path, create=True)
    with database.session_factory.begin() as s:
        for first in ("Ana", "Bea", "Cai"):
            clients.create(s, clients.parse({"first_name": first, "last_name": "Lund"}))
    backup = make_backup(path)
    assert inspect(backup).counts["client"] == 3
    with database.session_factory.begin() as s:
        clients.create(s, clients.parse({"first_name": "Dan", "last_name": "Lund"}))
        bea = clients.search(s, "bea")[0]
        clients.update(s, bea.id, None, clients.parse({"first_name": "Beatriz", "last_name": "Lund"}))
    database.close()

    safety = restore_backup(backup, path)
    restored = open_database(path)
    try:
        assert names(restored) == ["Ana Lund", "Bea Lund", "Cai Lund"]
        assert inspect(safety).counts["client"] == 4  # what was replaced is kept
    finally:
        restored.close()


def test_backups_are_listed_newest_first_and_never_overwritten(tmp_path):
    path = tmp_path / "studio.sqlite"
    open_database(path, create=True).close()
    first = make_backup(path)
    second = make_backup(path)
    assert first != second
    assert list_backups(path)[0] == second == latest_backup(path)
    with pytest.raises(BackupProblem, match="already exists"):
        make_backup(path, first)


def test_a_corrupted_backup_is_detected_and_never_restored(tmp_path):
    path = tmp_path / "studio.sqlite"
    database = open_database(path, create=True)
    with database.session_factory.begin() as s:
        clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund"}))
    database.close()
    backup = make_backup(path)
    data = bytearray(backup.read_bytes())
    for offset in range(4096, len(data), 97):  # scribble over the pages after the header
        data[offset] = (data[offset] + 1) % 256
    backup.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(BackupProblem):
        restore_backup(backup, path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_upright_is_not_a_backup(tmp_path):
    import sqlite3

    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(BackupProblem, match="not an Upright database"):
        inspect(other)
