"""Data for the printed documents: frozen dataclasses of plain values, never ORM objects.

* `letterhead(session)` — the studio's details, shared by every document (the referral letter
  too).
* `handout_data(session, program_id, ...)` — everything the home-program handout prints.
* `progress_data(session, client_id, ...)` — everything the progress report prints.

Each function reads inside the caller's session and returns values that are safe to hand to
another thread (reports.* render them with ReportLab).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from studio import access
from studio.clinical import endurance as endurance_rules
from studio.clinical import measures
from studio.clinical.assessment import findings
from studio.errors import NotFound
from studio.exercises import Exercise, load_library
from studio.figures import Drawing, mirror, pose_figures
from studio.services import assessments, clients, programs, safety, staff, studio_profile
from studio.services.assessments import TrendPoint, day_label

PAPER_SIZES = ("a4", "letter")
AUDIENCES = ("client", "clinician")
NOT_CLEARED = "NOT CLEARED FOR TRAINING"
FIGURE_SIZE = (160.0, 120.0)  # drawing units of the figures handed to the renderer


# --- shared ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Letterhead:
    """The studio's details as printed at the top of the first page."""

    name: str
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    paper: str = "a4"  # "a4" | "letter"
    logo: bytes | None = None  # the PNG or JPEG file, as stored (None: the name only)


@access.guarded("studio.read")
def letterhead(session: Session) -> Letterhead:
    """The studio profile as a letterhead ("Upright studio" on a database nobody set up yet)."""
    record = studio_profile.get(session)
    if record is None:
        return Letterhead(name="Upright studio")
    d = record.details
    paper = d.paper if d.paper in PAPER_SIZES else "a4"
    return Letterhead(
        name=d.name, address=d.address, phone=d.phone, email=d.email, paper=paper, logo=studio_profile.logo(session)
    )


def _client_name(details: clients.ClientDetails) -> str:
    return " ".join(part for part in (details.first_name, details.last_name) if part)


# --- home-program handout ----------------------------------------------------------------------

ADVICE_ALWAYS = (
    "Walk most days: short, regular walks at a comfortable pace are one of the best things for a "
    "sore back. Build up the time a little each week.",
    "Drink water regularly through the day; keep a bottle where you can see it.",
    "Keep moving between exercise days. Gentle, regular activity helps more than rest.",
)
ADVICE_BY_LOAD: Mapping[str, tuple[str, ...]] = {
    "flexion": (
        "Break up sitting every 20–30 minutes: stand up, walk a few steps, then sit again.",
        "When you bend to pick something up, hinge at the hips and bend your knees; keep your back long.",
        "For the first hour after getting up, avoid long or deep bending forward (for example, "
        "tying shoes with your back rounded).",
    ),
    "extension": (
        "Avoid standing still for a long time: shift your weight, rest one foot on a low step, or take a short walk.",
        "Avoid arching your back for long, such as reaching overhead for a long time.",
    ),
    "rotation": (
        "Turn with your feet rather than twisting at the waist, for example when lifting or getting out of a car.",
    ),
    "compression": (
        "Carry loads close to your body and split heavy shopping between both hands.",
        "Take short breaks from long standing or carrying.",
    ),
    "neural": (
        "If tingling or pain travels down a leg during an exercise, ease off and tell us at your next session.",
    ),
}
"""Lifestyle advice for each load the movement intolerance profile marks possible or likely."""

STOP_IF = (
    "your pain rises by more than 2 points (on the 0–10 scale) during an exercise, or is still "
    "worse the next morning",
    "pain, tingling or numbness spreads further down a leg",
    "you feel dizzy, faint or short of breath, or have pain in your chest",
    "you are unsure how to do an exercise, or something does not feel right",
)
RED_FLAG_TEXT = (
    "Seek urgent care if you notice numbness in the groin or buttocks, new trouble passing urine "
    "or controlling your bowels, or weakness in both legs."
)
RED_FLAG_ACTION = "Go to the emergency department today or call emergency services. Do not wait for your next session."


@dataclass(frozen=True)
class HandoutExercise:
    position: int
    code: str
    name: str
    side: str | None  # left / right / both / None
    sided: bool
    setup: str | None
    steps: tuple[str, ...]
    cues: tuple[str, ...]
    notes: str | None  # the trainer's note on this item
    sets: int | None
    reps: int | None
    hold_seconds: int | None
    rest_seconds: int | None
    times_per_day: int | None
    days_per_week: int | None
    load: str | None
    dose: tuple[tuple[str, str], ...]  # (label, value) pairs to print, in order
    dose_summary: str  # one line, for the tracking grid
    figures: tuple[Drawing, ...]  # start and end, mirrored for the left side; () without poses


@dataclass(frozen=True)
class HandoutData:
    letterhead: Letterhead
    paper: str
    large_print: bool
    program_id: int
    program_title: str
    program_notes: str | None
    client_name: str
    prepared_on: date
    trainer_name: str | None
    trainer_phone: str | None
    exercises: tuple[HandoutExercise, ...]
    advice: tuple[str, ...]
    advice_from_profile: bool  # advice was tailored to a signed assessment's profile
    stop_if: tuple[str, ...]
    red_flag_text: str
    red_flag_action: str
    cleared: bool
    banner: str | None  # NOT_CLEARED when the safety gate does not pass
    gate_reasons: tuple[str, ...]  # why, when it does not pass


def _seconds(value: int | None) -> str:
    if value is None:
        return ""
    if value >= 120 and value % 60 == 0:
        return f"{value // 60} min"
    return f"{value} s"


def _dose(item: programs.ProgramItemRecord, sided: bool) -> tuple[tuple[tuple[str, str], ...], str]:
    rows: list[tuple[str, str]] = []
    summary: list[str] = []
    if item.sets and item.reps:
        rows.append(("Sets × reps", f"{item.sets} × {item.reps}"))
        summary.append(f"{item.sets}×{item.reps}")
    elif item.sets:
        rows.append(("Sets", str(item.sets)))
        summary.append(f"{item.sets} sets")
    elif item.reps:
        rows.append(("Reps", str(item.reps)))
        summary.append(f"{item.reps} reps")
    if item.hold_seconds:
        rows.append(("Hold", _seconds(item.hold_seconds) + (" each rep" if item.reps else "")))
        summary.append(f"hold {_seconds(item.hold_seconds)}")
    if item.rest_seconds:
        rows.append(("Rest", _seconds(item.rest_seconds) + " between sets"))
    often = []
    if item.times_per_day:
        often.append("once a day" if item.times_per_day == 1 else f"{item.times_per_day} times a day")
    if item.days_per_week:
        often.append("every day" if item.days_per_week == 7 else f"{item.days_per_week} days a week")
    if often:
        rows.append(("How often", ", ".join(often)))
    if item.load:
        rows.append(("Load", item.load))
        summary.append(item.load)
    side = item.side
    if side == "left":
        rows.append(("Side", "Left side"))
        summary.append("left")
    elif side == "right":
        rows.append(("Side", "Right side"))
        summary.append("right")
    elif sided:
        rows.append(("Side", "Both sides"))
        summary.append("each side")
    return tuple(rows), " · ".join(summary)


def _figures(exercise: Exercise | None, side: str | None) -> tuple[Drawing, ...]:
    if exercise is None or not exercise.poses or "start" not in exercise.poses or "end" not in exercise.poses:
        return ()
    try:
        drawings = pose_figures([exercise.poses["start"], exercise.poses["end"]], *FIGURE_SIZE)
    except ValueError:  # a custom exercise with a pose the figure code refuses: print without
        return ()
    return tuple(mirror(d) for d in drawings) if side == "left" else drawings


def _exercise(item: programs.ProgramItemRecord) -> HandoutExercise:
    ex = item.exercise
    sided = bool(ex.sided) if ex else False
    dose, summary = _dose(item, sided)
    return HandoutExercise(
        position=item.position,
        code=item.exercise_code,
        name=ex.name if ex else item.exercise_code.replace("_", " "),
        side=item.side,
        sided=sided,
        setup=ex.setup if ex else None,
        steps=tuple(ex.steps) if ex else (),
        cues=tuple(ex.cues) if ex else (),
        notes=item.notes,
        sets=item.sets,
        reps=item.reps,
        hold_seconds=item.hold_seconds,
        rest_seconds=item.rest_seconds,
        times_per_day=item.times_per_day,
        days_per_week=item.days_per_week,
        load=item.load,
        dose=dose,
        dose_summary=summary,
        figures=_figures(ex, item.side),
    )


def advice_for(intolerance: Mapping[str, str] | None) -> tuple[str, ...]:
    """Lifestyle advice: for each load marked possible or likely, then the advice for everyone."""
    chosen: list[str] = []
    for load, lines in ADVICE_BY_LOAD.items():
        if intolerance and intolerance.get(load) in ("possible", "likely"):
            chosen.extend(lines)
    return (*chosen, *ADVICE_ALWAYS)


@access.guarded("documents.make")
def handout_data(
    session: Session,
    program_id: int,
    *,
    large_print: bool = False,
    today: date | None = None,
    referral_recorded: safety.ReferralCheck | None = None,
) -> HandoutData:
    """Everything the home-program handout prints for `program_id`."""
    program = programs.get(session, program_id)
    client = clients.get(session, program.client_id)
    head = letterhead(session)
    trainer_id = program.created_by_id or client.details.trainer_id
    trainer = None
    if trainer_id is not None:
        try:
            trainer = staff.get(session, trainer_id)
        except NotFound:
            trainer = None
    trainer_name = (
        " ".join(filter(None, (trainer.details.first_name, trainer.details.last_name))) if trainer else client.trainer_name
    )
    latest = assessments.latest(session, client.id, signed_only=True)
    intolerance = findings(latest.data).intolerance if latest else None
    check = safety.gate(session, client.id, referral_recorded=referral_recorded or safety.referral_sent_since)
    return HandoutData(
        letterhead=head,
        paper=head.paper,
        large_print=large_print,
        program_id=program.id,
        program_title=program.title,
        program_notes=program.notes,
        client_name=_client_name(client.details),
        prepared_on=today or date.today(),
        trainer_name=trainer_name,
        trainer_phone=trainer.details.phone if trainer else None,
        exercises=tuple(_exercise(item) for item in program.items),
        advice=advice_for(intolerance),
        advice_from_profile=bool(intolerance and any(v in ("possible", "likely") for v in intolerance.values())),
        stop_if=STOP_IF,
        red_flag_text=RED_FLAG_TEXT,
        red_flag_action=RED_FLAG_ACTION,
        cleared=check.passed,
        banner=None if check.passed else NOT_CLEARED,
        gate_reasons=() if check.passed else check.reasons,
    )


# --- progress report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonRow:
    measure: str
    instrument: str
    before: str  # "–" when not recorded
    after: str
    change: str  # "−3", "+12.0", "" when not comparable
    important: bool  # reaches the minimal important change
    better: bool | None
    verdict: str  # "Improved (important change)", "Worse", "No change", ""


@dataclass(frozen=True)
class EnduranceRow:
    test: str
    then: str
    now: str


@dataclass(frozen=True)
class ProgramChangeLine:
    on: date
    program: str
    what: str  # "Progressed Bird dog → Bird dog with reach"
    reason: str | None
    by: str | None


@dataclass(frozen=True)
class Attendance:
    sessions: int
    first: date | None
    last: date | None
    per_week: float | None  # over the weeks from the first session to the report date
    recent_weeks: tuple[tuple[date, int], ...]  # (Monday, sessions), oldest first


@dataclass(frozen=True)
class ProgressData:
    letterhead: Letterhead
    paper: str
    audience: str  # client / clinician
    client_name: str
    date_of_birth: date | None  # printed for clinicians only
    prepared_on: date
    trainer_name: str | None
    trend: tuple[TrendPoint, ...]  # oldest first; the chart's points
    latest_on: date | None
    previous_on: date | None
    comparison: tuple[ComparisonRow, ...]
    bands: tuple[tuple[str, str], ...]  # ("ODI", "22% — moderate disability"), latest assessment
    endurance_then_on: date | None
    endurance_now_on: date | None
    endurance: tuple[EnduranceRow, ...]
    program_changes: tuple[ProgramChangeLine, ...]  # newest first
    attendance: Attendance
    profile: tuple[tuple[str, str], ...]  # ("flexion", "likely") on the latest assessment
    red_flags: tuple[str, ...]  # wording of flags on the latest assessment (clinician audience)
    notes: str | None  # the client's notes (clinician audience)


def _number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    if digits == 0 or float(value).is_integer():
        return str(round(value)) if digits == 0 else f"{value:.0f}"
    return f"{value:.{digits}f}"


_DIGITS = {"odi": 0, "psfs": 1, "nprs": 0, "rmdq": 0}


def _comparison(change: assessments.Change) -> ComparisonRow:
    digits = _DIGITS.get(change.instrument, 1)
    before, after = change.before, change.after
    shown_before = _number(before, digits) + ("%" if change.instrument == "odi" and before is not None else "")
    shown_after = _number(after, digits) + ("%" if change.instrument == "odi" and after is not None else "")
    delta = ""
    verdict = ""
    if before is not None and after is not None:
        d = after - before
        delta = "0" if abs(d) < 1e-9 else (f"+{_number(d, digits)}" if d > 0 else f"−{_number(-d, digits)}")
        if change.better is None:
            verdict = "No change"
        elif change.better:
            verdict = "Improved — important change" if change.important else "Improved"
        else:
            verdict = "Worse"
    return ComparisonRow(change.measure, change.instrument, shown_before, shown_after, delta, change.important, change.better, verdict)


def _endurance_rows(then, now) -> tuple[EnduranceRow, ...]:
    def secs(v):
        return "–" if v is None else f"{_number(v, 1)} s"

    labels = (("Trunk flexor hold", "flexor"), ("Back extensor hold", "extensor"), ("Side bridge, right", "side_right"), ("Side bridge, left", "side_left"))
    rows = [EnduranceRow(label, secs(getattr(then, key)) if then else "–", secs(getattr(now, key))) for label, key in labels]

    def ratios(times):
        if times is None or any(getattr(times, k) is None for _l, k in labels):
            return None
        return endurance_rules.assess(times.flexor, times.extensor, times.side_right, times.side_left)

    r_then, r_now = ratios(then), ratios(now)
    for label, key in (("Flexor : extensor ratio", "flexor_extensor"), ("Right : left side bridge ratio", "right_left"), ("Side bridge : extensor ratio", "side_extensor")):
        a = getattr(r_then, key) if r_then else None
        b = getattr(r_now, key) if r_now else None
        if a is None and b is None:
            continue
        rows.append(EnduranceRow(label, _number(a, 2), _number(b, 2)))
    return tuple(rows)


def _has_endurance(times) -> bool:
    return any(getattr(times, k) is not None for k in ("flexor", "extensor", "side_right", "side_left"))


CHANGE_WORDS = {
    "added": "Added",
    "removed": "Removed",
    "progressed": "Progressed",
    "regressed": "Regressed",
    "declined": "Kept (change declined)",
    "dose_changed": "Changed the dose of",
    "activated": "Program started",
    "archived": "Program ended",
}


def _program_changes(session: Session, client_id: int) -> tuple[ProgramChangeLine, ...]:
    names = {exercise.code: exercise.name for exercise in load_library()}
    lines: list[ProgramChangeLine] = []
    for summary in programs.list_for_client(session, client_id):
        program = programs.get(session, summary.id)
        names_here = dict(names)
        names_here.update({i.exercise_code: i.exercise.name for i in program.items if i.exercise})
        for change in program.history:
            what = CHANGE_WORDS.get(change.change, change.change.replace("_", " "))
            if change.from_code and change.to_code:
                what += f" {names_here.get(change.from_code, change.from_code)} → {names_here.get(change.to_code, change.to_code)}"
            elif change.exercise_code:
                what += " " + names_here.get(change.exercise_code, change.exercise_code.replace("_", " "))
            at = change.at.astimezone() if isinstance(change.at, datetime) and change.at.tzinfo else change.at
            lines.append(ProgramChangeLine(at.date() if isinstance(at, datetime) else at, program.title, what, change.reason, change.by_name))
    lines.sort(key=lambda line: line.on, reverse=True)
    return tuple(lines)


def _attendance(session: Session, client_id: int, today: date, weeks: int = 8) -> Attendance:
    days: list[date] = []
    for summary in programs.list_for_client(session, client_id):
        days.extend(log.logged_on for log in programs.list_sessions(session, summary.id))
    if not days:
        return Attendance(0, None, None, None, ())
    first, last = min(days), max(days)
    span_weeks = max(1.0, ((max(today, last) - first).days + 1) / 7)
    monday = today - timedelta(days=today.weekday())
    recent = []
    for back in range(weeks - 1, -1, -1):
        start = monday - timedelta(weeks=back)
        end = start + timedelta(days=7)
        recent.append((start, sum(1 for d in days if start <= d < end)))
    return Attendance(len(days), first, last, round(len(days) / span_weeks, 1), tuple(recent))


@access.guarded("documents.make")
def progress_data(session: Session, client_id: int, *, audience: str = "client", today: date | None = None) -> ProgressData:
    """Everything the progress report prints for a client, for the client or a clinician."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
    today = today or date.today()
    client = clients.get(session, client_id)
    head = letterhead(session)
    prog = assessments.progress(session, client_id)
    latest_found = findings(prog.latest.data) if prog.latest else None
    bands: list[tuple[str, str]] = []
    if latest_found is not None:
        if latest_found.odi and latest_found.odi.percent is not None:
            label = measures.ODI_BAND_LABELS.get(latest_found.odi.band or "", latest_found.odi.band or "")
            bands.append(("Oswestry Disability Index", f"{latest_found.odi.percent:.0f}% — {label}"))
        if latest_found.rmdq is not None:
            bands.append(("Roland-Morris (RMDQ)", f"{latest_found.rmdq} of {measures.RMDQ_ITEM_COUNT}"))
        if latest_found.start_back is not None:
            sb = latest_found.start_back
            bands.append(("STarT Back", f"{sb.risk} risk (total {sb.total}, psychosocial {sb.psychosocial})"))
        if latest_found.psfs is not None:
            bands.append(("PSFS mean", f"{latest_found.psfs:.1f} of 10"))

    # endurance: the first signed assessment with times, and the latest
    with_times = []
    signed = [s for s in assessments.list_for_client(session, client_id) if s.signed]  # newest first
    for summary in reversed(signed):
        record = assessments.get(session, summary.id)
        if _has_endurance(record.data.endurance):
            with_times.append(record)
    then = with_times[0] if len(with_times) > 1 else None
    now = with_times[-1] if with_times else None
    profile = tuple(latest_found.intolerance.items()) if latest_found else ()
    return ProgressData(
        letterhead=head,
        paper=head.paper,
        audience=audience,
        client_name=_client_name(client.details),
        date_of_birth=client.details.date_of_birth if audience == "clinician" else None,
        prepared_on=today,
        trainer_name=client.trainer_name,
        trend=prog.trend,
        latest_on=prog.latest.assessed_on if prog.latest else None,
        previous_on=prog.previous.assessed_on if prog.previous else None,
        comparison=tuple(_comparison(c) for c in prog.changes),
        bands=tuple(bands),
        endurance_then_on=then.assessed_on if then else None,
        endurance_now_on=now.assessed_on if now else None,
        endurance=_endurance_rows(then.data.endurance if then else None, now.data.endurance) if now else (),
        program_changes=_program_changes(session, client_id),
        attendance=_attendance(session, client_id, today),
        profile=profile,
        red_flags=tuple(f.wording for f in latest_found.red_flags) if latest_found and audience == "clinician" else (),
        notes=client.details.notes if audience == "clinician" else None,
    )


__all__ = [
    "AUDIENCES",
    "NOT_CLEARED",
    "Attendance",
    "ComparisonRow",
    "EnduranceRow",
    "HandoutData",
    "HandoutExercise",
    "Letterhead",
    "ProgramChangeLine",
    "ProgressData",
    "advice_for",
    "day_label",
    "handout_data",
    "letterhead",
    "progress_data",
]
