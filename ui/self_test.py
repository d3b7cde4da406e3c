"""`upright --self-test`: the check an installer build runs on what it built.

In a temporary folder it opens a new studio database (running every migration), sets up a
studio through the real services — a studio profile, a trainer, a GP, a client with two signed
assessments that recommend a referral, the referral letter's draft and an active program —
makes every kind of document with `reports.documents.make` and checks each PDF, then starts Qt
(a QApplication on the platform the environment names, Qt's own choice otherwise) and builds the
main window on that database. A frozen build that left out a migration, a font, an exercise
figure or a Qt plugin fails here rather than at a studio's desk.

One line per check ("ok  handout: 8 pages, 72,236 bytes", "FAIL referral letter: …"), then
"Self-test passed" or "Self-test FAILED: …"; `run_self_test` returns 0 or 1. A missing Qt
platform plugin is named in a FAIL line rather than left to Qt, which would abort the process.
It works as the Upright tools (a session without a person), never opens the studio's own
database, and keeps this desk's settings (QSettings) out of it: the window reads and writes a
settings file in the temporary folder, and its questions and messages are noted, never shown.
"""

from __future__ import annotations

import io
import os
import re
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

PASSED = "Self-test passed"
FAILED = "Self-test FAILED"

# A page object in a ReportLab PDF ("/Type /Page", not the "/Type /Pages" tree above them).
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


class CheckFailed(Exception):
    """A check found something wrong (as opposed to a step that raised on its own)."""


@dataclass
class _Report:
    out: TextIO
    failed: list[str] = field(default_factory=list)
    checks: int = 0

    def say(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()  # a Qt plugin that aborts the process leaves the lines before it

    def step(self, name: str, work: Callable[[], str | None]) -> bool:
        """Run one check: "ok  NAME: what it found", or "FAIL NAME: the exception" (with its
        traceback indented below, for a build log). True when it passed."""
        self.checks += 1
        try:
            found = work()
        except Exception as exc:  # noqa: BLE001 - every failure is reported, and the rest still run
            self.failed.append(name)
            self.say(f"FAIL {name}: {_describe(exc)}")
            if not isinstance(exc, CheckFailed):
                for line in "".join(traceback.format_exception(exc)).rstrip().splitlines():
                    self.say(f"    {line}")
            return False
        self.say(f"ok  {name}" + (f": {found}" if found else ""))
        return True

    def skip(self, name: str, why: str) -> None:
        self.checks += 1
        self.failed.append(name)
        self.say(f"--  {name}: skipped ({why})")


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    if isinstance(exc, CheckFailed):
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def run_self_test(out: TextIO | None = None) -> int:
    """Run every check, printing one line each to `out` (sys.stdout when None); 0 when all
    passed, 1 otherwise."""
    if out is None:
        # A GUI launcher (`upright` on Windows) has no console: the exit code still tells.
        out = sys.stdout if sys.stdout is not None else io.StringIO()
    report = _Report(out)
    try:
        with tempfile.TemporaryDirectory(prefix="upright-self-test-", ignore_cleanup_errors=True) as folder:
            _run(report, Path(folder))
    except Exception as exc:  # noqa: BLE001 - not one of the steps: still a plain answer
        report.failed.append("self-test")
        report.say(f"FAIL self-test: {_describe(exc)}")
    if report.failed:
        report.say(f"{FAILED}: {len(report.failed)} of {report.checks} checks failed ({', '.join(report.failed)})")
        return 1
    report.say(f"{PASSED} ({report.checks} checks)")
    return 0


def _run(report: _Report, folder: Path) -> None:
    from studio import access

    holder: dict[str, Any] = {}

    def migrations() -> str:
        from studio import schema
        from studio.db import open_database

        database = open_database(folder / "self-test.sqlite", create=True)
        holder["database"] = database
        access.act_as(database.session_factory, access.TOOLS)  # no person: the Upright tools
        with database.engine.connect() as connection:
            current = schema.current_revision(connection)
        head = schema.head_revision()
        if current != head:
            raise CheckFailed(f"the schema is at {current}, the newest migration is {head}")
        return f"schema {current}"

    if not report.step("migrations", migrations):
        report.skip("studio", "no database")
        _documents(report, None, None)
        _qt(report, folder, None)
        return
    database = holder["database"]
    try:
        studio: Studio | None = None

        def set_up() -> str:
            nonlocal studio
            with database.session_factory.begin() as session:
                studio = build_studio(session)
            return studio.describe()

        report.step("studio", set_up)
        _documents(report, database, studio)
        _qt(report, folder, database)
    finally:
        database.close()


# --- the studio ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Studio:
    client_id: int
    assessments: int
    referral_id: int
    program_id: int
    exercises: int

    def describe(self) -> str:
        return (
            f"a client with {self.assessments} signed assessments, a referral letter and an active program "
            f"of {self.exercises} exercises"
        )


def build_studio(session, today: date | None = None) -> Studio:
    """What a studio's first weeks leave behind, through the services the forms use (as the
    demo does): the studio's profile, a trainer, a GP, a client, an initial assessment and a
    re-assessment (no medical check-up yet, so the pathway recommends a routine letter to a GP),
    the letter's draft, and the starter program suggested from the assessment, made active."""
    from studio.clinical.assessment import (
        AssessmentData, EnduranceTimes, Goal, Lifestyle, PainHistory, ProvocationResult, PsfsActivity, Questionnaires,
        RangeOfMotion, findings,
    )  # fmt: skip
    from studio.services import assessments, clients, clinicians, programs, referrals, staff, studio_profile

    today = today or date.today()
    studio_profile.save(session, studio_profile.parse({
        "name": "Upright Self-Test Studio", "address": "1 Test Street\nLondon N1 7GR", "phone": "+44 20 7946 0100",
        "email": "desk@self-test.example.com", "weight_unit": "kg", "length_unit": "cm", "paper": "a4",
    }, today))  # fmt: skip
    trainer = staff.create(session, staff.parse({
        "first_name": "Tomás", "last_name": "Ferreira", "role": "trainer", "credentials": "NSCA-CSCS",
        "phone": "07700 900123", "email": "tomas@self-test.example.com",
    }, today)).id  # fmt: skip
    gp = clinicians.create(session, clinicians.parse({
        "first_name": "Sarah", "last_name": "Whitfield", "credentials": "MBBS, MRCGP", "specialty": "primary_care",
        "practice": "Wharf Road Surgery", "address": "3 Wharf Road\nLondon N1 7GR", "phone": "020 7946 0321",
        "email": "s.whitfield@surgery.example.org", "preferred_contact": "email", "accepting_new": True,
    }, today)).id  # fmt: skip
    client = clients.create(session, clients.parse({
        "first_name": "Zoë", "last_name": "Łukasiewicz-Ødegård", "date_of_birth": date(today.year - 41, 3, 12),
        "phone": "07700 900456", "email": "zoe@example.com", "occupation": "Architect (desk work)",
        "trainer_id": trainer, "physician_id": gp, "consent_to_share_date": today - timedelta(days=42),
        "waiver_signed_date": today - timedelta(days=42),
    }, today)).id  # fmt: skip

    def visit(severity: int) -> AssessmentData:
        return AssessmentData(
            pain=PainHistory(
                onset_date=today - timedelta(days=200), onset="gradual", mechanism="prolonged_sitting",
                locations=("central_low_back", "left_low_back"), nprs_now=severity, nprs_best=max(0, severity - 2),
                nprs_worst=min(10, severity + 2), pattern="intermittent", worse_time="morning",
                aggravating=("sitting", "bending_forward"), easing=("walking", "lying_down"), workup_status="none",
            ),
            lifestyle=Lifestyle(sitting_hours=9, sleep_hours=7, current_activity="Walks the dog twice a day",
                                goals=(Goal("Sit through a long-haul flight", today + timedelta(days=120)),)),
            red_flag_notes="Screened: none reported.",
            provocation={"standing_flexion": ProvocationResult("provokes", side="left", location="low back"),
                         "slumped_sitting": ProvocationResult("provokes", side="left", location="low back"),
                         "prone_press_up": ProvocationResult("eases")},
            rom=RangeOfMotion(schober_cm=4.5, fingertip_floor_cm=18, hip_flexion_left=110, hip_flexion_right=105),
            endurance=EnduranceTimes(70 + 20 * (6 - severity), 40 + 10 * (6 - severity), 45, 43),
            questionnaires=Questionnaires(
                odi=(severity // 2,) * 10, rmdq=tuple(range(1, 2 * severity)),
                start_back_agree=(False, False, True, severity > 4, False, False, False, False),
                start_back_bothersomeness="moderately",
                psfs=(PsfsActivity("Sitting through a full work day", 10 - severity),),
            ),
        )  # fmt: skip

    signed = 0
    for days_ago, severity in ((42, 6), (7, 3)):
        record = assessments.start(session, client, trainer_id=trainer, assessed_on=today - timedelta(days=days_ago),
                                   today=today)  # fmt: skip
        record = assessments.save(session, record.id, record.version, visit(severity), today=today)
        latest = assessments.sign(session, record.id, record.version, trainer)
        signed += 1
    if findings(latest.data).referral.tier == "none":
        raise CheckFailed("the assessment no longer recommends a referral, so there would be no letter to make")
    referral = referrals.draft_from_assessment(session, latest.id, gp, created_by_id=trainer)
    program = programs.suggest_from_assessment(session, client, created_by_id=trainer)
    program = programs.activate(session, program.id, program.version, by_id=trainer)
    if not program.items:
        raise CheckFailed("the program suggested from the assessment has no exercises")
    return Studio(client, signed, referral.id, program.id, len(program.items))


# --- the documents ------------------------------------------------------------------------


def document_requests(studio: Studio | None) -> list[tuple[str, Any]]:
    """(name, Request) for every document Upright makes; None in place of a request when it
    needs the studio's client and there is none."""
    from studio.services import documents

    Request = documents.Request
    client = studio.client_id if studio else None

    def about_client(**kw):
        return Request(client_id=client, **kw) if studio else None

    named: list[tuple[str, Any]] = [
        ("handout", about_client(kind=documents.HANDOUT)),
        ("large-print handout", about_client(kind=documents.HANDOUT, large_print=True)),
        ("progress report for the client", about_client(kind=documents.PROGRESS, audience="client")),
        ("progress report for a clinician", about_client(kind=documents.PROGRESS, audience="clinician")),
        ("referral letter", Request(documents.LETTER, referral_id=studio.referral_id) if studio else None),
    ]
    named += [(f"questionnaire {code}", Request(documents.QUESTIONNAIRE, questionnaire=code))
              for code, _label in documents.QUESTIONNAIRES]  # fmt: skip
    return named


def check_pdf(content: bytes, pages: int) -> str:
    """Raise CheckFailed unless `content` is a whole PDF of `pages` pages; "N pages"."""
    if not content:
        raise CheckFailed("the PDF is empty")
    if not content.startswith(b"%PDF-"):
        raise CheckFailed(f"not a PDF: it starts {content[:8]!r}")
    if not content.rstrip().endswith(b"%%EOF"):
        raise CheckFailed("the PDF is cut short (no %%EOF at its end)")
    if pages < 1:
        raise CheckFailed(f"the renderer reported {pages} pages")
    found = len(_PAGE_OBJECT.findall(content))
    if found != pages:
        raise CheckFailed(f"the renderer reported {pages} pages, the PDF holds {found}")
    return f"{pages} page{'s' if pages != 1 else ''}, {len(content):,} bytes"


def _documents(report: _Report, database, studio: Studio | None) -> None:
    from reports import documents as reports_documents

    for name, request in document_requests(studio):
        if request is None or database is None:
            report.skip(name, "no studio to make it from")
            continue

        def make(request=request) -> str:
            with database.session_factory() as session:
                made = reports_documents.make(session, request)
            return check_pdf(made.content, made.pages)

        report.step(name, make)


# --- Qt -------------------------------------------------------------------------------------


def _platform_plugins() -> tuple[str | None, list[Path]]:
    """(the platform asked for in the environment or None, the platform plugin files Qt can see)."""
    from PySide6.QtCore import QCoreApplication, QLibraryInfo

    wanted = (os.environ.get("QT_QPA_PLATFORM") or "").split(";")[0].split(":")[0].strip() or None
    folders = [Path(p) for p in os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH", "").split(os.pathsep) if p]
    roots = [QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath), *QCoreApplication.libraryPaths()]
    roots += [p for p in os.environ.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p]
    folders += [Path(root) / "platforms" for root in roots if root]
    found = [f for folder in dict.fromkeys(folders) if folder.is_dir() for f in sorted(folder.iterdir()) if f.is_file()]
    return wanted, found


def _qt_application() -> str:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        wanted, plugins = _platform_plugins()
        if not plugins:
            raise CheckFailed("no Qt platform plugins found (the build left out the plugins/platforms folder)")
        names = sorted({re.sub(r"^(lib)?q", "", f.name.split(".")[0]) for f in plugins})
        if wanted is not None and wanted not in names:
            raise CheckFailed(f"no Qt platform plugin for {wanted!r} (QT_QPA_PLATFORM); found: {', '.join(names)}")
        app = QApplication(sys.argv[:1])
    return f"QApplication on the {app.platformName()!r} platform"


@contextmanager
def desk_settings_in(folder: Path) -> Iterator[None]:
    """This desk's options (window geometry, the page shown, the studio server…) read from and
    written to a file in `folder` instead of the desk's own settings."""
    from PySide6.QtCore import QSettings

    from ui import options

    path = str(folder / "settings.ini")
    saved = options.settings
    options.settings = lambda: QSettings(path, QSettings.Format.IniFormat)
    try:
        yield
    finally:
        options.settings = saved


@contextmanager
def no_questions(said: list[str]) -> Iterator[None]:
    """Messages and questions the window would show (a modal box would wait forever for nobody)
    noted in `said` instead, answered with Cancel."""
    from ui import messages

    names = ("inform", "warn", "confirm", "unsaved_changes")
    saved = {name: getattr(messages, name) for name in names}

    def note(kind: str, answer: Any = None):
        def noted(parent, title, text="", *args, **kwargs):
            said.append(f"{kind}: {title}: {text}")
            return answer

        return noted

    messages.inform, messages.warn = note("information"), note("warning")
    messages.confirm, messages.unsaved_changes = note("question", False), note("question", "cancel")
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(messages, name, value)


def _main_window(folder: Path, database) -> str:
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow
    from ui.tasks import SyncRunner

    said: list[str] = []
    with desk_settings_in(folder), no_questions(said):
        runner = SyncRunner()
        window = MainWindow(runner)
        runner.on_unhandled_error = lambda error: said.append(f"error: {_describe(error)}")
        try:
            window.restore_window_state()
            if database is not None:
                window.attach_database(database)
            QApplication.processEvents()
            if database is not None and (window.desk is None or window.clients_page is None):
                raise CheckFailed("the window did not open the studio's pages")
        finally:
            window.close()  # saves the window's state (to the temporary settings) and lets go of the database
            window.deleteLater()
            QApplication.processEvents()
    if said:
        raise CheckFailed("the window said: " + " | ".join(said))
    what = "built, opened the temporary database and closed" if database is not None else "built and closed"
    return f"{MainWindow.__name__} {what}"


def _icon() -> str:
    """The window's icon: every size drawn, read from the files the build shipped."""
    from ui.app import ICON_SIZES, app_icon

    icon = app_icon()
    drawn = {size.width() for size in icon.availableSizes() if not icon.pixmap(size).isNull()}
    if missing := [size for size in ICON_SIZES if size not in drawn]:
        raise CheckFailed(f"the Upright icon is missing at {', '.join(map(str, missing))} px")
    return f"{len(ICON_SIZES)} sizes, {min(ICON_SIZES)}–{max(ICON_SIZES)} px"


def _qt(report: _Report, folder: Path, database) -> None:
    if report.step("Qt", _qt_application):
        report.step("icon", _icon)
        report.step("main window", lambda: _main_window(folder, database))
    else:
        report.skip("icon", "no QApplication")
        report.skip("main window", "no QApplication")
