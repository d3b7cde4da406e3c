"""Exercise library format and screening against the intolerance profile (DOMAIN.md section 5)."""

from __future__ import annotations

import json

import pytest

from exercise_fixtures import ENTRIES, entry, library, one
from studio.exercises import FLOOR_NOTE, chain_problems, exercise_from_dict, exercise_to_dict, load_library, screen
from studio.exercises.library import parse_entries

NONE = {"flexion": "none", "extension": "none", "rotation": "none", "compression": "none", "neural": "none"}


def profile(**levels) -> dict[str, str]:
    return {**NONE, **levels}


def verdict(exercise, prof=None, nprs=None, **options):
    return screen([exercise], prof or NONE, nprs, **options)[0]


# --- the format ------------------------------------------------------------------------------


def test_an_entry_becomes_a_frozen_exercise():
    ex = exercise_from_dict(ENTRIES[2])
    assert ex.code == "curl_up_head_supported" and ex.family == "curl_up" and ex.level == 1
    assert ex.demands["compression"] == 1 and ex.progression == "curl_up_elbows_up" and ex.regression is None
    assert ex.tags == frozenset({"big3"}) and ex.equipment == ("mat",) and not ex.custom
    assert ex.dose.sets == 2 and ex.dose.hold_seconds == 5
    with pytest.raises(TypeError):
        ex.demands["flexion"] = 3  # read-only
    assert hash(ex) == hash(exercise_from_dict(ENTRIES[2])) and ex == exercise_from_dict(ENTRIES[2])


def test_custom_exercises_round_trip_through_json():
    ex = exercise_from_dict(ENTRIES[5], custom=True)
    again = exercise_from_dict(json.loads(json.dumps(exercise_to_dict(ex))), custom=True)
    assert again == ex and again.custom


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"level": 6}, "level"),
        ({"family": "yoga"}, "family"),
        ({"tags": ["nerve_tensoiner"]}, "tag"),
        ({"demands": {"flexion": 1}}, "demands"),
        ({"demands": {**entry("x", "legs", 1)["demands"], "rotation": 4}}, "rotation"),
        ({"floor_transfer": "yes"}, "floor_transfer"),
        ({"position": "lying"}, "position"),
        ({"progresion": "b"}, "unknown fields"),
        ({"dose": {"sets": -1}}, "sets"),
        ({"steps": "do it"}, "steps"),
    ],
)
def test_invalid_entries_name_the_file_and_the_code(change, words):
    bad = {**entry("broken_one", "legs", 1), **change}
    with pytest.raises(ValueError) as caught:
        parse_entries([ENTRIES[0], bad], "legs.json")
    assert "legs.json" in str(caught.value) and "broken_one" in str(caught.value) and words in str(caught.value)


def test_a_missing_field_is_named():
    bad = entry("no_demands", "legs", 1)
    del bad["demands"]
    with pytest.raises(ValueError, match=r"core\.json: exercise no_demands: missing demands"):
        parse_entries([bad], "core.json")


def test_chain_problems_finds_broken_links():
    assert chain_problems(library()) == []
    a = exercise_from_dict(entry("a", "legs", 2, progression="b"))
    b = exercise_from_dict(entry("b", "legs", 1, regression="a", progression="c"))
    c = exercise_from_dict(entry("c", "glute", 3, regression="b", progression="a"))
    problems = " | ".join(chain_problems([a, b, c]))
    assert "a (level 2) progresses to b at a lower level (1)" in problems
    assert "its progression c is in family glute" in problems
    assert "does not name it as its regression" in problems  # a's regression is not c
    assert "circle" in problems
    lonely = exercise_from_dict(entry("lonely", "legs", 1, progression="ghost"))
    assert chain_problems([lonely]) == ["lonely: its progression ghost is not in the library"]


def test_load_library_is_cached_and_well_formed():
    first = load_library()
    assert first is load_library()
    assert len({e.code for e in first}) == len(first)
    assert all(not e.custom for e in first)


# --- the rules, each at its boundary ---------------------------------------------------------


def test_twisting_under_load_is_excluded_for_everyone():
    result = verdict(one(rotation=2, compression=1))
    assert not result.allowed and "Twisting under load" in result.reasons[0]
    assert verdict(one(rotation=3, compression=0)).allowed
    assert verdict(one(rotation=1, compression=3)).allowed
    assert not verdict(exercise_from_dict(ENTRIES[-5])).allowed  # Russian twist


@pytest.mark.parametrize(
    ("load", "level", "excluded", "allowed"),
    [
        ("flexion", "possible", 2, 1),
        ("flexion", "likely", 1, 0),
        ("extension", "possible", 2, 1),
        ("extension", "likely", 1, 0),
        ("rotation", "possible", 1, 0),
        ("rotation", "likely", 1, 0),
        ("compression", "possible", 3, 2),
        ("compression", "likely", 2, 1),
    ],
)
def test_intolerance_thresholds(load, level, excluded, allowed):
    prof = profile(**{load: level})
    out = verdict(one(**{load: excluded}), prof)
    assert not out.allowed
    assert len(out.reasons) == 1 and load in out.reasons[0] and level in out.reasons[0]
    assert verdict(one(**{load: allowed}), prof).allowed
    assert verdict(one(**{load: 3}), profile()).allowed  # "none": no rule on this load


def test_no_intolerance_excludes_nothing_but_twisting_under_load():
    results = screen(library(), NONE)
    excluded = {r.exercise.code for r in results if not r.allowed}
    directional = {e.code for e in library() if e.family == "directional_preference"}
    assert excluded == {"russian_twist"} | directional


@pytest.mark.parametrize("level", ["possible", "likely"])
def test_neural_tension_excludes_tensioners_and_hamstring_stretches(level):
    prof = profile(neural=level)
    assert not verdict(one(tags=("nerve_tensioner",)), prof).allowed
    assert not verdict(one(tags=("hamstring_stretch",)), prof).allowed
    assert verdict(one(tags=("nerve_glide",)), prof).allowed
    assert verdict(one(tags=("nerve_tensioner",)), profile()).allowed


def test_severe_pain_keeps_to_levels_one_and_two():
    assert not verdict(one(level=3), nprs=7).allowed
    assert "7/10" in verdict(one(level=3), nprs=7).reasons[0]
    assert verdict(one(level=2), nprs=7).allowed
    assert verdict(one(level=3), nprs=6).allowed
    assert verdict(one(level=5), nprs=None).allowed


def test_directional_exercises_need_the_matching_preference():
    ext = one(tags=("directional_extension",), extension=1)
    flex = one(tags=("directional_flexion",), flexion=1)
    assert not verdict(ext).allowed and "extension" in verdict(ext).reasons[0]
    assert verdict(ext, directional_preference=["extension"]).allowed
    assert verdict(ext, directional_preference="extension").allowed
    assert not verdict(flex, directional_preference=("extension",)).allowed
    assert verdict(flex, directional_preference=("flexion", "extension")).allowed
    # A preference never overrides an intolerance.
    assert not verdict(flex, profile(flexion="likely"), directional_preference=["flexion"]).allowed


def test_floor_transfers_are_a_preference_not_an_exclusion():
    floor = one(floor=True)
    plain = verdict(floor)
    assert plain.allowed and plain.preferred and plain.note is None
    told = verdict(floor, floor_transfer_provokes=True)
    assert told.allowed and not told.preferred and told.note == FLOOR_NOTE and told.reasons == ()
    assert verdict(one(), floor_transfer_provokes=True).preferred


def test_reasons_accumulate():
    sit_up = next(e for e in library() if e.code == "sit_up")
    out = verdict(sit_up, profile(flexion="possible", compression="likely"), 8)
    assert not out.allowed and len(out.reasons) == 3
    text = " ".join(out.reasons)
    assert "flexion" in text and "compression" in text and "8/10" in text


def test_results_keep_the_order_of_the_exercises():
    lib = library()
    assert [r.exercise for r in screen(lib, NONE)] == list(lib)


@pytest.mark.parametrize(
    ("prof", "nprs", "preference"),
    [
        ({"flexion": "sometimes"}, None, ()),
        ({"spine": "likely"}, None, ()),
        ("likely", None, ()),
        (NONE, 11, ()),
        (NONE, "7", ()),
        (NONE, None, ("sideways",)),
    ],
)
def test_unknown_input_is_refused(prof, nprs, preference):
    with pytest.raises(ValueError):
        screen([one()], prof, nprs, directional_preference=preference)
