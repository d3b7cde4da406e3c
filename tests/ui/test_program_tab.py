"""A trainer builds a program by clicking: suggest, add (and override an exclusion), dose, activate,
log sessions and accept a progression."""

from __future__ import annotations

from datetime import date, timedelta

import exercise_fixtures
import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from studio.clinical.assessment import AssessmentData, ProvocationResult
from studio.services import assessments, clients, programs, staff


@pytest.fixture(autouse=True)
def library(monkeypatch):
    lib = exercise_fixtures.library()
    monkeypatch.setattr(programs, "load_library", lambda: lib)
    return lib


@pytest.fixture
def client_id(database):
    """A client whose signed assessment shows likely flexion intolerance, eased by extension."""
    with database.session_factory.begin() as s:
        trainer = staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"}))
        client = clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund"}))
        record = assessments.start(s, client.id, trainer_id=trainer.id)
        tests = {"standing_flexion": ProvocationResult("provokes"), "slumped_sitting": ProvocationResult("provokes"),
                 "prone_press_up": ProvocationResult("eases")}
        record = assessments.save(s, record.id, record.version, AssessmentData(provocation=tests))
        assessments.sign(s, record.id, record.version, trainer.id)
        return client.id


@pytest.fixture
def tab(window, client_id):
    page = window.clients_page
    window.show_page("clients")
    page.run_search()
    page.table.selectRow(0)
    program_tab = page.workspace[2]
    page.tabs.setCurrentWidget(program_tab)
    return program_tab


def cards(tab):
    from ui.program.item_card import ItemCard

    return tab.items_body.findChildren(ItemCard)


def log_two_sessions(tab, monkeypatch, *, done, pain_after: int) -> None:
    """Log sessions 3 and 1 days ago through the dialog: the exercises for which `done(item_id)`
    is true done at the full dose, pain 2 before and `pain_after` after."""
    from ui.program.log_dialog import SessionLogDialog

    def fill(dialog, days_ago):
        dialog.logged_on.edit.setText(f"{date.today() - timedelta(days=days_ago):%Y-%m-%d}")
        for item_id, (done_box, *_dose, before, after, _next_day, _form_ok) in dialog.rows.items():
            done_box.setChecked(done(item_id))
            before.set_value(2)
            after.set_value(pain_after)
        return True

    for days_ago in (3, 1):
        monkeypatch.setattr(SessionLogDialog, "exec", lambda dialog, d=days_ago: fill(dialog, d))
        tab.log_button.click()


def test_suggest_builds_a_screened_starter_program(tab, library):
    assert "No program yet" in tab.empty.text()
    tab.suggest_button.click()
    names = [card.item.exercise_code for card in cards(tab)]
    by_code = {e.code: e for e in library}
    assert any("directional_extension" in by_code[code].tags for code in names)  # extension eases her
    profile = {"flexion": "likely", "extension": "none", "rotation": "none", "compression": "none", "neural": "none"}
    from studio.exercises import screen

    excluded = {r.exercise.code for r in screen(library, profile, directional_preference=("extension",)) if not r.allowed}
    assert not excluded & set(names)
    assert "Draft" in tab.state.text()


def test_an_excluded_exercise_needs_an_override_and_a_reason(tab, monkeypatch, database, client_id):
    from ui.program.library_dialog import LibraryDialog

    with database.session_factory.begin() as s:
        programs.create_draft(s, client_id, title="Home program")
    tab.reload()

    def choose(dialog):
        dialog.search.setText("sit up")
        result = dialog.current()
        assert result.exercise.code == "sit_up" and not result.allowed
        assert "Excluded for this client" in dialog.detail.text()
        assert not dialog.add_button.isEnabled()
        dialog.override.setChecked(True)
        assert not dialog.add_button.isEnabled()  # a reason is still needed
        dialog.reason.setText("Cleared by her physio for a supervised test")
        assert dialog.add_button.isEnabled()
        dialog.add_button.click()
        return True

    monkeypatch.setattr(LibraryDialog, "exec", choose)
    tab.add_button.click()
    [card] = cards(tab)
    assert card.item.exercise_code == "sit_up"
    assert card.item.override_reason == "Cleared by her physio for a supervised test"


def test_dose_edits_save_and_the_program_progresses_from_the_log(tab, database, client_id, answers, monkeypatch):
    tab.suggest_button.click()
    card = cards(tab)[0]
    card.inputs["reps"].set_value(5)
    program_id = tab.program.id
    with database.session_factory() as s:
        item = next(i for i in programs.get(s, program_id).items if i.id == card.item.id)
    assert item.reps == 5

    tab.activate_button.click()
    assert "Active" in tab.state.text()
    item = next(i for i in tab.program.items if i.exercise.progression)  # e.g. the curl-up

    log_two_sessions(tab, monkeypatch, done=lambda item_id: item_id == item.id, pain_after=3)  # only the curl-up
    with database.session_factory() as s:
        assert len(programs.list_sessions(s, program_id)) == 2

    row = tab.items_body.parent().parent().window().findChild(QWidget, f"proposal_{item.id}")
    assert row is not None and "Progress" in row.findChild(QLabel).text()
    target = next(p for p in _proposals(database, program_id) if p.item.id == item.id).target_code
    next(b for b in row.findChildren(QPushButton) if b.text() == "Accept").click()
    assert not answers.said, answers.said
    codes = [c.item.exercise_code for c in cards(tab)]
    assert target in codes and item.exercise_code not in codes
    history = [tab.history.item(i).text() for i in range(tab.history.count())]
    assert any("progressed" in line for line in history)


def _proposals(database, program_id):
    with database.session_factory() as s:
        return programs.proposals(s, program_id)


def test_activation_is_refused_while_the_safety_gate_fails(window, database, answers):
    with database.session_factory.begin() as s:
        trainer = staff.create(s, staff.parse({"first_name": "Ida", "last_name": "Holm", "role": "trainer"}))
        client = clients.create(s, clients.parse({"first_name": "Bo", "last_name": "Ek"}))
        record = assessments.start(s, client.id, trainer_id=trainer.id)
        record = assessments.save(s, record.id, record.version, AssessmentData(red_flags=("saddle_numbness",)))
        assessments.sign(s, record.id, record.version, trainer.id)
    page = window.clients_page
    window.show_page("clients")
    page.run_search()
    page.table.selectRow(0)
    tab = page.workspace[2]
    tab.suggest_button.click()
    assert tab.gate.isVisibleTo(tab) and "can't be made active" in tab.gate.text()
    tab.activate_button.click()
    assert answers.said and answers.said[-1][0] == "warn"
    assert "Draft" in tab.state.text()
    with database.session_factory() as s:
        assert programs.active_for_client(s, client.id) is None


def test_every_suggested_change_reads_whole_however_many_there_are(qtbot, tab, window, monkeypatch):
    """A week of logs with every exercise done in full proposes a change for each: the side panel
    scrolls instead of squeezing each reason to a line and a half."""
    from PySide6.QtWidgets import QScrollArea

    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    tab.suggest_button.click()
    tab.activate_button.click()

    log_two_sessions(tab, monkeypatch, done=lambda _item_id: True, pain_after=2)
    rows = [tab.proposals.itemAt(i).widget() for i in range(tab.proposals.count())]
    assert len(rows) >= 4 and all(row.objectName().startswith("proposal_") for row in rows)
    scroll = tab.findChild(QScrollArea, "programProposals")
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() > 0)  # more than fits: it scrolls
    for row in rows:
        text = row.findChild(QLabel)
        assert text.height() >= text.heightForWidth(text.width()), text.text()
    scroll.ensureWidgetVisible(rows[-1], 0, 0)  # as a person scrolls to the last one
    assert scroll.verticalScrollBar().value() > 0
    last = rows[-1].mapTo(scroll.viewport(), rows[-1].rect().bottomLeft())
    assert 0 < last.y() <= scroll.viewport().height()


def test_opening_a_client_keeps_the_width_of_the_client_list(qtbot, window, client_id):
    """The Program tab's buttons sit in two rows: in one they asked for some 1,000 px, and the
    list gave up a fifth of its width the moment the first client was opened."""
    window.resize(1280, 800)
    window.show_page("clients")
    window.show()
    qtbot.waitExposed(window)
    page = window.clients_page
    page.run_search()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    list_width = page.splitter.sizes()[0]
    page.table.selectRow(0)
    page.tabs.setCurrentWidget(page.program_tab)
    page.program_tab.suggest_button.click()
    qtbot.wait(50)  # the splitter lays the new tabs out
    assert page.splitter.sizes()[0] == list_width
