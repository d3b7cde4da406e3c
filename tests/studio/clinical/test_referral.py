"""Red-flag catalogue, referral pathway and advisories (DOMAIN.md 2)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.clinical.red_flags import RED_FLAGS, red_flag
from studio.clinical.referral import advisories, recommend

EMERGENCY_CODES = (
    "saddle_numbness", "bladder_dysfunction", "bowel_incontinence",
    "bilateral_leg_symptoms", "progressive_weakness",
)
URGENT_CODES = (
    "cancer_history", "unexplained_weight_loss", "fever_or_infection", "iv_drug_use",
    "immunosuppression", "significant_trauma", "night_pain", "thoracic_pain",
    "systemically_unwell", "age_onset",
)
WORKUPS = ("none", "in_progress", "complete_unresolved", "complete_resolved")

# A word a client would recognise for each flag, chosen by hand from DOMAIN.md's meanings.
PLAIN_WORDS = {
    "saddle_numbness": "groin",
    "bladder_dysfunction": "urine",
    "bowel_incontinence": "bowel",
    "bilateral_leg_symptoms": "both legs",
    "progressive_weakness": "weakness",
    "cancer_history": "cancer",
    "unexplained_weight_loss": "weight loss",
    "fever_or_infection": "fever",
    "iv_drug_use": "drugs",
    "immunosuppression": "immune",
    "significant_trauma": "fall",
    "night_pain": "night",
    "thoracic_pain": "shoulder blades",
    "systemically_unwell": "unwell",
    "age_onset": "age 50",
}


def test_catalogue_matches_domain():
    assert tuple(RED_FLAGS) == EMERGENCY_CODES + URGENT_CODES
    assert {c for c, f in RED_FLAGS.items() if f.tier == "emergency"} == set(EMERGENCY_CODES)
    assert {c for c, f in RED_FLAGS.items() if f.tier == "urgent"} == set(URGENT_CODES)
    assert all(flag.code == code and flag.wording for code, flag in RED_FLAGS.items())


@pytest.mark.parametrize("bad", ["saddle", "", None, 3, ("cough",)])
def test_unknown_flag_code(bad):
    with pytest.raises(ValueError, match="unknown red flag"):
        red_flag(bad)


@pytest.mark.parametrize("workup", WORKUPS)
@pytest.mark.parametrize("code", EMERGENCY_CODES)
def test_each_emergency_flag_goes_to_the_emergency_department(code, workup):
    result = recommend([code], workup, 10)
    assert (result.tier, result.destination) == ("emergency", "emergency_department")
    text = " ".join(result.reasons)
    assert PLAIN_WORDS[code] in text
    assert code not in text
    assert "today" in text


@pytest.mark.parametrize("workup", WORKUPS)
@pytest.mark.parametrize("code", URGENT_CODES)
def test_each_urgent_flag_goes_to_primary_care_within_days(code, workup):
    result = recommend([code], workup)
    assert (result.tier, result.destination) == ("urgent", "primary_care")
    text = " ".join(result.reasons)
    assert PLAIN_WORDS[code] in text
    assert code not in text
    assert "days" in text


def test_emergency_outranks_urgent_and_both_are_named():
    result = recommend(["night_pain", "saddle_numbness"], "complete_resolved")
    assert (result.tier, result.destination) == ("emergency", "emergency_department")
    text = " ".join(result.reasons)
    assert "groin" in text and "night" in text
    # catalogue order: the emergency flag is named first
    assert text.index("groin") < text.index("night")


def test_a_repeated_flag_is_named_once():
    result = recommend(["cancer_history", "cancer_history"], "none")
    assert sum("cancer" in reason for reason in result.reasons) == 1


PATHWAY = [
    # workup, weeks without improvement, tier, destination
    ("none", 0, "routine", "primary_care"),
    ("none", 12, "routine", "primary_care"),  # rule 3 comes before rule 4
    ("complete_unresolved", 0, "routine", "pain_specialist"),
    ("complete_unresolved", 8, "routine", "pain_specialist"),
    ("complete_resolved", 0, "none", None),
    ("complete_resolved", 5.9, "none", None),
    ("complete_resolved", 6, "routine", "pain_specialist"),
    ("in_progress", 0, "none", None),
    ("in_progress", 5, "none", None),
    ("in_progress", 6, "routine", "pain_specialist"),
    ("in_progress", 6.5, "routine", "pain_specialist"),
]


@pytest.mark.parametrize(("workup", "weeks", "tier", "destination"), PATHWAY)
def test_pathway_without_flags(workup, weeks, tier, destination):
    result = recommend([], workup, weeks)
    assert (result.tier, result.destination) == (tier, destination)
    assert result.reasons


def test_reasons_explain_the_routine_referrals():
    assert "check-up" in " ".join(recommend((), "none").reasons)
    stalled = " ".join(recommend((), "complete_resolved", 6).reasons)
    assert "6 weeks" in stalled and "pain specialist" in stalled
    in_progress = " ".join(recommend((), "in_progress", 7).reasons)
    assert "doctor" in in_progress and "7 weeks" in in_progress
    assert "Training can go ahead." in recommend((), "complete_resolved").reasons


def test_flags_accept_any_collection():
    assert recommend({"thoracic_pain"}, "none").tier == "urgent"
    assert recommend((c for c in ["age_onset"]), "none").tier == "urgent"
    assert recommend(frozenset(), "complete_resolved").tier == "none"


@pytest.mark.parametrize(
    ("flags", "workup", "weeks", "fragment"),
    [
        (["back_pain"], "none", 0, "unknown red flag 'back_pain'"),
        ([None], "none", 0, "unknown red flag"),
        ([["night_pain"]], "none", 0, "unknown red flag"),
        ("night_pain", "none", 0, "not str"),
        ({"night_pain": True}, "none", 0, "dict"),
        (None, "none", 0, "NoneType"),
        ([], "done", 0, "unknown workup 'done'"),
        ([], None, 0, "unknown workup"),
        ([], "none", -1, "negative"),
        ([], "none", math.nan, "finite"),
        ([], "none", True, "True"),
        ([], "none", "6", "'6'"),
    ],
)
def test_bad_input_raises_value_error(flags, workup, weeks, fragment):
    with pytest.raises(ValueError, match=fragment):
        recommend(flags, workup, weeks)


@given(
    st.sets(st.sampled_from(EMERGENCY_CODES + URGENT_CODES)),
    st.sampled_from(WORKUPS),
    st.one_of(st.integers(0, 60), st.floats(0, 60)),
)
def test_first_match_wins_for_any_valid_input(flags, workup, weeks):
    result = recommend(flags, workup, weeks)
    if flags & set(EMERGENCY_CODES):
        expected = ("emergency", "emergency_department")
    elif flags:
        expected = ("urgent", "primary_care")
    elif workup == "none":
        expected = ("routine", "primary_care")
    elif workup == "complete_unresolved" or weeks >= 6:
        expected = ("routine", "pain_specialist")
    else:
        expected = ("none", None)
    assert (result.tier, result.destination) == expected
    assert all(isinstance(r, str) and r.endswith(".") for r in result.reasons)
    # scope of practice: the reasons ask for an evaluation, they never diagnose
    assert not any("diagnos" in r.lower() for r in result.reasons)


junk = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=6),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=6)), max_size=4),
    st.dictionaries(st.text(max_size=3), st.booleans(), max_size=2),
)


@given(junk, junk, junk)
def test_junk_only_ever_raises_value_error(flags, workup, weeks):
    try:
        recommend(flags, workup, weeks)
    except ValueError:
        pass


# --------------------------------------------------------------------------- advisories


@pytest.mark.parametrize(
    ("risk", "neural", "below_knee", "expected_words"),
    [
        (None, "none", False, []),
        ("low", "none", False, []),
        ("medium", "likely", False, []),
        ("high", "none", False, ["physiotherapist"]),
        (None, "possible", True, ["physician"]),
        (None, "likely", True, ["physician"]),
        (None, "none", True, []),
        ("high", "likely", True, ["physiotherapist", "physician"]),
    ],
)
def test_advisories(risk, neural, below_knee, expected_words):
    sentences = advisories(start_back_risk=risk, neural=neural, symptoms_below_knee=below_knee)
    assert len(sentences) == len(expected_words)
    for sentence, word in zip(sentences, expected_words):
        assert word in sentence


def test_advisory_wording():
    (physio,) = advisories(start_back_risk="high")
    assert "psychologically informed care" in physio
    (share,) = advisories(neural="possible", symptoms_below_knee=True)
    assert "below the knee" in share and "share" in share


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start_back_risk": "severe"},
        {"start_back_risk": 3},
        {"neural": "yes"},
        {"neural": None},
        {"symptoms_below_knee": "yes"},
        {"symptoms_below_knee": 1},
    ],
)
def test_advisories_reject_bad_input(kwargs):
    with pytest.raises(ValueError):
        advisories(**kwargs)


@given(
    st.lists(st.sampled_from(EMERGENCY_CODES + URGENT_CODES), max_size=3),
    st.text().filter(lambda t: t not in PLAIN_WORDS),
    st.sampled_from(WORKUPS),
)
def test_unknown_flag_always_raises_value_error(flags, bad, workup):
    with pytest.raises(ValueError, match="unknown red flag"):
        recommend([*flags, bad], workup)


@given(st.text().filter(lambda t: t not in WORKUPS))
def test_unknown_workup_always_raises_value_error(workup):
    with pytest.raises(ValueError, match="unknown workup"):
        recommend([], workup)
