"""McGill endurance ratios and flags (DOMAIN.md 3), with the thresholds hit exactly.

Ratios are worked by hand: flexor / extensor, right / left, larger side bridge / extensor.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.clinical.endurance import REFERENCE_MEANS, assess

FE, RL, SE = "flexor_extensor", "right_left", "side_extensor"


def test_reference_means_mcgill_1999():
    men, women = REFERENCE_MEANS["men"], REFERENCE_MEANS["women"]
    assert (men.flexor, men.extensor, men.side_right, men.side_left) == (136, 161, 95, 99)
    assert (women.flexor, women.extensor, women.side_right, women.side_left) == (134, 185, 75, 78)


CASES = [
    # flexor, extensor, right, left -> flexor/extensor, right/left, max(side)/extensor, flags
    pytest.param(136, 161, 95, 99, 136 / 161, 95 / 99, 99 / 161, set(), id="men-means"),
    pytest.param(134, 185, 75, 78, 134 / 185, 75 / 78, 78 / 185, set(), id="women-means"),
    pytest.param(100, 100, 60, 60, 1.0, 1.0, 0.6, set(), id="flexor-equal-extensor"),
    pytest.param(101, 100, 60, 60, 1.01, 1.0, 0.6, {FE}, id="flexor-just-above"),
    pytest.param(120, 80, 50, 50, 1.5, 1.0, 0.625, {FE}, id="flexor-dominant"),
    pytest.param(100, 200, 105, 100, 0.5, 1.05, 0.525, set(), id="right-1.05-not-flagged"),
    pytest.param(100, 200, 95, 100, 0.5, 0.95, 0.5, set(), id="right-0.95-not-flagged"),
    pytest.param(100, 200, 100, 105, 0.5, 100 / 105, 0.525, set(), id="left-stronger-in-margin"),
    pytest.param(100, 200, 105.01, 100, 0.5, 1.0501, 0.52505, {RL}, id="right-just-above"),
    pytest.param(100, 200, 94.9, 100, 0.5, 0.949, 0.5, {RL}, id="right-just-below"),
    pytest.param(100, 200, 4.2, 4.0, 0.5, 1.05, 0.021, set(), id="decimal-times-1.05"),
    pytest.param(50, 100, 75, 72, 0.5, 75 / 72, 0.75, set(), id="side-0.75-not-flagged"),
    pytest.param(50, 100, 75.01, 74, 0.5, 75.01 / 74, 0.7501, {SE}, id="side-just-above"),
    pytest.param(50, 100, 50, 80, 0.5, 0.625, 0.8, {RL, SE}, id="larger-side-is-used"),
    pytest.param(150, 100, 90, 60, 1.5, 1.5, 0.9, {FE, RL, SE}, id="all-three"),
]


@pytest.mark.parametrize(
    ("flexor", "extensor", "right", "left", "fe", "rl", "se", "flags"), CASES
)
def test_ratios_and_flags(flexor, extensor, right, left, fe, rl, se, flags):
    result = assess(flexor, extensor, right, left)
    assert result.flexor_extensor == pytest.approx(fe, rel=1e-12)
    assert result.right_left == pytest.approx(rl, rel=1e-12)
    assert result.side_extensor == pytest.approx(se, rel=1e-12)
    assert result.flags == flags


@pytest.mark.parametrize(
    ("times", "fe", "rl", "se", "flags"),
    [
        # a 0 s extensor makes flexor/extensor and side/extensor undefined: None, no flag
        pytest.param((60, 0, 30, 30), None, 1.0, None, set(), id="no-extensor-hold"),
        # a 0 s left side bridge makes right/left undefined
        pytest.param((60, 100, 30, 0), 0.6, None, 0.3, set(), id="no-left-hold"),
        pytest.param((0, 0, 0, 0), None, None, None, set(), id="nothing-held"),
        pytest.param((0, 100, 0, 30), 0.0, 0.0, 0.3, {RL}, id="zero-on-top-is-fine"),
    ],
)
def test_zero_times(times, fe, rl, se, flags):
    result = assess(*times)
    assert result.flexor_extensor == fe
    assert result.right_left == rl
    assert result.side_extensor == se
    assert result.flags == flags


@pytest.mark.parametrize(
    ("times", "fragment"),
    [
        ((-1, 100, 50, 50), "trunk flexor time: -1 is negative"),
        ((60, math.nan, 50, 50), "trunk extensor"),
        ((60, 100, math.inf, 50), "right side bridge"),
        ((60, 100, 50, -0.5), "left side bridge"),
        ((True, 100, 50, 50), "True"),
        (("60", 100, 50, 50), "'60'"),
        ((None, 100, 50, 50), "None"),
    ],
)
def test_bad_times_raise_value_error(times, fragment):
    with pytest.raises(ValueError, match=fragment):
        assess(*times)


seconds = st.one_of(st.integers(0, 10_000), st.floats(0, 10_000))


@given(seconds, seconds, seconds, seconds)
def test_any_valid_times(flexor, extensor, right, left):
    result = assess(flexor, extensor, right, left)
    assert result.flags <= {FE, RL, SE}
    for ratio in (result.flexor_extensor, result.right_left, result.side_extensor):
        assert ratio is None or ratio >= 0
    assert (result.flexor_extensor is None) == (extensor == 0)
    assert (result.right_left is None) == (left == 0)


@given(
    st.integers(1, 400), st.integers(1, 400), st.integers(1, 400), st.integers(1, 400),
    st.integers(2, 9),
)
def test_flags_do_not_depend_on_units(flexor, extensor, right, left, k):
    # the same holds timed in tenths of a second, say, are the same imbalance
    assert assess(flexor, extensor, right, left).flags == assess(
        flexor * k, extensor * k, right * k, left * k
    ).flags


bad_time = st.one_of(
    st.floats(max_value=-1e-300),
    st.just(math.nan),
    st.just(math.inf),
    st.integers(max_value=-1),
    st.booleans(),
    st.text(max_size=3),
    st.none(),
)


@given(seconds, seconds, seconds, bad_time, st.permutations(range(4)))
def test_any_bad_time_raises_value_error(a, b, c, bad, order):
    values = [a, b, c, bad]
    with pytest.raises(ValueError):
        assess(*(values[i] for i in order))
