"""The client's Documents tab, the Program tab's "Print handout…", Ctrl+P and the blank
questionnaires in the File menu: each asks the preview for the right document, and every
document made is listed with who, when and its fingerprint."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from reports.documents import make_and_record
from studio.clinical.assessment import AssessmentData, ProvocationResult
from studio.services import assessments, clients, documents, programs, staff
from studio.services.documents import Request
from ui.documents import preview


class Recorder:
    def __init__(self):
        self.calls = []

    def __call__(self, parent, runner, request, *, today=None):
        self.calls.append((request, today))
        return preview.DocumentPreview(runner, request, parent, today=today)


@pytest.fixture
def previews(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(preview, "show_preview", recorder)
    return recorder


@pytest.fixture
def client_id(database):
    """A client with a signed assessment (flexion intolerant, extension eases) and an active program."""
    with database.session_factory.begin() as s:
        trainer = staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"}))
        client = clients.create(s, clients.parse({"first_name": "Zoë", "last_name": "Łukasiewicz-Ødegård",
                                                   "trainer_id": trainer.id}))
        record = assessments.start(s, client.id, trainer_id=trainer.id)
        tests = {"standing_flexion": ProvocationResult("provokes"), "prone_press_up": ProvocationResult("eases")}
        record = assessments.save(s, record.id, record.version, AssessmentData(provocation=tests))
        assessments.sign(s, record.id, record.version, trainer.id)
        program = programs.suggest_from_assessment(s, client.id, created_by_id=trainer.id)
        programs.activate(s, program.id, program.version)
        return client.id


@pytest.fixture
def page(window, client_id):
    page = window.clients_page
    window.show_page("clients")
    page.run_search()
    page.table.selectRow(0)
    assert page.current_id == client_id
    return page


def active_program_id(database, client_id) -> int:
    with database.session_factory() as s:
        return programs.active_for_client(s, client_id).id


def test_a_client_without_documents_is_told_what_will_appear(page):
    tab = page.documents_tab
    page.tabs.setCurrentWidget(tab)
    assert tab.model.rowCount() == 0
    assert "No documents yet" in tab.empty.text()
    assert not tab.again_button.isEnabled()


def test_print_handout_on_the_program_tab_asks_for_that_program(page, previews, database, client_id):
    program_tab = page.program_tab
    page.tabs.setCurrentWidget(program_tab)
    assert program_tab.print_button.isEnabled()
    QTest.mouseClick(program_tab.print_button, Qt.MouseButton.LeftButton)
    [(request, _today)] = previews.calls
    assert request == Request(documents.HANDOUT, client_id=client_id, program_id=active_program_id(database, client_id))


def test_ctrl_p_prints_the_program_on_screen_or_else_the_active_one(window, page, previews, database, client_id):
    page.tabs.setCurrentWidget(page.program_tab)
    window.print_action.trigger()
    page.tabs.setCurrentWidget(page.client_tab)
    window.print_action.trigger()
    assert [r for r, _ in previews.calls] == [
        Request(documents.HANDOUT, client_id=client_id, program_id=active_program_id(database, client_id)),
        Request(documents.HANDOUT, client_id=client_id),
    ]
    assert window.print_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Print)


def test_progress_report_for_a_clinician_in_large_print(page, previews, client_id):
    tab = page.documents_tab
    page.tabs.setCurrentWidget(tab)
    tab.audience.setCurrentIndex(tab.audience.findData("clinician"))
    tab.large_print.setChecked(True)
    QTest.mouseClick(tab.progress_button, Qt.MouseButton.LeftButton)
    [(request, _today)] = previews.calls
    assert request == Request(documents.PROGRESS, client_id=client_id, audience="clinician", large_print=True)


def test_documents_made_are_listed_newest_first_and_can_be_made_again(page, previews, database, client_id):
    with database.session_factory.begin() as s:
        made, first = make_and_record(s, Request(documents.HANDOUT, client_id=client_id), handed=documents.PRINTED)
        _made, second = make_and_record(s, Request(documents.PROGRESS, client_id=client_id), handed=documents.SAVED)
    tab = page.documents_tab
    page.tabs.setCurrentWidget(tab)
    tab.reload()
    assert tab.model.rowCount() == 2
    rows = [[tab.model.index(r, c).data() for c in range(tab.model.columnCount())] for r in range(2)]
    assert rows[0][1].startswith("Progress report for the client — Zoë Łukasiewicz-Ødegård")
    assert rows[0][4] == "Saved as PDF"
    assert rows[1][1].startswith("Home program — Zoë Łukasiewicz-Ødegård")
    assert rows[1][2] == "Kai Berg"  # the trainer the handout speaks for
    assert rows[1][3] == str(made.pages)
    assert rows[1][4] == "Printed"
    assert rows[1][5] == documents.short_fingerprint(made.fingerprint)
    assert tab.count.text() == "2 documents"
    assert not tab.empty.isVisible()

    tab.table.selectRow(1)
    assert tab.again_button.isEnabled()
    QTest.mouseClick(tab.again_button, Qt.MouseButton.LeftButton)
    [(request, today)] = previews.calls
    assert request == first.request
    assert request.program_id == active_program_id(database, client_id)
    assert today == documents.prepared_on(first) == date.today()


def test_blank_questionnaires_in_the_file_menu(window, previews):
    labels = [a.text() for a in window.questionnaire_actions]
    assert len(labels) == len(documents.QUESTIONNAIRES)
    for action, (kind, name) in zip(window.questionnaire_actions, documents.QUESTIONNAIRES):
        assert name.split(" (")[0] in action.text() or action.text().startswith(name)
        action.trigger()
    assert [r for r, _ in previews.calls] == [Request(documents.QUESTIONNAIRE, questionnaire=k) for k, _ in documents.QUESTIONNAIRES]
