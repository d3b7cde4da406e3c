"""Outcome measures against hand-computed examples from the published scoring (DOMAIN.md 4).

Every expected value below was worked out by hand from the formula in the comment beside it,
never taken from the code under test.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.clinical.measures import (
    ATTRIBUTION,
    ODI_BANDS,
    ODI_SECTIONS,
    RMDQ_ITEMS,
    START_BACK_BOTHERSOMENESS,
    START_BACK_ITEMS,
    important_change,
    oswestry,
    oswestry_band,
    psfs,
    psfs_activity_important_change,
    roland_morris,
    start_back,
)

N = None

# --------------------------------------------------------------------------- ODI

ODI_CASES = [
    # answers, percent (sum / (5 x answered) x 100), band, answered
    pytest.param([0] * 10, 0.0, "minimal", 10, id="all-zero"),
    pytest.param([1] * 10, 20.0, "minimal", 10, id="10/50=20-exactly-minimal"),
    pytest.param([1] * 9 + [2], 22.0, "moderate", 10, id="11/50=22"),
    pytest.param([2, 1, 3, 1, 2, 2, 1, 0, 2, 2], 32.0, "moderate", 10, id="16/50=32"),
    pytest.param([2] * 10, 40.0, "moderate", 10, id="20/50=40-edge"),
    pytest.param([2] * 9 + [3], 42.0, "severe", 10, id="21/50=42"),
    pytest.param([3] * 10, 60.0, "severe", 10, id="30/50=60-edge"),
    pytest.param([3] * 9 + [4], 62.0, "crippled", 10, id="31/50=62"),
    pytest.param([4] * 10, 80.0, "crippled", 10, id="40/50=80-edge"),
    pytest.param([4] * 9 + [5], 82.0, "bed-bound", 10, id="41/50=82"),
    pytest.param([5] * 10, 100.0, "bed-bound", 10, id="50/50=100"),
    # one missing section: denominator 45
    pytest.param([1] * 9 + [N], 20.0, "minimal", 9, id="9/45=20"),
    pytest.param([2] + [1] * 8 + [N], 1000 / 45, "moderate", 9, id="10/45=22.2"),
    pytest.param([N, 5, 5, 5, 5, 5, 5, 5, 5, 5], 100.0, "bed-bound", 9, id="45/45"),
    # two missing sections: denominator 40 (not 50)
    pytest.param([3] * 8 + [N, N], 60.0, "severe", 8, id="24/40=60"),
    pytest.param([2] * 7 + [3, N, N], 42.5, "severe", 8, id="17/40=42.5"),
    pytest.param([1, N, 1, 1, N, 1, 1, 1, 1, 1], 20.0, "minimal", 8, id="8/40=20"),
    pytest.param([4, 4, 4, 4, 4, 4, 4, N, 4, N], 80.0, "crippled", 8, id="32/40=80"),
    # fewer than 8 answered: product rule says no score
    pytest.param([5] * 7 + [N, N, N], None, None, 7, id="7-answered"),
    pytest.param([N] * 10, None, None, 0, id="none-answered"),
]


@pytest.mark.parametrize(("answers", "percent", "band", "answered"), ODI_CASES)
def test_oswestry_worked_examples(answers, percent, band, answered):
    result = oswestry(answers)
    assert result.answered == answered
    assert result.band == band
    if percent is None:
        assert result.percent is None
    else:
        assert result.percent == pytest.approx(percent, abs=1e-12)


def test_oswestry_exactly_twenty_percent_is_not_pushed_over_by_float_error():
    # 0.2 * 100 == 20.000000000000004 in floats; the score must be exactly 20.0 and minimal.
    result = oswestry([1] * 10)
    assert result.percent == 20.0
    assert result.band == "minimal"


def test_oswestry_accepts_tuple_and_generator():
    assert oswestry(tuple([2] * 10)).percent == 40.0
    assert oswestry(x for x in [2] * 10).percent == 40.0


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (0, "minimal"),
        (20, "minimal"),
        (20.0001, "moderate"),
        (40, "moderate"),
        (40.0001, "severe"),
        (60, "severe"),
        (60.0001, "crippled"),
        (80, "crippled"),
        (80.0001, "bed-bound"),
        (100, "bed-bound"),
    ],
)
def test_oswestry_band_edges(percent, band):
    assert oswestry_band(percent) == band


@pytest.mark.parametrize("bad", [-0.1, 100.1, math.nan, math.inf, True, "20", None])
def test_oswestry_band_rejects(bad):
    with pytest.raises(ValueError):
        oswestry_band(bad)


def test_oswestry_message_names_section_and_value():
    with pytest.raises(ValueError, match=r"ODI section 3 \(lifting\): 6 is outside 0–5"):
        oswestry([0, 0, 6, 0, 0, 0, 0, 0, 0, 0])


@pytest.mark.parametrize(
    ("answers", "fragment"),
    [
        ([0] * 9, "got 9"),
        ([0] * 11, "got 11"),
        ([], "got 0"),
        ([-1] + [0] * 9, "section 1"),
        ([0] * 9 + [6], r"section 10 \(travelling\)"),
        ([True] + [0] * 9, "True"),
        ([0, False] + [0] * 8, "section 2"),
        ([2.0] + [0] * 9, "2.0"),
        (["3"] + [0] * 9, "'3'"),
        ("0000000000", "str"),
        ({i: 0 for i in range(10)}, "dict"),
        (frozenset(range(6)), "frozenset"),
        (None, "NoneType"),
        (5, "int"),
    ],
)
def test_oswestry_rejects(answers, fragment):
    with pytest.raises(ValueError, match=fragment):
        oswestry(answers)


def test_odi_sections_in_questionnaire_order():
    assert ODI_SECTIONS == (
        "pain intensity", "personal care", "lifting", "walking", "sitting",
        "standing", "sleeping", "sex life", "social life", "travelling",
    )


answer_or_none = st.one_of(st.none(), st.integers(0, 5))


@given(st.lists(answer_or_none, min_size=10, max_size=10))
def test_oswestry_in_range_for_any_valid_answers(answers):
    result = oswestry(answers)
    given_answers = [a for a in answers if a is not None]
    assert result.answered == len(given_answers)
    if len(given_answers) < 8:
        assert result.percent is None and result.band is None
    else:
        assert 0 <= result.percent <= 100
        assert result.band in ODI_BANDS
        assert result.percent == pytest.approx(
            sum(given_answers) * 100 / (5 * len(given_answers))
        )


bad_odi_value = st.one_of(
    st.integers(max_value=-1),
    st.integers(min_value=6),
    st.booleans(),
    st.floats(),
    st.text(max_size=3),
)


@given(st.lists(answer_or_none, min_size=10, max_size=10), st.integers(0, 9), bad_odi_value)
def test_oswestry_any_bad_answer_raises_value_error(answers, where, bad):
    answers[where] = bad
    with pytest.raises(ValueError, match=f"section {where + 1} "):
        oswestry(answers)


@given(st.lists(answer_or_none).filter(lambda a: len(a) != 10))
def test_oswestry_wrong_count_raises_value_error(answers):
    with pytest.raises(ValueError):
        oswestry(answers)


junk = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=4),
        st.binary(max_size=3),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=11),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=3), inner, max_size=3),
        st.frozensets(st.integers(-2, 30), max_size=5),
    ),
    max_leaves=24,
)


@given(junk)
def test_oswestry_junk_only_ever_raises_value_error(value):
    try:
        oswestry(value)
    except ValueError:
        pass


# --------------------------------------------------------------------------- RMDQ


@pytest.mark.parametrize(
    ("ticked", "score"),
    [
        ([], 0),
        ([1], 1),
        ([24], 1),
        ([2, 5, 9, 13, 17, 21], 6),
        (list(range(1, 25)), 24),
        ({3, 11, 20}, 3),
        ((n for n in (4, 8)), 2),
        # a set of items: a statement ticked twice is still one statement
        ([3, 3, 7], 2),
        ([12] * 5, 1),
    ],
)
def test_roland_morris_counts_ticked_statements(ticked, score):
    assert roland_morris(ticked) == score


@pytest.mark.parametrize(
    ("ticked", "fragment"),
    [
        ([0], "outside 1–24"),
        ([25], "RMDQ item 25 is outside 1–24"),
        ([-3], "outside"),
        ([True], "True"),
        ([2.0], "2.0"),
        (["3"], "'3'"),
        ([None], "None"),
        ("12", "str"),
        ({1: True}, "dict"),
        (None, "NoneType"),
        (7, "int"),
    ],
)
def test_roland_morris_rejects(ticked, fragment):
    with pytest.raises(ValueError, match=fragment):
        roland_morris(ticked)


def test_rmdq_has_24_numbered_items():
    assert RMDQ_ITEMS == tuple(range(1, 25))


@given(st.lists(st.integers(1, 24)))
def test_roland_morris_in_range(ticked):
    score = roland_morris(ticked)
    assert 0 <= score <= 24
    assert score == len(set(ticked))


@given(st.lists(st.integers(1, 24)), st.integers().filter(lambda n: not 1 <= n <= 24))
def test_roland_morris_out_of_range_item_raises(ticked, bad):
    with pytest.raises(ValueError):
        roland_morris([*ticked, bad])


@given(junk)
def test_roland_morris_junk_only_ever_raises_value_error(value):
    try:
        roland_morris(value)
    except ValueError:
        pass


# --------------------------------------------------------------------------- STarT Back

T, F = True, False

START_CASES = [
    # items 1-8, item 9, total (items 1-9), psychosocial (items 5-9), risk
    pytest.param([F] * 8, "not at all", 0, 0, "low", id="nothing"),
    pytest.param([T] * 8, "extremely", 9, 5, "high", id="everything"),
    pytest.param([T, T, T, F, F, F, F, F], "not at all", 3, 0, "low", id="total-3"),
    pytest.param([F, F, F, F, T, T, F, F], "very much", 3, 3, "low", id="total-3-psych-3"),
    pytest.param([T, F, F, F, T, T, T, F], "slightly", 4, 3, "medium", id="total-4-psych-3"),
    pytest.param([F, F, F, F, T, T, T, T], "moderately", 4, 4, "high", id="total-4-psych-4"),
    pytest.param([F, F, F, F, T, T, T, F], "very much", 4, 4, "high", id="item9-makes-high"),
    pytest.param([T, T, T, T, F, F, F, F], "extremely", 5, 1, "medium", id="items1-4-not-psych"),
    pytest.param([T, T, T, T, T, F, F, F], "moderately", 5, 1, "medium", id="moderately-is-0"),
    pytest.param([T, T, F, F, T, T, T, F], "extremely", 6, 4, "high", id="total-6-psych-4"),
    pytest.param([T, T, T, T, T, T, F, F], "slightly", 6, 2, "medium", id="total-6-psych-2"),
    pytest.param([1, 0, 1, 0, 1, 1, 1, 0], "Very much", 6, 4, "high", id="ints-and-case"),
]


@pytest.mark.parametrize(("agree", "bother", "total", "psychosocial", "risk"), START_CASES)
def test_start_back_worked_examples(agree, bother, total, psychosocial, risk):
    result = start_back(agree, bother)
    assert (result.total, result.psychosocial, result.risk) == (total, psychosocial, risk)


@pytest.mark.parametrize(
    ("bother", "score"),
    [("not at all", 0), ("slightly", 0), ("moderately", 0), ("very much", 1), ("extremely", 1)],
)
def test_start_back_item_9_scores_only_very_much_and_extremely(bother, score):
    result = start_back([F] * 8, bother)
    assert result.total == score
    assert result.psychosocial == score


@pytest.mark.parametrize(
    ("agree", "bother", "fragment"),
    [
        ([F] * 7, "slightly", "got 7"),
        ([F] * 9, "slightly", "got 9"),
        ([F] * 7 + ["yes"], "slightly", "item 8"),
        ([2] + [F] * 7, "slightly", "item 1"),
        ([None] + [F] * 7, "slightly", "item 1"),
        ([0.0] + [F] * 7, "slightly", "item 1"),
        ([F] * 8, "a lot", "item 9"),
        ([F] * 8, None, "item 9"),
        ([F] * 8, 3, "item 9"),
        ([F] * 8, ["extremely"], "item 9"),
        ("yyyyyyyy", "slightly", "str"),
        ({T, F}, "slightly", "set"),
    ],
)
def test_start_back_rejects(agree, bother, fragment):
    with pytest.raises(ValueError, match=fragment):
        start_back(agree, bother)


def test_start_back_texts():
    assert len(START_BACK_ITEMS) == 9
    assert START_BACK_BOTHERSOMENESS == (
        "not at all", "slightly", "moderately", "very much", "extremely",
    )


@given(
    st.lists(st.booleans(), min_size=8, max_size=8),
    st.sampled_from(["not at all", "slightly", "moderately", "very much", "extremely"]),
)
def test_start_back_in_range(agree, bother):
    result = start_back(agree, bother)
    assert 0 <= result.total <= 9
    assert 0 <= result.psychosocial <= 5
    assert result.psychosocial <= result.total
    if result.total <= 3:
        assert result.risk == "low"
    elif result.psychosocial >= 4:
        assert result.risk == "high"
    else:
        assert result.risk == "medium"


@given(junk, junk)
def test_start_back_junk_only_ever_raises_value_error(agree, bother):
    try:
        start_back(agree, bother)
    except ValueError:
        pass


# --------------------------------------------------------------------------- PSFS


@pytest.mark.parametrize(
    ("ratings", "mean"),
    [
        ([5], 5.0),
        ([0], 0.0),
        ([10], 10.0),
        ([3, 4], 3.5),
        ([0, 10], 5.0),
        ([3, 3, 4], 10 / 3),
        ([2.5, 7.5, 6], 16 / 3),
        ([1, 2, 3, 4, 5], 3.0),
        ([7, 7, 7, 7, 8], 7.2),
    ],
)
def test_psfs_mean(ratings, mean):
    assert psfs(ratings) == pytest.approx(mean, abs=1e-12)
    assert isinstance(psfs(ratings), float)


@pytest.mark.parametrize(
    ("ratings", "fragment"),
    [
        ([], "got 0"),
        ([5] * 6, "got 6"),
        ([11], "activity 1 rating: 11 is outside 0–10"),
        ([5, -1], "activity 2"),
        ([10.5], "10.5"),
        ([True], "True"),
        ([math.nan], "finite"),
        ([math.inf], "finite"),
        (["5"], "'5'"),
        ([None], "None"),
        ({5, 6}, "set"),
        ("55", "str"),
        (5, "int"),
    ],
)
def test_psfs_rejects(ratings, fragment):
    with pytest.raises(ValueError, match=fragment):
        psfs(ratings)


rating = st.one_of(st.integers(0, 10), st.floats(0, 10))


@given(st.lists(rating, min_size=1, max_size=5))
def test_psfs_in_range(ratings):
    mean = psfs(ratings)
    assert 0 <= mean <= 10
    assert min(ratings) <= mean <= max(ratings)


@given(st.lists(rating, min_size=6, max_size=12))
def test_psfs_too_many_raises(ratings):
    with pytest.raises(ValueError):
        psfs(ratings)


@given(
    st.lists(rating, min_size=1, max_size=4),
    st.one_of(
        st.floats(max_value=-1e-9),
        st.floats(min_value=10.000001),
        st.integers(min_value=11),
        st.integers(max_value=-1),
    ),
)
def test_psfs_out_of_range_rating_raises(ratings, bad):
    with pytest.raises(ValueError):
        psfs([*ratings, bad])


@given(junk)
def test_psfs_junk_only_ever_raises_value_error(value):
    try:
        psfs(value)
    except ValueError:
        pass


# --------------------------------------------------------------------------- important change

CHANGE_CASES = [
    # ODI: >= 10 point decrease
    ("odi", 40, 30, True),
    ("odi", 40, 30.5, False),
    ("odi", 50, 38, True),
    ("odi", 20.0, 10.0, True),
    ("odi", 40, 40, False),
    ("odi", 30, 40, False),
    ("odi", 100, 0, True),
    ("odi", 5, 0, False),  # 100 % better but only 5 points: ODI has no percentage rule
    # RMDQ: >= 5 points or >= 30 % decrease
    ("rmdq", 10, 5, True),
    ("rmdq", 20, 16, False),  # 4 points, 20 %
    ("rmdq", 20, 15, True),  # 5 points
    ("rmdq", 10, 7, True),  # 3 points = 30 % exactly
    ("rmdq", 10, 8, False),  # 20 %
    ("rmdq", 13, 10, False),  # 3/13 = 23 %
    ("rmdq", 13, 9, True),  # 4/13 = 30.8 %
    ("rmdq", 3, 2, True),  # 1/3 = 33 %
    ("rmdq", 24, 19, True),
    ("rmdq", 0, 0, False),  # nothing to fall from; no division by zero
    ("rmdq", 0, 3, False),
    ("rmdq", 5, 10, False),
    # NPRS: >= 2 points or >= 30 % decrease
    ("nprs", 8, 6, True),
    ("nprs", 8, 7, False),  # 1 point, 12.5 %
    ("nprs", 3, 2, True),  # 33 %
    ("nprs", 4, 3, False),  # 25 %
    ("nprs", 10, 7, True),
    ("nprs", 5, 4, False),  # 20 %
    ("nprs", 0, 0, False),
    ("nprs", 2, 4, False),
    ("nprs", 10, 8.5, False),  # 1.5 points, 15 %
    ("nprs", 5, 3.5, True),  # 1.5 points = 30 %
    # PSFS mean: >= 2 point increase (higher is better)
    ("psfs", 3, 5, True),
    ("psfs", 3, 4.9, False),
    ("psfs", 5, 3, False),
    ("psfs", 0, 10, True),
    ("psfs", 10 / 3, 16 / 3, True),  # means of [3,3,4] and [5,5,6]; floats differ by 1.9999...
    ("psfs", 0, 1, False),  # no percentage rule for PSFS
]


@pytest.mark.parametrize(("instrument", "before", "after", "expected"), CHANGE_CASES)
def test_important_change(instrument, before, after, expected):
    assert important_change(instrument, before, after) is expected


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [(4, 7, True), (4, 6.9, False), (7, 4, False), (0, 10, True), (6.1, 9.1, True), (5, 5, False)],
)
def test_psfs_single_activity_change(before, after, expected):
    assert psfs_activity_important_change(before, after) is expected


@pytest.mark.parametrize(
    ("instrument", "before", "after", "fragment"),
    [
        ("pain", 5, 3, "unknown instrument 'pain'"),
        ("ODI", 50, 30, "unknown instrument"),
        (None, 5, 3, "unknown instrument"),
        (["odi"], 5, 3, "unknown instrument"),
        ("odi", -1, 3, "ODI before"),
        ("odi", 50, 101, "ODI after"),
        ("rmdq", 25, 3, "RMDQ before"),
        ("nprs", 11, 3, "NPRS before"),
        ("psfs", 5, 10.5, "PSFS after"),
        ("nprs", math.nan, 3, "finite"),
        ("nprs", 5, True, "True"),
        ("rmdq", "10", 3, "'10'"),
    ],
)
def test_important_change_rejects(instrument, before, after, fragment):
    with pytest.raises(ValueError, match=fragment):
        important_change(instrument, before, after)


@pytest.mark.parametrize(("before", "after"), [(11, 3), (3, -1), (True, 5), (math.inf, 5)])
def test_psfs_single_activity_rejects(before, after):
    with pytest.raises(ValueError):
        psfs_activity_important_change(before, after)


@given(junk, junk, junk)
def test_important_change_junk_only_ever_raises_value_error(instrument, before, after):
    try:
        assert important_change(instrument, before, after) in (True, False)
    except ValueError:
        pass


@given(st.sampled_from(["odi", "rmdq", "nprs"]), st.integers(0, 10))
def test_no_change_or_worse_is_never_important(instrument, score):
    assert important_change(instrument, score, score) is False
    assert important_change(instrument, score, min(score + 1, 10)) is False


# --------------------------------------------------------------------------- attribution


def test_attribution_names_the_authors():
    assert "Fairbank" in ATTRIBUTION["odi"]
    assert "Roland" in ATTRIBUTION["rmdq"] and "Morris" in ATTRIBUTION["rmdq"]
    assert "Keele University" in ATTRIBUTION["start_back"]
    assert "Stratford" in ATTRIBUTION["psfs"]
    assert "NPRS" in ATTRIBUTION["nprs"] or "Numeric" in ATTRIBUTION["nprs"]


not_an_agree_answer = st.one_of(
    st.integers().filter(lambda n: n not in (0, 1)),
    st.floats(),
    st.text(max_size=3),
    st.none(),
)


@given(st.lists(st.booleans(), min_size=8, max_size=8), st.integers(0, 7), not_an_agree_answer)
def test_start_back_bad_item_always_raises_value_error(agree, where, bad):
    agree[where] = bad
    with pytest.raises(ValueError, match=f"item {where + 1}:"):
        start_back(agree, "slightly")


@given(
    st.lists(st.booleans(), min_size=8, max_size=8),
    st.text().filter(lambda t: t.strip().lower() not in START_BACK_BOTHERSOMENESS),
)
def test_start_back_bad_bothersomeness_always_raises_value_error(agree, bother):
    with pytest.raises(ValueError, match="item 9"):
        start_back(agree, bother)
