"""What a trainer records at an assessment, and the findings that follow from it.

Pure data (no database, no Qt): `AssessmentData` is the whole structured record, stored as JSON
by the services; `findings(data)` applies every rule in this package to it, so the findings
panel, the progress view and the printed documents all read the same conclusions. Nothing here
is required: a trainer fills what they know, and every finding says when it lacks the input.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from studio.clinical import endurance, measures, profile, red_flags, referral

# --- choices (code, label) -------------------------------------------------------------------

ONSETS = (("sudden", "Sudden"), ("gradual", "Gradual"), ("after_event", "After a specific event"))
MECHANISMS = (
    ("lifting", "Lifting"), ("bending", "Bending"), ("twisting_under_load", "Twisting under load"),
    ("prolonged_sitting", "Prolonged sitting"), ("fall", "Fall"), ("sport", "Sport"), ("unknown", "Unknown"),
)
LOCATIONS = (
    ("central_low_back", "Central low back"), ("left_low_back", "Left low back"), ("right_low_back", "Right low back"),
    ("left_buttock", "Left buttock"), ("right_buttock", "Right buttock"), ("left_thigh", "Left thigh"),
    ("right_thigh", "Right thigh"), ("left_below_knee", "Left leg below the knee"),
    ("right_below_knee", "Right leg below the knee"), ("left_foot", "Left foot"), ("right_foot", "Right foot"),
)
BELOW_KNEE = frozenset({"left_below_knee", "right_below_knee", "left_foot", "right_foot"})
PATTERNS = (("constant", "Constant"), ("intermittent", "Intermittent"))
WORSE_TIMES = (("morning", "Worse in the morning"), ("evening", "Worse in the evening"), ("end_of_day", "Worse at the end of the day"))
ACTIVITIES = (
    ("sitting", "Sitting"), ("standing", "Standing"), ("walking", "Walking"), ("bending_forward", "Bending forward"),
    ("arching_back", "Arching back"), ("lifting", "Lifting"), ("twisting", "Twisting"), ("lying_down", "Lying down"),
    ("cough_sneeze", "Cough or sneeze"),
)
WORKUP_SEEN = (("primary_care", "Seen primary care"), ("imaging", "Imaging"), ("specialist", "Specialist"))
WORKUP_STATUS = (
    ("none", "No medical workup for this pain"),
    ("in_progress", "Workup under way"),
    ("complete_unresolved", "Workup done, symptoms not resolved"),
    ("complete_resolved", "Workup done, symptoms resolved"),
)
SLEEP_POSITIONS = (("back", "On the back"), ("side", "On the side"), ("front", "On the front"), ("varies", "Varies"))
SIDES = (("left", "Left"), ("right", "Right"), ("both", "Both"), ("central", "Central"))
THOMAS = (("negative", "Negative"), ("positive", "Positive"))
KINDS = (("initial", "Initial assessment"), ("reassessment", "Re-assessment"))


# --- the record ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PainHistory:
    onset_date: date | None = None
    onset: str | None = None
    mechanism: str | None = None
    locations: tuple[str, ...] = ()
    pins_and_needles: bool = False
    numbness: bool = False
    nprs_now: int | None = None
    nprs_best: int | None = None
    nprs_worst: int | None = None
    pattern: str | None = None
    worse_time: str | None = None
    aggravating: tuple[str, ...] = ()
    easing: tuple[str, ...] = ()
    previous_episodes: str | None = None
    workup_seen: tuple[str, ...] = ()
    workup_status: str | None = None
    workup_result: str | None = None  # as reported: "Client reports MRI showing …, per Dr X"
    medications: str | None = None


@dataclass(frozen=True)
class Goal:
    text: str
    target_date: date | None = None


@dataclass(frozen=True)
class Lifestyle:
    sitting_hours: float | None = None
    water_litres: float | None = None
    sleep_hours: float | None = None
    sleep_position: str | None = None
    occupation_demands: str | None = None
    current_activity: str | None = None
    goals: tuple[Goal, ...] = ()


@dataclass(frozen=True)
class ProvocationResult:
    result: str  # provokes / no_change / eases
    side: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class RangeOfMotion:
    schober_cm: float | None = None
    fingertip_floor_cm: float | None = None
    hip_flexion_left: float | None = None
    hip_flexion_right: float | None = None
    hip_internal_left: float | None = None
    hip_internal_right: float | None = None
    hip_external_left: float | None = None
    hip_external_right: float | None = None
    thomas_left: str | None = None
    thomas_right: str | None = None


@dataclass(frozen=True)
class EnduranceTimes:
    flexor: float | None = None
    extensor: float | None = None
    side_right: float | None = None
    side_left: float | None = None


@dataclass(frozen=True)
class PsfsActivity:
    activity: str
    rating: int


@dataclass(frozen=True)
class Questionnaires:
    odi: tuple[int | None, ...] = (None,) * 10
    rmdq: tuple[int, ...] | None = None  # items ticked; None = not given (an empty tuple scores 0)
    start_back_agree: tuple[bool, ...] | None = None  # items 1-8
    start_back_bothersomeness: str | None = None
    psfs: tuple[PsfsActivity, ...] = ()


@dataclass(frozen=True)
class AssessmentData:
    pain: PainHistory = field(default_factory=PainHistory)
    lifestyle: Lifestyle = field(default_factory=Lifestyle)
    red_flags: tuple[str, ...] = ()
    red_flag_notes: str | None = None
    provocation: Mapping[str, ProvocationResult] = field(default_factory=dict)
    rom: RangeOfMotion = field(default_factory=RangeOfMotion)
    endurance: EnduranceTimes = field(default_factory=EnduranceTimes)
    questionnaires: Questionnaires = field(default_factory=Questionnaires)
    weeks_without_improvement: int = 0
    notes: str | None = None


# --- JSON, for storage -----------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_json(data: AssessmentData) -> str:
    return json.dumps(_plain(data), ensure_ascii=False, sort_keys=True)


def _build(cls, raw: Mapping[str, Any]):
    """Rebuild a dataclass from plain JSON, ignoring unknown keys (older/newer records)."""
    hints = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for name, value in raw.items():
        if name not in hints or value is None:
            if name in hints:
                kwargs[name] = None
            continue
        kwargs[name] = _typed(cls, name, value)
    return cls(**kwargs)


_NESTED = {
    (AssessmentData, "pain"): PainHistory,
    (AssessmentData, "lifestyle"): Lifestyle,
    (AssessmentData, "rom"): RangeOfMotion,
    (AssessmentData, "endurance"): EnduranceTimes,
    (AssessmentData, "questionnaires"): Questionnaires,
}
_DATES = {(PainHistory, "onset_date"), (Goal, "target_date")}


def _typed(cls, name: str, value: Any) -> Any:
    if (cls, name) in _NESTED:
        return _build(_NESTED[(cls, name)], value)
    if (cls, name) in _DATES:
        return date.fromisoformat(value)
    if cls is AssessmentData and name == "provocation":
        return {code: _build(ProvocationResult, result) for code, result in value.items()}
    if cls is Lifestyle and name == "goals":
        return tuple(_build(Goal, goal) for goal in value)
    if cls is Questionnaires and name == "psfs":
        return tuple(_build(PsfsActivity, item) for item in value)
    if isinstance(value, list):
        return tuple(value)
    return value


def from_json(text: str) -> AssessmentData:
    return _build(AssessmentData, json.loads(text))


# --- findings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagFound:
    code: str
    tier: str
    wording: str


@dataclass(frozen=True)
class Findings:
    intolerance: dict[str, str]
    directional_preference: tuple[str, ...]
    easing_tests: tuple[str, ...]
    red_flags: tuple[FlagFound, ...]
    nprs_now: int | None
    nprs_worst: int | None
    odi: measures.OswestryResult | None
    rmdq: int | None
    start_back: measures.StartBackResult | None
    psfs: float | None
    endurance: endurance.EnduranceResult | None
    referral: referral.ReferralRecommendation
    advisories: tuple[str, ...]
    missing: tuple[str, ...]  # what the trainer has not recorded yet, in plain words

    @property
    def top_tier(self) -> str | None:
        tiers = {flag.tier for flag in self.red_flags}
        return red_flags.EMERGENCY if red_flags.EMERGENCY in tiers else red_flags.URGENT if tiers else None


def findings(data: AssessmentData) -> Findings:
    """Every conclusion the rules draw from what has been recorded so far."""
    missing: list[str] = []
    results = {code: r.result for code, r in data.provocation.items() if r.result}
    if not results:
        missing.append("provocation tests")
    q = data.questionnaires
    odi = measures.oswestry(q.odi) if any(a is not None for a in q.odi) else None
    rmdq = measures.roland_morris(q.rmdq) if q.rmdq is not None else None
    start = (
        measures.start_back(q.start_back_agree, q.start_back_bothersomeness)
        if q.start_back_agree is not None and q.start_back_bothersomeness
        else None
    )
    psfs = measures.psfs([a.rating for a in q.psfs]) if q.psfs else None
    e = data.endurance
    times = (e.flexor, e.extensor, e.side_right, e.side_left)
    endurance_result = endurance.assess(*times) if all(t is not None for t in times) else None
    if endurance_result is None:
        missing.append("all four endurance times")
    workup = data.pain.workup_status
    if workup is None:
        missing.append("the medical workup question")
    flags = tuple(FlagFound(f.code, f.tier, f.wording) for f in red_flags.flags_found(data.red_flags))
    recommendation = referral.recommend(data.red_flags, workup or "none", data.weeks_without_improvement or 0)
    intolerance = profile.intolerance(results)
    below_knee = bool(BELOW_KNEE & set(data.pain.locations))
    advice = referral.advisories(
        start_back_risk=start.risk if start else None, neural=intolerance["neural"], symptoms_below_knee=below_knee
    )
    return Findings(
        intolerance=intolerance,
        directional_preference=profile.directional_preference(results),
        easing_tests=profile.easing_tests(results),
        red_flags=flags,
        nprs_now=data.pain.nprs_now,
        nprs_worst=data.pain.nprs_worst,
        odi=odi,
        rmdq=rmdq,
        start_back=start,
        psfs=psfs,
        endurance=endurance_result,
        referral=recommendation,
        advisories=tuple(advice),
        missing=tuple(missing),
    )
