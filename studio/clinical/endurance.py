"""McGill torso endurance battery: the three ratios and the imbalances they flag.

Endurance ratios, not absolute times, are what the battery is used for (DOMAIN.md section 3):
an imbalance between flexors, extensors and the two sides is observed and shown to the trainer.

Thresholds are compared exactly. Each time is read as the decimal the trainer typed (a float
4.2 is taken as 42/10, its shortest decimal form) and the ratios are exact fractions, so right
105 s / left 100 s is exactly 1.05 and does *not* exceed the 0.05 margin, where binary floating
point would make it 1.0500000000000000444 and flag it.

A zero time makes a ratio undefined (a client who could not hold the extensor test at all):
that ratio is None and carries no flag rather than being invented; the trainer sees the raw
times and the form failure instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True, slots=True)
class EnduranceTimes:
    """Seconds held to form failure in the four tests."""

    flexor: float
    extensor: float
    side_right: float
    side_left: float


REFERENCE_MEANS: Final[Mapping[str, EnduranceTimes]] = MappingProxyType(
    {
        "men": EnduranceTimes(flexor=136, extensor=161, side_right=95, side_left=99),
        "women": EnduranceTimes(flexor=134, extensor=185, side_right=75, side_left=78),
    }
)
"""Means for young healthy adults, McGill et al. 1999; shown beside a client's times for
context, never as a pass mark."""

FLAG_FLEXOR_EXTENSOR: Final = "flexor_extensor"
FLAG_RIGHT_LEFT: Final = "right_left"
FLAG_SIDE_EXTENSOR: Final = "side_extensor"

_FLEXOR_EXTENSOR_MAX: Final = Fraction(1)
_RIGHT_LEFT_MARGIN: Final = Fraction(5, 100)
_SIDE_EXTENSOR_MAX: Final = Fraction(75, 100)


@dataclass(frozen=True, slots=True)
class EnduranceResult:
    """The three ratios (None where a zero time makes one undefined) and the set of flags:
    flexor_extensor (ratio > 1.0), right_left (differs from 1.0 by more than 0.05) and
    side_extensor (the larger side bridge / extensor > 0.75)."""

    flexor_extensor: float | None
    right_left: float | None
    side_extensor: float | None
    flags: frozenset[str]


def _seconds(value: object, what: str) -> Fraction:
    """A hold time as an exact fraction of the decimal typed; refuses bools, NaN, infinity
    and negatives."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} time: {value!r} is not a number of seconds")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{what} time: {value!r} is not a finite number of seconds")
    if value < 0:
        raise ValueError(f"{what} time: {value!r} is negative")
    return Fraction(value) if isinstance(value, int) else Fraction(repr(value))


def _ratio(top: Fraction, bottom: Fraction) -> Fraction | None:
    return None if bottom == 0 else top / bottom


def _as_float(ratio: Fraction | None) -> float | None:
    if ratio is None:
        return None
    try:
        return float(ratio)
    except OverflowError:  # only for absurd inputs such as 100 s over 1e-320 s
        return math.inf


def assess(
    flexor: float, extensor: float, side_right: float, side_left: float
) -> EnduranceResult:
    """Ratios and imbalance flags from the four hold times in seconds (DOMAIN.md section 3)."""
    f = _seconds(flexor, "trunk flexor")
    e = _seconds(extensor, "trunk extensor")
    r = _seconds(side_right, "right side bridge")
    left = _seconds(side_left, "left side bridge")

    flexor_extensor = _ratio(f, e)
    right_left = _ratio(r, left)
    side_extensor = _ratio(max(r, left), e)

    flags: set[str] = set()
    if flexor_extensor is not None and flexor_extensor > _FLEXOR_EXTENSOR_MAX:
        flags.add(FLAG_FLEXOR_EXTENSOR)
    if right_left is not None and abs(right_left - 1) > _RIGHT_LEFT_MARGIN:
        flags.add(FLAG_RIGHT_LEFT)
    if side_extensor is not None and side_extensor > _SIDE_EXTENSOR_MAX:
        flags.add(FLAG_SIDE_EXTENSOR)
    return EnduranceResult(
        flexor_extensor=_as_float(flexor_extensor),
        right_left=_as_float(right_left),
        side_extensor=_as_float(side_extensor),
        flags=frozenset(flags),
    )
