"""Exercise poses as renderer-neutral line drawings.

An exercise pose (resources/exercises/README.md, "POSE") names a base pose, overrides a few
segment directions and lists props. This module turns it into a `Drawing`: segments, circles,
rectangles and polygons in a y-down space with (0, 0) at the top left, fitted into the size
asked for (pixels on screen, points on paper). The Qt painter (ui/widgets/figure_view.py) and
the PDF renderer draw the same primitives, so the screen and the handout agree.

The figure is a jointed stick-and-shape person seen from the side, facing right (+x). While
posing, y points UP and the hip is the origin; every segment has a fixed length, so a pose is
nothing but one absolute direction per segment (0 = forward, 90 = up, 180 = back, 270 = down).

Placement. The figure is lowered until its lowest point (joints and head, counting the
thickness of the strokes, so a body lying down rests *on* the floor line rather than sinking
half a stroke into it) touches the floor, or the top of a mat when there is one. A supporting
prop (`{"kind": "bench"|"box"|"chair"|"ball", "support": true}`) carries the lower of the
hip and the shoulder (or the joint named by `"at"`, e.g. `"wrist_near"` for an incline
push-up, `"shoulder"` for a hip thrust). When the figure, standing on the floor, holds that
point clear of it (sitting with the feet down, shoulders on a bench with the feet down), the
figure stays on the floor and the prop is made as tall (a ball as big) as needed to reach the
point. When that point is the body's lowest (lying along a bench), the figure is raised to rest
it on the prop at the prop's usual height. Nothing ever sinks into the floor or a prop.

Prop positions (`"x"`) are in body units, forward positive: for a supporting prop, from the
supported point; for a box/bench/chair/ball under a raised foot, from that foot; otherwise from
the hip. The figure is about 160 units tall standing (the trunk is 50).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Final

Point = tuple[float, float]

# --- the figure --------------------------------------------------------------------------------

HEAD_RADIUS: Final = 8.0
NECK_LEAN: Final = 25.0  # the neck leans toward the face, so the head sits forward of the spine

SEGMENTS: Final[Mapping[str, tuple[str, str, float]]] = MappingProxyType(
    {
        # name: (from joint, to joint, length)
        "trunk": ("hip", "shoulder", 50.0),
        "neck": ("shoulder", "neck", 7.0),  # follows the head's direction, leaning NECK_LEAN forward
        "head": ("neck", "crown", 2 * HEAD_RADIUS),
        "upper_arm_near": ("shoulder", "elbow_near", 28.0),
        "forearm_near": ("elbow_near", "wrist_near", 25.0),
        "upper_arm_far": ("shoulder", "elbow_far", 28.0),
        "forearm_far": ("elbow_far", "wrist_far", 25.0),
        "thigh_near": ("hip", "knee_near", 42.0),
        "shin_near": ("knee_near", "ankle_near", 40.0),
        "foot_near": ("ankle_near", "toe_near", 13.0),
        "thigh_far": ("hip", "knee_far", 42.0),
        "shin_far": ("knee_far", "ankle_far", 40.0),
        "foot_far": ("ankle_far", "toe_far", 13.0),
    }
)
"""Every drawn segment; all but "neck" are posed by name (the neck follows the head)."""

ANGLE_NAMES: Final = tuple(name for name in SEGMENTS if name != "neck")

# Stroke widths in body units; far limbs are drawn slightly thinner (and grey) behind the body.
_WIDTHS: Final = {"trunk": 10.0, "neck": 5.0, "upper_arm": 5.5, "forearm": 4.5, "thigh": 7.0, "shin": 5.5, "foot": 4.0}
FAR_WIDTH_FACTOR: Final = 0.85

TONES: Final = ("near", "far", "prop", "floor")


def _length(name: str) -> float:
    return SEGMENTS[name][2]


def _width(name: str) -> float:
    base = _WIDTHS[name.rsplit("_", 1)[0] if name.endswith(("_near", "_far")) else name]
    return base * (FAR_WIDTH_FACTOR if name.endswith("_far") else 1.0)


# --- base poses ---------------------------------------------------------------------------------


def _pose(**angles: float) -> dict[str, float]:
    standing = {
        "trunk": 90.0, "head": 90.0,
        "upper_arm_near": 276.0, "forearm_near": 284.0, "upper_arm_far": 265.0, "forearm_far": 270.0,
        "thigh_near": 271.0, "shin_near": 269.0, "foot_near": 0.0,
        "thigh_far": 268.0, "shin_far": 271.0, "foot_far": 0.0,
    }  # fmt: skip
    for side in ("near", "far"):
        for part in ("upper_arm", "forearm", "thigh", "shin", "foot"):
            if part in angles:
                standing[f"{part}_{side}"] = angles[part]
    standing.update({k: v for k, v in angles.items() if k in standing})
    return {k: float(v) for k, v in standing.items()}


def _deg(ratio: float) -> float:
    return math.degrees(math.asin(max(-1.0, min(1.0, ratio))))


# Heights that follow from the proportions, so the base poses touch where they should.
_R_HIP = _WIDTHS["trunk"] / 2
_R_KNEE = _WIDTHS["thigh"] / 2
_R_ELBOW = _WIDTHS["upper_arm"] / 2
_R_WRIST = _WIDTHS["forearm"] / 2
_ARM = _length("upper_arm_near") + _length("forearm_near")
_LEG = _length("thigh_near") + _length("shin_near")
_TRUNK = _length("trunk")
_QUADRUPED_TRUNK = _deg(((_ARM + _R_WRIST) - (_length("thigh_near") + _R_KNEE)) / _TRUNK)
_SPHINX_TRUNK = _deg((_length("upper_arm_near") + _R_ELBOW - _R_HIP) / _TRUNK)
_PRESS_UP_TRUNK = 62.0
_PRESS_UP_ARM = 360 - _deg((_R_HIP + _TRUNK * math.sin(math.radians(_PRESS_UP_TRUNK)) - _R_WRIST) / _ARM)
_SIDE_BRIDGE_FEET = _deg((_length("upper_arm_near") + _R_ELBOW - _WIDTHS["foot"] / 2) / (_TRUNK + _LEG + _length("foot_near")))
_SIDE_BRIDGE_KNEES = _deg((_length("upper_arm_near") + _R_ELBOW - _R_KNEE) / (_TRUNK + _length("thigh_near")))

BASE_POSES: Final[Mapping[str, Mapping[str, float]]] = MappingProxyType(
    {
        name: MappingProxyType(angles)
        for name, angles in {
            "standing": _pose(),
            "hinge": _pose(
                trunk=42, head=55, upper_arm_near=272, forearm_near=270, upper_arm_far=268, forearm_far=268,
                thigh_near=296, shin_near=258, thigh_far=294, shin_far=259,
            ),
            "squat": _pose(
                trunk=58, head=78, upper_arm_near=5, forearm_near=5, upper_arm_far=2, forearm_far=2,
                thigh_near=345, shin_near=248, thigh_far=343, shin_far=249, foot=0,
            ),
            "split_stance": _pose(
                thigh_near=287, shin_near=270, foot_near=0,
                thigh_far=250, shin_far=254, foot_far=347,
                upper_arm_near=262, forearm_near=270, upper_arm_far=280, forearm_far=285,
            ),
            "half_kneeling": _pose(
                thigh_near=357, shin_near=272, foot_near=0,
                thigh_far=272, shin_far=180, foot_far=180,
                upper_arm_near=268, forearm_near=272, upper_arm_far=272, forearm_far=276,
            ),
            "tall_kneeling": _pose(thigh_near=270, shin_near=180, foot_near=180, thigh_far=268, shin_far=180, foot_far=180),
            "quadruped": _pose(
                trunk=_QUADRUPED_TRUNK, head=350, upper_arm=270, forearm=270,
                thigh=270, shin=180, foot=180,
            ),
            "sitting_chair": _pose(
                trunk=92, head=90, thigh_near=0, shin_near=270, thigh_far=0, shin_far=268, foot=0,
                upper_arm_near=282, forearm_near=8, upper_arm_far=285, forearm_far=10,
            ),
            "sitting_floor_long": _pose(
                trunk=95, head=88, thigh=0, shin=0, foot=80,
                upper_arm_near=262, forearm_near=262, upper_arm_far=285, forearm_far=315,
            ),
            "lying_back": _pose(
                trunk=180, head=180, thigh=0, shin=0, foot=80,
                upper_arm_near=0, forearm_near=0, upper_arm_far=0, forearm_far=0,
            ),
            "lying_back_knees_bent": _pose(
                trunk=180, head=180, thigh_near=50, shin_near=306, thigh_far=48, shin_far=308, foot=0,
                upper_arm_near=0, forearm_near=0, upper_arm_far=0, forearm_far=0,
            ),
            # Face down, forehead resting on the stacked hands.
            "lying_front": _pose(
                trunk=0, head=24, thigh=180, shin=180, foot=180,
                upper_arm_near=6, forearm_near=175, upper_arm_far=4, forearm_far=178,
            ),
            "prone_on_elbows": _pose(
                trunk=_SPHINX_TRUNK, head=60, upper_arm=270, forearm=0,
                thigh=180, shin=180, foot=180,
            ),
            "prone_press_up": _pose(
                trunk=_PRESS_UP_TRUNK, head=75, upper_arm=_PRESS_UP_ARM, forearm=_PRESS_UP_ARM,
                thigh=180, shin=180, foot=180,
            ),
            # Lying on the side, seen from the front: the head propped on the lower ("near") hand,
            # the upper ("far") hand on the hip, legs stacked.
            "lying_side": _pose(
                trunk=8, head=55, upper_arm_near=345, forearm_near=105, upper_arm_far=150, forearm_far=228,
                thigh=186, shin=180, foot=180,
            ),
            # Side bridges, seen from the front: the supporting ("near") forearm flat on the floor
            # under the shoulder, the upper ("far") hand on the hip, body in one straight line.
            "side_bridge_knees": _pose(
                trunk=_SIDE_BRIDGE_KNEES, head=_SIDE_BRIDGE_KNEES, upper_arm_near=270, forearm_near=0,
                upper_arm_far=_SIDE_BRIDGE_KNEES + 135, forearm_far=_SIDE_BRIDGE_KNEES + 213,
                thigh=180 + _SIDE_BRIDGE_KNEES, shin=140, foot=140,
            ),
            "side_bridge_feet": _pose(
                trunk=_SIDE_BRIDGE_FEET, head=_SIDE_BRIDGE_FEET, upper_arm_near=270, forearm_near=0,
                upper_arm_far=_SIDE_BRIDGE_FEET + 135, forearm_far=_SIDE_BRIDGE_FEET + 213,
                thigh=180 + _SIDE_BRIDGE_FEET, shin=180 + _SIDE_BRIDGE_FEET, foot=180 + _SIDE_BRIDGE_FEET,
            ),
            "childs_pose": _pose(
                trunk=355, head=350, upper_arm=345, forearm=356,
                thigh=340, shin=180, foot=180,
            ),
            "walking": _pose(
                trunk=88, head=86,
                thigh_near=290, shin_near=268, foot_near=8, thigh_far=250, shin_far=238, foot_far=330,
                upper_arm_near=250, forearm_near=262, upper_arm_far=290, forearm_far=315,
            ),
        }.items()
    }
)
"""Every base pose named in resources/exercises/README.md: all segment directions, in degrees."""

# Props a base pose brings along unless the exercise gives its own support.
_BASE_PROPS: Final = {"sitting_chair": ({"kind": "chair", "support": True},)}

PROP_KINDS: Final = ("mat", "bench", "box", "chair", "ball", "wall", "kettlebell", "dowel", "band")
SUPPORT_KINDS: Final = ("bench", "box", "chair", "ball")
HANDS: Final = ("near", "far", "both")

# Prop sizes in body units.
MAT_THICKNESS: Final = 2.5
BENCH = {"height": 38.0, "length": 90.0, "pad": 7.0}
BOX = {"height": 30.0, "width": 40.0}
CHAIR = {"height": 38.0, "depth": 36.0, "back": 42.0}
BALL_RADIUS: Final = 29.0
KETTLEBELL_RADIUS: Final = 6.5
WALL_HEIGHT: Final = 175.0
FLOOR_OVERHANG: Final = 14.0
PROP_WIDTH: Final = 2.0
MIN_SUPPORT_HEIGHT: Final = 6.0  # a supported point lower than this, standing on the floor, means
# the body rests on the prop alone (lying on a bench): the prop then takes its usual height

# --- drawing primitives -------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    tone: str  # near / far / prop / floor  (drawn with round caps)


@dataclass(frozen=True)
class Circle:
    x: float
    y: float
    r: float
    tone: str
    filled: bool


@dataclass(frozen=True)
class Rect:
    x: float  # left
    y: float  # top (y-down), or bottom while posing (y-up)
    w: float
    h: float
    tone: str
    filled: bool


@dataclass(frozen=True)
class Poly:
    points: tuple[Point, ...]
    tone: str
    filled: bool


Primitive = Segment | Circle | Rect | Poly


@dataclass(frozen=True)
class Drawing:
    """A fitted figure: primitives back to front in a y-down box of `width` x `height`.

    Near limbs, trunk and head have tone "near" (black, filled head); far limbs "far" (grey);
    props "prop" (outlined, light fill where `filled`); the floor "floor". Outline widths of
    circles, rects and polygons are the painter's choice (a hairline of about 1.2 units).
    `scale` is drawing units per body unit; `joints` the fitted joint positions.
    """

    width: float
    height: float
    primitives: tuple[Primitive, ...]
    scale: float
    joints: tuple[tuple[str, float, float], ...] = ()

    def joint(self, name: str) -> Point:
        for joint, x, y in self.joints:
            if joint == name:
                return (x, y)
        raise KeyError(name)


# --- posing -------------------------------------------------------------------------------------


def _angles(pose: Mapping) -> dict[str, float]:
    if not isinstance(pose, Mapping):
        raise ValueError(f"a pose must be a mapping with a 'base', not {type(pose).__name__}")
    base = pose.get("base")
    if base not in BASE_POSES:
        raise ValueError(f"unknown base pose {base!r}; expected one of: {', '.join(BASE_POSES)}")
    angles = dict(BASE_POSES[base])
    overrides = pose.get("angles") or {}
    if not isinstance(overrides, Mapping):
        raise ValueError(f"pose 'angles' must be a mapping of segment to degrees, not {type(overrides).__name__}")
    for name, value in overrides.items():
        if name not in angles:
            raise ValueError(f"unknown segment {name!r} in angles; expected one of: {', '.join(ANGLE_NAMES)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"angle of {name!r} must be a number of degrees, not {value!r}")
        angles[name] = float(value)
    return angles


def _direction(degrees: float) -> Point:
    a = math.radians(degrees)
    return math.cos(a), math.sin(a)


def _skeleton(angles: Mapping[str, float]) -> dict[str, Point]:
    """Joint positions with the hip at the origin, y up."""
    directions = dict(angles)
    directions["neck"] = angles["head"] - NECK_LEAN
    joints: dict[str, Point] = {"hip": (0.0, 0.0)}
    for name, (start, end, length) in SEGMENTS.items():  # ordered parent before child
        dx, dy = _direction(directions[name])
        x, y = joints[start]
        joints[end] = (x + dx * length, y + dy * length)
    hx, hy = _direction(angles["head"])
    nx, ny = joints["neck"]
    joints["head"] = (nx + hx * HEAD_RADIUS, ny + hy * HEAD_RADIUS)
    return joints


def _radii() -> dict[str, float]:
    """How far the drawn body reaches beyond each joint (half the widest stroke there)."""
    radii: dict[str, float] = {}
    for name, (start, end, _length) in SEGMENTS.items():
        if name == "head":  # drawn as the head circle
            continue
        for joint in (start, end):
            radii[joint] = max(radii.get(joint, 0.0), _width(name) / 2)
    radii["head"] = HEAD_RADIUS
    radii.pop("neck")  # inside the head circle, as is the crown
    return radii


_RADII: Final = MappingProxyType(_radii())


def _bottom(joints: Mapping[str, Point], name: str) -> float:
    return joints[name][1] - _RADII[name]


def _lowest(joints: Mapping[str, Point], names: Iterable[str] = _RADII) -> str:
    return min(names, key=lambda n: _bottom(joints, n))


def _props(pose: Mapping, base: str) -> list[dict]:
    props = pose.get("props") or []
    if not isinstance(props, Sequence) or isinstance(props, (str, bytes)):
        raise ValueError(f"pose 'props' must be a list, not {type(props).__name__}")
    checked: list[dict] = []
    for prop in props:
        if not isinstance(prop, Mapping):
            raise ValueError(f"each prop must be a mapping with a 'kind', not {prop!r}")
        kind = prop.get("kind")
        if kind not in PROP_KINDS:
            raise ValueError(f"unknown prop kind {kind!r}; expected one of: {', '.join(PROP_KINDS)}")
        if prop.get("support") and kind not in SUPPORT_KINDS:
            raise ValueError(f"a {kind} cannot support the body; only {', '.join(SUPPORT_KINDS)} can")
        for key in ("x", "anchor_x", "anchor_y", "height"):
            value = prop.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise ValueError(f"{kind} {key!r} must be a number, not {value!r}")
        hand = prop.get("hand")
        if hand is not None and hand not in HANDS:
            raise ValueError(f"{kind} 'hand' must be one of {', '.join(HANDS)}, not {hand!r}")
        at = prop.get("at")
        if at is not None and at not in _RADII and not (kind == "kettlebell" and at == "floor"):
            raise ValueError(f"{kind} 'at' names no body point: {at!r}")
        checked.append(dict(prop))
    if not any(p.get("support") for p in checked):
        checked.extend(dict(p) for p in _BASE_PROPS.get(base, ()))
    return checked


@dataclass(frozen=True)
class _Layout:
    joints: Mapping[str, Point]
    primitives: tuple[Primitive, ...]  # y-up, body units


def _support_top(prop: Mapping) -> float:
    if "height" in prop and prop["height"] is not None:
        return float(prop["height"])
    kind = prop["kind"]
    return {"bench": BENCH["height"], "box": BOX["height"], "chair": CHAIR["height"], "ball": 2 * BALL_RADIUS}[kind]


def _layout(pose: Mapping) -> _Layout:
    angles = _angles(pose)
    props = _props(pose, pose["base"])
    joints = _skeleton(angles)
    floor = MAT_THICKNESS if any(p["kind"] == "mat" for p in props) else 0.0

    # Lower the figure onto the floor, or onto the supporting prop (see the module docstring).
    lift = floor - _bottom(joints, _lowest(joints))
    support = next((p for p in props if p.get("support")), None)
    contact = None
    if support is not None:
        contact = support.get("at") or _lowest(joints, ("hip", "shoulder"))
        if _bottom(joints, contact) + lift < MIN_SUPPORT_HEIGHT:  # the body rests on the prop alone
            lift = max(lift, _support_top(support) - _bottom(joints, contact))
    joints = {name: (x, y + lift) for name, (x, y) in joints.items()}

    back: list[Primitive] = []
    front: list[Primitive] = []
    far_hand: list[Primitive] = []
    for prop in props:
        kind = prop["kind"]
        if kind in SUPPORT_KINDS:
            back.extend(_support_prop(prop, joints, floor, contact if prop is support else None))
        elif kind == "wall":
            back.extend(_wall(prop, joints))
        elif kind == "kettlebell":
            bell = _kettlebell(prop, joints, floor)
            (far_hand if prop.get("hand") == "far" else front if prop.get("hand") else back).extend(bell)
        elif kind == "dowel":
            front.extend(_dowel(prop, joints, floor))
        elif kind == "band":
            front.extend(_band(prop, joints, floor))

    body_far, body_near = _body(joints)
    body = tuple(back) + body_far + tuple(far_hand) + body_near + tuple(front)
    xs = [x for p in body for x in _xs(p)] + [x for x, _y in joints.values()]
    left, right = min(xs) - FLOOR_OVERHANG, max(xs) + FLOOR_OVERHANG
    ground: list[Primitive] = [Segment(left, 0.0, right, 0.0, 1.5, "floor")]
    if floor:
        ground.append(Rect(left + 4, 0.0, right - left - 8, MAT_THICKNESS, "prop", True))
    return _Layout(MappingProxyType(joints), tuple(ground) + body)


def _body(joints: Mapping[str, Point]) -> tuple[tuple[Primitive, ...], tuple[Primitive, ...]]:
    def seg(name: str, tone: str) -> Segment:
        start, end, _length = SEGMENTS[name]
        return Segment(*joints[start], *joints[end], _width(name), tone)

    far = tuple(seg(f"{part}_far", "far") for part in ("thigh", "shin", "foot", "upper_arm", "forearm"))
    hx, hy = joints["head"]
    near = (
        seg("thigh_near", "near"),
        seg("shin_near", "near"),
        seg("foot_near", "near"),
        seg("trunk", "near"),
        seg("neck", "near"),
        Circle(hx, hy, HEAD_RADIUS, "near", True),
        _nose(joints),
        seg("upper_arm_near", "near"),
        seg("forearm_near", "near"),
    )
    return far, near


def _nose(joints: Mapping[str, Point]) -> Poly:
    """A small nose shows which way the face looks (up when lying on the back, down on the front)."""
    (hx, hy), (cx, cy) = joints["head"], joints["crown"]
    up = math.degrees(math.atan2(cy - hy, cx - hx))
    face = up - 80  # the face side, a little above the middle of the head
    r = HEAD_RADIUS
    points = []
    for angle, reach in ((face + 22, r * 0.9), (face - 4, r + 3.2), (face - 22, r * 0.9)):
        dx, dy = _direction(angle)
        points.append((hx + dx * reach, hy + dy * reach))
    return Poly(tuple(points), "near", True)


def _xs(p: Primitive) -> list[float]:
    if isinstance(p, Segment):
        return [p.x1, p.x2]
    if isinstance(p, Circle):
        return [p.x - p.r, p.x + p.r]
    if isinstance(p, Rect):
        return [p.x, p.x + p.w]
    return [x for x, _y in p.points]


def _raised_foot(joints: Mapping[str, Point], floor: float) -> str | None:
    """The side ("near"/"far") whose foot is clearly off the floor (a step, a foot on a ball);
    the higher one when both are."""
    heights = {side: min(_bottom(joints, f"ankle_{side}"), _bottom(joints, f"toe_{side}")) for side in ("near", "far")}
    raised = [side for side, h in heights.items() if h > floor + 8]
    return max(raised, key=heights.__getitem__) if raised else None


def _support_prop(prop: Mapping, joints: Mapping[str, Point], floor: float, contact: str | None) -> list[Primitive]:
    kind = prop["kind"]
    offset = float(prop.get("x") or 0.0)
    if contact is not None:
        top = _bottom(joints, contact)
        centre = joints[contact][0] + offset + (CHAIR["depth"] / 2 - 10 if kind == "chair" else 0.0)
    else:
        side = _raised_foot(joints, floor)
        if side is not None:
            ankle, toe = joints[f"ankle_{side}"], joints[f"toe_{side}"]
            top = min(_bottom(joints, f"ankle_{side}"), _bottom(joints, f"toe_{side}"))
            centre = (ankle[0] + toe[0]) / 2 + offset
        else:
            top = _support_top(prop)
            front = max(x for x, _y in joints.values()) + 12
            size = {"bench": BENCH["length"], "box": BOX["width"], "chair": CHAIR["depth"], "ball": 2 * BALL_RADIUS}[kind]
            centre = joints["hip"][0] + offset if "x" in prop else front + size / 2
    if kind == "ball":
        radius = top / 2 if contact is not None else BALL_RADIUS
        return [Circle(centre, radius, radius, "prop", True)]
    if kind == "box":
        width = BOX["width"]
        return [Rect(centre - width / 2, 0.0, width, top, "prop", True)]
    if kind == "bench":
        half, pad = BENCH["length"] / 2, min(BENCH["pad"], top)
        return [
            Segment(centre - half + 10, 0.0, centre - half + 10, top - pad, 3.0, "prop"),
            Segment(centre + half - 10, 0.0, centre + half - 10, top - pad, 3.0, "prop"),
            Rect(centre - half, top - pad, 2 * half, pad, "prop", True),
        ]
    # chair, facing right: its back on the left
    half, seat = CHAIR["depth"] / 2, min(4.0, top)
    rear, front_x = centre - half, centre + half
    return [
        Segment(rear + 2, 0.0, rear + 2, top + CHAIR["back"], 3.0, "prop"),
        Segment(front_x - 2, 0.0, front_x - 2, top - seat, 3.0, "prop"),
        Rect(rear, top - seat, 2 * half, seat, "prop", True),
    ]


def _wall(prop: Mapping, joints: Mapping[str, Point]) -> list[Primitive]:
    if prop.get("x") is not None:
        x = joints["hip"][0] + float(prop["x"])
    else:  # just behind the rearmost point of the body
        x = min(joints[n][0] - _RADII[n] for n in _RADII) - 1.5
    side = 1.0 if x > joints["hip"][0] else -1.0  # hatch on the side away from the body
    hatch = [Segment(x, y, x + side * 6, y + 6, 1.0, "prop") for y in range(8, int(WALL_HEIGHT) - 6, 14)]
    return [Segment(x, 0.0, x, WALL_HEIGHT, 3.0, "prop"), *hatch]


def _hand_point(prop: Mapping, joints: Mapping[str, Point]) -> Point:
    hand = prop.get("hand") or "near"
    if hand == "both":
        (x1, y1), (x2, y2) = joints["wrist_near"], joints["wrist_far"]
        return (x1 + x2) / 2, (y1 + y2) / 2
    return joints[f"wrist_{hand}"]


def _kettlebell(prop: Mapping, joints: Mapping[str, Point], floor: float) -> list[Primitive]:
    r = KETTLEBELL_RADIUS
    if prop.get("hand"):
        x, y = _hand_point(prop, joints)
        cy = max(y - r - 4.5, floor + r)  # hangs from the hand, or rests on the floor under it
    else:
        x = joints["hip"][0] + float(prop["x"]) if prop.get("x") is not None else max(
            joints["toe_near"][0], joints["toe_far"][0]
        ) + 10
        cy = floor + r
    handle = (
        (x - 4.5, cy), (x - 4.5, cy + r + 1.5), (x - 3.0, cy + r + 4.0),
        (x + 3.0, cy + r + 4.0), (x + 4.5, cy + r + 1.5), (x + 4.5, cy),
    )  # fmt: skip
    return [Poly(handle, "prop", False), Circle(x, cy, r, "prop", True)]


def _dowel(prop: Mapping, joints: Mapping[str, Point], floor: float) -> list[Primitive]:
    if prop.get("along") == "back" or not prop.get("hands"):
        # Touches the sacrum, the upper back and the back of the head, as in the hinge drill.
        (hx, hy), (sx, sy) = joints["hip"], joints["shoulder"]
        dx, dy = (sx - hx) / _TRUNK, (sy - hy) / _TRUNK
        bx, by = -dy, dx  # the back side: the trunk's direction turned a quarter anticlockwise
        off = _WIDTHS["trunk"] / 2 + 1.5
        reach = SEGMENTS["neck"][2] + 2 * HEAD_RADIUS + 6
        return [
            Segment(hx - dx * 8 + bx * off, hy - dy * 8 + by * off,
                    sx + dx * reach + bx * off, sy + dy * reach + by * off, 2.5, "prop")
        ]  # fmt: skip
    (x1, y1), (x2, y2) = joints["wrist_near"], joints["wrist_far"]
    if math.hypot(x2 - x1, y2 - y1) > 15:  # held in both hands: through both, a little beyond
        ux, uy = (x2 - x1), (y2 - y1)
        n = math.hypot(ux, uy)
        ux, uy = ux / n * 10, uy / n * 10
        return [Segment(x1 - ux, y1 - uy, x2 + ux, y2 + uy, 2.5, "prop")]
    return [Segment(x1, floor, x1, y1 + 35, 2.5, "prop")]  # a staff standing on the floor


def _band(prop: Mapping, joints: Mapping[str, Point], floor: float) -> list[Primitive]:
    x, y = _hand_point(prop, joints)
    ax = joints["hip"][0] + float(prop["anchor_x"]) if prop.get("anchor_x") is not None else x + 60
    ay = floor + float(prop["anchor_y"]) if prop.get("anchor_y") is not None else y
    return [Segment(x, y, ax, ay, 1.6, "prop"), Rect(ax - 2.5, ay - 4, 5, 8, "prop", True)]


# --- fitting ------------------------------------------------------------------------------------


def _extent(p: Primitive) -> tuple[float, float, float, float]:
    """left, bottom, right, top of a primitive in y-up space, strokes included."""
    if isinstance(p, Segment):
        h = p.width / 2
        return min(p.x1, p.x2) - h, min(p.y1, p.y2) - h, max(p.x1, p.x2) + h, max(p.y1, p.y2) + h
    if isinstance(p, Circle):
        return p.x - p.r, p.y - p.r, p.x + p.r, p.y + p.r
    if isinstance(p, Rect):
        return p.x, p.y, p.x + p.w, p.y + p.h
    xs, ys = [x for x, _ in p.points], [y for _, y in p.points]
    return min(xs), min(ys), max(xs), max(ys)


def _place(p: Primitive, s: float, ox: float, oy: float) -> Primitive:
    """From y-up body units to the y-down drawing: (x, y) -> (ox + s x, oy - s y)."""
    if isinstance(p, Segment):
        return Segment(ox + s * p.x1, oy - s * p.y1, ox + s * p.x2, oy - s * p.y2, s * p.width, p.tone)
    if isinstance(p, Circle):
        return Circle(ox + s * p.x, oy - s * p.y, s * p.r, p.tone, p.filled)
    if isinstance(p, Rect):
        return Rect(ox + s * p.x, oy - s * (p.y + p.h), s * p.w, s * p.h, p.tone, p.filled)
    return Poly(tuple((ox + s * x, oy - s * y) for x, y in p.points), p.tone, p.filled)


def pose_figures(poses: Sequence[Mapping], width: float = 160, height: float = 120, margin: float | None = None) -> tuple[Drawing, ...]:
    """Several poses (an exercise's start and end) drawn at one scale on one floor level, so a
    figure that lies down is as big as the same figure standing."""
    if width <= 0 or height <= 0:
        raise ValueError(f"a figure needs a positive size, not {width} x {height}")
    margin = max(2.0, 0.04 * min(width, height)) if margin is None else margin
    layouts = [_layout(p) for p in poses]
    extents = [[_extent(p) for p in layout.primitives] for layout in layouts]
    boxes = [(min(e[0] for e in ex), min(e[1] for e in ex), max(e[2] for e in ex), max(e[3] for e in ex)) for ex in extents]
    bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
    widest = max(b[2] - b[0] for b in boxes)
    inner_w, inner_h = max(width - 2 * margin, 1e-6), max(height - 2 * margin, 1e-6)
    s = min(inner_w / widest, inner_h / (top - bottom))
    oy = margin + (inner_h - s * (top - bottom)) / 2 + s * top
    drawings = []
    for layout, (left, _b, right, _t) in zip(layouts, boxes):
        ox = margin + (inner_w - s * (right - left)) / 2 - s * left
        primitives = tuple(_place(p, s, ox, oy) for p in layout.primitives)
        joints = tuple((name, ox + s * x, oy - s * y) for name, (x, y) in layout.joints.items())
        drawings.append(Drawing(float(width), float(height), primitives, s, joints))
    return tuple(drawings)


def pose_figure(pose: Mapping, width: float = 160, height: float = 120, margin: float | None = None) -> Drawing:
    """The pose drawn and fitted, scaled uniformly and centred, into `width` x `height`."""
    return pose_figures([pose], width, height, margin)[0]


def joint_positions(pose: Mapping) -> dict[str, Point]:
    """Joint positions in body units, y up, placed on the floor or prop (before fitting).
    Joints: hip, shoulder, neck, head (the head's centre), crown, elbow_/wrist_near|far,
    knee_/ankle_/toe_near|far."""
    return dict(_layout(pose).joints)


def joint_radius(name: str) -> float:
    """How far the drawn body reaches beyond a joint: its bottom is `y - joint_radius(name)`."""
    return _RADII[name]


def mirror(drawing: Drawing) -> Drawing:
    """The drawing flipped left to right (the other side of a one-sided exercise)."""
    w = drawing.width

    def flip(p: Primitive) -> Primitive:
        if isinstance(p, Segment):
            return replace(p, x1=w - p.x1, x2=w - p.x2)
        if isinstance(p, Circle):
            return replace(p, x=w - p.x)
        if isinstance(p, Rect):
            return replace(p, x=w - p.x - p.w)
        return replace(p, points=tuple((w - x, y) for x, y in p.points))

    return replace(
        drawing,
        primitives=tuple(flip(p) for p in drawing.primitives),
        joints=tuple((name, w - x, y) for name, x, y in drawing.joints),
    )
