"""The owner's menu entries for the audit trail and a client's data requests: there for the
owner, acting on the open client, and not even shown to a trainer or the front desk."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

from studio import access
from studio.services import clients
from ui.audit.page import AuditDialog
from ui.clients.data_requests import EraseClientDialog

OWNER = access.Person(1, "Olive Owner", access.OWNER)
TRAINER = access.Person(2, "Tess Trainer", access.TRAINER)
DESK = access.Person(3, "Dana Desk", access.FRONT_DESK)


@pytest.fixture
def ana(database) -> int:
    with database.session_factory.begin() as s:
        return clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund"})).id


def open_client(window, client_id):
    window.show_page("clients")
    window.clients_page.run_search()
    window.clients_page.open_client(client_id)


def owners_actions(window):
    return (window.audit_action, window.export_client_data_action, window.erase_client_action)


def test_the_owner_opens_the_audit_trail_from_the_studio_menu(qtbot, window, ana):
    window.desk.enter(OWNER)
    assert all(a.isVisible() and a.isEnabled() for a in owners_actions(window))
    window.audit_action.trigger()
    qtbot.waitUntil(lambda: window.findChild(AuditDialog) is not None)
    dialog = window.findChild(AuditDialog)
    assert dialog.isVisible()
    dialog.close()


@pytest.mark.parametrize("person", [TRAINER, DESK], ids=["trainer", "front desk"])
def test_others_do_not_see_the_owners_entries(window, person):
    window.desk.enter(person)
    assert not any(a.isVisible() or a.isEnabled() for a in owners_actions(window))


def test_data_requests_act_on_the_open_client(qtbot, window, ana, tmp_path, monkeypatch, answers):
    window.desk.enter(OWNER)
    window.erase_client_action.trigger()  # no client open yet: a hint, nothing else
    assert "Open a client first" in window.statusBar().currentMessage()
    assert window.findChild(EraseClientDialog) is None

    open_client(window, ana)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "ana.zip"), ""))
    window.export_client_data_action.trigger()
    qtbot.waitUntil(lambda: (tmp_path / "ana.zip").exists())
    window.erase_client_action.trigger()
    dialog = window.findChild(EraseClientDialog)
    assert dialog is not None and dialog.plan.client_id == ana and "Ana Lund" in dialog.prompt.text()
    dialog.reject()
    QApplication.processEvents()
