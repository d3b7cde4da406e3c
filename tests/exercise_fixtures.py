"""A small exercise library for tests, in the JSON shape of resources/exercises/README.md.

The real content is written separately and may be incomplete; these entries cover every family
the starter program uses, the directional and neural chains, and the high-risk examples, with
demands taken from DOMAIN.md's calibration examples where it gives them.
"""

from __future__ import annotations

from studio.exercises import Exercise, exercise_from_dict

ZERO = {"flexion": 0, "extension": 0, "rotation": 0, "lateral": 0, "compression": 0}


def entry(code, family, level, *, demands=None, tags=(), position="standing", floor=False, regression=None,
          progression=None, dose=None, sided=False, **extra) -> dict:  # fmt: skip
    return {
        "code": code,
        "name": code.replace("_", " ").capitalize(),
        "family": family,
        "level": level,
        "equipment": ["mat"] if floor else ["none"],
        "position": position,
        "floor_transfer": floor,
        "sided": sided,
        "dose": dose or {"sets": 2, "reps": 8, "hold_seconds": 5, "rest_seconds": 30, "times_per_day": 1,
                         "days_per_week": 5, "notes": None},  # fmt: skip
        "setup": "Stand tall with your feet hip-width apart.",
        "steps": ["Brace lightly.", "Move slowly.", "Return to the start."],
        "cues": ["Keep breathing.", "Keep the low back still."],
        "mistakes": ["Holding the breath.", "Rushing."],
        "demands": {**ZERO, **(demands or {})},
        "regression": regression,
        "progression": progression,
        "tags": list(tags),
        "author": "Upright tests",
        "licence": "CC BY 4.0",
        "poses": {"start": {"base": "standing"}, "end": {"base": "standing"}},
        **extra,
    }


def chain(family, specs, *, tags=()) -> list[dict]:
    """Entries linked regression → progression in the order given: (code, level, options)."""
    codes = [code for code, _, _ in specs]
    out = []
    for i, (code, level, options) in enumerate(specs):
        out.append(
            entry(code, family, level, tags=tags, regression=codes[i - 1] if i else None,
                  progression=codes[i + 1] if i + 1 < len(codes) else None, **options)  # fmt: skip
        )
    return out


FLOOR = {"position": "floor", "floor": True}
KNEELING = {"position": "kneeling", "floor": True}

ENTRIES: list[dict] = [
    entry("diaphragmatic_breathing", "breathing_bracing", 1, tags=("breathing",), **FLOOR),
    entry("abdominal_brace", "breathing_bracing", 1, tags=("bracing",)),
    *chain("curl_up", [
        ("curl_up_head_supported", 1, {"demands": {"compression": 1}, **FLOOR}),
        ("curl_up_elbows_up", 2, {"demands": {"compression": 1}, **FLOOR}),
        ("curl_up_pre_braced", 3, {"demands": {"compression": 1}, **FLOOR}),
    ], tags=("big3",)),  # fmt: skip
    *chain("side_bridge", [
        ("wall_side_lean", 1, {"demands": {"lateral": 1, "compression": 1}}),
        ("side_bridge_knees", 2, {"demands": {"lateral": 1, "compression": 1}, "sided": True, **FLOOR}),
        ("side_bridge_feet", 3, {"demands": {"lateral": 1, "compression": 2}, "sided": True, **FLOOR}),
        ("rolling_side_bridge", 4, {"demands": {"lateral": 1, "rotation": 1, "compression": 2}, **FLOOR}),
        ("side_bridge_weight", 5, {"demands": {"lateral": 1, "compression": 3}, "sided": True, **FLOOR}),
    ], tags=("big3",)),  # fmt: skip
    *chain("bird_dog", [
        ("bird_dog_arm_or_leg", 1, {"demands": {"compression": 1}, **KNEELING}),
        ("bird_dog", 2, {"demands": {"compression": 1}, **KNEELING}),
        ("bird_dog_sweeps", 3, {"demands": {"compression": 1}, **KNEELING}),
        ("stir_the_pot", 5, {"demands": {"compression": 2, "extension": 1}, **KNEELING}),
    ], tags=("big3",)),  # fmt: skip
    *chain("hip_hinge", [
        ("dowel_hinge", 1, {}),
        ("wall_tap_hinge", 2, {}),
        ("kettlebell_deadlift_blocks", 3, {"demands": {"compression": 2}}),
        ("kettlebell_deadlift_floor", 4, {"demands": {"compression": 3}}),
    ], tags=("hinge",)),  # fmt: skip
    *chain("hip_mobility", [
        ("standing_hip_circles", 1, {}),
        ("half_kneeling_hip_flexor_stretch", 2, {"demands": {"extension": 1}, **KNEELING}),
        ("hip_90_90_switch", 3, {"demands": {"rotation": 1}, **FLOOR}),
        ("hip_airplane", 4, {"demands": {"rotation": 1, "compression": 1}}),
    ], tags=("hip_mobility",)),  # fmt: skip
    entry("short_walks", "walking", 1, demands={"compression": 1}, tags=("walking",),
          dose={"sets": None, "reps": None, "hold_seconds": None, "rest_seconds": None, "times_per_day": 3,
                "days_per_week": 7, "notes": "10 minutes, building to 30"}),  # fmt: skip
    *chain("directional_preference", [
        ("prone_lying", 1, {"demands": {"extension": 1}, **FLOOR}),
        ("prone_on_elbows", 2, {"demands": {"extension": 2}, **FLOOR}),
        ("prone_press_up", 3, {"demands": {"extension": 3}, **FLOOR}),
    ], tags=("directional_extension",)),  # fmt: skip
    *chain("directional_preference", [
        ("supine_knee_to_chest", 1, {"demands": {"flexion": 1}, **FLOOR}),
        ("childs_pose", 2, {"demands": {"flexion": 2}, **KNEELING}),
    ], tags=("directional_flexion",)),  # fmt: skip
    entry("seated_sciatic_slider", "nerve_glide", 1, tags=("nerve_glide",), position="seated"),
    entry("seated_sciatic_tensioner", "nerve_glide", 2, tags=("nerve_tensioner",), position="seated"),
    *chain("glute", [
        ("glute_bridge", 1, {"demands": {"compression": 1}, **FLOOR}),
        ("single_leg_bridge", 2, {"demands": {"compression": 1, "rotation": 1}, "sided": True, **FLOOR}),
    ]),  # fmt: skip
    entry("sit_up", "high_risk", 3, demands={"flexion": 3, "compression": 2}, tags=("high_risk",), **FLOOR),
    entry("russian_twist", "high_risk", 3, demands={"flexion": 2, "rotation": 3, "compression": 1},
          tags=("high_risk", "twisting_under_load"), **FLOOR),  # fmt: skip
    entry("standing_toe_touch", "high_risk", 2, demands={"flexion": 3}, tags=("high_risk", "hamstring_stretch")),
    entry("seated_spinal_twist", "high_risk", 2, demands={"rotation": 3}, tags=("high_risk",), position="seated"),
    entry("yoga_wheel", "high_risk", 4, demands={"extension": 3, "compression": 1}, tags=("high_risk",), **FLOOR),
    entry("loaded_jefferson_curl", "high_risk", 4, demands={"flexion": 3, "compression": 2}, tags=("high_risk",)),
]


def library() -> tuple[Exercise, ...]:
    return tuple(exercise_from_dict(e) for e in ENTRIES)


def one(code="probe", level=1, *, tags=(), floor=False, **demands) -> Exercise:
    """A single exercise with the given demands, for rule-by-rule screening examples."""
    options = FLOOR if floor else {}
    return exercise_from_dict(entry(code, "legs", level, demands=demands, tags=tags, **options))
