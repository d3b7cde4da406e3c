"""The exercise library: entries read from resources/exercises/*.json, checked on the way in.

Pure data (no database, no Qt). The format is described in resources/exercises/README.md; an
entry that does not follow it is refused with a ValueError naming the file and the code, so a
typo in the content can never quietly switch off a screening rule (a misspelt tag or a missing
demand would otherwise let an exercise through that should have been excluded).
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

FAMILIES: Final[tuple[str, ...]] = (
    "curl_up", "side_bridge", "bird_dog", "hip_hinge", "hip_mobility", "glute", "anti_rotation_carry", "legs",
    "walking", "directional_preference", "nerve_glide", "breathing_bracing", "high_risk",
)  # fmt: skip
POSITIONS: Final[tuple[str, ...]] = ("floor", "standing", "seated", "kneeling")
EQUIPMENT: Final[frozenset[str]] = frozenset(
    {"mat", "bench", "box", "ball", "band", "kettlebell", "dowel", "wall", "chair", "none"}
)
TAGS: Final[frozenset[str]] = frozenset(
    {
        "big3", "breathing", "bracing", "walking", "hinge", "hip_mobility", "directional_extension",
        "directional_flexion", "nerve_glide", "nerve_tensioner", "hamstring_stretch", "twisting_under_load",
        "high_risk",
    }
)  # fmt: skip
DEMANDS: Final[tuple[str, ...]] = ("flexion", "extension", "rotation", "lateral", "compression")
DOSE_NUMBERS: Final[tuple[str, ...]] = (
    "sets", "reps", "hold_seconds", "rest_seconds", "times_per_day", "days_per_week",
)  # fmt: skip

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_REQUIRED = (
    "code", "name", "family", "level", "equipment", "position", "floor_transfer", "sided", "dose", "setup",
    "steps", "cues", "mistakes", "demands",
)  # fmt: skip
_OPTIONAL = ("regression", "progression", "tags", "author", "licence", "poses")


@dataclass(frozen=True)
class Dose:
    """A prescription; any number may be None (a walk has no sets, a stretch no reps)."""

    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | float | None = None
    rest_seconds: int | float | None = None
    times_per_day: int | None = None
    days_per_week: int | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Exercise:
    code: str
    name: str
    family: str
    level: int
    equipment: tuple[str, ...]
    position: str
    floor_transfer: bool
    sided: bool
    dose: Dose
    setup: str
    steps: tuple[str, ...]
    cues: tuple[str, ...]
    mistakes: tuple[str, ...]
    demands: Mapping[str, int]  # read-only; LUMBAR spine demands 0-3 (DOMAIN.md section 5)
    regression: str | None = None
    progression: str | None = None
    tags: frozenset[str] = frozenset()
    author: str | None = None
    licence: str | None = None
    poses: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    custom: bool = False

    def __hash__(self) -> int:  # the mappings are not hashable; the code identifies an entry
        return hash((self.code, self.custom))


def _text(value: Any, what: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be non-empty text, not {value!r}")
    return value.strip()


def _texts(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{what} must be a list of sentences, not {value!r}")
    return tuple(_text(item, f"each of {what}") for item in value)


def _whole(value: Any, what: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        limit = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise ValueError(f"{what} must be a whole number {limit}, not {value!r}")
    return value


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{what} must be true or false, not {value!r}")
    return value


def _dose(raw: Any) -> Dose:
    if not isinstance(raw, Mapping):
        raise ValueError(f"dose must be an object, not {raw!r}")
    unknown = set(raw) - set(DOSE_NUMBERS) - {"notes"}
    if unknown:
        raise ValueError("dose has unknown fields: " + ", ".join(sorted(unknown)))
    values: dict[str, Any] = {}
    for name in DOSE_NUMBERS:
        value = raw.get(name)
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"dose {name} must be a number, 0 or more, or null, not {value!r}")
            if name not in ("hold_seconds", "rest_seconds"):
                _whole(value, f"dose {name}", 0)
        values[name] = value
    values["notes"] = _text(raw.get("notes"), "dose notes", optional=True)
    return Dose(**values)


def _demands(raw: Any) -> Mapping[str, int]:
    if not isinstance(raw, Mapping) or set(raw) != set(DEMANDS):
        raise ValueError(f"demands must give exactly {', '.join(DEMANDS)}, not {raw!r}")
    return MappingProxyType({name: _whole(raw[name], f"demand {name}", 0, 3) for name in DEMANDS})


def _link(value: Any, what: str, code: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _CODE.match(value):
        raise ValueError(f"{what} must be an exercise code or null, not {value!r}")
    if value == code:
        raise ValueError(f"{what} cannot be the exercise itself")
    return value


def _choice(value: Any, what: str, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{what} {value!r} is not one of: {', '.join(sorted(allowed))}")
    return value


def exercise_from_dict(raw: Mapping[str, Any], custom: bool = False) -> Exercise:
    """One library entry (the JSON shape of the README) as an Exercise; ValueError if invalid.

    Custom exercises (a trainer's own, or an edited copy of a library entry) use the same shape
    and the same checks, so they are screened exactly like the built-in ones.
    """
    if not isinstance(raw, Mapping):
        raise ValueError(f"an exercise entry must be an object, not {type(raw).__name__}")
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise ValueError(f"code must be snake_case text, not {code!r}")
    try:
        missing = [name for name in _REQUIRED if name not in raw]
        if missing:
            raise ValueError("missing " + ", ".join(missing))
        unknown = set(raw) - set(_REQUIRED) - set(_OPTIONAL)
        if unknown:
            raise ValueError("unknown fields: " + ", ".join(sorted(unknown)))
        equipment = raw["equipment"]
        if not isinstance(equipment, (list, tuple)):
            raise ValueError(f"equipment must be a list, not {equipment!r}")
        tags = raw.get("tags") or ()
        if not isinstance(tags, (list, tuple)):
            raise ValueError(f"tags must be a list, not {tags!r}")
        poses = raw.get("poses") or {}
        if not isinstance(poses, Mapping):
            raise ValueError(f"poses must be an object, not {poses!r}")
        return Exercise(
            code=code,
            name=_text(raw["name"], "name"),
            family=_choice(raw["family"], "family", FAMILIES),
            level=_whole(raw["level"], "level", 1, 5),
            equipment=tuple(_choice(item, "equipment", EQUIPMENT) for item in equipment),
            position=_choice(raw["position"], "position", POSITIONS),
            floor_transfer=_flag(raw["floor_transfer"], "floor_transfer"),
            sided=_flag(raw["sided"], "sided"),
            dose=_dose(raw["dose"]),
            setup=_text(raw["setup"], "setup"),
            steps=_texts(raw["steps"], "steps"),
            cues=_texts(raw["cues"], "cues"),
            mistakes=_texts(raw["mistakes"], "mistakes"),
            demands=_demands(raw["demands"]),
            regression=_link(raw.get("regression"), "regression", code),
            progression=_link(raw.get("progression"), "progression", code),
            tags=frozenset(_choice(tag, "tag", TAGS) for tag in tags),
            author=_text(raw.get("author"), "author", optional=True),
            licence=_text(raw.get("licence"), "licence", optional=True),
            poses=MappingProxyType(copy.deepcopy(dict(poses))),
            custom=bool(custom),
        )
    except ValueError as exc:
        raise ValueError(f"exercise {code}: {exc}") from None


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def exercise_to_dict(exercise: Exercise) -> dict[str, Any]:
    """The README's JSON shape, for storing a custom exercise; `exercise_from_dict` reads it back."""
    dose = exercise.dose
    return {
        "code": exercise.code,
        "name": exercise.name,
        "family": exercise.family,
        "level": exercise.level,
        "equipment": list(exercise.equipment),
        "position": exercise.position,
        "floor_transfer": exercise.floor_transfer,
        "sided": exercise.sided,
        "dose": {name: getattr(dose, name) for name in (*DOSE_NUMBERS, "notes")},
        "setup": exercise.setup,
        "steps": list(exercise.steps),
        "cues": list(exercise.cues),
        "mistakes": list(exercise.mistakes),
        "demands": dict(exercise.demands),
        "regression": exercise.regression,
        "progression": exercise.progression,
        "tags": sorted(exercise.tags),
        "author": exercise.author,
        "licence": exercise.licence,
        "poses": _plain(exercise.poses),
    }


def parse_entries(entries: Any, source: str) -> list[Exercise]:
    """Every entry of one library file; ValueError naming the file and the code on a bad one."""
    if not isinstance(entries, list):
        raise ValueError(f"{source}: the file must hold a JSON list of exercises")
    parsed = []
    for index, entry in enumerate(entries):
        try:
            parsed.append(exercise_from_dict(entry))
        except ValueError as exc:
            code = entry.get("code") if isinstance(entry, Mapping) else None
            where = f"exercise {code}" if isinstance(code, str) else f"entry {index + 1}"
            detail = str(exc).removeprefix(f"exercise {code}: ")
            raise ValueError(f"{source}: {where}: {detail}") from None
    return parsed


def _library_folder():
    return resources.files("resources") / "exercises"


@functools.cache
def load_library() -> tuple[Exercise, ...]:
    """The built-in exercises, file by file in name order, each file in its own order."""
    folder = _library_folder()
    exercises: list[Exercise] = []
    seen: dict[str, str] = {}
    if not folder.is_dir():
        return ()
    for item in sorted((f for f in folder.iterdir() if f.name.endswith(".json")), key=lambda f: f.name):
        try:
            entries = json.loads(item.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{item.name}: not valid JSON ({exc})") from None
        for exercise in parse_entries(entries, item.name):
            if exercise.code in seen:
                raise ValueError(f"{item.name}: exercise {exercise.code}: the code is already used in {seen[exercise.code]}")
            seen[exercise.code] = item.name
            exercises.append(exercise)
    return tuple(exercises)


def by_code(exercises: Iterable[Exercise]) -> dict[str, Exercise]:
    return {exercise.code: exercise for exercise in exercises}


def chain_problems(exercises: Iterable[Exercise]) -> list[str]:
    """What is wrong with the regression/progression chains, in plain sentences; empty if none.

    Each link must point at an entry that exists, in the same family, that links back (a
    progression's regression is the exercise itself), without going down in level, and
    following progressions must never come back round.
    """
    exercises = list(exercises)
    problems: list[str] = []
    known: dict[str, Exercise] = {}
    for exercise in exercises:
        if exercise.code in known:
            problems.append(f"{exercise.code} appears more than once")
        known[exercise.code] = exercise
    for exercise in exercises:
        for kind, back, target_code in (
            ("progression", "regression", exercise.progression),
            ("regression", "progression", exercise.regression),
        ):
            if target_code is None:
                continue
            target = known.get(target_code)
            if target is None:
                problems.append(f"{exercise.code}: its {kind} {target_code} is not in the library")
                continue
            if target.family != exercise.family:
                problems.append(
                    f"{exercise.code}: its {kind} {target_code} is in family {target.family}, not {exercise.family}"
                )
            if getattr(target, back) != exercise.code:
                problems.append(
                    f"{exercise.code}: its {kind} {target_code} does not name it as its {back} "
                    f"(it names {getattr(target, back)})"
                )
            if kind == "progression" and target.level < exercise.level:
                problems.append(
                    f"{exercise.code} (level {exercise.level}) progresses to {target_code} "
                    f"at a lower level ({target.level})"
                )
            # A reciprocal regression is reported once, from the progression side.
            if kind == "regression" and target.level > exercise.level and target.progression != exercise.code:
                problems.append(
                    f"{exercise.code} (level {exercise.level}) regresses to {target_code} "
                    f"at a higher level ({target.level})"
                )
    reported: set[frozenset[str]] = set()
    for start in exercises:
        path = [start.code]
        current = start
        while current.progression is not None and current.progression in known:
            if current.progression in path:
                loop = frozenset(path[path.index(current.progression):])
                if loop not in reported:
                    reported.add(loop)
                    problems.append("the progressions go round in a circle: " + " → ".join([*path, current.progression]))
                break
            path.append(current.progression)
            current = known[current.progression]
    return problems
