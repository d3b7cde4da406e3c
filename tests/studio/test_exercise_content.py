"""The exercise library content (resources/exercises/*.json) against its format
(resources/exercises/README.md) and DOMAIN.md section 5.

The files are read directly with json + pathlib so these checks do not depend on the library
loading code. The allowed values below are copied from the README; a test checks that each of them
still appears there, so the two cannot drift apart silently.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

EXERCISES = Path(__file__).resolve().parents[2] / "resources" / "exercises"
README = EXERCISES / "README.md"

FAMILIES = (
    "curl_up", "side_bridge", "bird_dog", "hip_hinge", "hip_mobility", "glute", "anti_rotation_carry",
    "legs", "walking", "directional_preference", "nerve_glide", "breathing_bracing", "high_risk",
)
EQUIPMENT = {"mat", "bench", "box", "ball", "band", "kettlebell", "dowel", "wall", "chair", "none"}
POSITIONS = {"floor", "standing", "seated", "kneeling"}
TAGS = {
    "big3", "breathing", "bracing", "walking", "hinge", "hip_mobility", "directional_extension",
    "directional_flexion", "nerve_glide", "nerve_tensioner", "hamstring_stretch", "twisting_under_load",
    "high_risk",
}
DEMAND_KEYS = ("flexion", "extension", "rotation", "lateral", "compression")
DOSE_NUMERIC = ("sets", "reps", "hold_seconds", "rest_seconds", "times_per_day", "days_per_week")
BASE_POSES = {
    "standing", "hinge", "squat", "split_stance", "half_kneeling", "tall_kneeling", "quadruped",
    "sitting_chair", "sitting_floor_long", "lying_back", "lying_back_knees_bent", "lying_front",
    "prone_on_elbows", "prone_press_up", "lying_side", "side_bridge_knees", "side_bridge_feet",
    "childs_pose", "walking",
}
SEGMENTS = {
    "trunk", "head", "upper_arm_near", "forearm_near", "upper_arm_far", "forearm_far",
    "thigh_near", "shin_near", "foot_near", "thigh_far", "shin_far", "foot_far",
}
PROP_KINDS = {"mat", "bench", "box", "chair", "ball", "band", "kettlebell", "dowel", "wall"}
SUPPORT_KINDS = {"bench", "box", "chair", "ball"}
# README keys, plus "height" / "anchor_y" / "at" on supports, which studio/figures.py also reads.
PROP_KEYS = {"kind", "support", "x", "hand", "anchor_x", "anchor_y", "at", "along", "hands", "height"}
BODY_HEIGHT = 160  # prop offsets are in body units; the standing figure is about 160 tall

REQUIRED = {
    "code": str, "name": str, "family": str, "level": int, "equipment": list, "position": str,
    "floor_transfer": bool, "sided": bool, "dose": dict, "setup": str, "steps": list, "cues": list,
    "mistakes": list, "demands": dict, "tags": list, "author": str, "licence": str, "poses": dict,
}

# DOMAIN.md section 5, calibration examples: exact lumbar demands (unnamed axes are 0).
CALIBRATION = {
    "mcgill_curl_up": {"compression": 1},
    "bird_dog": {"compression": 1},
    "side_bridge_feet": {"lateral": 1, "compression": 2},
    "dowel_hip_hinge": {},
    "cat_camel": {"flexion": 1, "extension": 1},
    "sit_up": {"flexion": 3, "compression": 2},
    "standing_toe_touch": {"flexion": 3},
    "russian_twist": {"flexion": 2, "rotation": 3, "compression": 1},
    "prone_press_up": {"extension": 3},
    "yoga_wheel_backbend": {"extension": 3},
    "farmer_carry": {"compression": 2},
    "suitcase_carry": {"lateral": 1, "compression": 2},
    "kettlebell_deadlift_floor": {"compression": 3},
}

# DOMAIN.md section 5, the named chains (regression -> progression); each must appear in this order
# as consecutive links (extra variants may extend a chain at either end).
DOMAIN_CHAINS = [
    ["mcgill_curl_up", "mcgill_curl_up_elbows_up", "mcgill_curl_up_prebraced"],
    ["wall_side_lean", "side_bridge_knees", "side_bridge_feet", "rolling_side_bridge", "side_bridge_weighted"],
    ["bird_dog_leg_reach", "bird_dog", "bird_dog_sweeps", "stir_the_pot"],
    ["dowel_hip_hinge", "wall_tap_hinge", "kettlebell_deadlift_blocks", "kettlebell_deadlift_floor"],
    ["standing_hip_circles", "half_kneeling_hip_flexor_stretch", "ninety_ninety_hip_switch",
     "hip_airplane_assisted"],
    ["glute_bridge", "glute_bridge_march", "single_leg_bridge"],
    ["clamshell", "side_lying_leg_raise"],
    ["pallof_press_half_kneeling", "pallof_press_standing"],
    ["farmer_carry", "suitcase_carry"],
    ["sit_to_stand_box", "goblet_box_squat", "split_squat", "step_up"],
    ["walking_short_bouts", "walking_brisk_15", "walking_brisk_30"],
    ["prone_lying", "prone_on_elbows", "prone_press_up"],
    ["supine_knee_to_chest", "childs_pose"],
    ["abdominal_brace_lying", "abdominal_brace_standing"],
]

HIGH_RISK = {"sit_up", "russian_twist", "standing_toe_touch", "seated_spinal_twist", "yoga_wheel_backbend",
             "loaded_jefferson_curl"}
FORBIDDEN_WORDS = ("diagnos", "treat", "cure")


def _load():
    files = {}
    for family in FAMILIES:
        path = EXERCISES / f"{family}.json"
        files[family] = json.loads(path.read_text(encoding="utf-8"))
    return files


FILES = _load()
ENTRIES = [entry for family in FAMILIES for entry in FILES[family]]
BY_CODE = {entry["code"]: entry for entry in ENTRIES}
IDS = [entry["code"] for entry in ENTRIES]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# ------------------------------------------------------------------------- files and the README


def test_allowed_values_match_the_readme():
    text = README.read_text(encoding="utf-8")
    for word in (*FAMILIES, *EQUIPMENT, *TAGS, *BASE_POSES, *SEGMENTS, *PROP_KINDS, *DEMAND_KEYS, *DOSE_NUMERIC):
        assert re.search(rf"\b{re.escape(word)}\b", text), word


def test_one_file_per_family_and_no_stray_files():
    present = {path.stem for path in EXERCISES.glob("*.json")}
    assert present == set(FAMILIES)
    for family, entries in FILES.items():
        assert isinstance(entries, list) and entries, family
        assert all(entry["family"] == family for entry in entries), family


def test_library_size_and_unique_codes():
    assert len(ENTRIES) >= 64
    assert len(BY_CODE) == len(ENTRIES), "duplicate codes"
    for code in BY_CODE:
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", code), code


# ------------------------------------------------------------------------- one entry at a time


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_entry_fields_and_types(entry):
    for key, kind in REQUIRED.items():
        assert key in entry, key
        assert isinstance(entry[key], kind), key
        if kind is int:
            assert not isinstance(entry[key], bool), key
    for key in ("regression", "progression"):
        assert key in entry
        assert entry[key] is None or isinstance(entry[key], str)
    assert entry["family"] in FAMILIES
    assert 1 <= entry["level"] <= 5
    assert entry["equipment"] and set(entry["equipment"]) <= EQUIPMENT
    assert len(set(entry["equipment"])) == len(entry["equipment"])
    assert "none" not in entry["equipment"] or entry["equipment"] == ["none"]
    assert entry["position"] in POSITIONS
    assert entry["floor_transfer"] == (entry["position"] in ("floor", "kneeling"))
    assert entry["author"] == "Upright studio team"
    assert entry["licence"] == "CC BY 4.0"
    assert entry["name"].strip() and entry["setup"].strip()


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_entry_text_lengths(entry):
    assert 3 <= len(entry["steps"]) <= 6
    assert 2 <= len(entry["cues"]) <= 4
    assert 2 <= len(entry["mistakes"]) <= 4
    for item in entry["steps"] + entry["cues"] + entry["mistakes"]:
        assert isinstance(item, str) and item.strip()
        assert len(item) <= 160, item  # short enough to read at home


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_dose(entry):
    dose = entry["dose"]
    assert set(dose) == {*DOSE_NUMERIC, "notes"}
    for key in DOSE_NUMERIC:
        value = dose[key]
        assert value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0), key
    assert dose["notes"] is None or (isinstance(dose["notes"], str) and dose["notes"].strip())
    if dose["days_per_week"] is not None:
        assert dose["days_per_week"] <= 7
    if dose["times_per_day"] is not None:
        assert dose["times_per_day"] <= 12
    if dose["hold_seconds"] is not None:
        assert dose["hold_seconds"] <= 300


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_demands_and_tags(entry):
    demands = entry["demands"]
    assert set(demands) == set(DEMAND_KEYS)
    for key in DEMAND_KEYS:
        assert isinstance(demands[key], int) and not isinstance(demands[key], bool)
        assert 0 <= demands[key] <= 3, key
    assert set(entry["tags"]) <= TAGS
    assert len(set(entry["tags"])) == len(entry["tags"])
    # twisting under load (the screening rule: rotation >= 2 with compression >= 1) only where it is meant
    twisting = demands["rotation"] >= 2 and demands["compression"] >= 1
    assert twisting == ("twisting_under_load" in entry["tags"])
    if twisting:
        assert entry["family"] == "high_risk"
    assert ("high_risk" in entry["tags"]) == (entry["family"] == "high_risk")


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_no_diagnosis_or_treatment_wording(entry):
    for text in _strings(entry):
        lowered = text.lower()
        for word in FORBIDDEN_WORDS:
            assert word not in lowered, (word, text)


# ------------------------------------------------------------------------- poses


def _check_pose(pose, entry):
    assert isinstance(pose, dict)
    assert set(pose) <= {"base", "angles", "props", "note"}
    assert pose["base"] in BASE_POSES
    for segment, angle in pose.get("angles", {}).items():
        assert segment in SEGMENTS, segment
        assert isinstance(angle, (int, float)) and not isinstance(angle, bool)
        assert -360 <= angle <= 360, (segment, angle)
    for prop in pose.get("props", []):
        assert set(prop) <= PROP_KEYS, prop
        kind = prop["kind"]
        assert kind in PROP_KINDS, kind
        assert kind in entry["equipment"], f"{kind} drawn but not listed in equipment"
        if prop.get("support"):
            assert kind in SUPPORT_KINDS
        for key in ("x", "anchor_x", "anchor_y", "height"):
            if key in prop:
                value = prop[key]
                assert isinstance(value, (int, float)) and not isinstance(value, bool), (key, value)
                assert abs(value) <= BODY_HEIGHT, (key, value)
        if "height" in prop:
            assert kind in SUPPORT_KINDS and prop["height"] > 0
        if kind == "kettlebell":
            assert ("hand" in prop) != ("at" in prop)
            assert prop.get("hand", "near") in {"near", "far", "both"}
            if "at" in prop:
                assert prop["at"] == "floor" and "x" in prop
        if kind == "band":
            assert prop.get("hand") in {"near", "far", "both"} and "anchor_x" in prop
        if kind == "dowel":
            assert prop.get("along") == "back" or prop.get("hands") is True
        if kind == "wall":
            assert "x" in prop
    assert isinstance(pose.get("note"), str) and pose["note"].strip()


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_poses(entry):
    poses = entry["poses"]
    assert set(poses) == {"start", "end"}
    _check_pose(poses["start"], entry)
    _check_pose(poses["end"], entry)
    drawn = {prop["kind"] for pose in poses.values() for prop in pose.get("props", [])}
    for kind in ("kettlebell", "band", "dowel", "ball", "box", "wall"):
        if kind in entry["equipment"]:
            assert kind in drawn, f"{kind} listed in equipment but never drawn"
    if entry["position"] in ("floor", "kneeling") and entry["family"] != "high_risk":
        assert "mat" in drawn or "chair" in drawn


def test_exercises_that_hold_a_kettlebell_show_it():
    deadlift = BY_CODE["kettlebell_deadlift_floor"]["poses"]
    assert any(p["kind"] == "kettlebell" and p.get("at") == "floor" for p in deadlift["start"]["props"])
    assert {"kind": "kettlebell", "hand": "both"} in deadlift["end"]["props"]
    farmer = BY_CODE["farmer_carry"]["poses"]["end"]["props"]
    assert {p.get("hand") for p in farmer if p["kind"] == "kettlebell"} == {"near", "far"}
    suitcase = BY_CODE["suitcase_carry"]["poses"]["end"]["props"]
    assert [p.get("hand") for p in suitcase if p["kind"] == "kettlebell"] == ["near"]


def test_every_pose_draws_when_the_figure_module_is_there():
    figures = pytest.importorskip("studio.figures")
    for entry in ENTRIES:
        poses = entry["poses"]
        figures.pose_figures([poses["start"], poses["end"]])


def test_bird_dog_end_pose_reaches_opposite_arm_and_leg():
    angles = BY_CODE["bird_dog"]["poses"]["end"]["angles"]
    assert angles["upper_arm_far"] % 360 == 0 and angles["forearm_far"] % 360 == 0  # reaching forward
    assert angles["thigh_near"] == 180 and angles["shin_near"] == 180  # reaching back
    assert angles["upper_arm_near"] == 270  # supporting arm straight down
    assert angles["thigh_far"] == 270  # supporting knee under the hip


# ------------------------------------------------------------------------- chains


def test_chains_are_reciprocal_same_family_and_never_go_down():
    for entry in ENTRIES:
        code = entry["code"]
        progression, regression = entry["progression"], entry["regression"]
        assert progression != code and regression != code
        if progression is not None:
            other = BY_CODE[progression]
            assert other["regression"] == code, (code, progression)
            assert other["family"] == entry["family"]
            assert other["level"] >= entry["level"], (code, progression)
        if regression is not None:
            other = BY_CODE[regression]
            assert other["progression"] == code, (regression, code)
            assert other["family"] == entry["family"]
            assert other["level"] <= entry["level"]


def test_chains_have_no_cycles():
    for entry in ENTRIES:
        seen = {entry["code"]}
        step = entry["progression"]
        while step is not None:
            assert step not in seen, f"cycle through {step}"
            seen.add(step)
            step = BY_CODE[step]["progression"]


@pytest.mark.parametrize("chain", DOMAIN_CHAINS, ids=lambda chain: chain[0])
def test_domain_chains_in_order(chain):
    for earlier, later in zip(chain, chain[1:]):
        assert BY_CODE[earlier]["progression"] == later
        assert BY_CODE[later]["regression"] == earlier


def test_walking_chain_has_three_levels():
    codes = []
    step = "walking_short_bouts"
    while step is not None:
        codes.append(step)
        step = BY_CODE[step]["progression"]
    assert BY_CODE["walking_short_bouts"]["regression"] is None
    assert [BY_CODE[code]["level"] for code in codes] == [1, 2, 3]


def test_bird_dog_first_level_offers_arm_only_and_leg_only():
    assert BY_CODE["bird_dog_arm_reach"]["progression"] == "bird_dog_leg_reach"
    assert BY_CODE["bird_dog_arm_reach"]["level"] == BY_CODE["bird_dog_leg_reach"]["level"] == 1


# ------------------------------------------------------------------------- DOMAIN.md content rules


@pytest.mark.parametrize("code", sorted(CALIBRATION))
def test_calibration_examples_exact(code):
    expected = {key: CALIBRATION[code].get(key, 0) for key in DEMAND_KEYS}
    assert BY_CODE[code]["demands"] == expected


def test_every_family_present_and_sizeable():
    for family in FAMILIES:
        assert FILES[family], family
    assert len(FILES["walking"]) >= 3


def test_high_risk_examples_kept():
    assert {entry["code"] for entry in FILES["high_risk"]} >= HIGH_RISK
    for code in ("russian_twist", "seated_spinal_twist"):
        assert "twisting_under_load" in BY_CODE[code]["tags"]


def test_only_high_risk_examples_twist_under_load():
    twisting = {
        entry["code"] for entry in ENTRIES
        if entry["demands"]["rotation"] >= 2 and entry["demands"]["compression"] >= 1
    }
    assert twisting == {"russian_twist", "seated_spinal_twist"}


def test_screening_tags_present():
    tagged = {tag: {e["code"] for e in ENTRIES if tag in e["tags"]} for tag in TAGS}
    assert tagged["nerve_glide"] >= {"seated_sciatic_nerve_slider"}
    assert tagged["nerve_tensioner"] >= {"seated_sciatic_nerve_tensioner"}
    assert tagged["hamstring_stretch"] >= {"standing_hamstring_stretch"}
    assert tagged["directional_extension"] >= {"prone_lying", "prone_on_elbows", "prone_press_up"}
    assert tagged["directional_flexion"] >= {"supine_knee_to_chest", "childs_pose"}
    assert "diaphragmatic_breathing" in tagged["breathing"]
    assert "abdominal_brace_lying" in tagged["bracing"]
    assert tagged["big3"] >= {"mcgill_curl_up", "side_bridge_feet", "bird_dog"}
    assert {BY_CODE[c]["family"] for c in tagged["big3"]} == {"curl_up", "side_bridge", "bird_dog"}
    assert {BY_CODE[c]["family"] for c in tagged["walking"]} == {"walking"}
    for code in tagged["nerve_tensioner"] | tagged["hamstring_stretch"] | tagged["nerve_glide"]:
        assert BY_CODE[code]["family"] == "nerve_glide"
    assert not tagged["nerve_glide"] & tagged["nerve_tensioner"]


def test_directional_exercises_lean_one_way():
    for entry in ENTRIES:
        d = entry["demands"]
        if "directional_extension" in entry["tags"]:
            assert d["extension"] >= 1 and d["flexion"] == 0
        if "directional_flexion" in entry["tags"]:
            assert d["flexion"] >= 1 and d["extension"] == 0


def test_curl_up_dose_is_a_descending_pyramid_of_ten_second_holds():
    for code in ("mcgill_curl_up", "mcgill_curl_up_elbows_up"):
        dose = BY_CODE[code]["dose"]
        assert dose["hold_seconds"] == 10
        assert dose["reps"] == 6
        assert "pyramid" in dose["notes"] and "4" in dose["notes"] and "2" in dose["notes"]
    assert BY_CODE["mcgill_curl_up_prebraced"]["dose"]["hold_seconds"] > 10


def test_walking_dose_in_minutes_without_holds():
    for entry in FILES["walking"]:
        dose = entry["dose"]
        assert dose["hold_seconds"] is None and dose["reps"] is None
        assert "minute" in dose["notes"]
    assert "30" in BY_CODE["walking_brisk_30"]["dose"]["notes"]
    assert BY_CODE["walking_short_bouts"]["dose"]["times_per_day"] >= 3


def test_unloaded_floor_and_standing_drills_are_gentle():
    # DOMAIN.md: only levels 1-2 are offered at NPRS worst >= 7, so each main family needs a gentle entry.
    for family in FAMILIES:
        if family == "high_risk":
            continue
        assert any(entry["level"] <= 2 for entry in FILES[family]), family
