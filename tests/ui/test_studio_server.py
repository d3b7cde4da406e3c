"""The window on either kind of studio database: a file, or the studio server."""

from __future__ import annotations

from studio.services import clients, studio_profile
from ui.tasks import TaskRunner

# `make_database` and `backend` come from tests/conftest.py: this runs on SQLite, and on
# PostgreSQL when a test server is configured.


def test_the_window_opens_the_studio_it_is_given(qtbot, make_database, backend):
    from ui.main_window import MainWindow

    prepared = make_database()
    with prepared.session_factory.begin() as s:
        studio_profile.save(s, studio_profile.parse({"name": "Core Studio", "weight_unit": "kg", "length_unit": "cm", "paper": "a4"}))
        clients.create(s, clients.parse({"first_name": "Zoë", "last_name": "Łukasiewicz-Ødegård"}))
    window = MainWindow(TaskRunner())
    qtbot.addWidget(window)
    window.open_database(prepared.url)
    qtbot.waitUntil(lambda: window.database is not None, timeout=15000)
    try:
        assert window.database.dialect == backend
        qtbot.waitUntil(lambda: window.clients_page.model.rowCount() == 1, timeout=5000)
        assert "Core Studio" in window.windowTitle()
    finally:
        window.runner.wait()
        window.database.close()
