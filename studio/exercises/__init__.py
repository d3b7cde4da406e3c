"""The exercise library, screening against an intolerance profile, starter programs and the
progress/regress rule (DOMAIN.md section 5). Pure: no database, no Qt."""

from studio.exercises import progression
from studio.exercises.library import (
    DEMANDS,
    FAMILIES,
    Dose,
    Exercise,
    by_code,
    chain_problems,
    exercise_from_dict,
    exercise_to_dict,
    load_library,
)
from studio.exercises.progression import Proposal, SessionEntry, next_in_chain, propose
from studio.exercises.screening import FLOOR_NOTE, ScreenResult, screen
from studio.exercises.suggest import Skipped, StarterProgram, Suggestion, suggest_program

__all__ = [
    "DEMANDS",
    "FAMILIES",
    "FLOOR_NOTE",
    "Dose",
    "Exercise",
    "Proposal",
    "ScreenResult",
    "SessionEntry",
    "Skipped",
    "StarterProgram",
    "Suggestion",
    "by_code",
    "chain_problems",
    "exercise_from_dict",
    "exercise_to_dict",
    "load_library",
    "next_in_chain",
    "progression",
    "propose",
    "screen",
    "suggest_program",
]
