"""The Client list, Assessment tab and Program tab for a client with 10 years of history.

A studio file is built through the services the forms use: a trainer, and two clients —

* a decade of history: 40 signed assessments a quarter apart (pain, provocation tests, range
  of motion, endurance, ODI, RMDQ, STarT Back and PSFS, moving through flare-ups and good
  spells), 30 programs each suggested from the assessment that was the latest on its day (the
  newest active, every earlier one archived when the next was made active), and 500 session
  logs spread over them, with progressions accepted where the rule and the screening allow;
* a new client: one signed assessment and one active program, no sessions.

Then a fresh Python process (offscreen Qt, its own settings folders) starts the real
`MainWindow` with a `TaskRunner`, opens the file the way the window does, signs in as the
trainer, and times, alternately for the two clients:

1. a click on the client's row in the Client list, until the database worker is idle (the
   selection loads every open tab: the client, their assessments and progress, programs,
   referrals and documents) and the window is painted (`repaint()`, into its backing store);
2. a click on the Assessment tab, until idle and painted;
3. a click on the Program tab, until idle and painted.

The figures are the medians for the client with history; each baseline the same action's
median for the new client. Budget: ratio ≤ 2 — a decade of history must not make a tab
noticeably slower than a new client's.

    python -m benchmarks.history --database FILE --history ID --new ID --trainer ID [--repeats N]
        [--profile DIR]

runs the timing part alone (what `measure` starts) and prints its times as JSON.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from benchmarks.figures import Figure
from benchmarks.studio_files import save_profile

YEARS = 10
ASSESSMENTS = 40
PROGRAMS = 30
SESSION_LOGS = 500
ACTIONS = ("client_list", "assessment_tab", "program_tab")
FIGURE_NAMES = {action: f"history_{action}" for action in ACTIONS}
BUDGET = 2.0

PROGRESS_REASONS = (
    "Full dose with good form two sessions running and pain settled by the next morning: on to {target}.",
    "{exercise} looks easy now and the pain hardly moves: moving up to {target}.",
)
SESSION_NOTES = (
    "Good session; the brace is becoming automatic.", "Tight after a long drive yesterday; settled during the warm-up.",
    "Sleeping better this week.", "Did the home program four times this week.", "Sore after gardening at the weekend.",
)  # fmt: skip


@dataclass(frozen=True)
class Built:
    """What `build_history` (or `build_new_client`) made."""

    client_id: int
    name: str
    assessments: int
    programs: int
    session_logs: int


@dataclass(frozen=True)
class Studio:
    path: Path
    trainer_id: int
    trainer_name: str
    history: Built
    new: Built


# --- building --------------------------------------------------------------------------------


def _spread(start: date, end: date, n: int, rng: random.Random) -> list[date]:
    """n days from start to end, one in each equal stretch, in order."""
    span = max((end - start).days + 1, 1)
    bounds = [i * span // n for i in range(n + 1)]
    return [start + timedelta(days=rng.randrange(bounds[i], max(bounds[i + 1], bounds[i] + 1))) for i in range(n)]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


def _severities(n: int, rng: random.Random) -> list[float]:
    """A decade of a back: bad at first, better within a year, then flare-ups and good spells."""
    import math

    out = []
    for k in range(n):
        settled = 0.6 * math.exp(-k / 3) + 0.18
        wave = 0.12 * max(0.0, math.sin(k * 0.9))  # a flare every year or two
        out.append(min(0.85, max(0.05, settled + wave + rng.uniform(-0.03, 0.03))))
    return out


def _entries(program, pain: int, rng: random.Random, *, settling: float):
    from studio.exercises import SessionEntry

    before = max(0, min(7, round(pain * (1 - settling)) + rng.choice((-1, 0, 0, 1))))
    out = {}
    for item in program.items:
        if rng.random() < 0.04:
            out[item.id] = SessionEntry(done=False)
            continue
        rise = rng.choice((0, 0, 1, 1, 2))
        out[item.id] = SessionEntry(
            done=True, sets_done=item.sets, reps_done=item.reps, hold_done=item.hold_seconds,
            pain_before=before, pain_after=min(10, before + rise), pain_next_day=min(10, before + min(rise, rng.choice((0, 0, 1)))),
            form_ok=True if rng.random() < 0.9 else None,
        )  # fmt: skip
    return out


def _stamp(session, after_change_id: int, day: date) -> None:
    """The services stamp changes with the computer's clock; the story's are dated on its day."""
    from sqlalchemy import select

    from studio.models import Program, ProgramChange

    when = _at(day, 11)
    for change in session.scalars(select(ProgramChange).where(ProgramChange.id > after_change_id)):
        change.at = when
        program = session.get(Program, change.program_id)
        if change.change == "activated":
            program.activated_at = when
        elif change.change == "archived":
            program.archived_at = when


def _newest_change(session) -> int:
    from sqlalchemy import func, select

    from studio.models import ProgramChange

    return session.scalar(select(func.max(ProgramChange.id))) or 0


def _progress_one(session, program, trainer_id: int, rng: random.Random):
    """Accept the first progression the rule proposes and the screening allows (as a trainer
    would after a good fortnight); the program as it now stands."""
    from studio.errors import ValidationError
    from studio.exercises.progression import PROGRESS
    from studio.services import programs

    for found in programs.proposals(session, program.id):
        if found.proposal.action != PROGRESS or found.target_code is None:
            continue
        name = found.item.exercise.name if found.item.exercise else found.item.exercise_code
        reason = rng.choice(PROGRESS_REASONS).format(exercise=name, target=found.target_code.replace("_", " "))
        try:
            return programs.apply_proposal(session, program.id, found.item.id, PROGRESS, accept=True, reason=reason,
                                           by_id=trainer_id)  # fmt: skip
        except ValidationError:
            continue  # the next exercise is excluded for this client: keep going with this one
    return program


def build_history(
    session,
    trainer_id: int,
    *,
    today: date,
    assessments_n: int = ASSESSMENTS,
    programs_n: int = PROGRAMS,
    logs_n: int = SESSION_LOGS,
    years: int = YEARS,
    seed: int = 10,
) -> Built:
    """A client with `years` of history, through the services, everything dated on its day."""
    from studio.clinical.assessment import AssessmentData
    from studio.models import Assessment
    from studio.services import assessments, clients, programs
    from studio.services.demo import _measured, _Story, _traits, _visit_data

    rng = random.Random(seed)
    record = clients.create(session, clients.parse({
        "first_name": "Małgorzata", "last_name": "Brzęczyszczykiewicz", "trainer_id": trainer_id,
        "date_of_birth": "1968-09-14", "occupation": "Accountant", "phone": "07700 900456",
        "email": "malgorzata@example.com", "address": "4 Caledonian Road\nLondon N1 9DX",
    }, today=today))  # fmt: skip
    client_id = record.id
    story = _Story("flexion", visits=assessments_n, course="plateau", severity=0.6, first_workup="complete_resolved")
    first = today - timedelta(days=365 * years)
    latest = today - timedelta(days=7)
    assessed = _spread(first, latest, assessments_n, rng)
    traits = _traits(rng, record, story, assessed[0])
    # The programs follow assessments (the first, then every so often), each built a few days after.
    chosen = sorted({round(k * (assessments_n - 1) / max(programs_n - 1, 1)) for k in range(programs_n)})
    if len(chosen) != programs_n:
        raise ValueError(f"{programs_n} programs need at least as many assessments, not {assessments_n}")
    built = [assessed[k] + timedelta(days=rng.randint(2, 5)) for k in chosen]
    per_program = [logs_n * (k + 1) // programs_n - logs_n * k // programs_n for k in range(programs_n)]
    events: list[tuple[date, int, tuple]] = []
    for visit, (day, s) in enumerate(zip(assessed, _severities(assessments_n, rng))):
        events.append((day, len(events), ("assess", visit, s)))
    for k, day in enumerate(built):
        events.append((day, len(events), ("program", k)))
        end = built[k + 1] - timedelta(days=1) if k + 1 < programs_n else today
        for n, log_day in enumerate(_spread(day + timedelta(days=1), end, per_program[k], rng)):
            events.append((log_day, len(events), ("log", k, n)))
    events.sort()

    counts = {"assess": 0, "program": 0, "log": 0}
    program = None
    pain = 4
    for day, _, (kind, *args) in events:
        newest = _newest_change(session)
        if kind == "assess":
            visit, s = args
            started = assessments.start(session, client_id, trainer_id=trainer_id, assessed_on=day,
                                        copy_from_latest=visit > 0, today=today)  # fmt: skip
            base = started.data if visit else AssessmentData(pain=traits["pain"], lifestyle=traits["lifestyle"])
            measured = _measured(story, traits, s, min(visit, 8), 0, False)
            data = _visit_data(base, story, measured, visit, False)
            saved = assessments.save(session, started.id, started.version, data, today=today)
            assessments.sign(session, saved.id, saved.version, trainer_id)
            session.get(Assessment, saved.id).signed_at = _at(day, 17)  # signed that evening, not now
            pain = data.pain.nprs_now if data.pain.nprs_now is not None else 4
        elif kind == "program":
            (k,) = args
            program = programs.suggest_from_assessment(
                session, client_id, created_by_id=trainer_id, title=f"Home program {k + 1} — from {day:%B %Y}"
            )
            program = programs.activate(session, program.id, None, by_id=trainer_id)
        else:
            k, n = args
            programs.log_session(
                session, client_id, program.id, day, _entries(program, pain, rng, settling=min(n, 8) * 0.06), trainer_id,
                notes=rng.choice(SESSION_NOTES) if rng.random() < 0.2 else None, today=today,
            )  # fmt: skip
            if n % 6 == 5:
                program = _progress_one(session, program, trainer_id, rng)
        counts[kind] += 1
        _stamp(session, newest, day)
    session.flush()
    return Built(client_id, record.name, counts["assess"], counts["program"], counts["log"])


def build_new_client(session, trainer_id: int, *, today: date) -> Built:
    """A client registered a fortnight ago: one signed assessment, one active program, no sessions."""
    from studio.clinical.assessment import AssessmentData, PainHistory, ProvocationResult, Questionnaires
    from studio.services import assessments, clients, programs

    record = clients.create(session, clients.parse({
        "first_name": "Tomás", "last_name": "Ó Súilleabháin", "trainer_id": trainer_id,
        "date_of_birth": "1984-02-29", "occupation": "Nurse", "phone": "07700 900789",
    }, today=today))  # fmt: skip
    day = today - timedelta(days=14)
    data = AssessmentData(
        pain=PainHistory(nprs_now=5, nprs_worst=7, workup_status="complete_resolved", locations=("central_low_back",)),
        provocation={"standing_flexion": ProvocationResult("provokes"), "slumped_sitting": ProvocationResult("provokes"),
                     "prone_press_up": ProvocationResult("eases")},
        questionnaires=Questionnaires(odi=(2, 1, 2, 1, 2, 1, 1, None, 2, 1), rmdq=(1, 4, 7, 9, 12)),
    )  # fmt: skip
    started = assessments.start(session, record.id, trainer_id=trainer_id, assessed_on=day, today=today)
    saved = assessments.save(session, started.id, started.version, data, today=today)
    assessments.sign(session, saved.id, saved.version, trainer_id)
    program = programs.suggest_from_assessment(session, record.id, created_by_id=trainer_id)
    programs.activate(session, program.id, None, by_id=trainer_id)
    session.flush()
    return Built(record.id, record.name, 1, 1, 0)


def build_studio(folder: Path, *, today: date | None = None, **sizes) -> Studio:
    """A studio file in `folder` with a trainer, the client with history and the new client."""
    from studio.db import open_database
    from studio.services import staff

    today = today or date.today()
    path = folder / "history.sqlite"
    database = open_database(path, create=True)
    try:
        with database.session_factory.begin() as s:
            save_profile(s)
            trainer = staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"}))
        with database.session_factory.begin() as s:
            history = build_history(s, trainer.id, today=today, **sizes)
        with database.session_factory.begin() as s:
            new = build_new_client(s, trainer.id, today=today)
    finally:
        database.close()
    return Studio(path, trainer.id, trainer.name, history, new)


# --- timing (in a process of its own: benchmarks/history_driver.py) ---------------------------


def _drive(studio: Studio, repeats: int, profile_dir: Path | None = None) -> dict:
    from benchmarks.qt_harness import child_env, driver_home

    command = [
        sys.executable, "-m", "benchmarks.history_driver", "--database", str(studio.path),
        "--history", str(studio.history.client_id), "--new", str(studio.new.client_id),
        "--trainer", str(studio.trainer_id), "--trainer-name", studio.trainer_name, "--repeats", str(repeats),
    ]  # fmt: skip
    if profile_dir is not None:
        command += ["--profile-dir", str(profile_dir)]
    with driver_home() as home:
        root = Path(__file__).resolve().parents[1]
        done = subprocess.run(command, capture_output=True, text=True, env=child_env(home), cwd=root, timeout=1800)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"the history driver failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _figures(result: dict, studio: Studio, repeats: int) -> list[Figure]:
    h, n = studio.history, studio.new
    showing = result["showing"]["history"]
    out = []
    for action in ACTIONS:
        value = statistics.median(result["times"]["history"][action]) * 1000
        baseline = statistics.median(result["times"]["new"][action]) * 1000
        what = {
            "client_list": "click in the Client list → every tab loaded, painted",
            "assessment_tab": "Assessment tab → filled, painted",
            "program_tab": "Program tab → filled, painted",
        }[action]
        note = (f"{value:.0f} ms vs {baseline:.0f} ms; {what}; {h.assessments} assessments, {h.programs} programs, "
                f"{h.session_logs} session logs (pickers showed {showing['assessments']} and {showing['programs']}) vs "
                f"{n.assessments}, {n.programs}, {n.session_logs}; median of {repeats}, alternating")  # fmt: skip
        out.append(Figure(FIGURE_NAMES[action], value, "ms", baseline, BUDGET, "ratio", note))
    return out


def measure(repeats: int = 7, **sizes) -> list[Figure]:
    """The three figures; `sizes` (assessments_n, programs_n, logs_n, years) for quick checks."""
    with tempfile.TemporaryDirectory(prefix="upright-history-") as folder:
        studio = build_studio(Path(folder), **sizes)
        result = _drive(studio, repeats)
    return _figures(result, studio, repeats)


def profile(**sizes) -> str:
    """One round of the three actions for the client with history, under cProfile: the GUI
    thread and the database worker apart."""
    from benchmarks import profiles

    with tempfile.TemporaryDirectory(prefix="upright-history-") as folder:
        studio = build_studio(Path(folder), **sizes)
        raw = Path(folder) / "profiles"
        result = _drive(studio, 1, raw)
        parts = []
        for action in ACTIONS:
            elapsed = result["profiled"][action] * 1000
            for thread in ("gui", "worker"):
                stats = profiles.load(raw / f"{action}.{thread}.prof")
                where = ("GUI thread; processEvents' own time is mostly waiting for the worker" if thread == "gui"
                         else "database worker")  # fmt: skip
                title = f"{FIGURE_NAMES[action]} ({elapsed:.0f} ms under the profiler): {where}"
                if stats is None:
                    parts.append(f"  {title} — nothing ran there")
                else:
                    parts.append(profiles.save(stats, f"{FIGURE_NAMES[action]}.{thread}", title))
    return "\n\n".join(parts)
