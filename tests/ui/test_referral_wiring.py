"""How the referral screens hang together in the main window: Refer… on the assessment's
findings, the client's Referrals tab, the studio-wide Referrals page (Ctrl+3), Go to client, and a
recorded reply lifting the "not cleared" banner."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from studio.clinical.assessment import AssessmentData, PainHistory
from studio.services import assessments, clients, clinicians, referrals, staff
from studio.services.documents import LETTER, Request
from ui.documents import preview
from ui.referrals.refer_dialog import ReferDialog

TODAY = date.today()
URGENT = AssessmentData(red_flags=("night_pain",), pain=PainHistory(workup_status="none"))


@pytest.fixture
def previews(monkeypatch):
    calls = []
    monkeypatch.setattr(preview, "show_preview", lambda parent, runner, request, **kw: calls.append(request))
    return calls


@pytest.fixture
def ana(database):
    """Ana: signed assessment with an urgent red flag (night pain); one primary-care clinician."""
    with database.session_factory.begin() as s:
        trainer = staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"})).id
        doctor = clinicians.create(s, clinicians.parse({"first_name": "Ben", "last_name": "Baker", "credentials": "MD",
                                                         "specialty": "primary_care", "accepting_new": True})).id
        client_id = clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund"})).id
        record = assessments.start(s, client_id, assessed_on=TODAY - timedelta(days=3))
        record = assessments.save(s, record.id, record.version, URGENT)
        assessments.sign(s, record.id, record.version, trainer)
    return {"client": client_id, "assessment": record.id, "doctor": doctor, "trainer": trainer}


def open_ana(window):
    page = window.clients_page
    window.show()
    window.show_page("clients")
    page.run_search()
    page.table.selectRow(0)
    return page


def test_refer_from_the_findings_opens_the_letter_for_that_assessment(window, ana):
    page = open_ana(window)
    tab = page.assessment_tab
    page.tabs.setCurrentWidget(tab)
    assert tab.findings.refer_button.isVisible()
    assert tab.findings.refer_button.text() == "Refer now…"  # urgent
    assert "Not cleared for training" in tab.gate.text() and tab.gate.isVisible()
    QTest.mouseClick(tab.findings.refer_button, Qt.MouseButton.LeftButton)
    dialogs = [d for d in tab.findChildren(ReferDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert [c.name for c in dialog.choice_model.choices] == ["Ben Baker, MD"]
    dialog.close()


def test_an_unsigned_assessment_asks_to_be_signed_before_referring(window, ana, answers, database):
    with database.session_factory.begin() as s:
        record = assessments.start(s, ana["client"], assessed_on=TODAY)
        assessments.save(s, record.id, record.version, URGENT)
    page = open_ana(window)
    tab = page.assessment_tab
    page.tabs.setCurrentWidget(tab)
    tab.reload(open_latest=True)
    assert not tab.record.signed and tab.findings.refer_button.isVisible()
    tab.findings.refer_button.click()
    assert answers.said[-1][0] == "inform" and "Sign the assessment first" in answers.said[-1][1]
    assert not [d for d in tab.findChildren(ReferDialog) if d.isVisible()]


def test_referrals_page_go_to_client_and_a_reply_lifts_the_gate(window, ana, database, previews):
    with database.session_factory.begin() as s:
        record = referrals.draft_from_assessment(s, ana["assessment"], clinician_id=ana["doctor"])
        referrals.mark_sent(s, record.id, record.version, sent_on=TODAY - timedelta(days=20), follow_up_on=TODAY - timedelta(days=6))

    window.referrals_view.trigger()
    assert window.pages.currentWidget() is window.referrals_page
    assert window.referrals_view.shortcut().toString() == "Ctrl+3"
    referrals_page = window.referrals_page
    referrals_page.refresh()
    model = referrals_page.table.model()
    assert model.rowCount() == 1
    assert "Overdue" in " ".join(str(model.index(0, c).data()) for c in range(model.columnCount()))

    referrals_page.table.selectRow(0)
    window.print_action.trigger()  # Ctrl+P on the Referrals page: the selected letter
    assert previews == [Request(LETTER, referral_id=record.id)]

    referrals_page.go_to_client()
    page = window.clients_page
    assert window.pages.currentWidget() is page
    assert page.current_id == ana["client"]
    assert page.tabs.currentWidget() is page.referrals_tab
    assert page.referrals_tab.model.rowCount() == 1

    # The clinician's reply arrives: cleared. The Assessment tab's banner goes.
    with database.session_factory.begin() as s:
        current = referrals.get(s, record.id)
        referrals.record_reply(s, current.id, current.version, decision="cleared", reply_on=TODAY)
    page.referrals_tab.changed.emit()
    assert not page.assessment_tab.gate.isVisibleTo(page.assessment_tab)


def test_the_demo_loaded_from_the_window_has_referrals_and_documents(qtbot, database, runner, monkeypatch):
    from ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "first_start", lambda self: None)  # the welcome dialog's "Load a demo studio"
    window = MainWindow(runner)
    qtbot.addWidget(window)
    window.attach_database(database)
    window.load_demo()
    message = window.statusBar().currentMessage()
    assert "referrals" in message and "documents handed out" in message
    with database.session_factory() as s:
        rows = referrals.list_all(s)
        from studio.services import documents

        made = [d for row in rows for d in documents.list_for_client(s, row.client_id)]
    assert {row.status for row in rows} >= {"draft", "sent", "acknowledged", "appointment_made", "reply_received", "closed"}
    assert {d.kind for d in made} >= {documents.HANDOUT, documents.LETTER}
    window.show_page("referrals")
    window.referrals_page.refresh()
    assert window.referrals_page.table.model().rowCount() > 0
