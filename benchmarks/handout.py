"""A home-program handout with 8 illustrated exercises, against plain ReportLab.

The handout's data is built the way the window builds it (the services on a temporary studio
database: a signed assessment, a program of 8 exercises from the library), then only the
rendering is timed: `reports.handout.render` into memory, letterhead, figures, dose tables,
boxes, tracking grid and "Page X of Y" included.

The baseline is what ReportLab needs for a plain document of the same number of pages: a
`SimpleDocTemplate` with the sample stylesheet (no figures, tables, page decorations or custom
canvas) holding the handout's own text as running paragraphs, in order and repeated, as much
as fills the same number of pages. It uses the same embedded font, so both pay for the same
glyphs. Also shown, not budgeted: the same text page for page (a page break wherever the
handout has one, so the pages are mostly empty), the cheapest document of that page count.

Both are timed alternately in CPU time (the process's own, so other work on a shared machine
counts less) and the medians compared.
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks.figures import Figure
from benchmarks.studio_files import save_profile

# Eight exercises, each with start and end figures: bracing, the Big 3, a bridge, hips, a hinge, walking.
CODES = (
    "abdominal_brace_lying", "mcgill_curl_up", "side_bridge_knees", "bird_dog",
    "glute_bridge", "clamshell", "wall_tap_hinge", "walking_brisk_15",
)  # fmt: skip
TODAY = date(2026, 3, 2)


def handout_data(folder: Path):
    """HandoutData for a client with a flexion-intolerant profile and an 8-exercise program,
    through the same services the Program tab uses."""
    from studio.clinical.assessment import AssessmentData, PainHistory, ProvocationResult
    from studio.db import open_database
    from studio.services import assessments, clients, handouts, programs, staff

    database = open_database(folder / "studio.sqlite", create=True)
    try:
        with database.session_factory.begin() as s:
            save_profile(s)
            trainer = staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer", "phone": "07700 900123"})).id
            client = clients.create(s, clients.parse({"first_name": "Zoë", "last_name": "Łukasiewicz-Ødegård", "trainer_id": trainer,
                                                      "date_of_birth": "1961-05-04"}, today=TODAY)).id  # fmt: skip
            data = AssessmentData(
                pain=PainHistory(nprs_now=5, nprs_worst=7, workup_status="complete_resolved"),
                provocation={"standing_flexion": ProvocationResult("provokes"), "slumped_sitting": ProvocationResult("provokes"),
                             "prone_press_up": ProvocationResult("eases")},
            )  # fmt: skip
            record = assessments.start(s, client, assessed_on=TODAY - timedelta(days=14), today=TODAY)
            record = assessments.save(s, record.id, record.version, data, today=TODAY)
            assessments.sign(s, record.id, record.version, trainer)
            program = programs.create_draft(s, client, title="Home program, March", created_by_id=trainer,
                                            notes="Little and often: two short rounds a day beat one long one.")  # fmt: skip
            for code in CODES:
                program = programs.add_item(s, program.id, program.version, code, override_reason="Chosen by the trainer")
            program = programs.activate(s, program.id, program.version, by_id=trainer)
        with database.session_factory() as s:
            result = handouts.handout_data(s, program.id, today=TODAY)
    finally:
        database.close()
    illustrated = sum(1 for ex in result.exercises if len(ex.figures) == 2)
    if illustrated != len(CODES):
        raise RuntimeError(f"expected {len(CODES)} exercises with start and end figures, got {illustrated}")
    return result


def render_handout(data) -> tuple[bytes, int]:
    from reports import handout

    out = io.BytesIO()
    pages = handout.render(data, out)
    return out.getvalue(), pages


def page_texts(content: bytes) -> list[list[str]]:
    from pypdf import PdfReader

    return [[line for line in page.extract_text().splitlines() if line.strip()] for page in PdfReader(io.BytesIO(content)).pages]


def paragraphs(lines: list[str], size: int = 240) -> list[str]:
    """A page's lines (many are table cells of a word or two) run together into paragraphs of
    about `size` characters, as running text."""
    out, current = [], ""
    for line in lines:
        current = f"{current} {line.strip()}".strip()
        if len(current) >= size:
            out.append(current)
            current = ""
    return out + ([current] if current else [])


def _plain_pdf(chunks: list[str], breaks_after: set[int] = frozenset()) -> tuple[bytes, int]:
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    from reports import fonts

    fonts.register()
    body = getSampleStyleSheet()["BodyText"].clone("plain", fontName=fonts.REGULAR)
    story = []
    for i, chunk in enumerate(chunks):
        story.append(Paragraph(escape(chunk), body))
        if i in breaks_after:
            story.append(PageBreak())
    out = io.BytesIO()
    doc = SimpleDocTemplate(out)
    doc.build(story)
    return out.getvalue(), doc.page


def full_pages(texts: list[list[str]], pages: int) -> list[str]:
    """The handout's text, in order and repeated, as much as fills `pages` pages of a plain
    document (the most paragraphs that still make exactly that many pages)."""
    chunks = [chunk for lines in texts for chunk in paragraphs(lines)]
    low, high = 1, len(chunks) * pages * 4
    while low < high:
        middle = (low + high + 1) // 2
        if _plain_pdf([chunks[i % len(chunks)] for i in range(middle)])[1] <= pages:
            low = middle
        else:
            high = middle - 1
    return [chunks[i % len(chunks)] for i in range(low)]


def page_for_page(texts: list[list[str]]) -> tuple[list[str], set[int]]:
    """The handout's text with a page break wherever the handout's pages end."""
    chunks: list[str] = []
    breaks: set[int] = set()
    for lines in texts:
        chunks += paragraphs(lines)
        breaks.add(len(chunks) - 1)
    breaks.discard(len(chunks) - 1)
    return chunks, breaks


def _cpu(action) -> float:
    start = time.process_time()
    action()
    return time.process_time() - start


def measure(runs: int = 9) -> Figure:
    with tempfile.TemporaryDirectory() as folder:
        data = handout_data(Path(folder))
    content, pages = render_handout(data)  # also warms fonts, styles and imports
    texts = page_texts(content)
    plain = full_pages(texts, pages)
    sparse, breaks = page_for_page(texts)
    for story, extra in ((plain, frozenset()), (sparse, breaks)):
        made = _plain_pdf(story, extra)[1]
        if made != pages:
            raise RuntimeError(f"a baseline made {made} pages, the handout {pages}")
    handout_times, plain_times, sparse_times = [], [], []
    for _ in range(runs):
        handout_times.append(_cpu(lambda: render_handout(data)))
        plain_times.append(_cpu(lambda: _plain_pdf(plain)))
        sparse_times.append(_cpu(lambda: _plain_pdf(sparse, breaks)))
    value, baseline = statistics.median(handout_times) * 1000, statistics.median(plain_times) * 1000
    sparse_ms = statistics.median(sparse_times) * 1000
    return Figure(
        "handout",
        value,
        "ms",
        baseline,
        2.0,
        "ratio",
        f"{len(data.exercises)} illustrated exercises on {pages} pages, CPU median of {runs}; baseline: plain "
        f"SimpleDocTemplate, the handout's text over {pages} full pages ({len(plain)} paragraphs); "
        f"page for page instead: {sparse_ms:.1f} ms, ratio {value / sparse_ms:.2f}",
    )
