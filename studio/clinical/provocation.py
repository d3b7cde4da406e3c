"""The twelve provocation tests and the three results a trainer records for each.

One catalogue, so the assessment form, the intolerance profile and the referral letter all use
the same stable codes and plain descriptions (DOMAIN.md section 3). The trainer records what
the test *provokes* or *eases*; the tests describe loads, never a cause of pain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True, slots=True)
class ProvocationTest:
    """A test as the trainer sees it: what to do and what it loads in the lumbar spine."""

    code: str
    test: str
    loads: str


PROVOCATION_TESTS: Final[Mapping[str, ProvocationTest]] = MappingProxyType(
    {
        t.code: t
        for t in (
            ProvocationTest("standing_flexion", "bend forward from standing", "flexion"),
            ProvocationTest("slumped_sitting", "sit slumped 1–2 minutes", "sustained flexion"),
            ProvocationTest(
                "sit_to_stand", "stand up after 5+ minutes sitting", "flexion → extension"
            ),
            ProvocationTest("standing_extension", "arch back from standing", "extension"),
            ProvocationTest(
                "prone_press_up", "press-up from lying face down", "repeated extension"
            ),
            ProvocationTest(
                "prolonged_standing", "stand still 3–5 minutes", "extension / compression"
            ),
            ProvocationTest("brisk_walk", "walk briskly 3–5 minutes", "extension / compression"),
            ProvocationTest("standing_rotation", "rotate trunk each way", "rotation"),
            ProvocationTest("loaded_hold", "hold 5–10 kg at the chest", "compression"),
            ProvocationTest("cough", "cough or sneeze", "intradiscal pressure"),
            ProvocationTest(
                "straight_leg_raise", "passive straight-leg raise, each side", "neural tension"
            ),
            ProvocationTest(
                "slump_test", "seated slump with knee extension", "neural tension"
            ),
        )
    }
)
"""All twelve tests, keyed by code, in the order the assessment form presents them."""

RESULTS: Final[tuple[str, ...]] = ("provokes", "no_change", "eases")
RESULT_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {"provokes": "provokes symptoms", "no_change": "no change", "eases": "eases symptoms"}
)


def provocation_test(code: str) -> ProvocationTest:
    """The catalogue entry for a code; an unknown code is a ValueError, not a KeyError, so
    callers validating a form handle one kind of error."""
    if not isinstance(code, str) or code not in PROVOCATION_TESTS:
        raise ValueError(
            f"unknown provocation test {code!r}; known tests: " + ", ".join(PROVOCATION_TESTS)
        )
    return PROVOCATION_TESTS[code]


def validate_results(results: Mapping[str, str]) -> dict[str, str]:
    """Check a {test code: result} mapping and return a plain copy.

    Tests not in the mapping were not done; that is allowed (a client may be unable to get
    down for a press-up) and counts as neither provoking nor easing.
    """
    if not isinstance(results, Mapping):
        raise ValueError(
            f"provocation results must map test codes to results, not {type(results).__name__}"
        )
    checked: dict[str, str] = {}
    for code, result in results.items():
        provocation_test(code)
        if not isinstance(result, str) or result not in RESULTS:
            raise ValueError(
                f"provocation test {code}: {result!r} is not one of " + ", ".join(RESULTS)
            )
        checked[code] = result
    return checked
