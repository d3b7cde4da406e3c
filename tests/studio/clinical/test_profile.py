"""Provocation catalogue, intolerance profile and directional preference (DOMAIN.md 3).

Expected levels are counted by hand from the DOMAIN.md groups: 0 provoking tests none,
1 possible, 2 or more likely.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.clinical.profile import directional_preference, easing_tests, intolerance
from studio.clinical.provocation import PROVOCATION_TESTS, RESULTS, provocation_test

DOMAIN_CODES = (
    "standing_flexion", "slumped_sitting", "sit_to_stand", "standing_extension",
    "prone_press_up", "prolonged_standing", "brisk_walk", "standing_rotation",
    "loaded_hold", "cough", "straight_leg_raise", "slump_test",
)
LOADS = ("flexion", "extension", "rotation", "compression", "neural")


def profile(**levels: str) -> dict[str, str]:
    """The expected profile: every load "none" unless named."""
    return {load: levels.get(load, "none") for load in LOADS}


def test_catalogue_has_the_twelve_domain_tests_in_order():
    assert tuple(PROVOCATION_TESTS) == DOMAIN_CODES
    assert RESULTS == ("provokes", "no_change", "eases")
    for code, test in PROVOCATION_TESTS.items():
        assert test.code == code
        assert test.test and test.loads


@pytest.mark.parametrize(
    ("code", "description", "loads"),
    [
        ("standing_flexion", "bend forward from standing", "flexion"),
        ("prone_press_up", "press-up from lying face down", "repeated extension"),
        ("cough", "cough or sneeze", "intradiscal pressure"),
        ("slump_test", "seated slump with knee extension", "neural tension"),
    ],
)
def test_catalogue_wording(code, description, loads):
    test = provocation_test(code)
    assert (test.test, test.loads) == (description, loads)


PROFILE_CASES = [
    pytest.param({}, profile(), id="nothing-tested"),
    pytest.param({c: "no_change" for c in DOMAIN_CODES}, profile(), id="all-no-change"),
    pytest.param({c: "eases" for c in DOMAIN_CODES}, profile(), id="easing-is-not-provoking"),
    pytest.param({"standing_flexion": "provokes"}, profile(flexion="possible"), id="one-flexion"),
    pytest.param(
        {"standing_flexion": "provokes", "slumped_sitting": "provokes"},
        profile(flexion="likely"),
        id="two-flexion",
    ),
    pytest.param(
        {"cough": "provokes", "sit_to_stand": "provokes", "standing_extension": "no_change"},
        profile(flexion="likely"),
        id="cough-counts-as-flexion",
    ),
    pytest.param({"cough": "provokes"}, profile(flexion="possible"), id="cough-alone"),
    pytest.param(
        {"prolonged_standing": "provokes"},
        profile(extension="possible", compression="possible"),
        id="standing-counts-twice",
    ),
    pytest.param(
        {"prolonged_standing": "provokes", "loaded_hold": "provokes"},
        profile(extension="possible", compression="likely"),
        id="compression-likely",
    ),
    pytest.param(
        {"standing_extension": "provokes", "prone_press_up": "provokes",
         "prolonged_standing": "provokes", "brisk_walk": "provokes"},
        profile(extension="likely", compression="possible"),
        id="all-extension",
    ),
    pytest.param({"standing_rotation": "provokes"}, profile(rotation="possible"), id="rotation"),
    pytest.param({"slump_test": "provokes"}, profile(neural="possible"), id="slump-alone"),
    pytest.param(
        {"straight_leg_raise": "provokes", "slump_test": "provokes"},
        profile(neural="likely"),
        id="neural-likely",
    ),
    pytest.param(
        {"standing_flexion": "provokes", "prone_press_up": "eases", "slump_test": "no_change"},
        profile(flexion="possible"),
        id="mixed",
    ),
    pytest.param(
        {c: "provokes" for c in DOMAIN_CODES},
        profile(flexion="likely", extension="likely", rotation="possible",
                compression="likely", neural="likely"),
        id="everything-provokes",
    ),
]


@pytest.mark.parametrize(("results", "expected"), PROFILE_CASES)
def test_intolerance(results, expected):
    assert intolerance(results) == expected


PREFERENCE_CASES = [
    pytest.param({}, (), (), id="nothing"),
    pytest.param({"prone_press_up": "eases"}, ("extension",), ("prone_press_up",), id="press-up"),
    pytest.param(
        {"standing_flexion": "eases"}, ("flexion",), ("standing_flexion",), id="bending-eases"
    ),
    pytest.param(
        {"prone_press_up": "eases", "brisk_walk": "eases", "slumped_sitting": "provokes"},
        ("extension",),
        ("prone_press_up", "brisk_walk"),
        id="one-direction-once",
    ),
    pytest.param(
        {"standing_extension": "eases", "slumped_sitting": "eases"},
        ("flexion", "extension"),
        ("slumped_sitting", "standing_extension"),
        id="both-in-fixed-order",
    ),
    pytest.param(
        {"standing_rotation": "eases"}, ("rotation",), ("standing_rotation",), id="rotation"
    ),
    pytest.param(
        {"cough": "eases", "loaded_hold": "eases", "sit_to_stand": "eases",
         "straight_leg_raise": "eases"},
        (),
        ("sit_to_stand", "loaded_hold", "cough", "straight_leg_raise"),
        id="no-direction-but-recorded",
    ),
    pytest.param(
        {"prone_press_up": "provokes", "standing_flexion": "no_change"}, (), (), id="none-ease"
    ),
]


@pytest.mark.parametrize(("results", "preference", "easing"), PREFERENCE_CASES)
def test_directional_preference(results, preference, easing):
    assert directional_preference(results) == preference
    assert easing_tests(results) == easing


@pytest.mark.parametrize(
    ("results", "fragment"),
    [
        ({"toe_touch": "provokes"}, "unknown provocation test 'toe_touch'"),
        ({"cough": "worse"}, "cough: 'worse' is not one of"),
        ({"cough": "no change"}, "'no change'"),
        ({"cough": None}, "None"),
        ({"cough": True}, "True"),
        ({1: "provokes"}, "unknown provocation test 1"),
        ([("cough", "provokes")], "list"),
        ("cough", "str"),
        (None, "NoneType"),
    ],
)
@pytest.mark.parametrize("function", [intolerance, directional_preference, easing_tests])
def test_bad_results_raise_value_error(function, results, fragment):
    with pytest.raises(ValueError, match=fragment):
        function(results)


valid_results = st.dictionaries(st.sampled_from(DOMAIN_CODES), st.sampled_from(RESULTS))


@given(valid_results)
def test_profile_shape_for_any_valid_results(results):
    levels = intolerance(results)
    assert tuple(levels) == LOADS
    assert set(levels.values()) <= {"none", "possible", "likely"}
    assert set(directional_preference(results)) <= {"flexion", "extension", "rotation"}
    assert set(easing_tests(results)) == {c for c, r in results.items() if r == "eases"}


@given(valid_results, st.sampled_from(DOMAIN_CODES))
def test_another_provoking_test_never_lowers_a_level(results, code):
    order = {"none": 0, "possible": 1, "likely": 2}
    before = intolerance(results)
    after = intolerance({**results, code: "provokes"})
    assert all(order[after[load]] >= order[before[load]] for load in LOADS)


@given(
    valid_results,
    st.one_of(st.text(), st.integers()).filter(lambda c: c not in DOMAIN_CODES),
    st.sampled_from(RESULTS),
)
def test_unknown_code_always_raises_value_error(results, code, result):
    with pytest.raises(ValueError):
        intolerance({**results, code: result})


@given(
    valid_results,
    st.sampled_from(DOMAIN_CODES),
    st.one_of(st.none(), st.text(), st.integers(), st.lists(st.text(max_size=2), max_size=2))
    .filter(lambda r: r not in RESULTS),
)
def test_unknown_result_always_raises_value_error(results, code, result):
    with pytest.raises(ValueError):
        intolerance({**results, code: result})
