"""Programs: suggested from the assessment, screened, activated behind the safety gate, logged,
progressed with the reason recorded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import exercise_fixtures  # noqa: I001 - lives in tests/
from studio.clinical.assessment import AssessmentData, PainHistory, ProvocationResult
from studio.errors import NotFound, StaleEdit, ValidationError
from studio.exercises import SessionEntry
from studio.services import assessments, clearances, clients, programs, staff

TODAY = date.today()
ASSESSED = TODAY - timedelta(days=20)
FLEXION_INTOLERANT = {
    "standing_flexion": ProvocationResult("provokes"),
    "slumped_sitting": ProvocationResult("provokes"),
    "prone_press_up": ProvocationResult("eases"),
}


@pytest.fixture(autouse=True)
def fixture_library(monkeypatch):
    lib = exercise_fixtures.library()
    monkeypatch.setattr(programs, "load_library", lambda: lib)
    return lib


@pytest.fixture
def people(database):
    with database.session_factory.begin() as s:
        trainer = staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"})).id
        ana = clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund"})).id
    return {"trainer": trainer, "ana": ana}


def assess(database, people, *, flags=(), provocation=None, worst=5) -> int:
    data = AssessmentData(
        pain=PainHistory(nprs_worst=worst), red_flags=tuple(flags),
        provocation=FLEXION_INTOLERANT if provocation is None else provocation,
    )  # fmt: skip
    with database.session_factory.begin() as s:
        record = assessments.start(s, people["ana"], assessed_on=ASSESSED)
        record = assessments.save(s, record.id, record.version, data)
        assessments.sign(s, record.id, record.version, people["trainer"])
    return record.id


def draft(database, people, *codes) -> programs.ProgramRecord:
    with database.session_factory.begin() as s:
        program = programs.create_draft(s, people["ana"], title="Home program", created_by_id=people["trainer"])
        for code in codes:
            program = programs.add_item(s, program.id, program.version, code)
    return program


def test_suggest_from_the_signed_assessment(database, people, fixture_library):
    with database.session_factory.begin() as s:
        with pytest.raises(ValidationError, match="Sign an assessment first"):
            programs.suggest_from_assessment(s, people["ana"])
    assess(database, people)
    with database.session_factory.begin() as s:
        program = programs.suggest_from_assessment(s, people["ana"], created_by_id=people["trainer"])
    assert program.status == "draft" and program.title.startswith("Starter program")
    chosen = [item.exercise_code for item in program.items]
    assert "prone_on_elbows" in chosen  # eased by extension
    assert "childs_pose" not in chosen and "half_kneeling_hip_flexor_stretch" in chosen
    assert [item.position for item in program.items] == list(range(1, len(chosen) + 1))
    with database.session_factory() as s:
        results = programs.screen_for_client(s, people["ana"], [item.exercise for item in program.items])
    assert all(r.allowed for r in results)
    first = program.items[0]
    assert first.sets == first.exercise.dose.sets and first.dose.sets == first.sets
    assert [h.change for h in program.history] == ["added"] * len(chosen)
    assert program.history[2].reason.startswith("Suggested from the assessment. McGill Big 3")
    assert program.history[0].by_name == "Kai Berg"


def test_an_excluded_exercise_needs_an_override_reason(database, people):
    assess(database, people)
    program = draft(database, people, "bird_dog")
    with database.session_factory.begin() as s:
        with pytest.raises(ValidationError) as refused:
            programs.add_item(s, program.id, program.version, "childs_pose")
        message = str(refused.value)
        assert "excluded for this client" in message and "flexion intolerance is likely" in message
        assert "flexion-biased" in message
        program = programs.add_item(
            s, program.id, program.version, "childs_pose", override_reason="  Cleared by her physio for this  ",
            by_id=people["trainer"],
        )  # fmt: skip
    kept = program.items[-1]
    assert kept.exercise_code == "childs_pose" and kept.override_reason == "Cleared by her physio for this"
    assert program.history[-1].reason == "Added despite the screening: Cleared by her physio for this"
    with database.session_factory() as s:
        screened = {r.exercise.code: r for r in programs.screen_for_client(s, people["ana"])}
    assert not screened["sit_up"].allowed and screened["bird_dog"].allowed


def test_custom_exercises_are_stored_inline_and_screened(database, people):
    assess(database, people)
    program = draft(database, people)
    mine = exercise_fixtures.entry("towel_hamstring_stretch", "legs", 1, demands={"flexion": 2})
    with database.session_factory.begin() as s:
        with pytest.raises(ValidationError, match="flexion"):
            programs.add_item(s, program.id, program.version, mine)
        with pytest.raises(ValidationError, match="custom_exercise"):
            programs.add_item(s, program.id, program.version, {**mine, "level": 9})
        program = programs.add_item(s, program.id, program.version, {**mine, "demands": exercise_fixtures.ZERO})
    with database.session_factory() as s:
        item = programs.get(s, program.id).items[0]
    assert item.custom and item.exercise.name == "Towel hamstring stretch" and item.exercise.demands["flexion"] == 0


def test_dose_changes_removal_and_order(database, people):
    program = draft(database, people, "bird_dog", "dowel_hinge", "short_walks")
    bird, hinge, walk = (item.id for item in program.items)
    with database.session_factory.begin() as s:
        program = programs.update_item_dose(s, program.id, program.version, bird, sets=3, load="none",
                                            reason="Easy last week")  # fmt: skip
        with pytest.raises(ValidationError, match="days_per_week"):
            programs.update_item_dose(s, program.id, program.version, walk, days_per_week=8)
        program = programs.reorder(s, program.id, program.version, [walk, bird, hinge])
        program = programs.remove_item(s, program.id, program.version, bird, reason="Wrist pain")
    assert [item.id for item in program.items] == [walk, hinge]
    assert [item.position for item in program.items] == [1, 2]
    dose_change = next(h for h in program.history if h.change == "dose_changed")
    assert dose_change.reason == "sets 2 → 3. Easy last week" and dose_change.item_id == bird
    assert program.history[-1].change == "removed" and program.history[-1].reason == "Wrist pain"
    with database.session_factory() as s:
        with pytest.raises(NotFound):
            programs.remove_item(s, program.id, program.version, bird)


def test_a_stale_version_is_refused(database, people):
    program = draft(database, people, "bird_dog")
    with database.session_factory.begin() as s:
        programs.add_item(s, program.id, program.version, "dowel_hinge")
    with database.session_factory.begin() as s:
        with pytest.raises(StaleEdit):
            programs.add_item(s, program.id, program.version, "short_walks")
        with pytest.raises(StaleEdit):
            programs.activate(s, program.id, program.version)
    with database.session_factory() as s:
        assert [i.exercise_code for i in programs.get(s, program.id).items] == ["bird_dog", "dowel_hinge"]


def test_activation_waits_for_the_safety_gate(database, people):
    assess(database, people, flags=("saddle_numbness",))
    program = draft(database, people, "bird_dog")
    with database.session_factory.begin() as s:
        with pytest.raises(programs.NotCleared) as refused:
            programs.activate(s, program.id, program.version)
    assert not refused.value.gate.passed and refused.value.gate.tier == "emergency"
    assert "Not cleared for training" in str(refused.value)
    with database.session_factory.begin() as s:
        assert programs.get(s, program.id).status == "draft"
        clearances.record(s, people["ana"], cleared_on=ASSESSED + timedelta(days=2), status="cleared",
                          clinician_name="Dr Ana Ruiz")  # fmt: skip
    with database.session_factory.begin() as s:
        active = programs.activate(s, program.id, program.version, by_id=people["trainer"])
    assert active.status == "active" and active.activated_at is not None
    assert active.history[-1].change == "activated" and "Dr Ana Ruiz" in active.history[-1].reason


def test_a_new_active_program_archives_the_old_one(database, people):
    first = draft(database, people, "bird_dog")
    second = draft(database, people, "dowel_hinge")
    with database.session_factory.begin() as s:
        programs.activate(s, first.id, first.version)
        second = programs.activate(s, second.id, second.version)
        listed = programs.list_for_client(s, people["ana"])
        old = programs.get(s, first.id)
    assert [(p.id, p.status) for p in listed] == [(second.id, "active"), (first.id, "archived")]
    assert old.history[-1].change == "archived" and "Replaced by" in old.history[-1].reason
    with database.session_factory.begin() as s:
        with pytest.raises(ValidationError, match="archived"):
            programs.add_item(s, old.id, old.version, "short_walks")
        empty = programs.create_draft(s, people["ana"], title="Empty")
        with pytest.raises(ValidationError, match="at least one exercise"):
            programs.activate(s, empty.id, empty.version)


def test_activation_rescreens_against_the_latest_assessment(database, people):
    program = draft(database, people, "bird_dog", "standing_toe_touch")
    assess(database, people)  # now flexion intolerance is likely: the toe touch is excluded
    with database.session_factory.begin() as s:
        with pytest.raises(ValidationError, match="Standing toe touch is excluded"):
            programs.activate(s, program.id, program.version)


def log(database, people, program, entries, days_ago):
    with database.session_factory.begin() as s:
        return programs.log_session(s, people["ana"], program.id, TODAY - timedelta(days=days_ago), entries,
                                    people["trainer"])  # fmt: skip


def full(item, before=2, after=3):
    return SessionEntry(True, item.sets, item.reps, item.hold_seconds, before, after, None, True)


def test_two_good_sessions_propose_a_progression_that_swaps_the_item(database, people):
    assess(database, people)
    program = draft(database, people, "bird_dog", "dowel_hinge")
    with database.session_factory.begin() as s:
        program = programs.activate(s, program.id, program.version)
    bird, hinge = program.items
    log(database, people, program, {bird.id: full(bird), hinge.id: full(hinge, 2, 5)}, 3)
    log(database, people, program, {bird.id: full(bird), hinge.id: full(hinge)}, 1)
    with database.session_factory() as s:
        found = {p.item.exercise_code: p for p in programs.proposals(s, program.id)}
        sessions = programs.list_sessions(s, program.id)
    assert [sess.logged_on for sess in sessions] == [TODAY - timedelta(days=1), TODAY - timedelta(days=3)]
    item, proposal, target = found["bird_dog"]
    assert proposal.action == "progress" and target == "bird_dog_sweeps"
    assert found["dowel_hinge"].proposal.action == "hold"  # pain rose by 3 the session before
    with database.session_factory.begin() as s:
        with pytest.raises(ValidationError, match="now “hold”"):
            programs.apply_proposal(s, program.id, hinge.id, "progress", accept=True)
        program = programs.apply_proposal(s, program.id, bird.id, "progress", accept=True,
                                          reason="Solid form, ready for sweeps", by_id=people["trainer"])  # fmt: skip
    swapped = program.item(bird.id)
    assert swapped.exercise_code == "bird_dog_sweeps" and swapped.position == 1
    assert swapped.sets == swapped.exercise.dose.sets
    change = program.history[-1]
    assert (change.change, change.from_code, change.to_code) == ("progressed", "bird_dog", "bird_dog_sweeps")
    assert change.reason == "Solid form, ready for sweeps" and change.by_name == "Kai Berg"
    with database.session_factory() as s:
        again = {p.item.id: p for p in programs.proposals(s, program.id)}
    assert again[bird.id].proposal.action == "hold"  # the new exercise starts its own count


def test_pain_proposes_a_regression_and_a_decline_is_recorded(database, people):
    program = draft(database, people, "bird_dog")
    with database.session_factory.begin() as s:
        program = programs.activate(s, program.id, program.version)
    (bird,) = program.items
    log(database, people, program, {bird.id: full(bird, 2, 6)}, 1)
    with database.session_factory() as s:
        (item, proposal, target), = programs.proposals(s, program.id)  # fmt: skip
    assert proposal.action == "regress" and "rose by 4" in proposal.reason and target == "bird_dog_arm_or_leg"
    with database.session_factory.begin() as s:
        program = programs.apply_proposal(s, program.id, bird.id, "regress", accept=False,
                                          reason="She slept badly; try again Thursday")  # fmt: skip
    assert program.item(bird.id).exercise_code == "bird_dog"
    change = program.history[-1]
    assert change.change == "declined" and change.to_code == "bird_dog_arm_or_leg"
    assert change.reason == "Declined to regress: She slept badly; try again Thursday"
    with database.session_factory() as s:
        assert programs.proposals(s, program.id)[0].proposal.action == "hold"  # decided; wait for new sessions


def test_sessions_are_logged_only_on_the_clients_active_program(database, people):
    program = draft(database, people, "bird_dog")
    (bird,) = program.items
    with database.session_factory.begin() as s:
        with pytest.raises(ValidationError, match="active program"):
            programs.log_session(s, people["ana"], program.id, TODAY, {bird.id: full(bird)})
        programs.activate(s, program.id, program.version)
        with pytest.raises(ValidationError, match="future"):
            programs.log_session(s, people["ana"], program.id, TODAY + timedelta(days=1), {bird.id: full(bird)})
        with pytest.raises(ValidationError, match="0 to 10"):
            programs.log_session(s, people["ana"], program.id, TODAY, {bird.id: full(bird, 2, 12)})
        with pytest.raises(ValidationError, match="not in this program"):
            programs.log_session(s, people["ana"], program.id, TODAY, {bird.id + 99: full(bird)})
