"""The progress report, for the client or for a clinician.

    data = studio.services.handouts.progress_data(session, client_id, audience="clinician")
    reports.progress_report.render(data, "progress.pdf")

Sections: heading, the pain and disability trend (the Assessment tab's chart geometry from
studio.charts.trend_chart, drawn by reports.drawing.ChartFlowable), the latest vs previous
comparison with important changes marked, outcome bands, endurance then and now, attendance,
the program's changes with their reasons, and (for a clinician) the observed profile and red
flags. Wording follows DOMAIN.md section 1: reported and observed, never a diagnosis.
"""

from __future__ import annotations

import os
from typing import IO

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from reports import pages, styles
from reports.drawing import ChartFlowable
from reports.styles import Styles, text
from studio.charts import trend_chart
from studio.clinical.measures import ATTRIBUTION
from studio.services.assessments import day_label
from studio.services.handouts import ProgressData

CHART_TITLE = "Pain and disability over time"
MAX_CHANGES = 30
IMPORTANT_MARK = "★"


def _info(rows: list[tuple[str, str]], st: Styles, width: float) -> Table:
    cells = [[Paragraph(text(label).upper(), st.label), Paragraph(text(styles.plain(value)), st.body_bold)] for label, value in rows]
    first = width * (0.4 if len(rows) > 2 else 0.5)
    widths = [first] + [(width - first) / (len(rows) - 1)] * (len(rows) - 1)
    table = Table([cells], colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 10)]))
    return table


def heading(data: ProgressData, st: Styles, width: float) -> list[Flowable]:
    clinician = data.audience == "clinician"
    out: list[Flowable] = [Paragraph("Progress report", st.title)]
    out.append(Paragraph("Summary for the client’s clinician" if clinician else "How your back has been doing", st.subtitle))
    out.append(Spacer(1, 6))
    rows = [("Client", data.client_name)]
    if clinician:
        rows.append(("Date of birth", day_label(data.date_of_birth) if data.date_of_birth else "—"))
    rows += [("Report date", day_label(data.prepared_on)), ("Trainer", data.trainer_name or "—")]
    out.append(_info(rows, st, width))
    out.append(Spacer(1, 8))
    if clinician:
        out.append(
            Paragraph(
                "These are results reported by the client and observed by their trainer at the studio’s "
                "assessments. They are not a diagnosis.",
                st.small,
            )
        )
    return out


def trend(data: ProgressData, st: Styles, width: float) -> list[Flowable]:
    chart = trend_chart(data.trend, width, 235 * (1.2 if st.large_print else 1.0))
    lead = (
        "Pain (0–10, left scale) and disability questionnaires (percent, right scale) at each signed "
        "assessment. Lower is better for all three."
    )
    return [KeepTogether([Paragraph(CHART_TITLE, st.h1), Paragraph(lead, st.small), Spacer(1, 6), ChartFlowable(chart)])]


def comparison(data: ProgressData, st: Styles, width: float) -> list[Flowable]:
    if not data.comparison:
        return []
    title = "Latest compared with previous"
    before = day_label(data.previous_on) if data.previous_on else "Previous"
    after = day_label(data.latest_on) if data.latest_on else "Latest"
    head = [Paragraph(f"<b>{h}</b>", st.cell if i == 0 else st.cell_centre) for i, h in enumerate(("Measure", text(before), text(after), "Change", "Result"))]
    rows = [head]
    marked = []
    for i, row in enumerate(data.comparison, 1):
        verdict = text(row.verdict)
        if row.important:
            verdict = f"<b>{IMPORTANT_MARK} {verdict}</b>"
            marked.append(i)
        rows.append(
            [
                Paragraph(text(row.measure), st.cell),
                Paragraph(text(row.before), st.cell_centre),
                Paragraph(text(row.after), st.cell_centre),
                Paragraph(text(row.change), st.cell_centre),
                Paragraph(verdict, st.cell),
            ]
        )
    w = [width * 0.33, width * 0.14, width * 0.14, width * 0.11]
    w.append(width - sum(w))
    table = Table(rows, colWidths=w, repeatRows=1, hAlign="LEFT")
    commands = styles.grid_style(1)
    for i in marked:
        commands.append(("BACKGROUND", (0, i), (-1, i), styles.PALE))
        commands.append(("BOX", (0, i), (-1, i), 1.2, styles.INK))
    table.setStyle(TableStyle(commands))
    note = Paragraph(
        f"{IMPORTANT_MARK} marks an improvement that reaches the questionnaire’s minimal important change "
        "(the smallest change that matters to people). Pain and disability: lower is better; PSFS: higher is better.",
        st.fine,
    )
    out: list[Flowable] = [KeepTogether([Paragraph(title, st.h1), table, Spacer(1, 4), note])]
    if data.bands:
        band_rows = [[Paragraph(text(name), st.cell), Paragraph(text(value), st.cell)] for name, value in data.bands]
        bands = Table(band_rows, colWidths=[width * 0.33, width * 0.67], hAlign="LEFT")
        bands.setStyle(TableStyle(styles.grid_style(0)))
        out += [Spacer(1, 8), KeepTogether([Paragraph(f"Questionnaire results on {text(after)}", st.h2), bands])]
    return out


def endurance(data: ProgressData, st: Styles, width: float) -> list[Flowable]:
    if not data.endurance:
        return []
    then = day_label(data.endurance_then_on) if data.endurance_then_on else "Then"
    now = day_label(data.endurance_now_on) if data.endurance_now_on else "Now"
    rows = [[Paragraph("<b>Test</b>", st.cell), Paragraph(f"<b>{text(then)}</b>", st.cell_centre), Paragraph(f"<b>{text(now)}</b>", st.cell_centre)]]
    rows += [[Paragraph(text(r.test), st.cell), Paragraph(text(r.then), st.cell_centre), Paragraph(text(r.now), st.cell_centre)] for r in data.endurance]
    table = Table(rows, colWidths=[width * 0.5, width * 0.25, width * 0.25], repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(styles.grid_style(1, zebra=True)))
    note = Paragraph("Seconds held with good form until form failed (McGill’s torso endurance tests).", st.fine)
    return [KeepTogether([Paragraph("Trunk endurance, then and now", st.h1), table, Spacer(1, 4), note])]


def attendance(data: ProgressData, st: Styles, width: float) -> list[Flowable]:
    a = data.attendance
    out: list[Flowable] = [Paragraph("Attendance", st.h1)]
    if not a.sessions:
        out.append(Paragraph("No training sessions have been logged yet.", st.body))
        return out
    line = f"<b>{a.sessions}</b> session{'s' if a.sessions != 1 else ''} logged"
    if a.first and a.last:
        line += f" between {text(day_label(a.first))} and {text(day_label(a.last))}"
    if a.per_week is not None:
        line += f", on average <b>{a.per_week:.1f}</b> a week"
    out.append(Paragraph(line + ".", st.body))
    if a.recent_weeks:
        head = [Paragraph("Week of", st.cell_small)] + [Paragraph(f"{d.day} {d:%b}", st.cell_centre) for d, _n in a.recent_weeks]
        counts = [Paragraph("Sessions", st.cell_small)] + [Paragraph(f"<b>{n}</b>", st.cell_centre) for _d, n in a.recent_weeks]
        first = width * 0.16
        table = Table([head, counts], colWidths=[first] + [(width - first) / len(a.recent_weeks)] * len(a.recent_weeks), hAlign="LEFT")
        table.setStyle(TableStyle(styles.grid_style(1)))
        out += [Spacer(1, 4), table]
    return out


def program_changes(data: ProgressData, st: Styles, width: float) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("Changes to the program, and why", st.h1)]
    if not data.program_changes:
        out.append(Paragraph("No program has been set up yet.", st.body))
        return out
    shown = data.program_changes[:MAX_CHANGES]
    rows = [[Paragraph(f"<b>{h}</b>", st.cell) for h in ("Date", "Change", "Reason")]]
    for c in shown:
        what = text(c.what)
        if c.by:
            what += f"<br/><font color='#6b6b6b' size='{st.cell_small.fontSize}'>by {text(c.by)}</font>"
        rows.append([Paragraph(text(day_label(c.on)), st.cell_small), Paragraph(what, st.cell), Paragraph(text(c.reason or "—"), st.cell_small)])
    w = [width * 0.16, width * 0.38]
    w.append(width - sum(w))
    # A reason prints whole: a row taller than the room left breaks across pages (splitInRow).
    table = Table(rows, colWidths=w, repeatRows=1, hAlign="LEFT", splitInRow=1)
    commands = styles.grid_style(1, zebra=True) + [("VALIGN", (0, 0), (-1, -1), "TOP")]
    table.setStyle(TableStyle(commands))
    out.append(table)
    if len(data.program_changes) > MAX_CHANGES:
        out.append(Paragraph(f"The {MAX_CHANGES} most recent of {len(data.program_changes)} changes are shown.", st.fine))
    return out


def observations(data: ProgressData, st: Styles, width: float) -> list[Flowable]:
    if data.audience != "clinician":
        return []
    out: list[Flowable] = [Paragraph("Observations at the latest assessment", st.h1)]
    if data.profile:
        profile = ", ".join(f"{text(load)}: {text(level)}" for load, level in data.profile)
        out.append(Paragraph("<b>Movement intolerance profile</b> (symptoms provoked by each load, as observed): " + profile, st.body))
    if data.red_flags:
        out.append(Paragraph("<b>Red flags reported:</b>", st.body))
        out += styles.bullets(data.red_flags, st)
    else:
        out.append(Paragraph("<b>Red flags reported:</b> none.", st.body))
    if data.notes:
        out.append(Paragraph("<b>Notes:</b> " + text(data.notes), st.body))
    return out


def attribution(data: ProgressData, st: Styles, width: float) -> list[Flowable]:
    lines = [ATTRIBUTION[k] for k in ("nprs", "odi", "rmdq", "start_back", "psfs")]
    return [Spacer(1, 12), Paragraph(" ".join(text(line) for line in lines), st.fine)]


def story(data: ProgressData, *, large_print: bool = False) -> list[Flowable]:
    st = styles.stylesheet(large_print)
    width = pages.frame_width(data.paper)
    out: list[Flowable] = []
    for section in (heading, trend, comparison, endurance, attendance, program_changes, observations, attribution):
        out += section(data, st, width)
    return out


def render(data: ProgressData, out: str | os.PathLike | IO[bytes], *, large_print: bool = False) -> int:
    """Build the progress report PDF into `out` (a path or a binary file object)."""
    return pages.build(
        out,
        story(data, large_print=large_print),
        paper=data.paper,
        title="Progress report",
        letterhead=data.letterhead,
        footer_note=f"Progress report · {styles.plain(data.client_name)} · {day_label(data.prepared_on)}",
        large_print=large_print,
    )
