"""Blank questionnaires for the waiting room: ODI, RMDQ, STarT Back and PSFS.

    reports.questionnaires.render("odi", "odi.pdf", paper="letter", studio_name="Core Studio")

Copyright: the product ships no licensed statement texts (studio.clinical.measures). The RMDQ
and ODI forms print numbered tick boxes with the lead-in and a note that the studio's licensed
form lists the statements; STarT Back prints the product's paraphrased item labels, marked as
such; the PSFS instructions are the product's own words. Every form carries its attribution.
"""

from __future__ import annotations

import os
from typing import IO, Final

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from reports import pages, styles
from reports.styles import Styles, text
from studio.clinical import measures
from studio.services.handouts import Letterhead

KINDS: Final = ("odi", "rmdq", "startback", "psfs")
TITLES: Final = {
    "odi": "Oswestry Disability Index",
    "rmdq": "Roland-Morris Disability Questionnaire",
    "startback": "STarT Back Screening Tool",
    "psfs": "Patient-Specific Functional Scale",
}
_ATTRIBUTION_KEY: Final = {"odi": "odi", "rmdq": "rmdq", "startback": "start_back", "psfs": "psfs"}
BOX: Final = "☐"
LICENSED_NOTE: Final = (
    "The statements are printed on the studio’s licensed form; ask at the desk for it and mark "
    "your answers here by number."
)


def _name_date(st: Styles, width: float) -> Table:
    rows = [[Paragraph("Name", st.label), Paragraph("Date", st.label)], ["", ""]]
    table = Table(rows, colWidths=[width * 0.68, width * 0.32], rowHeights=[None, 22], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 1), (0, 1), 0.8, styles.INK),
                ("LINEBELOW", (1, 1), (1, 1), 0.8, styles.INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), 18),
                ("RIGHTPADDING", (1, 0), (1, -1), 0),
            ]
        )
    )
    return table


def _head(kind: str, st: Styles, width: float, intro: str) -> list[Flowable]:
    return [Paragraph(text(TITLES[kind]), st.title), Spacer(1, 6), _name_date(st, width), Spacer(1, 12), Paragraph(intro, st.body), Spacer(1, 6)]


def _boxes(count: int, st: Styles, start: int = 0) -> Paragraph:
    return Paragraph("&nbsp;&nbsp;&nbsp;".join(f"{BOX}&nbsp;{i}" for i in range(start, start + count)), st.cell)


def odi(st: Styles, width: float) -> list[Flowable]:
    out = _head(
        "odi",
        st,
        width,
        "This questionnaire asks how your back or leg pain affects your ability to manage in everyday "
        "life. For each of the ten sections, tick the <b>one</b> statement number (0 to 5) that best "
        "describes you today. " + text(LICENSED_NOTE),
    )
    rows = [[Paragraph("<b>Section</b>", st.cell), Paragraph("<b>Statement that applies (tick one)</b>", st.cell)]]
    for i, section in enumerate(measures.ODI_SECTIONS, 1):
        rows.append([Paragraph(f"{i}. {text(section.capitalize())}", st.cell_bold), _boxes(6, st)])
    table = Table(rows, colWidths=[width * 0.36, width * 0.64], rowHeights=[None] + [30] * len(measures.ODI_SECTIONS), hAlign="LEFT")
    table.setStyle(TableStyle(styles.grid_style(1, zebra=True)))
    out.append(table)
    out.append(Spacer(1, 10))
    out.append(Paragraph("For the studio: score = sum of the answered sections ÷ (5 × sections answered) × 100%.", st.fine))
    return out


def rmdq(st: Styles, width: float) -> list[Flowable]:
    out = _head(
        "rmdq",
        st,
        width,
        "When your back hurts, you may find it difficult to do some of the things you normally do. "
        + text(measures.RMDQ_LEAD_IN)
        + " "
        + text(LICENSED_NOTE),
    )
    per_row = 6
    rows = []
    numbers = list(measures.RMDQ_ITEMS)
    for r in range(0, len(numbers), per_row):
        rows.append([Paragraph(f"<font size='{st.size * 1.4:.0f}'>{BOX}</font>&nbsp;&nbsp;<b>{n}</b>", st.cell) for n in numbers[r : r + per_row]])
    table = Table(rows, colWidths=[width / per_row] * per_row, rowHeights=[40] * len(rows), hAlign="LEFT")
    table.setStyle(TableStyle(styles.grid_style(0) + [("LEFTPADDING", (0, 0), (-1, -1), 14)]))
    out += [table, Spacer(1, 12), Paragraph("Number of statements ticked: ________ of 24", st.body)]
    return out


def startback(st: Styles, width: float) -> list[Flowable]:
    out = _head(
        "startback",
        st,
        width,
        f"Thinking about {text(measures.START_BACK_PERIOD)}, tick your response to each of the following. "
        "The wording below is a short summary of each item; the studio’s licensed form gives the full text.",
    )
    rows = [[Paragraph("<b>Item</b>", st.cell), Paragraph("<b>Disagree</b>", st.cell_centre), Paragraph("<b>Agree</b>", st.cell_centre)]]
    for i, item in enumerate(measures.START_BACK_ITEMS[:8], 1):
        rows.append([Paragraph(f"{i}. {text(item)}", st.cell), Paragraph(BOX, st.cell_centre), Paragraph(BOX, st.cell_centre)])
    table = Table(rows, colWidths=[width * 0.7, width * 0.15, width * 0.15], hAlign="LEFT")
    table.setStyle(TableStyle(styles.grid_style(1, zebra=True)))
    out.append(table)
    out.append(Spacer(1, 12))
    options = measures.START_BACK_BOTHERSOMENESS
    head9 = Paragraph(f"9. {text(measures.START_BACK_ITEMS[8])} in {text(measures.START_BACK_PERIOD)}:", st.body_bold)
    row = [[Paragraph(f"{BOX}<br/>{text(o.capitalize())}", st.cell_centre) for o in options]]
    t9 = Table(row, colWidths=[width / len(options)] * len(options), hAlign="LEFT")
    t9.setStyle(TableStyle(styles.grid_style(0)))
    out.append(KeepTogether([head9, t9]))
    return out


def psfs(st: Styles, width: float) -> list[Flowable]:
    lo, hi = measures.PSFS_ANCHORS[0], measures.PSFS_ANCHORS[10]
    out = _head(
        "psfs",
        st,
        width,
        f"List up to {measures.PSFS_MAX_ACTIVITIES} important activities that you are unable to do, or "
        "have difficulty with, because of your back. For each one, circle how well you can do it today: "
        f"<b>0</b> = {text(lo)}, <b>10</b> = {text(hi)}.",
    )
    scale = "&nbsp;&nbsp;".join(str(n) for n in range(11))
    rows = [[Paragraph("<b>Activity</b>", st.cell), Paragraph("<b>Today (circle one)</b>", st.cell_centre)]]
    for i in range(1, measures.PSFS_MAX_ACTIVITIES + 1):
        rows.append([Paragraph(f"{i}.", st.cell), Paragraph(scale, st.cell_centre)])
    table = Table(rows, colWidths=[width * 0.45, width * 0.55], rowHeights=[None] + [44] * measures.PSFS_MAX_ACTIVITIES, hAlign="LEFT")
    table.setStyle(TableStyle(styles.grid_style(1) + [("VALIGN", (0, 1), (0, -1), "TOP")]))
    out += [table, Spacer(1, 10), Paragraph("For the studio: score = mean of the ratings.", st.fine)]
    return out


SECTIONS: Final = {"odi": odi, "rmdq": rmdq, "startback": startback, "psfs": psfs}


def render(kind: str, out: str | os.PathLike | IO[bytes], *, paper: str = "a4", studio_name: str | None = None) -> int:
    """Build the blank questionnaire `kind` (odi | rmdq | startback | psfs) into `out`."""
    if kind not in SECTIONS:
        raise ValueError(f"unknown questionnaire {kind!r}; expected one of: {', '.join(KINDS)}")
    st = styles.stylesheet()
    width = pages.frame_width(paper)
    story = SECTIONS[kind](st, width)
    story += [Spacer(1, 16), Paragraph(text(measures.ATTRIBUTION[_ATTRIBUTION_KEY[kind]]), st.fine)]
    story.append(Paragraph("Please hand this form back at the desk. Thank you.", st.fine))
    return pages.build(
        out,
        story,
        paper=paper,
        title=TITLES[kind],
        letterhead=Letterhead(name=studio_name) if studio_name else None,
        footer_note=TITLES[kind],
    )
