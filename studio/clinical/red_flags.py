"""The red-flag catalogue: stable codes, tier, and plain wording a trainer can read aloud.

Screened at every assessment (DOMAIN.md section 2). Codes are stored in the database and must
never change; the wording may be improved freely. Wording names what the client reports or the
trainer observes, never a condition, so that a trainer stays within scope of practice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

EMERGENCY: Final = "emergency"
URGENT: Final = "urgent"
TIERS: Final[tuple[str, ...]] = (EMERGENCY, URGENT)

TIER_ACTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        EMERGENCY: "Emergency department today; no training until cleared.",
        URGENT: "See a doctor within days, before training the painful area.",
    }
)
"""What each tier asks of the studio, as DOMAIN.md puts it, for the screening screen."""


@dataclass(frozen=True, slots=True)
class RedFlag:
    """One flag. wording is a plain noun phrase that reads after "You reported ..." ."""

    code: str
    tier: str
    wording: str


def _catalogue(*flags: RedFlag) -> Mapping[str, RedFlag]:
    return MappingProxyType({flag.code: flag for flag in flags})


RED_FLAGS: Final[Mapping[str, RedFlag]] = _catalogue(
    RedFlag(
        "saddle_numbness",
        EMERGENCY,
        "numbness in the groin or buttocks (the area that would touch a saddle)",
    ),
    RedFlag(
        "bladder_dysfunction",
        EMERGENCY,
        "new difficulty passing urine, being unable to pass urine, or leaking urine",
    ),
    RedFlag("bowel_incontinence", EMERGENCY, "loss of bowel control"),
    RedFlag("bilateral_leg_symptoms", EMERGENCY, "numbness, weakness or pain in both legs"),
    RedFlag(
        "progressive_weakness",
        EMERGENCY,
        "leg weakness that is getting worse, or a foot that drops or drags",
    ),
    RedFlag("cancer_history", URGENT, "a history of cancer, however long ago"),
    RedFlag("unexplained_weight_loss", URGENT, "weight loss without a known reason"),
    RedFlag("fever_or_infection", URGENT, "fever, chills or a recent bacterial infection"),
    RedFlag("iv_drug_use", URGENT, "injecting drugs into a vein"),
    RedFlag(
        "immunosuppression",
        URGENT,
        "a weakened immune system, for example from long-term steroids, "
        "an organ transplant or HIV",
    ),
    RedFlag(
        "significant_trauma",
        URGENT,
        "a significant fall or accident, or a minor one with osteoporosis or over the age of 70",
    ),
    RedFlag(
        "night_pain",
        URGENT,
        "constant pain at night or at rest that no position eases",
    ),
    RedFlag("thoracic_pain", URGENT, "pain between the shoulder blades or in the mid-back"),
    RedFlag("systemically_unwell", URGENT, "feeling generally unwell"),
    RedFlag(
        "age_onset",
        URGENT,
        "a first episode of back pain that started before age 20 or after age 50",
    ),
)
"""Every flag, emergency tier first, in the order DOMAIN.md lists them (and screens show)."""


def red_flag(code: str) -> RedFlag:
    """The catalogue entry for a code; unknown codes are a ValueError naming the code."""
    if not isinstance(code, str) or code not in RED_FLAGS:
        raise ValueError(f"unknown red flag {code!r}; known flags: " + ", ".join(RED_FLAGS))
    return RED_FLAGS[code]


def flags_found(codes: Iterable[str]) -> tuple[RedFlag, ...]:
    """Validate flag codes and return each flag once, in catalogue order (emergency first).

    A single string is refused rather than read as a list of characters.
    """
    if isinstance(codes, (str, bytes, bytearray, Mapping)) or not isinstance(codes, Iterable):
        raise ValueError(
            f"red flags must be a collection of flag codes, not {type(codes).__name__}"
        )
    found = {red_flag(code).code for code in codes}
    return tuple(flag for code, flag in RED_FLAGS.items() if code in found)
