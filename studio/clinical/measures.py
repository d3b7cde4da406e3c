"""Outcome measures: exact scoring for ODI, RMDQ, STarT Back and PSFS, and important change.

The scores travel into referral letters and progress charts, so they must follow the published
scoring exactly (DOMAIN.md section 4). Every function here is pure; anything that is not a valid
answer raises ValueError saying what was wrong, so a form can show the reason beside the field
instead of silently storing a wrong score.

Arithmetic is done with fractions where a threshold is compared, because binary floating point
would put exactly 10/50 on the wrong side of the 20 % ODI boundary (0.2 * 100 is
20.000000000000004). Where the caller hands us floats (a stored ODI percent, a PSFS mean such as
10/3) the important-change rules compare with a tolerance of 1e-9 for the same reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Final

# Far below any difference a questionnaire can produce, far above float rounding noise.
_TOLERANCE: Final = 1e-9

# --------------------------------------------------------------------------- instrument texts

ATTRIBUTION: Final[Mapping[str, str]] = MappingProxyType(
    {
        "odi": "Oswestry Disability Index (ODI) version 2.1a, © Jeremy Fairbank "
        "(Fairbank & Pynsent, 2000).",
        "rmdq": "Roland-Morris Disability Questionnaire (RMDQ), © Martin Roland and "
        "Richard Morris (Roland & Morris, 1983).",
        "start_back": "STarT Back Screening Tool, © Keele University.",
        "psfs": "Patient-Specific Functional Scale (PSFS), Stratford et al. (1995).",
        "nprs": "Numeric Pain Rating Scale (NPRS), 0 = no pain to 10 = worst pain imaginable.",
    }
)
"""Shown on every questionnaire screen and printed form (DOMAIN.md section 4). Licensing for
commercial use is the studio's to check; the README says so."""

ODI_SECTIONS: Final[tuple[str, ...]] = (
    "pain intensity",
    "personal care",
    "lifting",
    "walking",
    "sitting",
    "standing",
    "sleeping",
    "sex life",
    "social life",
    "travelling",
)
"""The ten ODI 2.1a sections in questionnaire order; answers are given in this order."""

ODI_MIN_ANSWERED: Final = 8
"""Product rule: fewer answered sections than this and the percent is not reported."""

ODI_BANDS: Final[tuple[str, ...]] = ("minimal", "moderate", "severe", "crippled", "bed-bound")
ODI_BAND_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "minimal": "minimal disability",
        "moderate": "moderate disability",
        "severe": "severe disability",
        "crippled": "crippled",
        "bed-bound": "bed-bound or exaggerating symptoms",
    }
)
"""Fairbank's published band wording, for screens and letters."""

RMDQ_ITEM_COUNT: Final = 24
RMDQ_ITEMS: Final[tuple[int, ...]] = tuple(range(1, RMDQ_ITEM_COUNT + 1))
"""Item numbers only: the statement texts are copyrighted and ship, if licensed, as
questionnaire resources rather than in code."""
RMDQ_LEAD_IN: Final = (
    'Each statement begins "because of my back"; tick those that are true for you today.'
)

START_BACK_PERIOD: Final = "the last 2 weeks"
START_BACK_ITEMS: Final[tuple[str, ...]] = (
    "Back pain has spread down the leg(s)",
    "Has had pain in the shoulder or neck",
    "Has only walked short distances because of back pain",
    "Has dressed more slowly than usual because of back pain",
    "It is not really safe for a person with this condition to be physically active",
    "Worrying thoughts have been going through the mind a lot of the time",
    "Feels the back pain is terrible and is never going to get any better",
    "In general, has not enjoyed all the things they used to enjoy",
    "Overall, how bothersome the back pain has been",
)
"""Paraphrases of the nine items (DOMAIN.md section 4), for labels; not the licensed text."""

START_BACK_BOTHERSOMENESS: Final[tuple[str, ...]] = (
    "not at all",
    "slightly",
    "moderately",
    "very much",
    "extremely",
)
_BOTHERSOME_SCORES_ONE: Final = frozenset({"very much", "extremely"})
_START_PSYCHOSOCIAL_ITEMS: Final = range(5, 9)  # items 5-8; item 9 is added separately

PSFS_MAX_ACTIVITIES: Final = 5
PSFS_ANCHORS: Final[Mapping[int, str]] = MappingProxyType(
    {0: "unable to perform the activity", 10: "able to perform it as before the problem"}
)

# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class OswestryResult:
    """ODI score: percent is unrounded (round only for display) and None when too few
    sections were answered for the product to report it."""

    percent: float | None
    band: str | None
    answered: int


@dataclass(frozen=True, slots=True)
class StartBackResult:
    """STarT Back totals and the risk group they fall in."""

    total: int
    psychosocial: int
    risk: str


# --------------------------------------------------------------------------- validation


def _items(value: object, what: str, *, ordered: bool = True) -> tuple[object, ...]:
    """A collection of answers as a tuple. Strings, mappings and (when order or repeats
    matter) sets are refused: each would iterate into something the caller did not mean."""
    refused: tuple[type, ...] = (str, bytes, bytearray, Mapping)
    if ordered:
        refused += (Set,)
    if isinstance(value, refused) or not isinstance(value, Iterable):
        kind = "an ordered list" if ordered else "a collection"
        raise ValueError(f"{what} must be {kind} of answers, not {type(value).__name__}")
    return tuple(value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: object, what: str, low: float, high: float) -> float:
    """A finite int or float within [low, high]. A bool is refused: True would score as 1."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what}: {value!r} is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{what}: {value!r} is not a finite number")
    if not low <= value <= high:
        raise ValueError(f"{what}: {value!r} is outside {low:g}–{high:g}")
    return value


# --------------------------------------------------------------------------- ODI


def oswestry_band(percent: float) -> str:
    """Band for an ODI percent (0-100), judged on the unrounded value: 20 is minimal and
    20.0001 moderate, so rounding for display must never happen before banding."""
    value = _number(percent, "ODI percent", 0, 100)
    for limit, band in zip((20, 40, 60, 80), ODI_BANDS):
        if value <= limit + _TOLERANCE:
            return band
    return ODI_BANDS[-1]


def oswestry(answers: Iterable[int | None]) -> OswestryResult:
    """Score ODI 2.1a: ten sections in ODI_SECTIONS order, each 0-5 or None if unanswered.

    Percent = sum / (5 x answered) x 100; an unanswered section shrinks the denominator by 5
    rather than counting as 0, as the published scoring says. Fewer than 8 answered: percent
    and band are None (product rule) but the count is still returned so a form can say why.
    """
    items = _items(answers, "ODI answers")
    if len(items) != len(ODI_SECTIONS):
        raise ValueError(
            f"ODI needs {len(ODI_SECTIONS)} section answers (None for unanswered), "
            f"got {len(items)}"
        )
    scores: list[int] = []
    for number, (section, answer) in enumerate(zip(ODI_SECTIONS, items), start=1):
        where = f"ODI section {number} ({section})"
        if answer is None:
            continue
        if not _is_int(answer):
            raise ValueError(f"{where}: {answer!r} is not a whole number 0–5")
        if not 0 <= answer <= 5:
            raise ValueError(f"{where}: {answer} is outside 0–5")
        scores.append(answer)
    answered = len(scores)
    if answered < ODI_MIN_ANSWERED:
        return OswestryResult(percent=None, band=None, answered=answered)
    percent = float(Fraction(100 * sum(scores), 5 * answered))  # correctly rounded
    return OswestryResult(percent=percent, band=oswestry_band(percent), answered=answered)


# --------------------------------------------------------------------------- RMDQ


def roland_morris(ticked: Iterable[int]) -> int:
    """RMDQ score: how many of the 24 statements are ticked as true today (0-24).

    The input is read as a set of item numbers: a statement is either ticked or not, so an
    item listed twice (a double click, a merged form) counts once.
    """
    items = _items(ticked, "RMDQ ticked items", ordered=False)
    chosen: set[int] = set()
    for item in items:
        if not _is_int(item):
            raise ValueError(f"RMDQ item {item!r} is not an item number 1–{RMDQ_ITEM_COUNT}")
        if not 1 <= item <= RMDQ_ITEM_COUNT:
            raise ValueError(f"RMDQ item {item} is outside 1–{RMDQ_ITEM_COUNT}")
        chosen.add(item)
    return len(chosen)


# --------------------------------------------------------------------------- STarT Back


def start_back(agree: Iterable[bool], bothersomeness: str) -> StartBackResult:
    """Score the STarT Back Screening Tool.

    agree: items 1-8 in order, True (or 1) for agree, False (or 0) for disagree.
    bothersomeness: item 9, one of START_BACK_BOTHERSOMENESS; only "very much" and
    "extremely" score 1. Total = items 1-9, psychosocial = items 5-9. Risk: total <= 3 is low
    whatever the subscale; otherwise psychosocial >= 4 is high, else medium.
    """
    items = _items(agree, "STarT Back items 1–8")
    if len(items) != 8:
        raise ValueError(f"STarT Back needs answers to items 1–8, got {len(items)}")
    scores: list[int] = []
    for number, answer in enumerate(items, start=1):
        if answer is True or answer is False or (_is_int(answer) and answer in (0, 1)):
            scores.append(int(answer))
        else:
            raise ValueError(
                f"STarT Back item {number}: {answer!r} is not agree (True) or disagree (False)"
            )
    if not isinstance(bothersomeness, str):
        raise ValueError(f"STarT Back item 9: {bothersomeness!r} is not a bothersomeness answer")
    word = bothersomeness.strip().lower()
    if word not in START_BACK_BOTHERSOMENESS:
        raise ValueError(
            f"STarT Back item 9: {bothersomeness!r} is not one of "
            + ", ".join(START_BACK_BOTHERSOMENESS)
        )
    item9 = 1 if word in _BOTHERSOME_SCORES_ONE else 0
    total = sum(scores) + item9
    psychosocial = sum(scores[n - 1] for n in _START_PSYCHOSOCIAL_ITEMS) + item9
    if total <= 3:
        risk = "low"
    elif psychosocial >= 4:
        risk = "high"
    else:
        risk = "medium"
    return StartBackResult(total=total, psychosocial=psychosocial, risk=risk)


# --------------------------------------------------------------------------- PSFS


def psfs(ratings: Iterable[float]) -> float:
    """PSFS score: the mean of 1-5 activity ratings, each 0 (unable) to 10 (as before).

    The mean is computed exactly and rounded once, so [3, 3, 4] gives the float nearest 10/3.
    """
    items = _items(ratings, "PSFS ratings")
    if not 1 <= len(items) <= PSFS_MAX_ACTIVITIES:
        raise ValueError(
            f"PSFS needs 1–{PSFS_MAX_ACTIVITIES} activity ratings, got {len(items)}"
        )
    values = [_number(r, f"PSFS activity {n} rating", 0, 10) for n, r in enumerate(items, 1)]
    return float(sum(Fraction(v) for v in values) / len(values))


# --------------------------------------------------------------------------- important change


@dataclass(frozen=True, slots=True)
class _ChangeRule:
    name: str
    top: float
    lower_is_better: bool
    points: float
    relative: float | None  # proportion of the baseline, or None when there is no such rule


_CHANGE_RULES: Final[Mapping[str, _ChangeRule]] = MappingProxyType(
    {
        "odi": _ChangeRule("ODI", 100, True, 10, None),
        "rmdq": _ChangeRule("RMDQ", RMDQ_ITEM_COUNT, True, 5, 0.30),
        "nprs": _ChangeRule("NPRS", 10, True, 2, 0.30),
        "psfs": _ChangeRule("PSFS", 10, False, 2, None),
    }
)
IMPORTANT_CHANGE_INSTRUMENTS: Final[tuple[str, ...]] = tuple(_CHANGE_RULES)


def important_change(instrument: str, before: float, after: float) -> bool:
    """True when after is an improvement on before at least as large as the published
    minimal important change (DOMAIN.md section 4).

    odi: percent falls by >= 10 points. rmdq: score falls by >= 5 points or >= 30 % of
    before. nprs: falls by >= 2 points or >= 30 %. psfs (means): rises by >= 2 points.
    A worsening or no change is never important here. With before == 0 there is nothing to
    fall from, so the percentage rule cannot be met (and no division happens).
    """
    if not isinstance(instrument, str) or instrument not in _CHANGE_RULES:
        raise ValueError(
            f"unknown instrument {instrument!r}; expected one of "
            + ", ".join(IMPORTANT_CHANGE_INSTRUMENTS)
        )
    rule = _CHANGE_RULES[instrument]
    first = _number(before, f"{rule.name} before", 0, rule.top)
    last = _number(after, f"{rule.name} after", 0, rule.top)
    improvement = first - last if rule.lower_is_better else last - first
    if improvement <= 0:
        return False
    if improvement >= rule.points - _TOLERANCE:
        return True
    return rule.relative is not None and improvement >= rule.relative * first - _TOLERANCE


def psfs_activity_important_change(before: float, after: float) -> bool:
    """True when a single PSFS activity rating rose by at least 3 points (DOMAIN.md)."""
    first = _number(before, "PSFS activity before", 0, 10)
    last = _number(after, "PSFS activity after", 0, 10)
    return last - first >= 3 - _TOLERANCE
