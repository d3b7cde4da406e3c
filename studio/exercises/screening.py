"""Screening exercises against a client's movement intolerance profile (DOMAIN.md section 5).

Product rules; every exclusion carries a reason in plain words for the trainer, and the reasons
accumulate so the library dialog can say everything that rules an exercise out. The rules speak
of what provoked symptoms at the assessment, never of a cause of pain (section 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from studio.exercises.library import Exercise

LOADS: Final[tuple[str, ...]] = ("flexion", "extension", "rotation", "compression", "neural")
LEVELS: Final[tuple[str, ...]] = ("none", "possible", "likely")
DIRECTIONS: Final[tuple[str, ...]] = ("flexion", "extension", "rotation")
SEVERE_PAIN: Final = 7  # NPRS worst at or above this: only levels 1-2
GENTLE_LEVELS: Final = 2

# The smallest demand excluded, per load and level (None: nothing excluded on this load).
_THRESHOLDS: Final[Mapping[str, Mapping[str, int | None]]] = {
    "flexion": {"none": None, "possible": 2, "likely": 1},
    "extension": {"none": None, "possible": 2, "likely": 1},
    "rotation": {"none": None, "possible": 1, "likely": 1},
    "compression": {"none": None, "possible": 3, "likely": 2},
}
_NEURAL_TAGS: Final = (("nerve_tensioner", "tensions the nerves"), ("hamstring_stretch", "stretches the hamstrings"))
_DIRECTIONAL_TAGS: Final = (("directional_extension", "extension"), ("directional_flexion", "flexion"))
_DEMAND_WORDS: Final = {1: "low", 2: "moderate", 3: "high"}
_LOAD_WORDS: Final = {"flexion": "bending forward (flexion)", "extension": "arching back (extension)",
                      "rotation": "twisting (rotation)", "compression": "loading the spine (compression)"}  # fmt: skip

FLOOR_NOTE: Final = (
    "Needs getting down to the floor, which the client reports provokes pain: prefer a standing or bench variant."
)


@dataclass(frozen=True)
class ScreenResult:
    exercise: Exercise
    allowed: bool
    reasons: tuple[str, ...]  # why it is excluded; empty when allowed
    preferred: bool = True  # False: allowed, but a standing or bench variant is better for this client
    note: str | None = None  # advice that does not exclude (the floor-transfer rule)


def check_profile(profile: Mapping[str, str]) -> dict[str, str]:
    """The profile with every load present ("none" where missing); ValueError on anything unknown."""
    if not isinstance(profile, Mapping):
        raise ValueError(f"the intolerance profile must be a mapping of load to level, not {profile!r}")
    unknown = set(profile) - set(LOADS)
    if unknown:
        raise ValueError(f"unknown loads in the intolerance profile: {', '.join(sorted(map(str, unknown)))}")
    checked = {}
    for load in LOADS:
        level = profile.get(load, "none")
        if level not in LEVELS:
            raise ValueError(f"intolerance level for {load} must be one of {', '.join(LEVELS)}, not {level!r}")
        checked[load] = level
    return checked


def check_nprs(nprs_worst: object) -> int | None:
    if nprs_worst is None:
        return None
    if isinstance(nprs_worst, bool) or not isinstance(nprs_worst, int) or not 0 <= nprs_worst <= 10:
        raise ValueError(f"NPRS worst must be a whole number from 0 to 10, or None, not {nprs_worst!r}")
    return nprs_worst


def check_preference(directional_preference: str | Iterable[str] | None) -> frozenset[str]:
    """A direction or several (a str counts as one); ValueError on an unknown direction."""
    if directional_preference is None:
        return frozenset()
    chosen = {directional_preference} if isinstance(directional_preference, str) else set(directional_preference)
    unknown = chosen - set(DIRECTIONS)
    if unknown:
        raise ValueError(
            f"unknown directional preference {', '.join(sorted(map(str, unknown)))}; known: {', '.join(DIRECTIONS)}"
        )
    return frozenset(chosen)


def _reasons(exercise: Exercise, profile: Mapping[str, str], nprs_worst: int | None, preference: frozenset[str]):
    demands = exercise.demands
    if (demands["rotation"] >= 2 and demands["compression"] >= 1) or "twisting_under_load" in exercise.tags:
        yield "Twisting under load is left out for every client with back pain."
    for load, thresholds in _THRESHOLDS.items():
        level, threshold, demand = profile[load], thresholds[profile[load]], demands[load]
        if threshold is not None and demand >= threshold:
            yield (
                f"Its {_DEMAND_WORDS[demand]} demand on {_LOAD_WORDS[load]} is too much: "
                f"{load} intolerance is {level} for this client."
            )
    if profile["neural"] != "none":
        for tag, doing in _NEURAL_TAGS:
            if tag in exercise.tags:
                yield f"It {doing}, and the neural tension tests provoked symptoms ({profile['neural']})."
    if nprs_worst is not None and nprs_worst >= SEVERE_PAIN and exercise.level > GENTLE_LEVELS:
        yield (
            f"It is level {exercise.level}; with worst pain {nprs_worst}/10 only levels 1–{GENTLE_LEVELS} are used."
        )
    for tag, direction in _DIRECTIONAL_TAGS:
        if tag in exercise.tags and direction not in preference:
            yield f"It is {direction}-biased: only for clients whose symptoms {direction} eases."


def screen(
    exercises: Iterable[Exercise],
    profile: Mapping[str, str],
    nprs_worst: int | None = None,
    *,
    floor_transfer_provokes: bool = False,
    directional_preference: str | Iterable[str] = (),
) -> list[ScreenResult]:
    """One result per exercise, in the same order: allowed or not, and every reason why not.

    profile: as from `studio.clinical.profile.intolerance` (a missing load counts as "none").
    directional_preference: the movements that eased the client's symptoms; the
    directional-preference chains are only for clients eased in their direction.
    floor_transfer_provokes: the client reports getting down to the floor provokes pain; floor
    exercises stay allowed but are marked not preferred, with a note.
    """
    checked = check_profile(profile)
    nprs = check_nprs(nprs_worst)
    preference = check_preference(directional_preference)
    results = []
    for exercise in exercises:
        reasons = tuple(_reasons(exercise, checked, nprs, preference))
        floor = bool(floor_transfer_provokes and exercise.floor_transfer)
        results.append(ScreenResult(exercise, not reasons, reasons, not floor, FLOOR_NOTE if floor else None))
    return results
