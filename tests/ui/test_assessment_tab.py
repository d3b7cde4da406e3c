"""A trainer fills an assessment by typing and clicking; the findings panel follows."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QCheckBox

from studio.services import assessments, clients, safety, staff


@pytest.fixture
def client_id(database):
    with database.session_factory.begin() as s:
        staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"}))
        return clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund", "date_of_birth": "1971-04-02"})).id


@pytest.fixture
def tab(window, client_id):
    window.show_page("clients")
    window.clients_page.run_search()
    window.clients_page.table.selectRow(0)
    page = window.clients_page
    page.tabs.setCurrentWidget(page.workspace[1])
    return page.workspace[1]


def section(tab, title):
    return next(s for s in tab.sections if s.title == title)


def child(widget, name):
    found = widget.findChild(object, name)
    assert found is not None, name
    return found


def test_an_empty_client_is_invited_to_start(tab):
    assert tab.body.currentIndex() == 0
    assert "No assessment yet" in tab.empty.text()


def test_filling_an_assessment_updates_the_findings_and_saves_the_draft(qtbot, tab, database, client_id):
    tab.start_button.click()
    assert tab.record is not None and tab.record.kind == "initial"
    pain = section(tab, "Pain history")
    child(pain, "pain_nprs_now").setValue(6)
    child(pain, "pain_workup_status").set_value("complete_unresolved")
    tests = section(tab, "Provocation tests")
    child(tests, "result_standing_flexion").set_value("provokes")
    child(tests, "result_slumped_sitting").set_value("provokes")
    child(tests, "result_prone_press_up").set_value("eases")
    html = tab.findings.body.toHtml()
    assert "Pain specialist" in html
    assert "likely" in html and "Directional preference" in html and "extension" in html

    endurance = section(tab, "Endurance battery")
    for name, seconds in (("flexor", 120), ("extensor", 100), ("side_right", 60), ("side_left", 50)):
        child(endurance, f"endurance_{name}").setValue(seconds)
    html = tab.findings.body.toHtml()
    assert "1.20" in html and "imbalance" in html

    questionnaires = section(tab, "Questionnaires")
    for item in range(1, 11):
        child(questionnaires, f"odi_{item}").set_value("2")
    assert "40% — moderate" in tab.findings.body.toHtml()

    assert tab.has_unsaved_changes()
    tab.save()
    with database.session_factory() as s:
        stored = assessments.latest(s, client_id)
    assert stored.data.pain.nprs_now == 6
    assert stored.data.provocation["standing_flexion"].result == "provokes"
    assert stored.data.questionnaires.odi == (2,) * 10
    assert not tab.has_unsaved_changes()


def test_an_emergency_flag_shows_the_emergency_recommendation(qtbot, tab):
    tab.start_button.click()
    flags = section(tab, "Red-flag screen")
    box = flags.findChild(QCheckBox, "saddle_numbness")
    box.setChecked(True)
    assert tab.findings.banner.isVisibleTo(tab.findings)
    assert "EMERGENCY" in tab.findings.banner.text()
    assert "Emergency department — today" in tab.findings.body.toHtml()


def test_signing_locks_the_assessment_and_the_gate_blocks_until_cleared(qtbot, tab, database, client_id, monkeypatch, answers):
    from ui.assessment import tab as tab_module

    tab.start_button.click()
    section(tab, "Red-flag screen").findChild(QCheckBox, "cancer_history").setChecked(True)
    tab.trainer.set_value(tab.trainer.itemData(1))
    monkeypatch.setattr(tab_module.SignDialog, "exec", lambda self: True)
    tab.sign_button.click()
    assert tab.record.signed and tab.record.signed_by_name == "Kai Berg"
    assert not section(tab, "Pain history").widget().isEnabled()
    assert tab.gate.isVisibleTo(tab) and "Not cleared for training" in tab.gate.text()
    with database.session_factory() as s:
        assert not safety.gate(s, client_id).passed


def test_leaving_the_client_saves_the_draft_without_asking(qtbot, window, tab, database, client_id, answers):
    with database.session_factory.begin() as s:
        clients.create(s, clients.parse({"first_name": "Bea", "last_name": "Lund"}))
    tab.start_button.click()
    child(section(tab, "Pain history"), "pain_nprs_worst").setValue(8)
    window.clients_page.run_search()
    window.clients_page.table.selectRow(1)
    assert not any(kind == "unsaved" for kind, _ in answers.said)
    with database.session_factory() as s:
        assert assessments.latest(s, client_id).data.pain.nprs_worst == 8


def _signed_assessment(database, client_id, **pain):
    from studio.clinical.assessment import AssessmentData, PainHistory, Questionnaires

    with database.session_factory.begin() as s:
        trainer = staff.list_staff(s)[0]
        record = assessments.start(s, client_id, trainer_id=trainer.id)
        odi = pain.pop("odi", (None,) * 10)
        flags = pain.pop("flags", ())
        data = AssessmentData(pain=PainHistory(**pain), red_flags=flags, questionnaires=Questionnaires(odi=odi))
        record = assessments.save(s, record.id, record.version, data)
        return assessments.sign(s, record.id, record.version, trainer.id)


def test_recording_a_clearance_lifts_the_safety_gate(qtbot, tab, database, client_id, monkeypatch):
    from ui.assessment import clearances as clearance_module

    _signed_assessment(database, client_id, nprs_now=5, flags=("cancer_history",))
    tab.show_client(client_id)
    assert "Not cleared for training" in tab.gate.text()

    def fill(dialog):
        dialog.cleared_on.edit.setText(f"{date.today():%Y-%m-%d}")
        dialog.other_name.setText("Dr Ana Ruiz")
        dialog.status.set_value("cleared_with_restrictions")
        dialog.restrictions.setPlainText("No loaded flexion for 6 weeks")
        return True

    shown = iter([True])
    monkeypatch.setattr(clearance_module.ClearanceDialog, "exec", lambda self: next(shown, False) and fill(self))
    tab.clearances.record_clearance()
    table = tab.clearances.table
    assert [table.item(0, c).text() for c in range(1, 4)] == ["Dr Ana Ruiz", "Cleared with restrictions", "No loaded flexion for 6 weeks"]
    assert not tab.gate.isVisibleTo(tab)
    with database.session_factory() as s:
        assert safety.gate(s, client_id).passed


def test_progress_compares_the_last_two_signed_assessments(qtbot, tab, database, client_id):
    _signed_assessment(database, client_id, nprs_now=7, odi=(4,) * 10)
    _signed_assessment(database, client_id, nprs_now=4, odi=(3,) * 10)
    tab.show_client(client_id)
    table = tab.progress.table
    rows = {table.item(r, 0).text(): [table.item(r, c).text() for c in (1, 2, 3)] for r in range(table.rowCount())}
    assert rows["Pain now (NPRS)"] == ["7", "4", "-3.0 (better)  ★ important"]
    assert rows["Disability (ODI %)"] == ["80", "60", "-20.0 (better)  ★ important"]
    chart = tab.progress.chart.make_chart(600, 300)
    assert {p.series for p in chart.polylines} >= {"nprs", "odi"}


def test_typing_during_a_save_on_the_worker_thread_is_kept(qtbot, database, client_id):
    """With the real threaded runner: an autosave in flight must not reload the fields the person
    is still typing into, and what they typed meanwhile is saved next."""
    from ui.assessment.tab import AssessmentTab
    from ui.tasks import TaskRunner

    runner = TaskRunner(database.session_factory)
    tab = AssessmentTab(runner)
    qtbot.addWidget(tab)
    with database.session_factory.begin() as s:
        assessments.start(s, client_id)
    tab.show_client(client_id)
    qtbot.waitUntil(lambda: tab.record is not None, timeout=5000)
    pain = section(tab, "Pain history")
    child(pain, "pain_nprs_now").setValue(6)
    tab.save()
    child(pain, "pain_nprs_worst").setValue(8)  # typed while the first save is under way
    tab.save()
    qtbot.waitUntil(lambda: not tab.has_unsaved_changes(), timeout=5000)
    runner.wait()
    assert child(pain, "pain_nprs_worst").value() == 8
    with database.session_factory() as s:
        stored = assessments.latest(s, client_id).data.pain
    assert (stored.nprs_now, stored.nprs_worst) == (6, 8)
