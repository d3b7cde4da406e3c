"""A starter program from the intolerance profile: what a trainer would usually begin with.

Breathing and bracing, the McGill Big 3, hip mobility, a hinge pattern, walking, and the
client's directional-preference exercise where one eases them. Every choice goes through
`screen`, so a suggestion can never hold an exercise the screening excludes; a part with no
allowed exercise is left out and the reason is kept for the trainer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from studio.exercises.library import Dose, Exercise, load_library
from studio.exercises.screening import GENTLE_LEVELS, ScreenResult, check_preference, screen


@dataclass(frozen=True)
class Suggestion:
    exercise: Exercise
    dose: Dose
    reason: str  # why it is in the program, in plain words
    note: str | None = None  # screening advice that did not exclude it (floor transfers)


@dataclass(frozen=True)
class Skipped:
    part: str  # e.g. "Hip hinge"
    reason: str


@dataclass(frozen=True)
class StarterProgram:
    """The suggested items, and the parts left out with why. Iterating gives the items."""

    items: tuple[Suggestion, ...]
    skipped: tuple[Skipped, ...] = ()

    def __iter__(self) -> Iterator[Suggestion]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Suggestion:
        return self.items[index]


# (part, family, tag that must be carried or None, why it is in the program)
_PARTS: tuple[tuple[str, str, str | None, str], ...] = (
    ("Breathing", "breathing_bracing", "breathing",
     "Breathing and bracing: calm breathing settles guarding before the trunk work."),
    ("Bracing", "breathing_bracing", "bracing",
     "Breathing and bracing: a light brace stiffens the trunk before moving."),
    ("Curl-up", "curl_up", None,
     "McGill Big 3: trains the front of the trunk to hold still while the low back stays neutral."),
    ("Side bridge", "side_bridge", None,
     "McGill Big 3: builds endurance at the side of the trunk without bending the spine."),
    ("Bird dog", "bird_dog", None,
     "McGill Big 3: trains the back and hips to keep the spine still while the arms and legs move."),
    ("Hip mobility", "hip_mobility", None, "Hip mobility: moves the hips so the low back does not have to."),
    ("Hip hinge", "hip_hinge", None,
     "Hinge pattern: bending at the hips instead of the low back, for everyday bending and lifting."),
    ("Walking", "walking", None,
     "Walking: short brisk walks several times a day, building towards 30 minutes."),
)  # fmt: skip
_DIRECTIONAL = {"extension": "directional_extension", "flexion": "directional_flexion"}


def _pick(results: list[ScreenResult], used: set[str]) -> ScreenResult | None:
    """The highest allowed level up to 2 (walking down a chain ends at the same place), preferring
    variants the screening marks as preferred, then library order."""
    best: tuple[tuple[int, int, int], ScreenResult] | None = None
    for index, result in enumerate(results):
        exercise = result.exercise
        if not result.allowed or exercise.level > GENTLE_LEVELS or exercise.code in used:
            continue
        key = (int(result.preferred), exercise.level, -index)
        if best is None or key > best[0]:
            best = (key, result)
    return best[1] if best else None


def _why_none(part: str, candidates: list[ScreenResult]) -> str:
    if not candidates:
        return f"{part}: the library has no exercise for this part."
    allowed_higher = [r for r in candidates if r.allowed and r.exercise.level > GENTLE_LEVELS]
    if allowed_higher:
        return f"{part}: the only allowed exercises are above level {GENTLE_LEVELS}, too hard to start with."
    reasons: list[str] = []
    for result in candidates:
        for reason in result.reasons:
            if reason not in reasons:
                reasons.append(reason)
    return f"{part}: every exercise is excluded for this client. " + " ".join(reasons)


def suggest_program(
    profile: Mapping[str, str],
    nprs_worst: int | None = None,
    directional_preference: str | Iterable[str] | None = None,
    *,
    floor_transfer_provokes: bool = False,
    library: Iterable[Exercise] | None = None,
) -> StarterProgram:
    """A starter program for the profile (see the module text); each item has the exercise's
    default dose. library defaults to the built-in one."""
    exercises = tuple(load_library() if library is None else library)
    preference = check_preference(directional_preference)
    results = screen(
        exercises, profile, nprs_worst, floor_transfer_provokes=floor_transfer_provokes,
        directional_preference=preference,
    )  # fmt: skip
    items: list[Suggestion] = []
    skipped: list[Skipped] = []
    used: set[str] = set()

    def add(part: str, candidates: list[ScreenResult], reason: str) -> None:
        chosen = _pick(candidates, used)
        if chosen is None:
            skipped.append(Skipped(part, _why_none(part, candidates)))
            return
        used.add(chosen.exercise.code)
        items.append(Suggestion(chosen.exercise, chosen.exercise.dose, reason, chosen.note))

    family_members: dict[str, list[ScreenResult]] = {}
    for result in results:
        family_members.setdefault(result.exercise.family, []).append(result)
    for part, family, tag, reason in _PARTS:
        members = family_members.get(family, [])
        tagged = [r for r in members if tag in r.exercise.tags] if tag else members
        if tag and not any(tag in r.exercise.tags for r in members):
            # A library without the breathing/bracing tags: one exercise stands for the family.
            if tag != "breathing":
                continue
            part, tagged = "Breathing and bracing", members
        add(part, tagged, reason)
    for direction in ("extension", "flexion"):
        if direction in preference:
            members = family_members.get("directional_preference", [])
            tagged = [r for r in members if _DIRECTIONAL[direction] in r.exercise.tags]
            add(
                f"Directional preference ({direction})",
                tagged,
                f"Directional preference: {direction} eased the client's symptoms at the assessment.",
            )
    return StarterProgram(tuple(items), tuple(skipped))
