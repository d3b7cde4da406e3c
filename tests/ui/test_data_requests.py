"""Export client data… and Erase client… in the window: what the owner sees and what happens."""

from __future__ import annotations

import json
import os
import stat
import zipfile

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import func, select

from reports.documents import make_and_record
from studio import access
from studio.models import AuditEntry, Client
from studio.services import client_data, clients, documents
from ui.clients.data_requests import EraseClientDialog, erase_client, export_client_data

NAME = "Zoë Łukasiewicz-Ødegård"


@pytest.fixture
def zoe(database) -> int:
    """A client with a progress report handed out, and a second client who must stay."""
    with database.session_factory.begin() as s:
        cid = clients.create(s, clients.parse({"first_name": "Zoë", "last_name": "Łukasiewicz-Ødegård",
                                               "email": "zoe@example.org", "notes": "<b>not bold</b> & more"})).id  # fmt: skip
        make_and_record(s, documents.Request(documents.PROGRESS, client_id=cid))
        clients.create(s, clients.parse({"first_name": "Bo", "last_name": "Ek"}))
    return cid


def client_count(database) -> int:
    with database.session_factory() as s:
        return s.scalar(select(func.count()).select_from(Client))


def test_export_writes_the_zip_where_asked_and_says_what_is_in_it(window, zoe, tmp_path, monkeypatch, answers):
    asked = []

    def choose(parent, caption, suggested, filters):
        asked.append(suggested)
        return str(tmp_path / "for Zoë"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    export_client_data(window, zoe)

    written = tmp_path / "for Zoë.zip"
    assert os.path.basename(asked[0]).startswith(f"upright-client-{zoe}-")  # the number, not the name
    with zipfile.ZipFile(written) as archive:
        data = json.loads(archive.read("client.json"))
        assert data["tables"]["client"][0]["last_name"] == "Łukasiewicz-Ødegård"
        [doc] = data["documents"]
        assert doc["fingerprint_matches"] and doc["file"] in archive.namelist()
    if os.name != "nt":
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
    [(kind, said)] = answers.said
    assert kind == "inform" and str(written) in said and "1 of 1 document as PDF" in said
    assert "Traceback" not in said


def test_export_cancelled_writes_nothing(window, zoe, tmp_path, monkeypatch, answers):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    export_client_data(window, zoe)
    assert list(tmp_path.glob("*.zip")) == [] and answers.said == []


def test_a_trainer_is_told_only_the_owner_may_export(window, zoe, database, tmp_path, monkeypatch, answers):
    access.act_as(database.session_factory, access.Person(4, "Tess Trainer", access.TRAINER))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "x.zip"), ""))
    export_client_data(window, zoe)
    assert not (tmp_path / "x.zip").exists()
    [(kind, said)] = answers.said
    assert kind == "warn" and "Only an owner can export or erase everything about a client" in said


def open_erase_dialog(window, client_id) -> EraseClientDialog:
    erase_client(window, client_id)
    dialog = window.findChild(EraseClientDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_erase_says_what_goes_and_needs_the_name_typed(window, zoe, database, qtbot, typist, answers):
    page = window.clients_page
    page.open_client(zoe)
    dialog = open_erase_dialog(window, zoe)
    text = dialog.explanation.text()
    assert "Erase Zoë Łukasiewicz-Ødegård and everything about them?" in text
    assert "1 client record" in text and "1 document record" in text and "cannot be undone" in text
    assert "Save as…" in text and "backups" in text
    dialog.grab().save("/tmp/erase.png")

    assert not dialog.erase_button.isEnabled()
    typist(dialog.name_edit, "Zoë Łukasiewicz", leave=False)
    assert not dialog.erase_button.isEnabled()  # part of the name is not the name
    dialog.name_edit.clear()
    typist(dialog.name_edit, "Bo Ek", leave=False)
    assert not dialog.erase_button.isEnabled()
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)  # Enter doesn't erase
    assert client_count(database) == 2

    dialog.name_edit.clear()
    typist(dialog.name_edit, "zoe  lukasiewicz-odegard", leave=False)  # case, accents and spaces don't matter
    assert dialog.erase_button.isEnabled()
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)

    assert client_count(database) == 1
    with database.session_factory() as s:
        assert s.scalars(select(AuditEntry.action).where(AuditEntry.action == "erase")).all() == ["erase"]
    assert page.current_id is None and page.right.currentIndex() == 0  # the client's tabs are closed
    assert window.pages.currentWidget() is page
    kind, said = answers.said[-1]
    assert kind == "inform" and said.startswith(f"Client erased: Erased client {zoe}: ")


def test_cancel_erases_nothing(window, zoe, database, qtbot, typist):
    dialog = open_erase_dialog(window, zoe)
    typist(dialog.name_edit, NAME, leave=False)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert client_count(database) == 2
    with database.session_factory() as s:
        assert client_data.erasure_plan(s, zoe).counts["document"] == 1


def test_a_client_changed_at_another_desk_meanwhile_is_not_erased(window, zoe, database, qtbot, typist, answers):
    dialog = open_erase_dialog(window, zoe)
    with database.session_factory.begin() as s:
        record = clients.get(s, zoe)
        clients.update(s, zoe, record.version, clients.parse({**vars(record.details), "phone": "07700 900999"}))
    typist(dialog.name_edit, NAME, leave=False)
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    assert client_count(database) == 2
    kind, said = answers.said[-1]
    assert kind == "warn" and "changed at another desk" in said
