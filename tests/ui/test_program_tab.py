"""A trainer builds a program by clicking: suggest, add (and override an exclusion), dose, activate,
log sessions and accept a progression."""

from __future__ import annotations

from datetime import date, timedelta

import exercise_fixtures
import pytest

from studio.clinical.assessment import AssessmentData, ProvocationResult
from studio.exercises.progression import SessionEntry
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


def test_dose_edits_save_and_the_program_progresses_from_the_log(tab, database, client_id, answers):
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
    full = SessionEntry(done=True, sets_done=item.sets, reps_done=item.reps, hold_done=item.hold_seconds,
                        pain_before=2, pain_after=3, form_ok=True)
    with database.session_factory.begin() as s:
        for days_ago in (3, 1):
            programs.log_session(s, client_id, program_id, date.today() - timedelta(days=days_ago),
                                 {i.id: full if i.id == item.id else SessionEntry(done=False) for i in tab.program.items})
    tab.open(program_id)
    assert tab.findChild(type(tab.items_body), f"proposal_{item.id}") is not None  # shown with Accept/Decline
    proposal = next(p for p in _proposals(database, program_id) if p.item.id == item.id)
    assert proposal.proposal.action == "progress"
    tab.decide(proposal, True)
    assert not answers.said, answers.said
    assert proposal.target_code is not None
    codes = [c.item.exercise_code for c in cards(tab)]
    assert proposal.target_code in codes and item.exercise_code not in codes
    history = [tab.history.item(i).text() for i in range(tab.history.count())]
    assert any("progressed" in line for line in history)


def _proposals(database, program_id):
    with database.session_factory() as s:
        return programs.proposals(s, program_id)
