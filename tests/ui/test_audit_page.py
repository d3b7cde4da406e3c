"""Studio ▸ Audit trail…, driven the way an owner uses it: filter by action and by client, read
what an entry changed, export the filtered entries to CSV."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import stat
import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from studio.services import clients
from ui.audit import AuditDialog, show_audit
from ui.audit.page import COLUMNS


def rows(dialog) -> list[dict[str, str]]:
    model = dialog.model
    return [{name: model.data(model.index(r, c)) for c, name in enumerate(COLUMNS)} for r in range(model.rowCount())]


def add_clients(database) -> tuple[int, int]:
    with database.session_factory.begin() as s:
        ana = clients.create(s, clients.parse({"first_name": "Ana", "last_name": "López", "phone": "07700 900123"})).id
        bo = clients.create(s, clients.parse({"first_name": "Bo", "last_name": "Ek"})).id
    with database.session_factory.begin() as s:
        record = clients.get(s, ana)
        clients.update(s, ana, record.version, dataclasses.replace(record.details, phone="07700 900999"))
        clients.set_archived(s, bo, None, True)
    return ana, bo


def choose(box, text: str) -> None:
    index = box.findText(text)
    assert index >= 0, [box.itemText(i) for i in range(box.count())]
    box.setCurrentIndex(index)


def click_row(qtbot, dialog, row: int) -> None:
    rect = dialog.table.visualRect(dialog.model.index(row, 0))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_trail_lists_entries_newest_first_and_filters_by_action_and_client(qtbot, window, database, qtmodeltester):
    ana, bo = add_clients(database)
    dialog = show_audit(window)
    assert isinstance(dialog, AuditDialog) and dialog.isVisible()
    qtmodeltester.check(dialog.model)
    shown = rows(dialog)
    assert [r["Action"] for r in shown[:2]] == ["Archived", "Changed"]
    assert shown[0]["What"] == "Client Bo Ek" and shown[0]["Client"] == "Bo Ek"
    assert shown[0]["Who"] == "Upright tools"

    choose(dialog.action_box, "Changed")
    assert [(r["Action"], r["What"]) for r in rows(dialog)] == [("Changed", "Client Ana López")]
    assert "1 of" in dialog.counts.text()

    choose(dialog.action_box, "All actions")
    choose(dialog.client_box, "Bo Ek")
    assert [r["Action"] for r in rows(dialog)] == ["Archived", "Created"]
    assert dialog.filters() == {"client_id": bo}

    choose(dialog.action_box, "Deleted")
    assert rows(dialog) == []
    assert dialog.body.currentWidget() is dialog.empty
    assert "No entries match these filters" in dialog.empty.text()
    assert not dialog.export_button.isEnabled()
    qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    assert dialog.filters() == {} and len(rows(dialog)) == 5  # the studio profile and four about clients


def test_choosing_an_entry_shows_the_fields_before_and_after(qtbot, window, database):
    add_clients(database)
    dialog = show_audit(window)
    row = next(i for i, r in enumerate(rows(dialog)) if r["Action"] == "Changed")
    click_row(qtbot, dialog, row)
    shown = dialog.details.toPlainText()
    assert "Changed · Client Ana López" in shown
    assert "Phone" in shown and "07700 900123" in shown and "→" in shown and "07700 900999" in shown
    assert "Version" not in shown

    row = next(i for i, r in enumerate(rows(dialog)) if r["Action"] == "Created" and r["Client"] == "Ana López")
    click_row(qtbot, dialog, row)
    shown = dialog.details.toPlainText()
    assert "Values when created" in shown and "First name" in shown and "Ana" in shown


def test_the_person_and_date_filters(qtbot, window, database):
    add_clients(database)
    dialog = show_audit(window)
    choose(dialog.person_box, "Upright tools")
    assert dialog.filters() == {"who": "Upright tools"} and len(rows(dialog)) == 5
    dialog.since_check.setChecked(True)
    dialog.since_edit.setDate(dialog.since_edit.date().addDays(365))
    assert rows(dialog) == [] and "No entries match" in dialog.empty.text()


def test_the_filtered_entries_export_to_a_private_csv(qtbot, window, database, tmp_path, monkeypatch):
    ana, _bo = add_clients(database)
    target = tmp_path / "trail"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog = show_audit(window, client_id=ana)
    assert dialog.client_box.currentText() == "Ana López"
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    written = target.with_name("trail.csv")
    lines = list(csv.reader(io.StringIO(written.read_text(encoding="utf-8-sig"))))
    assert [line[4] for line in lines[1:]] == ["change", "create"]
    assert {line[8] for line in lines[1:]} == {"Ana López"}
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(written).st_mode) == 0o600
    assert "Exported 2 entries to trail.csv" in dialog.status.text()
    assert rows(dialog)[0]["Action"] == "Exported"  # the export is in the trail, about Ana


def test_an_empty_trail_says_what_it_will_hold(qtbot, runner):
    dialog = AuditDialog(runner)
    qtbot.addWidget(dialog)
    assert dialog.body.currentWidget() is dialog.empty
    assert "Nothing has been recorded yet" in dialog.empty.text()
    assert "signs in" in dialog.empty.text()
    assert not dialog.export_button.isEnabled()
