"""File ▸ Print this week's handouts for 100 clients, against plain ReportLab.

The studio is built through the services: 100 clients, each with a signed assessment (flexion,
extension or mixed intolerance, a different pain story each) and an active program of 7–9
exercises chosen from those the screening allows them (so the programs, and the handouts' page
counts, differ), and a session logged this week — the clients the batch dialog lists.

Timed: what the batch does for the week, without the printer — `documents.clients_seen` for
the week, then for each client the dialog's worker step (ui/documents/batch.py): in its own
transaction, `reports.documents.make_and_record(session, Request(HANDOUT, client, program),
handed=BATCH)`, which reads the program, renders the handout and records it in the client's
Documents list.

The baseline is `benchmarks.handout`'s: plain ReportLab (a `SimpleDocTemplate` of running
paragraphs, same font, no figures, tables or page decorations) holding a handout's own text
over the same number of pages — for each of the 100 handouts, one plain document of its page
count. Both in CPU time, alternately, medians compared.
"""

from __future__ import annotations

import random
import statistics
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from benchmarks.figures import Figure
from benchmarks.studio_files import save_profile

CLIENTS = 100
BUDGET = 2.0

FIRST = ("Ana", "Bilal", "Chiara", "Dmitri", "Eilidh", "Farah", "Gunnar", "Hana", "Ifeoma", "Jonas", "Keiko", "Lars",
         "Mei", "Nikos", "Oona", "Pedro", "Qing", "Rosa", "Søren", "Tanvi", "Ugo", "Vera", "Wen", "Yusuf", "Zofia")  # fmt: skip
LAST = ("López", "Ahmed", "Rossi", "Volkov", "MacLeod", "Haddad", "Håkansson", "Nováková", "Okafor", "Weber",
        "Tanaka", "Lindqvist", "Chen", "Papadakis", "Virtanen", "Gonçalves", "Zhou", "Martín", "Østergaard", "Iyer")  # fmt: skip
PROVOKING = {
    "flexion": ("standing_flexion", "slumped_sitting", "sit_to_stand"),
    "extension": ("standing_extension", "prone_press_up", "prolonged_standing"),
    "mixed": ("standing_flexion", "standing_extension", "standing_rotation"),
}


@dataclass(frozen=True)
class BatchStudio:
    path: Path
    today: date
    clients: int


def build_studio(folder: Path, *, clients_n: int = CLIENTS, today: date | None = None, seed: int = 8) -> BatchStudio:
    """A studio file with `clients_n` clients seen this week, each with an active program."""
    from studio.clinical.assessment import AssessmentData, PainHistory, ProvocationResult, Questionnaires
    from studio.db import open_database
    from studio.services import assessments, clients, programs, staff

    today = today or date.today()
    monday = today - timedelta(days=today.weekday())
    rng = random.Random(seed)
    path = folder / "batch.sqlite"
    database = open_database(path, create=True)
    try:
        with database.session_factory.begin() as s:
            save_profile(s)
            trainers = [
                staff.create(s, staff.parse({"first_name": first, "last_name": last, "role": "trainer"})).id
                for first, last in (("Kai", "Berg"), ("Aoife", "Byrne"), ("Mateus", "Silva"))
            ]
        for n in range(clients_n):
            with database.session_factory.begin() as s:
                trainer = rng.choice(trainers)
                client = clients.create(s, clients.parse({
                    "first_name": FIRST[n % len(FIRST)], "last_name": f"{LAST[(n * 7) % len(LAST)]}-{n:03d}",
                    "trainer_id": trainer, "date_of_birth": f"{rng.randint(1950, 2000)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                }, today=today)).id  # fmt: skip
                profile = rng.choice(tuple(PROVOKING))
                provocation = {code: ProvocationResult("provokes") for code in PROVOKING[profile]}
                if profile == "flexion":
                    provocation["prone_press_up"] = ProvocationResult("eases")
                worst = rng.randint(3, 7)
                data = AssessmentData(
                    pain=PainHistory(nprs_now=max(worst - 2, 0), nprs_worst=worst, workup_status="complete_resolved",
                                     locations=("central_low_back",)),
                    provocation=provocation,
                    questionnaires=Questionnaires(odi=tuple(rng.randint(0, 3) for _ in range(10)),
                                                  rmdq=tuple(sorted(rng.sample(range(1, 25), rng.randint(2, 10))))),
                )  # fmt: skip
                record = assessments.start(s, client, trainer_id=trainer, assessed_on=today - timedelta(days=rng.randint(10, 60)),
                                           today=today)  # fmt: skip
                record = assessments.save(s, record.id, record.version, data, today=today)
                assessments.sign(s, record.id, record.version, trainer)
                allowed = [r.exercise.code for r in programs.screen_for_client(s, client) if r.allowed]
                program = programs.create_draft(s, client, title=f"Home program, {today:%B}", created_by_id=trainer,
                                                notes="Little and often: two short rounds a day beat one long one.")  # fmt: skip
                for code in rng.sample(allowed, min(len(allowed), rng.randint(7, 9))):
                    program = programs.add_item(s, program.id, program.version, code, by_id=trainer)
                program = programs.activate(s, program.id, program.version, by_id=trainer)
                entries = {item.id: _done(item) for item in program.items}
                logged = min(today, monday + timedelta(days=rng.randint(0, 6)))
                programs.log_session(s, client, program.id, logged, entries, trainer, today=today)
    finally:
        database.close()
    return BatchStudio(path, today, clients_n)


def _done(item):
    from studio.exercises import SessionEntry

    return SessionEntry(done=True, sets_done=item.sets, reps_done=item.reps, hold_done=item.hold_seconds,
                        pain_before=3, pain_after=3, pain_next_day=3, form_ok=True)  # fmt: skip


def run_batch(database, today: date) -> list:
    """The week's batch as the dialog runs it, minus the printer: the list, then one worker step
    (its own transaction) per client. Returns what was made."""
    from reports.documents import make_and_record
    from studio.services import documents
    from studio.services.documents import Request

    monday, sunday = documents.week_of(today)
    with database.session_factory.begin() as s:
        seen = documents.clients_seen(s, monday, sunday)
    made = []
    for client in seen:
        if client.program_id is None:
            continue
        request = Request(documents.HANDOUT, client_id=client.client_id, program_id=client.program_id)
        with database.session_factory.begin() as s:
            made.append(make_and_record(s, request, handed=documents.BATCH, today=today)[0])
    return made


def _baselines(made: list) -> list[list[str]]:
    """For each handout, the plain story of its page count (one story per page count, from the
    first handout with that count, through benchmarks.handout)."""
    from benchmarks.handout import _plain_pdf, full_pages, page_texts

    stories: dict[int, list[str]] = {}
    for document in made:
        if document.pages not in stories:
            stories[document.pages] = full_pages(page_texts(document.content), document.pages)
            plain_pages = _plain_pdf(stories[document.pages])[1]
            if plain_pages != document.pages:
                raise RuntimeError(f"the baseline made {plain_pages} pages, the handout {document.pages}")
    return [stories[document.pages] for document in made]


def measure(runs: int = 3, clients_n: int = CLIENTS) -> Figure:
    from benchmarks.handout import _cpu, _plain_pdf
    from studio.db import open_database

    with tempfile.TemporaryDirectory(prefix="upright-batch-") as folder:
        studio = build_studio(Path(folder), clients_n=clients_n)
        database = open_database(studio.path)
        try:
            made = run_batch(database, studio.today)  # warms fonts, figures, styles and imports
            if len(made) != clients_n:
                raise RuntimeError(f"the batch made {len(made)} handouts for {clients_n} clients")
            plain = _baselines(made)
            batch_times, plain_times = [], []
            for _ in range(runs):
                batch_times.append(_cpu(lambda: run_batch(database, studio.today)))
                plain_times.append(_cpu(lambda: [_plain_pdf(story) for story in plain]))
        finally:
            database.close()
    pages = Counter(document.pages for document in made)
    value, baseline = statistics.median(batch_times), statistics.median(plain_times)
    spread = ", ".join(f"{count}×{n} pages" for n, count in sorted(pages.items()))
    return Figure(
        "handout_batch",
        value,
        "s",
        baseline,
        BUDGET,
        "ratio",
        f"{len(made)} handouts ({spread}; {sum(d.pages for d in made)} pages), {value / len(made) * 1000:.0f} ms each "
        f"vs {baseline / len(made) * 1000:.0f} ms plain; list, read, render and record, CPU median of {runs}",
    )


def profile(clients_n: int = CLIENTS) -> str:
    """One batch of `clients_n` handouts under cProfile."""
    from benchmarks import profiles
    from studio.db import open_database

    with tempfile.TemporaryDirectory(prefix="upright-batch-") as folder:
        studio = build_studio(Path(folder), clients_n=clients_n)
        database = open_database(studio.path)
        try:
            run_batch(database, studio.today)  # warm, as measured
            return profiles.run(lambda: run_batch(database, studio.today), "handout_batch",
                                f"handout_batch: {clients_n} handouts")  # fmt: skip
        finally:
            database.close()
