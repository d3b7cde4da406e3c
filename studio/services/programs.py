"""Exercise programs: build from the assessment, screen every exercise, activate behind the
safety gate, log sessions, and progress or regress by the rule (DOMAIN.md sections 2 and 5).

Every exercise added is screened against the client's latest signed assessment; an excluded one
is refused unless the trainer writes why it is added anyway, and that reason stays on the item.
Each change to a program is written to its history with the reason, because "the program records
why each change was made" (section 5).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studio import access
from studio.clinical.assessment import findings
from studio.errors import NotFound, ValidationError
from studio.exercises import (
    Dose,
    Exercise,
    Proposal,
    ScreenResult,
    SessionEntry,
    by_code,
    exercise_from_dict,
    exercise_to_dict,
    load_library,
    next_in_chain,
    propose,
    screen,
    suggest_program,
)
from studio.exercises.progression import HOLD, PROGRESS, REGRESS
from studio.exercises.screening import LOADS
from studio.models import Client, StaffMember
from studio.models.base import utcnow
from studio.models.program import Program, ProgramChange, ProgramItem, SessionLog, SessionLogEntry
from studio.services import assessments, records, safety, staff
from studio.services.assessments import day_label

DRAFT, ACTIVE, ARCHIVED = "draft", "active", "archived"
STATUSES = ((DRAFT, "Draft"), (ACTIVE, "Active"), (ARCHIVED, "Archived"))
SIDES = ("left", "right", "both")
DOSE_FIELDS = ("sets", "reps", "hold_seconds", "rest_seconds", "times_per_day", "days_per_week")
_DOSE_LIMITS = {"times_per_day": (1, 24), "days_per_week": (1, 7)}
_DOSE_WORDS = {
    "sets": "sets", "reps": "reps", "hold_seconds": "hold (s)", "rest_seconds": "rest (s)",
    "times_per_day": "times a day", "days_per_week": "days a week",
}  # fmt: skip
_TITLE_LENGTH = 200
_LOAD_LENGTH = 100
_KEEP: Any = object()  # "leave this field as it is"


class NotCleared(ValidationError):
    """The safety gate does not pass: the program cannot be made active."""

    def __init__(self, gate: safety.SafetyGate):
        self.gate = gate
        super().__init__({"status": " ".join(gate.reasons)})


# --- what leaves the service -----------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRecord:
    id: int
    at: datetime
    change: str  # added / removed / progressed / regressed / declined / dose_changed / activated / archived
    exercise_code: str | None
    from_code: str | None
    to_code: str | None
    reason: str | None
    by_id: int | None
    by_name: str | None
    item_id: int | None


@dataclass(frozen=True)
class ProgramItemRecord:
    id: int
    version: int
    position: int
    exercise_code: str
    exercise: Exercise | None  # None only when a library exercise has since left the library
    side: str | None
    sets: int | None
    reps: int | None
    hold_seconds: int | None
    rest_seconds: int | None
    times_per_day: int | None
    days_per_week: int | None
    load: str | None
    notes: str | None
    override_reason: str | None  # why it was added although the screening excludes it

    @property
    def custom(self) -> bool:
        return self.exercise is not None and self.exercise.custom

    @property
    def dose(self) -> Dose:
        """The prescription as a Dose (notes from the exercise's default dose)."""
        notes = self.exercise.dose.notes if self.exercise is not None else None
        return Dose(**{name: getattr(self, name) for name in DOSE_FIELDS}, notes=notes)


@dataclass(frozen=True)
class ProgramRecord:
    id: int
    version: int
    client_id: int
    status: str
    title: str
    notes: str | None
    created_by_id: int | None
    activated_at: datetime | None
    archived_at: datetime | None
    updated_at: datetime
    items: tuple[ProgramItemRecord, ...]
    history: tuple[ChangeRecord, ...]  # oldest first

    def item(self, item_id: int) -> ProgramItemRecord:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


@dataclass(frozen=True)
class ProgramSummary:
    id: int
    status: str
    title: str
    item_count: int
    activated_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True)
class LoggedEntry:
    program_item_id: int
    exercise_code: str
    entry: SessionEntry


@dataclass(frozen=True)
class SessionLogRecord:
    id: int
    version: int
    client_id: int
    program_id: int
    logged_on: date
    trainer_id: int | None
    notes: str | None
    entries: tuple[LoggedEntry, ...]


class ItemProposal(NamedTuple):
    item: ProgramItemRecord
    proposal: Proposal
    target_code: str | None  # the exercise it would change to; None for hold or the end of a chain


@dataclass(frozen=True)
class ClientScreening:
    """What the screening knows about a client, from the latest signed assessment."""

    profile: Mapping[str, str]
    nprs_worst: int | None
    directional_preference: tuple[str, ...]
    assessment_id: int | None


# --- helpers ---------------------------------------------------------------------------------


def _library() -> dict[str, Exercise]:
    return by_code(load_library())


def _exercise_of(obj: ProgramItem, library: Mapping[str, Exercise]) -> Exercise | None:
    if obj.custom_exercise:
        return exercise_from_dict(json.loads(obj.custom_exercise), custom=True)
    return library.get(obj.exercise_code)


def _current_items(session: Session, program_id: int) -> list[ProgramItem]:
    query = (
        select(ProgramItem)
        .where(ProgramItem.program_id == program_id, ProgramItem.removed_at.is_(None))
        .order_by(ProgramItem.position, ProgramItem.id)
    )
    return list(session.scalars(query))


def _item_record(obj: ProgramItem, library: Mapping[str, Exercise]) -> ProgramItemRecord:
    return ProgramItemRecord(
        id=obj.id,
        version=obj.version,
        position=obj.position,
        exercise_code=obj.exercise_code,
        exercise=_exercise_of(obj, library),
        side=obj.side,
        **{name: getattr(obj, name) for name in DOSE_FIELDS},
        load=obj.load,
        notes=obj.notes,
        override_reason=obj.override_reason,
    )


def _change_record(session: Session, obj: ProgramChange) -> ChangeRecord:
    return ChangeRecord(
        id=obj.id,
        at=obj.at,
        change=obj.change,
        exercise_code=obj.exercise_code,
        from_code=obj.from_code,
        to_code=obj.to_code,
        reason=obj.reason,
        by_id=obj.by_id,
        by_name=staff.name_of(session, obj.by_id),
        item_id=obj.program_item_id,
    )


def _record(session: Session, obj: Program) -> ProgramRecord:
    library = _library()
    history = session.scalars(
        select(ProgramChange).where(ProgramChange.program_id == obj.id).order_by(ProgramChange.id)
    )
    return ProgramRecord(
        id=obj.id,
        version=obj.version,
        client_id=obj.client_id,
        status=obj.status,
        title=obj.title,
        notes=obj.notes,
        created_by_id=obj.created_by_id,
        activated_at=obj.activated_at,
        archived_at=obj.archived_at,
        updated_at=obj.updated_at,
        items=tuple(_item_record(item, library) for item in _current_items(session, obj.id)),
        history=tuple(_change_record(session, change) for change in history),
    )


def _load(session: Session, program_id: int, expected_version: int | None, *, editing: bool = True) -> Program:
    obj = records.load_for_edit(session, Program, program_id, expected_version, "program")
    if editing and obj.status == ARCHIVED:
        raise ValidationError({"status": "This program is archived, so it cannot be changed; start a new draft for the client instead."})
    return obj


def _touch(program: Program) -> None:
    """A change to an item is a change to the program: bump its version so another desk's
    stale copy is refused."""
    program.updated_at = utcnow()


def _item(session: Session, program: Program, item_id: int) -> ProgramItem:
    obj = session.get(ProgramItem, item_id)
    if obj is None or obj.program_id != program.id or obj.removed_at is not None:
        raise NotFound("That exercise is no longer in this program (it may have been removed at another desk).")
    return obj


def _newest_entry_id(session: Session, item_id: int) -> int | None:
    return session.scalar(select(func.max(SessionLogEntry.id)).where(SessionLogEntry.program_item_id == item_id))


def _note(session: Session, program: Program, change: str, *, item: ProgramItem | None = None, **values) -> None:
    if item is not None:
        values.setdefault("exercise_code", item.exercise_code)
        values["program_item_id"] = item.id
        values["seen_entry_id"] = _newest_entry_id(session, item.id) if item.id is not None else None
    session.add(ProgramChange(program_id=program.id, change=change, at=utcnow(), **values))


def _check_staff(session: Session, staff_id: int | None, field: str) -> None:
    records.require_reference(session, StaffMember, staff_id, field, "That person is no longer on the staff list")


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def _whole_dose(value: Any) -> int | None:
    """Library doses may hold fractions of a second; the program stores whole numbers."""
    return None if value is None else int(round(value))


# --- screening for a client ------------------------------------------------------------------


@access.guarded("clinical.read")
def client_screening(session: Session, client_id: int) -> ClientScreening:
    """The profile, worst pain and directional preference of the latest signed assessment; a
    client not yet assessed has an all-"none" profile (twisting under load is still excluded)."""
    latest = assessments.latest(session, client_id, signed_only=True)
    if latest is None:
        return ClientScreening({load: "none" for load in LOADS}, None, (), None)
    found = findings(latest.data)
    return ClientScreening(dict(found.intolerance), found.nprs_worst, tuple(found.directional_preference), latest.id)


@access.guarded("clinical.read")
def screen_for_client(
    session: Session,
    client_id: int,
    exercises: Iterable[Exercise] | None = None,
    *,
    floor_transfer_provokes: bool = False,
) -> list[ScreenResult]:
    """Each exercise (default: the whole library) screened for the client, for the library
    dialog: excluded ones are shown greyed with their reasons."""
    known = client_screening(session, client_id)
    chosen = load_library() if exercises is None else exercises
    return screen(
        chosen, known.profile, known.nprs_worst, floor_transfer_provokes=floor_transfer_provokes,
        directional_preference=known.directional_preference,
    )  # fmt: skip


def _screen_one(session: Session, client_id: int, exercise: Exercise) -> ScreenResult:
    return screen_for_client(session, client_id, [exercise])[0]


def _excluded_message(result: ScreenResult) -> str:
    return f"{result.exercise.name} is excluded for this client: " + " ".join(result.reasons)


# --- reading ---------------------------------------------------------------------------------


@access.guarded("clinical.read")
def get(session: Session, program_id: int) -> ProgramRecord:
    return _record(session, records.load_for_edit(session, Program, program_id, None, "program"))


@access.guarded("clinical.read")
def list_for_client(session: Session, client_id: int) -> list[ProgramSummary]:
    """The client's programs: the active one first, then drafts, then archived, newest first."""
    counts = (
        select(ProgramItem.program_id, func.count(ProgramItem.id).label("n"))
        .where(ProgramItem.removed_at.is_(None))
        .group_by(ProgramItem.program_id)
        .subquery()
    )
    query = (
        select(Program, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.program_id == Program.id)
        .where(Program.client_id == client_id)
        .order_by(Program.updated_at.desc(), Program.id.desc())
    )
    order = {ACTIVE: 0, DRAFT: 1, ARCHIVED: 2}
    rows = [ProgramSummary(p.id, p.status, p.title, n, p.activated_at, p.updated_at) for p, n in session.execute(query)]
    return sorted(rows, key=lambda row: order.get(row.status, 3))


@access.guarded("clinical.read")
def active_for_client(session: Session, client_id: int) -> ProgramRecord | None:
    obj = session.scalars(select(Program).where(Program.client_id == client_id, Program.status == ACTIVE)).first()
    return _record(session, obj) if obj is not None else None


# --- building --------------------------------------------------------------------------------


def _check_title(title: str | None) -> str:
    title = _clean(title)
    if title is None:
        raise ValidationError({"title": "Give the program a title, e.g. “Home program – weeks 1–4”"})
    if len(title) > _TITLE_LENGTH:
        raise ValidationError({"title": f"Keep the title to {_TITLE_LENGTH} characters"})
    return title


@access.guarded("clinical.write")
def create_draft(
    session: Session, client_id: int, *, title: str, created_by_id: int | None = None, notes: str | None = None
) -> ProgramRecord:
    records.load_for_edit(session, Client, client_id, None, "client")
    _check_staff(session, created_by_id, "created_by_id")
    obj = Program(
        client_id=client_id, status=DRAFT, title=_check_title(title), created_by_id=created_by_id, notes=_clean(notes)
    )
    session.add(obj)
    session.flush()
    return _record(session, obj)


def _new_item(program: Program, exercise: Exercise, position: int, *, custom: bool, override_reason: str | None) -> ProgramItem:
    dose = exercise.dose
    return ProgramItem(
        program_id=program.id,
        position=position,
        exercise_code=exercise.code,
        custom_exercise=json.dumps(exercise_to_dict(exercise), ensure_ascii=False) if custom else None,
        side="both" if exercise.sided else None,
        **{name: _whole_dose(getattr(dose, name)) for name in DOSE_FIELDS},
        override_reason=override_reason,
    )


@access.guarded("clinical.write")
def suggest_from_assessment(
    session: Session, client_id: int, *, created_by_id: int | None = None, title: str | None = None
) -> ProgramRecord:
    """A draft starter program built from the latest signed assessment's findings."""
    records.load_for_edit(session, Client, client_id, None, "client")
    latest = assessments.latest(session, client_id, signed_only=True)
    if latest is None:
        raise ValidationError(
            {"assessment": "Sign an assessment first: the starter program is built from its intolerance profile."}
        )
    found = findings(latest.data)
    starter = suggest_program(
        found.intolerance, found.nprs_worst, found.directional_preference, library=load_library()
    )
    left_out = " ".join(skipped.reason for skipped in starter.skipped)
    program = create_draft(
        session,
        client_id,
        title=title or f"Starter program (assessment of {day_label(latest.assessed_on)})",
        created_by_id=created_by_id,
        notes=f"Left out of the suggestion: {left_out}" if left_out else None,
    )
    obj = session.get(Program, program.id)
    for position, suggestion in enumerate(starter, start=1):
        item = _new_item(obj, suggestion.exercise, position, custom=False, override_reason=None)
        session.add(item)
        session.flush()
        _note(session, obj, "added", item=item, reason=f"Suggested from the assessment. {suggestion.reason}", by_id=created_by_id)
    session.flush()
    return _record(session, obj)


@access.guarded("clinical.write")
def add_item(
    session: Session,
    program_id: int,
    expected_version: int | None,
    exercise: str | Mapping[str, Any],
    *,
    override_reason: str | None = None,
    by_id: int | None = None,
) -> ProgramRecord:
    """Add a library exercise (by code) or a custom one (a dict in the library's JSON shape),
    with its default dose, at the end of the program.

    The exercise is screened against the client's latest signed assessment; an excluded one is
    refused (ValidationError saying why) unless override_reason says why it is added anyway.
    """
    program = _load(session, program_id, expected_version)
    _check_staff(session, by_id, "by_id")
    if isinstance(exercise, str):
        found = _library().get(exercise)
        if found is None:
            raise ValidationError({"exercise": f"There is no exercise {exercise!r} in the library"})
        chosen, custom = found, False
    else:
        try:
            chosen, custom = exercise_from_dict(exercise, custom=True), True
        except ValueError as exc:
            raise ValidationError({"custom_exercise": str(exc)}) from None
    result = _screen_one(session, program.client_id, chosen)
    reason = _clean(override_reason)
    if not result.allowed and reason is None:
        raise ValidationError(
            {"exercise": _excluded_message(result) + " To add it anyway, write why in the override reason."}
        )
    reason = None if result.allowed else reason
    position = len(_current_items(session, program.id)) + 1
    item = _new_item(program, chosen, position, custom=custom, override_reason=reason)
    session.add(item)
    session.flush()
    said = f"Added despite the screening: {reason}" if reason else ("Custom exercise." if custom else None)
    _note(session, program, "added", item=item, reason=said, by_id=by_id)
    _touch(program)
    session.flush()
    return _record(session, program)


def _dose_value(name: str, value: Any) -> int | None:
    if value is None:
        return None
    low, high = _DOSE_LIMITS.get(name, (0, None))
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        limit = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise ValidationError({name: f"{_DOSE_WORDS[name].capitalize()} must be a whole number {limit}, or empty"})
    return value


@access.guarded("clinical.write")
def update_item_dose(
    session: Session,
    program_id: int,
    expected_version: int | None,
    item_id: int,
    *,
    sets: int | None = _KEEP,
    reps: int | None = _KEEP,
    hold_seconds: int | None = _KEEP,
    rest_seconds: int | None = _KEEP,
    times_per_day: int | None = _KEEP,
    days_per_week: int | None = _KEEP,
    side: str | None = _KEEP,
    load: str | None = _KEEP,
    notes: str | None = _KEEP,
    reason: str | None = None,
    by_id: int | None = None,
) -> ProgramRecord:
    """Change an item's dose, side, load or notes; fields not given stay as they are. A change
    of dose is written to the history, with what changed and the reason."""
    program = _load(session, program_id, expected_version)
    item = _item(session, program, item_id)
    given = {
        name: value
        for name, value in (
            ("sets", sets), ("reps", reps), ("hold_seconds", hold_seconds), ("rest_seconds", rest_seconds),
            ("times_per_day", times_per_day), ("days_per_week", days_per_week),
        )
        if value is not _KEEP
    }  # fmt: skip
    errors: dict[str, str] = {}
    for name, value in given.items():
        try:
            _dose_value(name, value)
        except ValidationError as exc:
            errors.update(exc.errors)
    if side is not _KEEP and side is not None and side not in SIDES:
        errors["side"] = "Side is left, right, both or empty"
    if load is not _KEEP and load is not None and len(load.strip()) > _LOAD_LENGTH:
        errors["load"] = f"Keep the load to {_LOAD_LENGTH} characters"
    if errors:
        raise ValidationError(errors)
    changed = [
        f"{_DOSE_WORDS[name]} {_shown(getattr(item, name))} → {_shown(value)}"
        for name, value in given.items()
        if getattr(item, name) != value
    ]
    for name, value in given.items():
        setattr(item, name, value)
    if side is not _KEEP:
        item.side = side
    if load is not _KEEP:
        item.load = _clean(load)
    if notes is not _KEEP:
        item.notes = _clean(notes)
    if changed:
        said = "; ".join(changed) + (f". {_clean(reason)}" if _clean(reason) else "")
        _note(session, program, "dose_changed", item=item, reason=said, by_id=by_id)
    _touch(program)
    session.flush()
    return _record(session, program)


def _shown(value: int | None) -> str:
    return "–" if value is None else str(value)


@access.guarded("clinical.write")
def remove_item(
    session: Session,
    program_id: int,
    expected_version: int | None,
    item_id: int,
    *,
    reason: str | None = None,
    by_id: int | None = None,
) -> ProgramRecord:
    """Take an exercise out of the program; the item stays in the record, marked removed."""
    program = _load(session, program_id, expected_version)
    item = _item(session, program, item_id)
    item.removed_at = utcnow()
    _note(session, program, "removed", item=item, reason=_clean(reason), by_id=by_id)
    session.flush()
    for position, other in enumerate(_current_items(session, program.id), start=1):
        other.position = position
    _touch(program)
    session.flush()
    return _record(session, program)


@access.guarded("clinical.write")
def reorder(session: Session, program_id: int, expected_version: int | None, item_ids: Sequence[int]) -> ProgramRecord:
    """Put the program's exercises in this order; item_ids must name each current item once."""
    program = _load(session, program_id, expected_version)
    current = {item.id: item for item in _current_items(session, program.id)}
    if sorted(item_ids) != sorted(current):
        raise ValidationError({"order": "The new order must list every exercise in the program exactly once"})
    for position, item_id in enumerate(item_ids, start=1):
        current[item_id].position = position
    _touch(program)
    session.flush()
    return _record(session, program)


# --- status ----------------------------------------------------------------------------------


@access.guarded("clinical.write")
def activate(
    session: Session,
    program_id: int,
    expected_version: int | None,
    *,
    by_id: int | None = None,
    referral_recorded: safety.ReferralCheck = safety.referral_sent_since,
) -> ProgramRecord:
    """Make the program the one the client trains on, archiving the one it replaces.

    Refused while the safety gate does not pass (NotCleared, with the gate's reasons), and while
    an exercise is excluded by the current screening without an override reason (the latest
    assessment may be newer than the program).
    """
    program = _load(session, program_id, expected_version)
    if program.status == ACTIVE:
        return _record(session, program)
    _check_staff(session, by_id, "by_id")
    verdict = safety.gate(session, program.client_id, referral_recorded=referral_recorded)
    if not verdict.passed:
        raise NotCleared(verdict)
    items = _current_items(session, program.id)
    if not items:
        raise ValidationError({"items": "Add at least one exercise before making the program active"})
    library = _library()
    exercises = [(item, _exercise_of(item, library)) for item in items]
    missing = [item.exercise_code for item, exercise in exercises if exercise is None]
    if missing:
        raise ValidationError({"items": "These exercises are no longer in the library: " + ", ".join(missing)})
    results = screen_for_client(session, program.client_id, [exercise for _, exercise in exercises])
    blocked = [
        _excluded_message(result)
        for (item, _), result in zip(exercises, results)
        if not result.allowed and not item.override_reason
    ]
    if blocked:
        raise ValidationError(
            {"items": " ".join(blocked) + " Remove these, or add them again with an override reason."}
        )
    previous = session.scalars(
        select(Program).where(Program.client_id == program.client_id, Program.status == ACTIVE, Program.id != program.id)
    )
    for old in previous:
        old.status = ARCHIVED
        old.archived_at = utcnow()
        _note(session, old, "archived", reason=f"Replaced by “{program.title}”.", by_id=by_id)
    program.status = ACTIVE
    program.activated_at = utcnow()
    program.archived_at = None
    said = " ".join(verdict.reasons) if verdict.clearance_id is not None else None
    _note(session, program, "activated", reason=said, by_id=by_id)
    session.flush()
    return _record(session, program)


@access.guarded("clinical.write")
def archive(
    session: Session, program_id: int, expected_version: int | None, *, reason: str | None = None, by_id: int | None = None
) -> ProgramRecord:
    program = _load(session, program_id, expected_version, editing=False)
    if program.status == ARCHIVED:
        return _record(session, program)
    program.status = ARCHIVED
    program.archived_at = utcnow()
    _note(session, program, "archived", reason=_clean(reason), by_id=by_id)
    session.flush()
    return _record(session, program)


# --- sessions and progression ----------------------------------------------------------------


def _check_entry(item_id: int, entry: SessionEntry) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not isinstance(entry, SessionEntry):
        return {f"entry {item_id}": "Each logged exercise must be a SessionEntry"}
    for name in ("pain_before", "pain_after", "pain_next_day"):
        value = getattr(entry, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10):
            errors[name] = f"Pain ratings are whole numbers from 0 to 10, not {value!r}"
    for name in ("sets_done", "reps_done", "hold_done"):
        value = getattr(entry, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            errors[name] = f"{name.replace('_', ' ').capitalize()} must be a whole number, 0 or more"
    return errors


@access.guarded("clinical.write")
def log_session(
    session: Session,
    client_id: int,
    program_id: int,
    logged_on: date,
    entries: Mapping[int, SessionEntry] | Iterable[tuple[int, SessionEntry]],
    trainer_id: int | None = None,
    *,
    notes: str | None = None,
    today: date | None = None,
) -> SessionLogRecord:
    """Record a session on the client's active program: for each program item id, what was done
    and how the pain moved (a mapping, or (item id, entry) pairs)."""
    program = records.load_for_edit(session, Program, program_id, None, "program")
    if program.client_id != client_id:
        raise ValidationError({"program_id": "That program belongs to another client"})
    if program.status != ACTIVE:
        raise ValidationError({"program_id": "Sessions are logged on the active program; make this program active first"})
    if not isinstance(logged_on, date) or isinstance(logged_on, datetime):
        raise ValidationError({"logged_on": "The session date must be a date"})
    if logged_on > (today or date.today()):
        raise ValidationError({"logged_on": f"The session date cannot be in the future ({day_label(logged_on)})"})
    _check_staff(session, trainer_id, "trainer_id")
    entries = dict(entries)
    items = {item.id: item for item in _current_items(session, program.id)}
    errors: dict[str, str] = {}
    for item_id, entry in entries.items():
        if item_id not in items:
            errors[f"entry {item_id}"] = "That exercise is not in this program"
        errors.update(_check_entry(item_id, entry))
    if errors:
        raise ValidationError(errors)
    log = SessionLog(client_id=client_id, program_id=program.id, logged_on=logged_on, trainer_id=trainer_id, notes=_clean(notes))
    session.add(log)
    session.flush()
    for item_id, entry in entries.items():
        session.add(
            SessionLogEntry(
                session_log_id=log.id,
                program_item_id=item_id,
                exercise_code=items[item_id].exercise_code,
                done=bool(entry.done),
                sets_done=entry.sets_done,
                reps_done=entry.reps_done,
                hold_done=entry.hold_done,
                pain_before=entry.pain_before,
                pain_after=entry.pain_after,
                pain_next_day=entry.pain_next_day,
                form_ok=entry.form_ok,
            )
        )
    session.flush()
    return _log_record(session, log)


def _entry_of(obj: SessionLogEntry) -> SessionEntry:
    return SessionEntry(
        done=obj.done, sets_done=obj.sets_done, reps_done=obj.reps_done, hold_done=obj.hold_done,
        pain_before=obj.pain_before, pain_after=obj.pain_after, pain_next_day=obj.pain_next_day, form_ok=obj.form_ok,
    )  # fmt: skip


def _log_record(session: Session, log: SessionLog) -> SessionLogRecord:
    rows = session.scalars(
        select(SessionLogEntry).where(SessionLogEntry.session_log_id == log.id).order_by(SessionLogEntry.id)
    )
    return SessionLogRecord(
        id=log.id, version=log.version, client_id=log.client_id, program_id=log.program_id, logged_on=log.logged_on,
        trainer_id=log.trainer_id, notes=log.notes,
        entries=tuple(LoggedEntry(row.program_item_id, row.exercise_code, _entry_of(row)) for row in rows),
    )  # fmt: skip


@access.guarded("clinical.read")
def list_sessions(session: Session, program_id: int) -> list[SessionLogRecord]:
    """The sessions logged on a program, newest first."""
    logs = session.scalars(
        select(SessionLog).where(SessionLog.program_id == program_id).order_by(SessionLog.logged_on.desc(), SessionLog.id.desc())
    )
    return [_log_record(session, log) for log in logs]


def _entries_since_last_decision(session: Session, item: ProgramItem) -> list[SessionEntry]:
    """The item's session entries, oldest first, for its current exercise and logged after the
    last decision about it (a swap, a declined proposal, a dose change)."""
    seen = session.scalar(
        select(func.max(ProgramChange.seen_entry_id)).where(
            ProgramChange.program_item_id == item.id,
            ProgramChange.change.in_(("progressed", "regressed", "declined", "dose_changed")),
        )
    )
    query = (
        select(SessionLogEntry)
        .join(SessionLog, SessionLog.id == SessionLogEntry.session_log_id)
        .where(SessionLogEntry.program_item_id == item.id, SessionLogEntry.exercise_code == item.exercise_code)
        .order_by(SessionLog.logged_on, SessionLog.id, SessionLogEntry.id)
    )
    if seen is not None:
        query = query.where(SessionLogEntry.id > seen)
    return [_entry_of(row) for row in session.scalars(query)]


def _proposal(session: Session, item: ProgramItem, record: ProgramItemRecord, library: Mapping[str, Exercise]) -> ItemProposal:
    proposal = propose(_entries_since_last_decision(session, item), record.dose)
    if proposal.action == HOLD or record.exercise is None:
        return ItemProposal(record, proposal, None)
    chain = dict(library)
    chain[record.exercise.code] = record.exercise  # a custom exercise links into the library
    target = next_in_chain(chain, record.exercise.code, proposal.action)
    if target is None:
        way = "harder" if proposal.action == PROGRESS else "easier"
        proposal = Proposal(
            proposal.action, f"{proposal.reason} There is no {way} exercise in this chain: consider changing the dose."
        )
    return ItemProposal(record, proposal, target)


@access.guarded("clinical.read")
def proposals(session: Session, program_id: int) -> list[ItemProposal]:
    """For each exercise in the program, in order: progress, regress or hold, why, and the
    exercise it would change to."""
    program = records.load_for_edit(session, Program, program_id, None, "program")
    library = _library()
    return [
        _proposal(session, item, _item_record(item, library), library) for item in _current_items(session, program.id)
    ]


@access.guarded("clinical.write")
def apply_proposal(
    session: Session,
    program_id: int,
    item_id: int,
    action: str,
    *,
    accept: bool,
    reason: str | None = None,
    expected_version: int | None = None,
    by_id: int | None = None,
) -> ProgramRecord:
    """Accept or decline the current proposal for an item. Accepting swaps the item to the next
    exercise in its chain (with that exercise's default dose); either way the history records
    the decision and the reason (the trainer's words, else the rule's)."""
    if action not in (PROGRESS, REGRESS):
        raise ValidationError({"action": "Only a progress or regress proposal can be accepted or declined"})
    program = _load(session, program_id, expected_version)
    _check_staff(session, by_id, "by_id")
    item = _item(session, program, item_id)
    library = _library()
    current = _proposal(session, item, _item_record(item, library), library)
    if current.proposal.action != action:
        raise ValidationError(
            {"action": f"The proposal for this exercise is now “{current.proposal.action}”: {current.proposal.reason}"}
        )
    said = _clean(reason) or current.proposal.reason
    if not accept:
        _note(session, program, "declined", item=item, from_code=item.exercise_code, to_code=current.target_code,
              reason=f"Declined to {action}: {said}", by_id=by_id)  # fmt: skip
        _touch(program)
        session.flush()
        return _record(session, program)
    if current.target_code is None:
        raise ValidationError({"action": current.proposal.reason})
    target = library[current.target_code]
    result = _screen_one(session, program.client_id, target)
    if not result.allowed:
        raise ValidationError(
            {"action": _excluded_message(result) + " Keep the current exercise or choose another one."}
        )
    from_code = item.exercise_code
    item.exercise_code = target.code
    item.custom_exercise = None
    item.override_reason = None
    item.side = "both" if target.sided else None
    for name in DOSE_FIELDS:
        setattr(item, name, _whole_dose(getattr(target.dose, name)))
    _note(session, program, "progressed" if action == PROGRESS else "regressed", item=item,
          exercise_code=target.code, from_code=from_code, to_code=target.code, reason=said, by_id=by_id)  # fmt: skip
    _touch(program)
    session.flush()
    return _record(session, program)
