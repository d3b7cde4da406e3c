"""The progress/regress rule (DOMAIN.md section 5, product rule) and chain moves."""

from __future__ import annotations

import pytest

from exercise_fixtures import library
from studio.exercises import Dose, SessionEntry, by_code, next_in_chain, propose

DOSE = Dose(sets=2, reps=8, hold_seconds=5)


def full(before=2, after=3, next_day=None, form_ok=True) -> SessionEntry:
    return SessionEntry(True, 2, 8, 5, before, after, next_day, form_ok)


SHORT = SessionEntry(True, 2, 6, 5, 2, 2, None, True)
SKIPPED = SessionEntry(False)


@pytest.mark.parametrize(
    ("logs", "action", "words"),
    [
        ([full(), full()], "progress", "two sessions in a row"),
        ([full(2, 4), full(2, 2, 4)], "progress", "no more than 2"),  # +2 exactly, during or next day
        ([full(), full(2, 5)], "regress", "rose by 3"),
        ([full(), full(2, 3, 5)], "regress", "rose by 3"),  # the 24 hours after count too
        ([full(), full(form_ok=False)], "regress", "Form failed"),
        ([SHORT, full(2, 9)], "regress", "rose by 7"),  # pain decides even on a short session
        ([full()], "hold", "only one session"),
        ([], "hold", "No sessions"),
        ([SHORT, full()], "hold", "6 of 8 repetitions"),
        ([full(), SHORT], "hold", "6 of 8 repetitions"),
        ([full(), SKIPPED], "hold", "not done"),
        ([full(2, 5), full()], "hold", "pain rose by 3"),  # the earlier session broke the run
        ([full(), full(None, 3)], "hold", "not recorded"),
        ([full(), full(form_ok=None)], "hold", "form was not recorded"),
        ([full(form_ok=False), full(), full()], "progress", ""),  # only the last two count
    ],
)
def test_rule_table(logs, action, words):
    proposal = propose(logs, DOSE)
    assert proposal.action == action
    assert words in proposal.reason


def test_more_than_prescribed_counts_as_full_and_missing_prescription_is_ignored():
    more = SessionEntry(True, 3, 10, 8, 1, 1, None, True)
    assert propose([more, more], DOSE).action == "progress"
    walk = Dose(times_per_day=3, days_per_week=7)
    assert propose([SessionEntry(True, None, None, None, 1, 2, 2, True)] * 2, walk).action == "progress"


def test_bad_pain_values_are_refused():
    with pytest.raises(ValueError):
        propose([full(), full(2, 11)], DOSE)


def test_next_in_chain():
    lib = by_code(library())
    assert next_in_chain(lib, "bird_dog", "progress") == "bird_dog_sweeps"
    assert next_in_chain(lib, "bird_dog", "regress") == "bird_dog_arm_or_leg"
    assert next_in_chain(lib, "bird_dog_arm_or_leg", "regress") is None
    assert next_in_chain(lib, "bird_dog", "hold") is None
    assert next_in_chain(lib, "unknown", "progress") is None
    with pytest.raises(ValueError):
        next_in_chain(lib, "bird_dog", "jump")
