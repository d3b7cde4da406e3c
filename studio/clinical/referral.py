"""The referral pathway: who the client should see, how soon, and why in plain words.

DOMAIN.md section 2, first match wins:

1. any emergency flag -> emergency: emergency department today;
2. any urgent flag -> urgent: primary care physician within days;
3. no formal medical workup for this pain -> routine: primary care physician;
4. workup done and symptoms not resolved, or no meaningful improvement after 6 weeks of
   training -> routine: pain specialist;
5. otherwise no referral; training may proceed.

The reasons are sentences a trainer can read to the client. They name what was reported and
ask for an evaluation; they never say what is wrong (DOMAIN.md section 1).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from studio.clinical.red_flags import EMERGENCY, URGENT, flags_found

WORKUPS: Final[tuple[str, ...]] = (
    "none",
    "in_progress",
    "complete_unresolved",
    "complete_resolved",
)
"""Medical workup for this pain, as reported: none yet; under way (seen a doctor, results or
specialist pending); complete with symptoms unresolved; complete with symptoms resolved."""

TIERS: Final[tuple[str, ...]] = ("emergency", "urgent", "routine", "none")
DESTINATIONS: Final[tuple[str, ...]] = ("emergency_department", "primary_care", "pain_specialist")
WEEKS_BEFORE_SPECIALIST: Final = 6


@dataclass(frozen=True, slots=True)
class ReferralRecommendation:
    """tier is emergency / urgent / routine / none; destination is emergency_department,
    primary_care, pain_specialist or None when no referral is needed."""

    tier: str
    destination: str | None
    reasons: tuple[str, ...]


def _weeks(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"weeks without improvement: {value!r} is not a number of weeks")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"weeks without improvement: {value!r} is not a finite number")
    if value < 0:
        raise ValueError(f"weeks without improvement: {value!r} is negative")
    return value


def recommend(
    red_flags: Iterable[str], workup: str, weeks_without_improvement: float = 0
) -> ReferralRecommendation:
    """Apply the referral pathway to the flags recorded at the latest assessment.

    workup "in_progress" (judgement; DOMAIN.md is silent): the client's doctor is already
    evaluating this pain, so the studio adds no referral of its own and training may proceed
    unless there is a red flag. Some workup has been done, so rule 4 still applies: after
    WEEKS_BEFORE_SPECIALIST weeks of training without meaningful improvement the pathway
    suggests a pain specialist, and the reasons ask the client to keep their doctor informed.
    "complete_resolved" likewise moves to a pain specialist only after 6 weeks without
    improvement. Workup "none" always goes to primary care first, however many weeks.
    """
    flags = flags_found(red_flags)
    if not isinstance(workup, str) or workup not in WORKUPS:
        raise ValueError(f"unknown workup {workup!r}; expected one of " + ", ".join(WORKUPS))
    weeks = _weeks(weeks_without_improvement)

    named = tuple(f"You reported {flag.wording}." for flag in flags)
    tiers = {flag.tier for flag in flags}
    if EMERGENCY in tiers:
        return ReferralRecommendation(
            "emergency",
            "emergency_department",
            named
            + (
                "These signs need to be checked at a hospital emergency department today.",
                "Please do not train until a doctor has cleared you.",
            ),
        )
    if URGENT in tiers:
        return ReferralRecommendation(
            "urgent",
            "primary_care",
            named
            + (
                "Please see your doctor within the next few days so they can evaluate this.",
                "We will not train the painful area until you have seen them.",
            ),
        )
    if workup == "none":
        return ReferralRecommendation(
            "routine",
            "primary_care",
            (
                "You have not yet had a medical check-up for this pain.",
                "Please see your primary care doctor so they can evaluate it.",
            ),
        )
    stalled = weeks >= WEEKS_BEFORE_SPECIALIST
    if workup == "complete_unresolved" or stalled:
        reasons: list[str] = []
        if workup == "complete_unresolved":
            reasons.append(
                "Your medical check-up for this pain is complete, but it has not settled."
            )
        if stalled:
            reasons.append(
                f"There has been no meaningful improvement after {weeks:g} weeks of training."
            )
        if workup == "in_progress":
            reasons.append("Please keep the doctor who is looking into this pain informed.")
        reasons.append("A pain specialist can evaluate it further.")
        return ReferralRecommendation("routine", "pain_specialist", tuple(reasons))
    if workup == "in_progress":
        situation = (
            "No warning signs were found and a medical check-up for this pain is under way, "
            "so no new referral is needed now; please tell us what your doctor advises."
        )
    else:
        situation = (
            "No warning signs were found and your medical check-up for this pain is complete, "
            "so no referral is needed now."
        )
    return ReferralRecommendation("none", None, (situation, "Training can go ahead."))


START_BACK_RISKS: Final[tuple[str, ...]] = ("low", "medium", "high")
NEURAL_LEVELS: Final[tuple[str, ...]] = ("none", "possible", "likely")


def advisories(
    start_back_risk: str | None = None,
    neural: str = "none",
    symptoms_below_knee: bool = False,
) -> tuple[str, ...]:
    """The two advisory suggestions of DOMAIN.md section 2, for the trainer. They are never
    automatic referrals: the trainer decides whether to act on them.

    start_back_risk: the STarT Back risk group, or None when not screened.
    neural: the neural-tension level of the intolerance profile; any provoking test
    ("possible" or "likely") counts as a positive neural tension test.
    symptoms_below_knee: the client reports leg symptoms below the knee.
    """
    if start_back_risk is not None and (
        not isinstance(start_back_risk, str) or start_back_risk not in START_BACK_RISKS
    ):
        raise ValueError(
            f"unknown STarT Back risk {start_back_risk!r}; expected None or one of "
            + ", ".join(START_BACK_RISKS)
        )
    if not isinstance(neural, str) or neural not in NEURAL_LEVELS:
        raise ValueError(
            f"unknown neural tension level {neural!r}; expected one of " + ", ".join(NEURAL_LEVELS)
        )
    if not isinstance(symptoms_below_knee, bool):
        raise ValueError(f"symptoms below the knee: {symptoms_below_knee!r} is not True or False")

    suggestions: list[str] = []
    if start_back_risk == "high":
        suggestions.append(
            "STarT Back screening shows high risk: consider suggesting a physiotherapist "
            "who offers psychologically informed care."
        )
    if neural != "none" and symptoms_below_knee:
        suggestions.append(
            "Neural tension tests provoked symptoms and the client reports leg symptoms below "
            "the knee: share these findings with the client's physician."
        )
    return tuple(suggestions)
