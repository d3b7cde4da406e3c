"""Studio ▸ Backups…, driven the way a person uses it: read the list, click Back up now and
Restore…, see a damaged backup refused, set how long daily backups are kept."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from studio import backups
from studio.services import clients
from ui import options
from ui.backups.page import COLUMNS, BackupsDialog


def open_page(window) -> BackupsDialog:
    window.backups_action.trigger()
    shown = [d for d in window.findChildren(BackupsDialog) if d.isVisible()]
    assert len(shown) == 1
    return shown[0]


def rows(dialog) -> list[dict[str, str]]:
    model = dialog.model
    return [{name: model.data(model.index(r, c)) for c, name in enumerate(COLUMNS)} for r in range(model.rowCount())]


def add_client(database, first: str) -> None:
    with database.session_factory.begin() as s:
        clients.create(s, clients.parse({"first_name": first, "last_name": "Lund"}))


def names(database) -> list[str]:
    with database.session_factory() as s:
        return [row.first_name for row in clients.search(s, include_archived=True)]


def select_kind(qtbot, dialog, kind: str) -> None:
    row = next(i for i, r in enumerate(rows(dialog)) if r["Kind"] == kind)
    rect = dialog.table.visualRect(dialog.model.index(row, 0))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.selected().kind_label == kind


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_the_page_lists_each_backup_with_its_kind_size_records_and_check(
    qtbot, window, database, qtmodeltester, answers
):
    add_client(database, "Ana")
    add_client(database, "Bea")
    dialog = open_page(window)
    before = len(rows(dialog))
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    listed = rows(dialog)
    assert len(listed) == before + 1
    newest = listed[0]
    assert newest["Kind"] == "manual"
    assert newest["Records"] == "2 clients, 0 assessments"
    assert newest["Check"] == "✓ verified"
    assert newest["Size"].endswith(("KB", "MB"))
    assert newest["When"] == dialog.model.entries[0].created.astimezone().strftime("%a %d %b %Y %H:%M")
    assert dialog.selected().kind == "manual"  # the new backup is selected …
    assert "Backup written and checked" in dialog.detail.text()  # … and said so
    assert dialog.restore_button.isEnabled()
    qtmodeltester.check(dialog.model)


def test_restore_puts_the_studio_back_after_a_safety_copy(qtbot, window, database, answers):
    add_client(database, "Ana")
    dialog = open_page(window)
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    add_client(database, "Bea")
    reopen = []
    dialog.restored.connect(reopen.append)

    select_kind(qtbot, dialog, "manual")
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    question = [text for kind, text in answers.said if kind == "confirm"]
    assert len(question) == 1 and "safety copy of the studio as it is now" in question[0]
    assert names(database) == ["Ana"]
    assert reopen == [str(database.path or database.url)]  # the window re-opens the database
    assert rows(dialog)[0]["Kind"] == "before restore" and rows(dialog)[0]["Check"] == "✓ verified"
    assert dialog.selected().kind == "before-restore"
    assert dialog.selected().counts["client"] == 2  # what was replaced is kept
    assert any(kind == "inform" and "Backup restored" in text for kind, text in answers.said)


def test_a_cancelled_restore_changes_nothing(qtbot, window, database, answers):
    add_client(database, "Ana")
    dialog = open_page(window)
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    add_client(database, "Bea")
    listed = rows(dialog)
    answers.confirm = False
    select_kind(qtbot, dialog, "manual")
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert names(database) == ["Ana", "Bea"]
    assert rows(dialog) == listed


def test_a_damaged_backup_is_shown_as_damaged_and_cannot_be_restored(qtbot, window, database, answers):
    add_client(database, "Ana")
    dialog = open_page(window)
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    damaged = dialog.selected().path
    flip_a_byte(damaged)
    add_client(database, "Bea")
    dialog.close()

    dialog = open_page(window)
    row = next(r for r, entry in enumerate(dialog.model.entries) if entry.path == damaged)
    assert rows(dialog)[row]["Check"] == "✗ damaged"
    assert "fingerprint no longer matches" in dialog.model.data(dialog.model.index(row, 4), Qt.ItemDataRole.ToolTipRole)
    select_kind(qtbot, dialog, "manual")
    assert not dialog.restore_button.isEnabled()
    assert "fingerprint no longer matches" in dialog.detail.text()
    dialog.restore_selected()  # a double-click, say
    assert names(database) == ["Ana", "Bea"]
    assert not any(kind == "confirm" for kind, _ in answers.said)


def test_the_empty_page_says_where_backups_go(qtbot, database, runner):
    dialog = BackupsDialog(runner, database)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 0
    assert dialog.stack.currentWidget() is dialog.empty_label
    text = dialog.empty_label.text()
    assert "No backups yet" in text and str(backups.backups_dir(database.path or database.url)) in text
    assert not dialog.restore_button.isEnabled()


def test_show_in_folder_opens_the_backups_folder(qtbot, database, runner, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    dialog = BackupsDialog(runner, database)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert opened == [str(backups.backups_dir(database.path or database.url))]


# --- SQLite files: the daily backup, retention, a full disk ---------------------------------


@pytest.mark.sqlite_only("the window makes daily backups of SQLite files; a server is dumped on its own schedule")
def test_the_window_makes_todays_backup_once_when_the_studio_opens(window, database):
    from ui.backups.daily import start_daily_backup

    made = backups.list_backups(database.path)
    assert [backups.check(p).kind for p in made] == ["daily"]
    start_daily_backup(window, database)  # opened again the same day
    assert backups.list_backups(database.path) == made


@pytest.fixture
def keep_days_restored():
    yield
    options.put("backups/keep_days", 14)


@pytest.mark.sqlite_only("the window makes daily backups of SQLite files; a server is dumped on its own schedule")
def test_the_retention_set_on_the_page_is_what_the_daily_backup_keeps(qtbot, window, database, keep_days_restored):
    from ui.backups.daily import start_daily_backup

    dialog = open_page(window)
    assert dialog.keep_days.value() == 14
    dialog.keep_days.clear()
    qtbot.keyClicks(dialog.keep_days, "3")
    assert options.get("backups/keep_days") == 3

    for path in backups.list_backups(database.path):  # today's, made when the window opened
        path.unlink()
        backups.manifest_path(path).unlink()
    for days_ago in range(1, 6):
        backups.daily(database.path, today=date.today() - timedelta(days=days_ago))
    start_daily_backup(window, database)
    kept = [b.created.date() for b in backups.backups(database.path)]
    assert kept == [date.today() - timedelta(days=d) for d in range(3)]


@pytest.mark.sqlite_only("simulates SQLite's own 'database or disk is full'")
def test_back_up_now_on_a_full_disk_says_so_and_leaves_nothing(qtbot, window, database, answers, monkeypatch):
    dialog = open_page(window)
    listed = rows(dialog)
    folder = backups.backups_dir(database.path)
    files = sorted(folder.iterdir())

    def full(source, target):
        target.write_bytes(b"SQLite format 3\x00" + b"\x00" * 2048)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backups, "_copy_pages", full)
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    warned = [text for kind, text in answers.said if kind == "warn"]
    assert len(warned) == 1 and warned[0].startswith("No backup was written") and "the disk is full" in warned[0]
    assert rows(dialog) == listed
    assert sorted(folder.iterdir()) == files
    assert dialog.backup_button.isEnabled()
