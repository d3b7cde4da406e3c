"""Start-up as a person meets it: the real entry point, the worker thread, and what happens when
the studio database can't be opened."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from PySide6.QtCore import QObject

from studio.backups import make_backup
from studio.db import open_database
from studio.services import clients, studio_profile
from ui import database_problem
from ui.tasks import TaskRunner


def test_work_runs_off_the_gui_thread_and_results_come_back_on_it(qtbot, database):
    runner = TaskRunner(database.session_factory)
    seen = {}

    def work(session):
        seen["worker"] = threading.current_thread() is not threading.main_thread()
        return clients.search(session)

    runner.run(work, lambda rows: seen.update(rows=rows, gui=threading.current_thread() is threading.main_thread()))
    qtbot.waitUntil(lambda: "rows" in seen, timeout=5000)
    assert seen == {"worker": True, "rows": [], "gui": True}


def test_a_closed_widget_gets_no_callback_and_failures_reach_on_error(qtbot, database):
    runner = TaskRunner(database.session_factory)
    owner = QObject()
    called, errors = [], []
    runner.run(lambda s: 1, called.append, owner=owner)
    owner.deleteLater()
    runner.run(lambda s: clients.get(s, 999), called.append, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    runner.wait()
    qtbot.wait(50)
    assert called == []
    assert "no longer exists" in str(errors[0])


@pytest.fixture
def bare_window(qtbot, monkeypatch):
    from ui.main_window import MainWindow

    choices = []

    def ask(window, title, text, options):
        choices.append((title, text))
        return options[0] if options else None

    monkeypatch.setattr(database_problem, "_ask", ask)
    window = MainWindow(TaskRunner())
    qtbot.addWidget(window)
    window.choices = choices
    return window


def test_a_missing_file_is_created_when_the_person_agrees(qtbot, bare_window, tmp_path, monkeypatch):
    from ui.studio.profile_dialog import FirstStartDialog

    monkeypatch.setattr(FirstStartDialog, "exec", lambda self: False)
    path = tmp_path / "new-studio.sqlite"
    bare_window.open_database(str(path))
    qtbot.waitUntil(lambda: bare_window.database is not None, timeout=10000)
    assert "There is no studio database" in bare_window.choices[0][1]
    assert path.is_file()
    assert bare_window.database.path == path


def test_a_damaged_file_is_set_aside_and_the_latest_backup_restored(qtbot, bare_window, tmp_path):
    path = tmp_path / "studio.sqlite"
    db = open_database(path, create=True)
    with db.session_factory.begin() as s:
        studio_profile.save(s, studio_profile.parse({"name": "Core", "weight_unit": "kg", "length_unit": "cm", "paper": "a4"}))
        clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund"}))
    db.close()
    make_backup(path)
    path.write_bytes(b"\x00garbage" * 500)

    bare_window.open_database(str(path))
    qtbot.waitUntil(lambda: bare_window.database is not None, timeout=10000)
    assert "damaged" in bare_window.choices[0][1] and "latest backup" in bare_window.choices[0][1]
    assert (tmp_path / "studio.sqlite.damaged").read_bytes().startswith(b"\x00garbage")
    bare_window.runner.wait()
    qtbot.waitUntil(lambda: bare_window.clients_page.model.rowCount() == 1, timeout=5000)


def test_the_upright_command_opens_its_window_on_the_given_database(tmp_path):
    path = tmp_path / "studio.sqlite"
    open_database(path, create=True).close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", UPRIGHT_REPORT_SHOWN="1",
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    result = subprocess.run([sys.executable, "-m", "ui.app", "--database", str(path)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("shown ")
