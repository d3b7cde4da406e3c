"""The home-program handout: what the client takes home (DOMAIN.md section 6).

    data = studio.services.handouts.handout_data(session, program_id, large_print=False)
    reports.handout.render(data, "handout.pdf")      # or a binary file object

Sections, each a function of (data, styles, width) returning flowables: heading, clearance
warning, exercises, lifestyle advice, the "stop and contact us if" box, the red-flag box and
the weekly tracking grid. Black-and-white safe; large print scales every size and gives each
exercise the full width (about one per page).
"""

from __future__ import annotations

import os
from typing import IO

from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle

from reports import pages, styles
from reports.drawing import FigureRow
from reports.styles import Paragraph, Styles, text
from studio.services.assessments import day_label
from studio.services.handouts import HandoutData, HandoutExercise

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SIDE_WORDS = {"left": "left side", "right": "right side", "both": "both sides"}


def _info_table(rows: list[tuple[str, str]], st: Styles, width: float) -> Table:
    """Label-over-value cells side by side (client, date, trainer)."""
    cells = [[Paragraph(text(label).upper(), st.label), Paragraph(value, st.body_bold)] for label, value in rows]
    widths = [width * 0.46] + [width * 0.54 / (len(rows) - 1)] * (len(rows) - 1) if len(rows) > 1 else [width]
    table = Table([cells], colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def heading(data: HandoutData, st: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [Paragraph("Your home exercise program", st.title)]
    if data.program_title:
        story.append(Paragraph(text(data.program_title), st.subtitle))
    story.append(Spacer(1, 6))
    story.append(
        _info_table(
            [
                ("Prepared for", text(styles.plain(data.client_name))),
                ("Date", text(day_label(data.prepared_on))),
                ("Your trainer", text(styles.plain(data.trainer_name) or "—")),
            ],
            st,
            width,
        )
    )
    story.append(Spacer(1, 10))
    if data.program_notes:
        story.append(styles.box(None, [Paragraph("<b>Notes from your trainer:</b> " + text(data.program_notes), st.body)], st, width))
        story.append(Spacer(1, 8))
    return story


def not_cleared(data: HandoutData, st: Styles, width: float) -> list[Flowable]:
    if data.cleared:
        return []
    body = [
        Paragraph(
            "<b>Do not start these exercises yet.</b> A doctor needs to see you first, and we need to hear "
            "that you are cleared for exercise before you train on this program.",
            st.body,
        )
    ]
    body += [Paragraph(text(reason), st.small) for reason in data.gate_reasons]
    return [styles.box("Not cleared for training", body, st, width, heavy=True, inverse_title=True), Spacer(1, 10)]


def _dose_table(ex: HandoutExercise, st: Styles, width: float) -> Table:
    rows = [[Paragraph(text(label), st.cell_small), Paragraph(text(value), st.cell_bold)] for label, value in ex.dose]
    if not rows:
        rows = [[Paragraph("Dose", st.cell_small), Paragraph("As shown by your trainer", st.cell)]]
    label_w = min(width * 0.42, 80 * (1.3 if st.large_print else 1))
    table = Table(rows, colWidths=[label_w, width - label_w], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -2), 0.5, styles.LIGHT),
                ("BOX", (0, 0), (-1, -1), 0.8, styles.RULE),
                ("BACKGROUND", (0, 0), (0, -1), styles.PALE),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 3.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4.5),
            ]
        )
    )
    return table


def _how_to(ex: HandoutExercise, st: Styles) -> list[Flowable]:
    out: list[Flowable] = []
    if ex.setup:
        out.append(Paragraph("<b>Set up.</b> " + text(ex.setup), st.body))
    if ex.steps:
        out.append(Paragraph("How to do it", st.box_title))
        out += [Paragraph(text(step), st.bullet, bulletText=f"{i}.") for i, step in enumerate(ex.steps, 1)]
    return out


def _cues(ex: HandoutExercise, st: Styles) -> list[Flowable]:
    out: list[Flowable] = []
    if ex.cues:
        out.append(Paragraph("Remember", st.box_title))
        out += styles.bullets(ex.cues, st)
    return out


def _item_note(ex: HandoutExercise, st: Styles) -> list[Flowable]:
    """The trainer's note on this exercise, full width below it (a long note may break pages)."""
    if not ex.notes:
        return []
    return [Spacer(1, 4), Paragraph("<b>Note from your trainer:</b> " + text(ex.notes), st.body)]


def _plain_table(rows, widths, *, gap: float = 0) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), gap),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def exercise_block(ex: HandoutExercise, st: Styles, width: float) -> Flowable:
    """One exercise: a numbered name bar, start → end figures with the dose beside them (below
    them in large print), then the steps and the cues."""
    side = SIDE_WORDS.get(ex.side or "", "")
    title = f"{ex.position}.&nbsp;&nbsp;{text(ex.name)}"
    if side and ex.side in ("left", "right"):
        title += f"&nbsp;&nbsp;<font size='{st.size * 0.85:.1f}'>({side})</font>"
    bar = Table([[Paragraph(title, st.h2)]], colWidths=[width], hAlign="LEFT")
    bar.setStyle(
        TableStyle(
            [
                ("LINEABOVE", (0, 0), (-1, 0), 1.6, styles.INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    parts: list[Flowable] = [bar, Spacer(1, 2)]
    gap = 14
    if st.large_print:
        if ex.figures:
            parts += [FigureRow(ex.figures, 150, labels=("Start", "Finish")), Spacer(1, 8)]
        parts += [_dose_table(ex, st, min(width, 330)), Spacer(1, 8)]
        parts += _how_to(ex, st)
        parts += [Spacer(1, 4)] + _cues(ex, st)
    else:
        fig_h = 88.0
        figure = FigureRow(ex.figures, fig_h, labels=("Start", "Finish")) if ex.figures else None
        fig_w = figure.width if figure else 0
        dose_w = width - fig_w - gap if figure else width * 0.5
        if figure:
            parts.append(_plain_table([[figure, _dose_table(ex, st, dose_w)]], [fig_w + gap, dose_w]))
        else:
            parts.append(_dose_table(ex, st, dose_w))
        parts.append(Spacer(1, 6))
        left_w = width * 0.56
        parts.append(_plain_table([[_how_to(ex, st), _cues(ex, st)]], [left_w, width - left_w], gap=16))
    parts += _item_note(ex, st)
    parts.append(Spacer(1, 14 if st.large_print else 10))
    return KeepTogether(parts)


def exercises(data: HandoutData, st: Styles, width: float) -> list[Flowable]:
    head: list[Flowable] = [Paragraph("Your exercises", st.h1)]
    if not data.exercises:
        return [*head, Paragraph("No exercises are in this program yet.", st.body)]
    head.append(
        Paragraph(
            "Move slowly and breathe normally. Mild discomfort that settles is fine; "
            "stop if your symptoms spread or keep building (see the box at the end).",
            st.small,
        )
    )
    head.append(Spacer(1, 6))
    blocks = [exercise_block(ex, st, width) for ex in data.exercises]
    # The heading never stands alone. Its parts join the first block's own KeepTogether: a
    # KeepTogether inside another reports an endless height and would push both to page 2.
    return [KeepTogether([*head, *blocks[0]._content]), *blocks[1:]]


def advice(data: HandoutData, st: Styles, width: float) -> list[Flowable]:
    lead = (
        "Based on what we observed at your assessment:" if data.advice_from_profile else "Everyday habits that help your back:"
    )
    return [Paragraph("Everyday advice", st.h1), Paragraph(lead, st.body), *styles.bullets(data.advice, st), Spacer(1, 10)]


def safety_boxes(data: HandoutData, st: Styles, width: float) -> list[Flowable]:
    contact = data.letterhead.phone
    stop_body: list[Flowable] = styles.bullets(data.stop_if, st)
    call = []
    if contact:
        call.append("the studio on <b>" + text(contact) + "</b>")
    if data.trainer_phone and data.trainer_phone != contact:
        call.append("your trainer on <b>" + text(data.trainer_phone) + "</b>")
    if call:
        stop_body.append(Paragraph("Call " + " or ".join(call) + ".", st.body))
    stop = styles.box("Stop and contact us if", stop_body, st, width)
    red = styles.box(
        "Warning signs: get help the same day",
        [Paragraph(text(data.red_flag_text), st.body_bold), Paragraph(text(data.red_flag_action), st.body)],
        st,
        width,
        heavy=True,
        inverse_title=True,
    )
    return [KeepTogether([stop, Spacer(1, 10), red])]


def tracking_grid(data: HandoutData, st: Styles, width: float) -> list[Flowable]:
    """Days × exercises, one small box per time a day in each cell, and a daily 0–10 pain row."""
    cell_h = 30 if st.large_print else 27
    name_w = width * (0.36 if st.large_print else 0.34)
    day_w = (width - name_w) / len(DAYS)
    header = [Paragraph("<b>Exercise</b>", st.cell)] + [Paragraph(f"<b>{d}</b>", st.cell_centre) for d in DAYS]
    rows = [header]
    for ex in data.exercises:
        label = f"<b>{ex.position}. {text(ex.name)}</b>"
        if ex.dose_summary:
            label += f"<br/><font size='{st.cell_small.fontSize}'>{text(ex.dose_summary)}</font>"
        boxes = "☐ " * max(1, min(ex.times_per_day or 1, 4))
        rows.append([Paragraph(label, st.cell)] + [Paragraph(f"<font color='#9a9a9a'>{boxes.strip()}</font>", st.cell_centre)] * len(DAYS))
    rows.append([Paragraph("<b>Pain today (0–10)</b>", st.cell)] + [""] * len(DAYS))
    rows.append([Paragraph("Notes", st.cell)] + [""] * len(DAYS))
    heights: list[float | None] = [None]
    for row in rows[1:-2]:
        _w, needed = row[0].wrap(name_w - 10, 10_000)
        heights.append(max(cell_h, needed + 9))
    heights += [cell_h + 6, cell_h + 14]
    table = Table(rows, colWidths=[name_w] + [day_w] * len(DAYS), rowHeights=heights, repeatRows=1, hAlign="LEFT")
    commands = styles.grid_style(1)
    pain_row = len(rows) - 2
    commands += [
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("LINEABOVE", (0, pain_row), (-1, pain_row), 1.2, styles.INK),
        ("BACKGROUND", (0, pain_row), (0, pain_row), styles.PALE),
        ("VALIGN", (0, -1), (-1, -1), "TOP"),
    ]
    table.setStyle(TableStyle(commands))
    intro = Paragraph(
        "Tick a box each time you do an exercise. At the end of each day, write down your pain from "
        "0 (no pain) to 10 (worst pain imaginable). Bring this sheet to your next session.",
        st.body,
    )
    week = Paragraph("Week starting: ______________________", st.body)
    return [Paragraph("Weekly tracking", st.h1), intro, Spacer(1, 2), week, Spacer(1, 6), table]


def story(data: HandoutData) -> list[Flowable]:
    st = styles.stylesheet(data.large_print)
    width = pages.frame_width(data.paper)
    out: list[Flowable] = []
    for section in (heading, not_cleared, exercises, advice, safety_boxes):
        out += section(data, st, width)
    out.append(PageBreak())
    out += tracking_grid(data, st, width)
    return out


def render(data: HandoutData, out: str | os.PathLike | IO[bytes]) -> int:
    """Build the handout PDF into `out` (a path or a binary file object)."""
    return pages.build(
        out,
        story(data),
        paper=data.paper,
        title="Home exercise program",
        letterhead=data.letterhead,
        banner=data.banner,
        footer_note=f"{styles.plain(data.client_name)} · home exercise program · {day_label(data.prepared_on)}",
        large_print=data.large_print,
    )
