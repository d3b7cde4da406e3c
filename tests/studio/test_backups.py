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


# --- the manifest: what was written, checked after writing ---------------------------------


def studio_with_clients(tmp_path, *firsts: str):
    path = tmp_path / "studio.sqlite"
    database = open_database(path, create=True)
    with database.session_factory.begin() as s:
        for first in firsts:
            clients.create(s, clients.parse({"first_name": first, "last_name": "Lund"}))
    database.close()
    return path


def test_every_backup_has_a_manifest_with_its_fingerprint_revision_and_counts(tmp_path):
    import hashlib
    import json

    from studio import schema
    from studio.backups import manifest_path, verify

    path = studio_with_clients(tmp_path, "Ana", "Bea")
    backup = make_backup(path)
    record = json.loads(manifest_path(backup).read_text(encoding="utf-8"))
    assert record["sha256"] == hashlib.sha256(backup.read_bytes()).hexdigest()
    assert record["size"] == backup.stat().st_size
    assert record["revision"] == schema.head_revision()
    assert record["kind"] == "manual" and record["engine"] == "sqlite"
    assert record["counts"]["client"] == 2 and record["counts"]["clinician"] == 0
    assert "alembic_version" not in record["counts"]
    checked = verify(backup)
    assert (checked.ok, checked.fingerprinted, checked.summary()) == (True, True, "2 clients, 0 assessments")
    # Kept as a plain file: reading it leaves no -wal/-shm beside it, so its fingerprint holds.
    assert sorted(p.name for p in backup.parent.iterdir()) == [backup.name, manifest_path(backup).name]


def damage(kind: str, backup):
    import json

    from studio.backups import manifest_path

    data = bytearray(backup.read_bytes())
    if kind == "flipped byte":
        data[len(data) // 2] ^= 0x01
        backup.write_bytes(bytes(data))
    elif kind == "truncated":
        backup.write_bytes(bytes(data[: len(data) // 3]))
    elif kind == "edited checksum":
        sidecar = manifest_path(backup)
        record = json.loads(sidecar.read_text(encoding="utf-8"))
        record["sha256"] = "0" * 64
        sidecar.write_text(json.dumps(record), encoding="utf-8")
    elif kind == "unreadable manifest":
        manifest_path(backup).write_text("{ not json", encoding="utf-8")


DAMAGE = ("flipped byte", "truncated", "edited checksum", "unreadable manifest")
SAYS = {
    "flipped byte": "fingerprint no longer matches",
    "truncated": "cut short",
    "edited checksum": "fingerprint no longer matches",
    "unreadable manifest": "unreadable",
}


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_backup_is_caught_by_its_manifest_and_never_restored(tmp_path, kind):
    from studio.backups import check, verify

    path = studio_with_clients(tmp_path, "Ana")
    backup = make_backup(path)
    damage(kind, backup)
    with pytest.raises(BackupProblem, match=SAYS[kind]):
        verify(backup)
    listed = check(backup)
    assert not listed.ok and SAYS[kind] in listed.problem

    before = path.read_bytes()
    with pytest.raises(BackupProblem, match="will not be restored"):
        restore_backup(backup, path)
    assert path.read_bytes() == before
    assert list_backups(path) == [backup]  # refused before even the safety copy


def test_a_flipped_byte_in_a_page_nobody_reads_is_still_caught(tmp_path):
    """The integrity check can't see a byte changed in unused space; the fingerprint can."""
    from studio.backups import verify

    path = studio_with_clients(tmp_path, "Ana")
    backup = make_backup(path)
    data = bytearray(backup.read_bytes())
    data[-1] ^= 0x01  # the very last byte of the file
    backup.write_bytes(bytes(data))
    assert inspect(backup).counts["client"] == 1  # SQLite itself sees nothing wrong …
    with pytest.raises(BackupProblem, match="fingerprint"):
        verify(backup)


def test_the_latest_backup_offered_is_the_newest_good_one(tmp_path):
    path = studio_with_clients(tmp_path, "Ana")
    good = make_backup(path)
    newer = make_backup(path)
    damage("flipped byte", newer)
    assert list_backups(path)[0] == newer
    assert latest_backup(path) == good


def test_only_this_studios_backups_are_listed(tmp_path):
    path = studio_with_clients(tmp_path, "Ana")
    other = tmp_path / "studio-old.sqlite"
    open_database(other, create=True).close()
    mine = make_backup(path)
    make_backup(other)
    assert list_backups(path) == [mine]


# --- daily backups and retention -----------------------------------------------------------


def test_daily_makes_one_backup_a_day_and_prunes_by_retention(tmp_path):
    from datetime import date, timedelta

    from studio.backups import backups, daily, manifest_path

    path = studio_with_clients(tmp_path, "Ana")
    start = date(2026, 11, 1)
    made = []
    for day in range(20):
        today = start + timedelta(days=day)
        first = daily(path, keep_days=7, today=today)
        again = daily(path, keep_days=7, today=today)
        assert first.made is not None and again.made is None  # at most one a day
        assert first.made.name.split("-")[1] == today.strftime("%Y%m%d") and first.made.name.endswith("-daily.sqlite")
        made.append(first.made)
    kept = [b for b in backups(path) if b.kind == "daily"]
    # Today counts as the first of the 7 days: 20 … 14 November are kept, newest first.
    assert [b.created.date() for b in kept] == [start + timedelta(days=d) for d in range(19, 12, -1)]
    assert all(b.ok for b in kept)
    assert not any(p.exists() or manifest_path(p).exists() for p in made[:13])
    # Beside the kept backups and their manifests only the daily backups' lock file remains.
    assert sorted(p.name for p in path.parent.joinpath("backups").iterdir()) == sorted(
        [".daily.lock"] + [name for p in made[13:] for name in (p.name, manifest_path(p).name)]
    )


def test_retention_never_removes_manual_or_safety_backups(tmp_path):
    from datetime import date, timedelta

    from studio.backups import backups, daily

    path = studio_with_clients(tmp_path, "Ana")
    manual = make_backup(path)
    upgrade = make_backup(path, reason="before-upgrade-0005")
    safety = make_backup(path, reason="before-restore")
    far_future = date.today() + timedelta(days=400)
    result = daily(path, keep_days=1, today=far_future)
    assert result.made is not None and result.pruned == ()
    assert all(p.exists() for p in (manual, upgrade, safety))
    assert [b.kind for b in backups(path)] == ["daily", "before-restore", "before-upgrade", "manual"]


def test_nothing_is_pruned_when_todays_backup_fails(tmp_path, monkeypatch):
    from datetime import date, timedelta

    from studio import backups

    path = studio_with_clients(tmp_path, "Ana")
    old = backups.daily(path, today=date(2026, 1, 1)).made

    def full(*args, **kwargs):
        raise BackupProblem("the disk is full")

    monkeypatch.setattr(backups, "make_backup", full)
    with pytest.raises(BackupProblem, match="full"):
        backups.daily(path, keep_days=3, today=date(2026, 1, 1) + timedelta(days=30))
    assert old.exists()


def test_two_windows_opening_at_once_make_one_daily_backup(tmp_path, monkeypatch):
    """Both find no backup for today; the folder lock makes the second wait and then find the
    first one's, instead of making its own."""
    import threading
    import time
    from datetime import date

    from studio import backups

    path = studio_with_clients(tmp_path, "Ana")
    made_by_make_backup = []
    real = backups.make_backup

    def slow(*args, **kwargs):
        time.sleep(0.3)  # long enough for the other window to look for today's backup meanwhile
        made = real(*args, **kwargs)
        made_by_make_backup.append(made)
        return made

    monkeypatch.setattr(backups, "make_backup", slow)
    start, results = threading.Barrier(2), []

    def window():
        start.wait()
        results.append(backups.daily(path, today=date(2026, 3, 2)))

    threads = [threading.Thread(target=window) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made_by_make_backup) == 1
    assert sorted(r.made is None for r in results) == [False, True]
    assert [b.kind for b in backups.backups(path)] == ["daily"]


def test_retention_is_at_least_a_day(tmp_path):
    from studio.backups import daily

    path = studio_with_clients(tmp_path, "Ana")
    with pytest.raises(BackupProblem, match="at least 1 day"):
        daily(path, keep_days=0)
    assert list_backups(path) == []


# --- a full disk or a folder Upright can't write: a clear message, nothing half-written -----


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_full_disk_during_the_copy_leaves_nothing_behind(tmp_path, monkeypatch):
    import sqlite3

    from studio import backups

    path = studio_with_clients(tmp_path, "Ana")

    def copy_until_full(source, target):
        target.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)  # half a file on disk …
        raise sqlite3.OperationalError("database or disk is full")  # … then the disk fills up

    monkeypatch.setattr(backups, "_copy_pages", copy_until_full)
    with pytest.raises(BackupProblem, match="the disk is full") as refused:
        make_backup(path)
    assert "Nothing was written" in str(refused.value) and "Free some space" in str(refused.value)
    assert leftovers(tmp_path / "backups") == []


def test_a_full_disk_while_writing_the_manifest_leaves_nothing_behind(tmp_path, monkeypatch):
    import errno
    import os

    path = studio_with_clients(tmp_path, "Ana")
    real_write = os.write

    def write(fd, data):
        if os.fstat(fd).st_size == 0 and bytes(data[:1]) == b"{":  # the manifest's JSON
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    with pytest.raises(BackupProblem, match="the disk is full"):
        make_backup(path)
    assert leftovers(tmp_path / "backups") == []


def test_a_read_only_backups_folder_gets_a_clear_message(tmp_path, monkeypatch):
    import errno
    import os

    path = studio_with_clients(tmp_path, "Ana")
    folder = tmp_path / "backups"
    folder.mkdir()
    real_open = os.open

    def read_only(file, flags, *args, **kwargs):
        if str(file).startswith(str(folder)) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", str(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(BackupProblem, match="read-only") as refused:
        make_backup(path)
    assert str(folder) in str(refused.value)
    assert leftovers(folder) == []


def test_a_failed_rename_leaves_no_backup_and_no_manifest(tmp_path, monkeypatch):
    import errno
    import os

    path = studio_with_clients(tmp_path, "Ana")
    real_replace = os.replace

    def replace(src, dst):
        if str(dst).endswith(".sqlite"):
            raise OSError(errno.EACCES, "Permission denied")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(BackupProblem, match="may not write there"):
        make_backup(path)
    assert leftovers(tmp_path / "backups") == []


@pytest.mark.skipif(__import__("os").name == "nt", reason="Windows has only read-only, no owner-only mode")
def test_a_backup_and_its_manifest_are_readable_by_their_user_only(tmp_path):
    import os
    import stat

    from studio.backups import manifest_path

    path = tmp_path / "studio.sqlite"
    open_database(path, create=True).close()
    old = os.umask(0o022)  # a desk whose new files anyone may read
    try:
        backup = make_backup(path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(manifest_path(backup).stat().st_mode) == 0o600


def test_a_backup_the_owner_makes_is_in_the_audit_trail(tmp_path):
    """A copy of the whole studio leaves with whoever holds it: it is recorded as an export."""
    from sqlalchemy import select

    from studio import access
    from studio.models import AuditEntry
    from studio.services import backups as backup_service

    path = studio_with_clients(tmp_path, "Ana")
    database = open_database(path)
    try:
        with database.session_factory.begin() as s:
            s.info["person"] = access.Person(1, "Olive Owner", access.OWNER)
            made = backup_service.make(s, path)
        with database.session_factory() as s:
            [entry] = s.scalars(select(AuditEntry).where(AuditEntry.record_type == "backup")).all()
    finally:
        database.close()
    assert (entry.action, entry.who, entry.staff_id) == ("export", "Olive Owner", 1)
    assert made.name in entry.summary and made.is_file()
