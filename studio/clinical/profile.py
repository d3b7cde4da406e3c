"""Movement intolerance profile and directional preference from the provocation tests.

The profile is what exercise screening filters on (DOMAIN.md sections 3 and 5): it says which
loads *provoked symptoms*, as observed by the trainer; it never names a cause of pain.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from studio.clinical.provocation import PROVOCATION_TESTS, validate_results

INTOLERANCE_GROUPS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "flexion": ("standing_flexion", "slumped_sitting", "sit_to_stand", "cough"),
        "extension": ("standing_extension", "prone_press_up", "prolonged_standing", "brisk_walk"),
        "rotation": ("standing_rotation",),
        "compression": ("loaded_hold", "prolonged_standing"),
        "neural": ("straight_leg_raise", "slump_test"),
    }
)
"""Product rule (DOMAIN.md): the tests counted for each load. prolonged_standing counts for
both extension and compression; cough counts for flexion (it raises intradiscal pressure the
way flexion does)."""

LEVELS: Final[tuple[str, ...]] = ("none", "possible", "likely")

PREFERENCE_WHEN_EASED: Final[Mapping[str, str]] = MappingProxyType(
    {
        "standing_flexion": "flexion",
        "slumped_sitting": "flexion",
        "standing_extension": "extension",
        "prone_press_up": "extension",
        "prolonged_standing": "extension",
        "brisk_walk": "extension",
        "standing_rotation": "rotation",
    }
)
"""The movement an easing test shows a preference for: the direction the test itself moves.

DOMAIN.md: "A test that eases is a directional preference for the opposite movement
(McKenzie)". Read with McKenzie and with DOMAIN.md section 5 ("prone press-up ... only for
clients eased by extension"), the opposite is taken relative to the intolerance a provoking test
would show: a test that provokes marks an intolerance to its movement, a test that eases marks
the opposite finding, a preference for that same movement. So prone_press_up easing means an
extension preference, and the extension-biased chain is allowed.

Tests left out load no single direction, so they imply no preference (they are still recorded
and shown through easing_tests): sit_to_stand moves flexion -> extension, loaded_hold is
compression, cough is intradiscal pressure, and the neural tests are neural tension.
"""

_DIRECTIONS: Final = ("flexion", "extension", "rotation")


def intolerance(results: Mapping[str, str]) -> dict[str, str]:
    """For each load, how many of its tests provoked symptoms: 0 none, 1 possible, 2+ likely.

    results maps provocation test codes to "provokes", "no_change" or "eases"; tests not
    listed were not done and count as not provoking. Returns a new dict with keys flexion,
    extension, rotation, compression, neural.
    """
    checked = validate_results(results)
    profile: dict[str, str] = {}
    for load, codes in INTOLERANCE_GROUPS.items():
        provoking = sum(1 for code in codes if checked.get(code) == "provokes")
        profile[load] = LEVELS[min(provoking, 2)]
    return profile


def easing_tests(results: Mapping[str, str]) -> tuple[str, ...]:
    """Codes of the tests that eased symptoms, in catalogue order: DOMAIN.md says to record and
    show every one, including those that imply no direction."""
    checked = validate_results(results)
    return tuple(code for code in PROVOCATION_TESTS if checked.get(code) == "eases")


def directional_preference(results: Mapping[str, str]) -> tuple[str, ...]:
    """Movements the client showed a directional preference for, ordered flexion, extension,
    rotation, each at most once (see PREFERENCE_WHEN_EASED for which test implies which).

    Guides exercise choice: the extension-biased chain is for clients eased by extension, the
    flexion-biased chain for clients eased by flexion (DOMAIN.md section 5).
    """
    eased = easing_tests(results)
    found = {PREFERENCE_WHEN_EASED[code] for code in eased if code in PREFERENCE_WHEN_EASED}
    return tuple(direction for direction in _DIRECTIONS if direction in found)
