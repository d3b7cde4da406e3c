"""Exercise figures: fixed limb lengths under any pose, placement on the floor or a prop,
fitting into the box asked for, mirroring, and clear errors for bad pose data."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio import figures
from studio.figures import (
    ANGLE_NAMES,
    BASE_POSES,
    SEGMENTS,
    Circle,
    Poly,
    Rect,
    Segment,
    joint_positions,
    joint_radius,
    mirror,
    pose_figure,
    pose_figures,
)

README_BASE_POSES = (
    "standing hinge squat split_stance half_kneeling tall_kneeling quadruped sitting_chair "
    "sitting_floor_long lying_back lying_back_knees_bent lying_front prone_on_elbows prone_press_up "
    "lying_side side_bridge_knees side_bridge_feet childs_pose walking"
).split()
LYING = ("lying_back", "lying_back_knees_bent", "lying_front", "lying_side")
TOL = 0.6  # body units (the figure is ~160 tall): "touches" in a drawing


def distance(a, b) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def bottom(joints, name) -> float:
    return joints[name][1] - joint_radius(name)


def lowest(joints) -> float:
    return min(bottom(joints, n) for n in joints if n not in ("neck", "crown"))


def test_every_base_pose_in_the_readme_exists_with_every_segment():
    assert set(BASE_POSES) == set(README_BASE_POSES)
    for angles in BASE_POSES.values():
        assert set(angles) == set(ANGLE_NAMES)


angle = st.floats(min_value=-720, max_value=720, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(base=st.sampled_from(README_BASE_POSES), angles=st.fixed_dictionaries({n: angle for n in ANGLE_NAMES}))
def test_limb_lengths_hold_under_any_pose_and_scale_together_when_fitted(base, angles):
    pose = {"base": base, "angles": angles}
    joints = joint_positions(pose)
    for name, (start, end, length) in SEGMENTS.items():
        assert distance(joints[start], joints[end]) == pytest.approx(length, abs=1e-6), name
    if base == "sitting_chair":  # sits on the chair it brings, or stands on the floor
        assert lowest(joints) >= -1e-6
    else:  # never floats, never sinks
        assert lowest(joints) == pytest.approx(0.0, abs=1e-6)

    drawing = pose_figure(pose, 200, 150)
    fitted = dict((n, (x, y)) for n, x, y in drawing.joints)
    for name, (start, end, length) in SEGMENTS.items():
        assert distance(fitted[start], fitted[end]) == pytest.approx(length * drawing.scale, abs=1e-6), name
    assert_inside(drawing)


@pytest.mark.parametrize("base", README_BASE_POSES)
def test_every_base_pose_rests_on_the_floor_and_fits(base):
    joints = joint_positions({"base": base})
    assert lowest(joints) == pytest.approx(0.0, abs=1e-6)
    assert_inside(pose_figure({"base": base}, 160, 120))


def test_standing_has_the_head_above_the_hips_above_the_feet():
    j = joint_positions({"base": "standing"})
    assert j["head"][1] > j["shoulder"][1] > j["hip"][1] > j["knee_near"][1] > j["ankle_near"][1]
    assert abs(j["head"][0] - j["hip"][0]) < 8
    assert bottom(j, "ankle_near") == pytest.approx(0, abs=TOL)
    assert bottom(j, "ankle_far") == pytest.approx(0, abs=TOL)


@pytest.mark.parametrize("base", LYING)
def test_lying_poses_have_the_trunk_roughly_horizontal_and_on_the_floor(base):
    j = joint_positions({"base": base})
    (hx, hy), (sx, sy) = j["hip"], j["shoulder"]
    assert abs(math.degrees(math.atan2(sy - hy, abs(sx - hx)))) < 15
    assert min(bottom(j, "hip"), bottom(j, "shoulder")) < 4


def test_quadruped_has_hands_and_knees_on_the_floor_under_shoulders_and_hips():
    j = joint_positions({"base": "quadruped"})
    for point in ("wrist_near", "knee_near"):
        assert bottom(j, point) == pytest.approx(0, abs=TOL), point
    assert abs(j["wrist_near"][0] - j["shoulder"][0]) < 5
    assert abs(j["knee_near"][0] - j["hip"][0]) < 5
    assert j["hip"][1] > 30 and j["shoulder"][1] > 30


@pytest.mark.parametrize("base", ["side_bridge_knees", "side_bridge_feet", "prone_on_elbows"])
def test_forearm_supported_poses_rest_on_the_elbow(base):
    j = joint_positions({"base": base})
    assert bottom(j, "elbow_near") == pytest.approx(0, abs=TOL)
    assert j["shoulder"][1] > 20


def test_a_supporting_bench_carries_the_trunk_at_its_height():
    pose = {"base": "lying_back", "props": [{"kind": "bench", "support": True}]}
    j = joint_positions(pose)
    assert min(bottom(j, "hip"), bottom(j, "shoulder")) == pytest.approx(figures.BENCH["height"])
    drawing = pose_figure(pose)
    assert any(isinstance(p, Rect) and p.tone == "prop" for p in drawing.primitives)


def test_a_supporting_prop_grows_rather_than_push_the_feet_through_the_floor():
    pose = {"base": "sitting_chair", "angles": {"thigh_near": 340, "thigh_far": 340}, "props": [{"kind": "box", "support": True}]}
    j = joint_positions(pose)
    assert lowest(j) == pytest.approx(0, abs=1e-6)  # the feet stand on the floor
    box = next(p for p in figures._layout(pose).primitives if isinstance(p, Rect))
    assert box.y + box.h == pytest.approx(bottom(j, "hip"))  # and the box reaches the seat


def test_sitting_chair_brings_its_chair_and_sits_on_it_with_the_feet_down():
    pose = {"base": "sitting_chair"}
    j = joint_positions(pose)
    assert bottom(j, "ankle_near") == pytest.approx(0, abs=TOL)
    seat = next(p for p in figures._layout(pose).primitives if isinstance(p, Rect))
    assert seat.y + seat.h == pytest.approx(bottom(j, "hip"))
    assert seat.x < j["hip"][0] < seat.x + seat.w
    assert bottom(j, "hip") == pytest.approx(figures.CHAIR["height"], abs=3)


def test_a_hand_supported_on_a_bench_keeps_the_feet_on_the_floor():
    angles = {"trunk": 20, "upper_arm_near": 270, "forearm_near": 270, "thigh_near": 215, "shin_near": 215, "thigh_far": 215, "shin_far": 215}
    pose = {"base": "lying_front", "angles": angles, "props": [{"kind": "bench", "support": True, "at": "wrist_near"}]}
    j = joint_positions(pose)
    assert lowest(j) == pytest.approx(0, abs=1e-6)
    pad = next(p for p in figures._layout(pose).primitives if isinstance(p, Rect))
    assert pad.y + pad.h == pytest.approx(bottom(j, "wrist_near"))


def test_a_mat_lifts_the_body_by_its_thickness():
    j = joint_positions({"base": "lying_back", "props": [{"kind": "mat"}]})
    assert lowest(j) == pytest.approx(figures.MAT_THICKNESS)


@pytest.mark.parametrize(
    "prop",
    [
        {"kind": "mat"},
        {"kind": "wall"},
        {"kind": "wall", "x": -30},
        {"kind": "kettlebell", "hand": "near"},
        {"kind": "kettlebell", "hand": "both"},
        {"kind": "kettlebell", "at": "floor", "x": 30},
        {"kind": "dowel", "along": "back"},
        {"kind": "dowel", "hands": True},
        {"kind": "band", "hand": "near", "anchor_x": 80},
        {"kind": "ball", "support": True},
        {"kind": "box"},
        {"kind": "bench"},
        {"kind": "chair"},
    ],
)
def test_every_prop_draws_inside_the_box(prop):
    for base in ("hinge", "lying_back", "standing"):
        drawing = pose_figure({"base": base, "props": [prop]}, 160, 120)
        assert any(p.tone == "prop" for p in drawing.primitives), (base, prop)
        assert_inside(drawing)


def test_a_box_goes_under_a_raised_foot():
    pose = {"base": "standing", "angles": {"thigh_near": 0, "shin_near": 270}, "props": [{"kind": "box"}]}
    j = joint_positions(pose)
    box = next(p for p in figures._layout(pose).primitives if isinstance(p, Rect))
    assert box.y + box.h == pytest.approx(min(bottom(j, "ankle_near"), bottom(j, "toe_near")))
    assert box.x <= j["ankle_near"][0] <= box.x + box.w


def test_dowel_along_the_back_lies_behind_the_trunk():
    pose = {"base": "hinge", "props": [{"kind": "dowel", "along": "back"}]}
    j = joint_positions(pose)
    dowel = next(p for p in figures._layout(pose).primitives if isinstance(p, Segment) and p.tone == "prop")
    # the hinge leans forward, so "behind the back" is up and back of the hip-shoulder line
    (hx, hy), (sx, sy) = j["hip"], j["shoulder"]
    cross = (sx - hx) * (dowel.y1 - hy) - (sy - hy) * (dowel.x1 - hx)
    assert cross > 0


def test_mirror_flips_x_and_keeps_y():
    drawing = pose_figure({"base": "walking", "props": [{"kind": "kettlebell", "hand": "near"}, {"kind": "mat"}]}, 160, 120)
    flipped = mirror(drawing)
    back = mirror(flipped)
    assert [n for n, _x, _y in back.joints] == [n for n, _x, _y in drawing.joints]
    assert [c for _n, x, y in back.joints for c in (x, y)] == pytest.approx([c for _n, x, y in drawing.joints for c in (x, y)])
    for a, b in zip(drawing.primitives, flipped.primitives):
        assert type(a) is type(b)
        if isinstance(a, Segment):
            assert (b.x1, b.x2, b.y1, b.y2) == pytest.approx((160 - a.x1, 160 - a.x2, a.y1, a.y2))
        elif isinstance(a, Circle):
            assert (b.x, b.y) == pytest.approx((160 - a.x, a.y))
        elif isinstance(a, Rect):
            assert (b.x + b.w, b.y) == pytest.approx((160 - a.x, a.y))
        elif isinstance(a, Poly):
            assert [c for x, y in b.points for c in (x, y)] == pytest.approx([c for x, y in a.points for c in (160 - x, y)])
    hx, hy = drawing.joint("head")
    assert flipped.joint("head") == pytest.approx((160 - hx, hy))
    assert_inside(flipped)


@pytest.mark.parametrize("size", [(160, 120), (60, 200), (400, 50), (1000, 1000)])
def test_fitting_keeps_everything_inside_and_fills_one_side(size):
    width, height = size
    for base in README_BASE_POSES:
        drawing = pose_figure({"base": base}, width, height)
        left, top, right, bottom_ = assert_inside(drawing)
        margin = max(2.0, 0.04 * min(width, height))
        assert (right - left) == pytest.approx(width - 2 * margin, abs=1e-6) or (bottom_ - top) == pytest.approx(
            height - 2 * margin, abs=1e-6
        )


def test_a_start_and_end_share_one_scale_and_one_floor():
    start, end = pose_figures([{"base": "standing"}, {"base": "lying_back"}], 160, 120)
    assert start.scale == end.scale
    floor = [p for d in (start, end) for p in d.primitives if p.tone == "floor"]
    assert floor[0].y1 == pytest.approx(floor[1].y1)


def test_the_drawing_is_y_down_with_the_head_on_top():
    drawing = pose_figure({"base": "standing"})
    assert drawing.joint("head")[1] < drawing.joint("hip")[1] < drawing.joint("ankle_near")[1]
    assert drawing.joint("toe_near")[0] > drawing.joint("ankle_near")[0]  # faces right


@pytest.mark.parametrize(
    "pose, words",
    [
        ({"base": "plank"}, "unknown base pose 'plank'"),
        ({}, "unknown base pose None"),
        ({"base": "standing", "angles": {"shin": 10}}, "unknown segment 'shin'"),
        ({"base": "standing", "angles": {"neck": 10}}, "unknown segment 'neck'"),
        ({"base": "standing", "angles": {"trunk": "up"}}, "'trunk' must be a number"),
        ({"base": "standing", "props": [{"kind": "foam_roller"}]}, "unknown prop kind 'foam_roller'"),
        ({"base": "standing", "props": [{"kind": "wall", "support": True}]}, "a wall cannot support"),
        ({"base": "standing", "props": [{"kind": "kettlebell", "hand": "left"}]}, "'hand' must be one of"),
        ({"base": "standing", "props": "mat"}, "'props' must be a list"),
        ("standing", "must be a mapping"),
    ],
)
def test_bad_pose_data_is_a_clear_value_error(pose, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        joint_positions(pose)


def test_the_module_knows_no_qt_or_reportlab():
    source = open(figures.__file__, encoding="utf-8").read()
    assert "PySide6" not in source and "reportlab" not in source


def assert_inside(drawing):
    """Every primitive, strokes included, lies inside the drawing's box; returns the extent."""
    boxes = []
    for p in drawing.primitives:
        if isinstance(p, Segment):
            h = p.width / 2
            boxes.append((min(p.x1, p.x2) - h, min(p.y1, p.y2) - h, max(p.x1, p.x2) + h, max(p.y1, p.y2) + h))
        elif isinstance(p, Circle):
            boxes.append((p.x - p.r, p.y - p.r, p.x + p.r, p.y + p.r))
        elif isinstance(p, Rect):
            boxes.append((p.x, p.y, p.x + p.w, p.y + p.h))
        else:
            xs, ys = zip(*p.points)
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, bottom_ = max(b[2] for b in boxes), max(b[3] for b in boxes)
    eps = 1e-6
    assert left >= -eps and top >= -eps and right <= drawing.width + eps and bottom_ <= drawing.height + eps
    return left, top, right, bottom_
