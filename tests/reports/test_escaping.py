"""Any text a user can type builds every document and reads back as typed (DESIGN.md section 4)."""

from __future__ import annotations

import dataclasses
import io
import unicodedata
from datetime import date

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from reports import fonts, handout, pages, progress_report, questionnaires, styles
from studio.exercises import by_code, load_library
from studio.services import handouts
from studio.services.assessments import TrendPoint
from studio.services.handouts import Attendance, ComparisonRow, HandoutData, Letterhead, ProgressData

TRICKY = ["<b>", "&", "<img src=x>", "</para>", "&amp;", "&#60;", "<font size=80>", "Zoë Łukasiewicz-Ødegård",
          "Ελληνικά", "Кириллица", "a\nb", "x" * 400, "“quotes” — dash"]  # fmt: skip

# Printable text: letters, digits, punctuation, symbols and spaces, plus line breaks. Format
# characters (soft hyphen, zero-width joiners) and combining marks are invisible or reorder by
# design, so they must build but are not expected to read back.
typed = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(categories=("L", "N", "P", "S", "Zs", "Cc", "Cf", "Mn")), max_size=120),
    st.lists(st.sampled_from(TRICKY), min_size=1, max_size=4).map(" ".join),
    st.text(st.characters(categories=("L", "N", "P", "S", "Zs")), min_size=300, max_size=3000),
)


def readable(s: str) -> str:
    """The characters expected back from the PDF: what DejaVu covers in the Basic Multilingual
    Plane, without whitespace."""
    keep = []
    for ch in styles.clean(s):
        if ch.isspace() or unicodedata.category(ch) in ("Cf", "Mn", "Mc", "Me", "Zl", "Zp") or not fonts.covers(ch):
            continue
        if ord(ch) > 0xFFFF:  # pypdf cannot read back astral characters (odd-length ToUnicode hex)
            continue
        keep.append(ch)
    return "".join(keep)


def squeezed(raw: bytes) -> str:
    return "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages).split())


def story_text(raw: bytes, *, banner: str | None = None) -> str:
    """The text printed between the margins, page after page, without whitespace: the running
    header, the `banner` line and the footer are left out, because they sit between the two
    halves of a paragraph that breaks across pages and would hide that it printed whole."""
    pieces: list[str] = []
    for number, page in enumerate(PdfReader(io.BytesIO(raw)).pages):
        top = float(page.mediabox.height) - pages.MARGIN - (pages.HEADER_SPACE if number else 0)

        def inside(chunk, cm, tm, _font, _size, top=top):
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]  # the baseline, in page space
            if pages.MARGIN - 0.5 <= y <= top and chunk.strip() != banner:
                pieces.append(chunk)

        page.extract_text(visitor_text=inside)
    return "".join("".join(pieces).split())


RIGHT_TO_LEFT = ("R", "AL", "AN")


def reads_back(value: str, raw: bytes, *, banner: str | None = None) -> bool:
    """Whether the value's readable characters appear, in order, in the text the pages print
    (page decorations left out, see story_text). Text with right-to-left characters must build,
    but pypdf reorders it on extraction (bidi), so for it only the build is checked."""
    if any(unicodedata.bidirectional(ch) in RIGHT_TO_LEFT for ch in value):
        return True
    want = readable(value)
    got = readable(story_text(raw, banner=banner))  # a glyph DejaVu lacks may still extract as something
    return want in got


_EXERCISE = by_code(load_library())["bird_dog"]


def _handout(name: str, notes: str, studio: str) -> HandoutData:
    from studio.figures import pose_figures

    ex = handouts.HandoutExercise(
        position=1, code="bird_dog", name=_EXERCISE.name, side="left", sided=True, setup=_EXERCISE.setup,
        steps=_EXERCISE.steps, cues=_EXERCISE.cues, notes=notes, sets=2, reps=6, hold_seconds=8, rest_seconds=None,
        times_per_day=1, days_per_week=5, load=notes[:40] or None, dose=(("Sets × reps", "2 × 6"), ("Load", notes[:40] or "—")),
        dose_summary="2×6", figures=pose_figures([_EXERCISE.poses["start"], _EXERCISE.poses["end"]], 160, 120),
    )  # fmt: skip
    return HandoutData(
        letterhead=Letterhead(name=studio, address=notes[:500], phone=name[:40]), paper="a4", large_print=False,
        program_id=1, program_title=name, program_notes=notes, client_name=name, prepared_on=date(2026, 3, 2),
        trainer_name=name, trainer_phone=None, exercises=(ex,), advice=handouts.advice_for({"flexion": "likely"}),
        advice_from_profile=True, stop_if=handouts.STOP_IF, red_flag_text=handouts.RED_FLAG_TEXT,
        red_flag_action=handouts.RED_FLAG_ACTION, cleared=False, banner=handouts.NOT_CLEARED, gate_reasons=(notes,),
    )  # fmt: skip


def _progress(name: str, notes: str, studio: str) -> ProgressData:
    return ProgressData(
        letterhead=Letterhead(name=studio), paper="letter", audience="clinician", client_name=name,
        date_of_birth=date(1970, 1, 1), prepared_on=date(2026, 3, 2), trainer_name=name,
        trend=(TrendPoint(date(2026, 1, 1), 6, 40.0, 10), TrendPoint(date(2026, 2, 1), 4, 30.0, 7)),
        latest_on=date(2026, 2, 1), previous_on=date(2026, 1, 1),
        comparison=(ComparisonRow("Pain now (NPRS)", "nprs", "6", "4", "−2", True, True, "Improved — important change"),),
        bands=(), endurance_then_on=None, endurance_now_on=None, endurance=(),
        program_changes=(handouts.ProgramChangeLine(date(2026, 2, 2), name, "Added Bird dog", notes, name),),
        attendance=Attendance(3, date(2026, 1, 5), date(2026, 2, 20), 0.5, ((date(2026, 2, 16), 1),)),
        profile=(("flexion", "likely"),), red_flags=(), notes=notes,
    )  # fmt: skip


def _build(render, data) -> bytes:
    out = io.BytesIO()
    render(data, out)
    return out.getvalue()


# What DESIGN.md promises prints everywhere: Latin with accents, Greek, Cyrillic, and markup.
READABLE = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x04FF, categories=("L", "N", "P", "S", "Zs")), max_size=300),
    st.lists(st.sampled_from(TRICKY), min_size=1, max_size=4).map(" ".join),
)
EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    phases=[Phase.explicit, Phase.reuse, Phase.generate])  # fmt: skip


def _documents(name: str, notes: str, studio: str) -> dict[str, bytes]:
    out = io.BytesIO()
    questionnaires.render("rmdq", out, studio_name=studio)
    return {
        "handout": _build(handout.render, _handout(name, notes, studio)),
        "progress report": _build(progress_report.render, _progress(name, notes, studio)),
        "questionnaire": out.getvalue(),
    }


# Each example builds three PDFs, so shrinking a failure would take minutes: report it unshrunk.
@EXAMPLES
@given(name=typed.map(lambda s: s[:100]), notes=typed, studio=typed.map(lambda s: s[:200]))
def test_any_typed_text_builds_every_document(name, notes, studio):
    """Any Unicode at all, control and format characters included: every document builds. (Glyphs
    DejaVu lacks print as boxes, and pypdf's extraction of mixed scripts is not a faithful check.)"""
    for document, raw in _documents(name, notes, studio).items():
        assert raw.startswith(b"%PDF") and PdfReader(io.BytesIO(raw)).pages, document


@EXAMPLES
@given(name=READABLE.map(lambda s: s[:100]), notes=READABLE, studio=READABLE.map(lambda s: s[:200]))
@example(name="x" * 100, notes=" ".join(["x" * 400] * 2), studio="Studio")  # the note breaks across pages
def test_accented_greek_cyrillic_and_markup_read_back_as_typed(name, notes, studio):
    documents = _documents(name, notes, studio)
    banners = {"handout": handouts.NOT_CLEARED, "progress report": None}
    for document in ("handout", "progress report"):
        for field, value in (("name", name), ("notes", notes), ("studio", studio)):
            assert reads_back(value, documents[document], banner=banners[document]), f"{field} does not read back from the {document}"
    assert reads_back(studio, documents["questionnaire"]), "studio does not read back from the questionnaire"


def _unbroken_word(length: int, start: int = 0) -> str:
    """One long "word" that never repeats a stretch, so finding it proves its order too."""
    return "".join(f"{i:05d}" for i in range(start, start + length // 5 + 1))[:length]


def _page_of(raw: bytes, piece: str) -> int:
    found = [i for i, page in enumerate(PdfReader(io.BytesIO(raw)).pages) if piece in "".join(page.extract_text().split())]
    assert len(found) == 1, (piece, found)
    return found[0]


def test_a_note_with_a_long_unbroken_word_breaking_across_pages_reads_back_whole_from_the_progress_report():
    note = "Note: " + _unbroken_word(6000) + " the end"
    data = dataclasses.replace(
        _progress("Ana Silva", "short", "Core Studio"),
        notes=note,
        program_changes=(handouts.ProgramChangeLine(date(2026, 2, 2), "Home", "Added Bird dog", "Easy at 10 reps", "Kai"),),
    )
    raw = _build(progress_report.render, data)
    assert _page_of(raw, "Notes:Note:0000000001") < _page_of(raw, "theend")  # it does break across pages
    assert readable(note) not in squeezed(raw)  # the running header and footer sit between the halves
    assert reads_back(note, raw)  # …and without them, every character is there, in order


def test_a_long_program_change_reason_prints_whole_in_the_progress_report():
    long_reason = " ".join(f"reason{i}" for i in range(400)) + " " + _unbroken_word(900)  # ~4,000 characters
    longer_than_a_page = _unbroken_word(9000, start=50000)
    data = dataclasses.replace(
        _progress("Ana Silva", "short", "Core Studio"),
        notes=None,
        program_changes=(
            handouts.ProgramChangeLine(date(2026, 2, 2), "Home", "Added Bird dog", long_reason, "Kai"),
            handouts.ProgramChangeLine(date(2026, 2, 9), "Home", "Progressed Bird dog", longer_than_a_page, "Kai"),
        ),
    )
    raw = _build(progress_report.render, data)
    assert "…" not in "".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages)
    assert _page_of(raw, longer_than_a_page[:20]) < _page_of(raw, longer_than_a_page[-20:])  # the row breaks across pages
    printed = readable(story_text(raw).replace("DateChangeReason", ""))  # the table head repeats on each page
    assert readable(long_reason) in printed and readable(longer_than_a_page) in printed


def test_markup_prints_as_typed_and_nothing_is_fetched():
    raw = _build(handout.render, _handout("<b>Ana</b> & <img src=x>", "Line one\nLine <two> & three", "A&B <Studio>"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages)
    assert "<b>Ana</b> & <img src=x>" in text and "A&B <Studio>" in text
    assert "Line one" in text and "Line <two> & three" in text


def test_text_helper():
    assert styles.text("<b>&</b>\nnext") == "&lt;b&gt;&amp;&lt;/b&gt;<br/>next"
    assert styles.text(None) == "" and styles.text("a\r\nb\rc") == "a<br/>b<br/>c"
    assert styles.text("bell\x07 nul\x00") == "bell nul"


def test_replace_keeps_the_dataclasses_frozen():
    data = _handout("A", "B", "C")
    assert dataclasses.is_dataclass(data)
    try:
        data.client_name = "X"  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:  # pragma: no cover
        raise AssertionError("HandoutData must be frozen")
