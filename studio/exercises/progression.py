"""When to progress or regress an exercise (DOMAIN.md section 5, product rule).

Progress when the client completed the full prescribed dose with good form on two consecutive
sessions, and pain rose by no more than 2 NPRS points during or in the 24 hours after. Regress
when pain rose by more than 2 points, or form failed. Otherwise hold. These are proposals: the
trainer accepts or declines each, and the program records why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from studio.exercises.library import Dose, Exercise

PROGRESS: Final = "progress"
REGRESS: Final = "regress"
HOLD: Final = "hold"
ACTIONS: Final = (PROGRESS, REGRESS, HOLD)
MAX_PAIN_RISE: Final = 2


@dataclass(frozen=True)
class SessionEntry:
    """What a client did of one exercise at one session. None means not recorded."""

    done: bool
    sets_done: int | None = None
    reps_done: int | None = None
    hold_done: int | float | None = None  # seconds
    pain_before: int | None = None  # NPRS 0-10
    pain_after: int | None = None
    pain_next_day: int | None = None  # within the 24 hours after
    form_ok: bool | None = None


@dataclass(frozen=True)
class Proposal:
    action: str  # progress / regress / hold
    reason: str  # a plain sentence for the trainer


def _check_pain(value: object, name: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10):
        raise ValueError(f"{name} must be a whole number from 0 to 10, or None, not {value!r}")


def pain_rise(entry: SessionEntry) -> int | None:
    """How far pain rose during the session or in the 24 hours after; None if not recorded."""
    for name in ("pain_before", "pain_after", "pain_next_day"):
        _check_pain(getattr(entry, name), name)
    later = [p for p in (entry.pain_after, entry.pain_next_day) if p is not None]
    if entry.pain_before is None or not later:
        return None
    return max(later) - entry.pain_before


def shortfall(entry: SessionEntry, prescribed: Dose) -> str | None:
    """Why the session fell short of the full prescribed dose, or None if it did not."""
    if not entry.done:
        return "the exercise was not done"
    for done, wanted, words in (
        (entry.sets_done, prescribed.sets, "sets"),
        (entry.reps_done, prescribed.reps, "repetitions"),
        (entry.hold_done, prescribed.hold_seconds, "seconds of hold"),
    ):
        if wanted is None:
            continue
        if done is None:
            return f"the {words} done were not recorded"
        if done < wanted:
            return f"{done:g} of {wanted:g} {words} were done"
    return None


def propose(logs: Sequence[SessionEntry], prescribed: Dose) -> Proposal:
    """The proposal for one exercise from its session entries, oldest first."""
    if not logs:
        return Proposal(HOLD, "No sessions logged yet for this exercise.")
    last = logs[-1]
    rise = pain_rise(last) if last.done else None
    if rise is not None and rise > MAX_PAIN_RISE:
        return Proposal(REGRESS, f"Pain rose by {rise} points at the last session (more than {MAX_PAIN_RISE}).")
    if last.done and last.form_ok is False:
        return Proposal(REGRESS, "Form failed at the last session.")
    problems: list[str] = []
    if len(logs) < 2:
        problems.append("only one session is logged; two in a row are needed")
    for label, entry in (("last", last), ("one before", logs[-2] if len(logs) > 1 else None)):
        if entry is None:
            continue
        if short := shortfall(entry, prescribed):
            problems.append(f"at the {label} session {short}")
            continue
        if entry.form_ok is not True:
            problems.append(f"at the {label} session form was {'not recorded' if entry.form_ok is None else 'not good'}")
        entry_rise = pain_rise(entry)
        if entry_rise is None:
            problems.append(f"at the {label} session pain before and after was not recorded")
        elif entry_rise > MAX_PAIN_RISE:
            problems.append(f"at the {label} session pain rose by {entry_rise} points")
    if problems:
        return Proposal(HOLD, "Hold: " + "; ".join(problems) + ".")
    return Proposal(
        PROGRESS,
        "The full dose was completed with good form on two sessions in a row, "
        f"and pain rose by no more than {MAX_PAIN_RISE} points.",
    )


def next_in_chain(library_by_code: Mapping[str, Exercise], code: str, action: str) -> str | None:
    """The code an exercise changes to for `action`, or None when there is nowhere to go
    (hold, the end of the chain, or a link to an exercise that is not in the library)."""
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
    exercise = library_by_code.get(code)
    if exercise is None or action == HOLD:
        return None
    target = exercise.progression if action == PROGRESS else exercise.regression
    return target if target in library_by_code else None
