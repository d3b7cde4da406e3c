"""The referral letter (DOMAIN.md section 6) and the reply slip the clinician returns.

    data = referrals.letter_data(session, referral_id)      # on the database worker
    referral_letter.render(data, "letter.pdf")               # off the GUI thread

The letter asks the clinician to evaluate: it reports what the client said and what the trainer
observed, never what is wrong (DOMAIN.md section 1). The reply slip always starts a page of its
own and is the last page, so it can be torn off, faxed or scanned back on its own.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import IO, Final

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from reports import pages, styles
from reports.styles import Styles, text
from studio.services.assessments import day_label
from studio.services.referrals import LetterData

TITLE: Final = "Referral letter"
SLIP_TITLE: Final = "Reply slip"
DECISIONS: Final = (
    "Cleared for exercise",
    "Cleared with restrictions (please list them below)",
    "Not cleared for exercise at present",
)


def _day(value) -> str:
    return day_label(value) if value else "not recorded"


class TickBox(Flowable):
    """An empty square the clinician ticks."""

    def __init__(self, size: float = 4.2 * mm):
        super().__init__()
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        self.canv.setLineWidth(1.1)
        self.canv.setStrokeColor(styles.INK)
        self.canv.rect(0, 0, self.size, self.size, stroke=1, fill=0)


def _lines(*values: str | None) -> str:
    """Non-empty user values, escaped, one per line."""
    return "<br/>".join(text(v) for v in values if v)


def _plain_table(rows, widths, extra: Sequence[tuple] = ()) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                *extra,
            ]
        )
    )
    return table


# --- the letter ------------------------------------------------------------------------------


def _address_block(data: LetterData, st: Styles, width: float) -> list[Flowable]:
    name = text(data.clinician_name) + (", " + text(data.clinician_credentials) if data.clinician_credentials else "")
    addressee = [Paragraph(f"<b>{name}</b>", st.body)]
    rest = _lines(data.clinician_practice, data.clinician_address)
    if rest:
        addressee.append(Paragraph(rest, st.body))
    dated = [
        Paragraph(text(day_label(data.letter_date)), st.cell_right),
        Paragraph("Our reference " + text(data.reference), st.cell_right),
    ]
    if data.clinician_fax:
        dated.append(Paragraph("By fax to " + text(data.clinician_fax), st.cell_right))
    elif data.clinician_email:
        dated.append(Paragraph("By email to " + text(data.clinician_email), st.cell_right))
    return [_plain_table([[addressee, dated]], [width * 0.62, width * 0.38]), Spacer(1, 12)]


def _urgency(data: LetterData, st: Styles, width: float) -> list[Flowable]:
    if data.tier in ("emergency", "urgent"):
        box = styles.box(text(data.urgency), [], st, width, heavy=True, inverse_title=data.tier == "emergency")
        return [box, Spacer(1, 10)]
    return [Paragraph("<b>Urgency:</b> " + text(data.urgency), st.body)]


def _observations(data: LetterData, st: Styles, width: float) -> list[Flowable]:
    if not data.observations:
        return []
    when = f" on {day_label(data.assessment_date)}" if data.assessment_date else ""
    story: list[Flowable] = [
        Paragraph(f"Observations at our assessment{when}", st.h2),
        Paragraph("What the client reported and what we observed; we ask for your evaluation.", st.small),
        Spacer(1, 3),
    ]
    rows = []
    for group in data.observations:
        lines = [Paragraph(text(line), st.cell) for line in group.lines]
        rows.append([Paragraph(text(group.title), st.cell_bold), lines])
    label = 42 * mm
    table = Table(rows, colWidths=[label, width - label], hAlign="LEFT", repeatRows=0)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LINEBELOW", (0, 0), (-1, -2), 0.5, styles.LIGHT),
            ]
        )
    )
    story.append(table)
    return story


def _training(data: LetterData, st: Styles) -> list[Flowable]:
    story: list[Flowable] = [Paragraph("Current training", st.h2)]
    if not data.current_training:
        story.append(Paragraph("The client is not on an active exercise program with us at present.", st.body))
        return story
    title = f" (“{text(data.program_title)}”)" if data.program_title else ""
    story.append(Paragraph(f"The client's current exercise program with us{title}:", st.body))
    story.extend(styles.bullets(data.current_training, st))
    return story


def _consent(data: LetterData, st: Styles, width: float) -> list[Flowable]:
    if data.consent_recorded:
        return [Paragraph(text(data.consent_line), st.body)]
    return [Spacer(1, 4), styles.box(text(data.consent_line), [], st, width, heavy=True), Spacer(1, 6)]


def _signature(data: LetterData, st: Styles) -> list[Flowable]:
    who = [text(data.trainer_name) if data.trainer_name else "Your trainer"]
    if data.trainer_credentials:
        who.append(text(data.trainer_credentials))
    role = f"Personal trainer, {text(data.studio_name)}"
    contact = " · ".join(text(v) for v in (data.trainer_phone, data.trainer_email) if v)
    block = [
        Paragraph("Yours sincerely,", st.body),
        Spacer(1, 16 * mm),
        Paragraph("<b>" + ", ".join(who) + "</b>", st.body),
        Paragraph(role, st.small),
    ]
    if contact:
        block.append(Paragraph(contact, st.small))
    return [Spacer(1, 6), KeepTogether(block)]


def letter_story(data: LetterData, st: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = []
    story += _address_block(data, st, width)
    story += _urgency(data, st, width)
    story.append(Paragraph(text(data.salutation), st.body))
    story.append(Paragraph(f"<b>{text(data.re_line)}</b>", st.body_bold))
    studio = text(data.studio_name)
    story.append(
        Paragraph(
            f"I am writing to refer the above client, who trains with us at {studio}. "
            "Below are the reason for this referral and a summary of our assessment.",
            st.body,
        )
    )
    story.append(Paragraph("Reason for referral", st.h2))
    story.append(Paragraph(text(data.reason), st.body))
    story += _observations(data, st, width)
    story += _training(data, st)
    story.append(Paragraph("Our request", st.h2))
    story.append(Paragraph(f"<b>{text(data.request)}</b>", st.body_bold))
    story.append(
        Paragraph(
            "A reply slip is enclosed as the last page of this letter. We would be grateful if you "
            "would complete it and return it to us by email, fax or post; the studio's contact "
            "details are printed on it.",
            st.body,
        )
    )
    story += _consent(data, st, width)
    story += _signature(data, st)
    return story


# --- the reply slip --------------------------------------------------------------------------


def _ruled(count: int, width: float, height: float = 8 * mm) -> Table:
    table = Table([[""] for _ in range(count)], colWidths=[width], rowHeights=[height] * count, hAlign="LEFT")
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.6, styles.RULE), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _field_row(labels: Sequence[str], width: float, st: Styles) -> Table:
    """Labelled blanks side by side: a line to write on with a small caption under it."""
    gap = 6 * mm
    each = (width - gap * (len(labels) - 1)) / len(labels)
    cells, widths = [], []
    for i, label in enumerate(labels):
        if i:
            cells.append("")
            widths.append(gap)
        cells.append(Paragraph(label, st.label))
        widths.append(each)
    table = Table([["" for _ in cells], cells], colWidths=widths, rowHeights=[11 * mm, None], hAlign="LEFT")
    commands = [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 1), (-1, 1), 2)]
    commands += [("LINEBELOW", (c, 0), (c, 0), 0.9, styles.INK) for c in range(0, len(cells), 2)]
    table.setStyle(TableStyle(commands))
    return table


def slip_story(data: LetterData, st: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [
        Paragraph(f"{SLIP_TITLE} — referral {text(data.reference)}", st.title),
        Paragraph(
            "Please complete this page and return it to the studio. It records your advice on whether "
            "the client may exercise; please add anything the trainer should know.",
            st.small,
        ),
        Spacer(1, 8),
    ]
    referred_to = text(data.clinician_name) + (", " + text(data.clinician_credentials) if data.clinician_credentials else "")
    if data.clinician_practice:
        referred_to += ", " + text(data.clinician_practice)
    facts = [
        ("Client", text(data.client_name)),
        ("Date of birth", text(_day(data.client_date_of_birth))),
        ("Referral dated", text(day_label(data.letter_date))),
        ("Referred to", referred_to),
        ("Trainer", text(data.trainer_name) if data.trainer_name else "—"),
    ]
    rows = [[Paragraph(label, st.cell_bold), Paragraph(value, st.cell)] for label, value in facts]
    table = Table(rows, colWidths=[36 * mm, width - 36 * mm], hAlign="LEFT")
    table.setStyle(TableStyle(styles.grid_style(0) + [("BACKGROUND", (0, 0), (0, -1), styles.PALE)]))
    story += [table, Spacer(1, 10)]

    story.append(Paragraph("Your decision (tick one)", st.h2))
    ticks = [[TickBox(), Paragraph(label, st.body)] for label in DECISIONS]
    tick_table = Table(ticks, colWidths=[9 * mm, width - 9 * mm], hAlign="LEFT")
    tick_table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    story += [tick_table, Spacer(1, 8)]
    story.append(Paragraph("Restrictions or advice for the trainer", st.h2))
    story += [_ruled(5, width), Spacer(1, 8)]
    story.append(_field_row(["Clinician's name (please print)", "Signature", "Date"], width, st))
    story.append(Spacer(1, 12))

    studio_lines = [f"<b>{text(data.studio_name)}</b>"]
    if data.studio_address:
        studio_lines.append(text(data.studio_address))
    contact = []
    if data.studio_phone:
        contact.append("Phone " + text(data.studio_phone))
    if data.studio_email:
        contact.append("Email " + text(data.studio_email))
    if contact:
        studio_lines.append(" · ".join(contact))
    if data.trainer_email:
        studio_lines.append("Or to the trainer directly: " + text(data.trainer_email))
    story.append(
        styles.box("Please return to", [Paragraph("<br/>".join(studio_lines), st.body)], st, width, inverse_title=True)
    )
    return [KeepTogether(story)]


# --- the document ----------------------------------------------------------------------------


def render(data: LetterData, out: str | os.PathLike | IO[bytes]) -> int:
    """The letter, then the reply slip on a page of its own (always the last page)."""
    st = styles.stylesheet()
    width = pages.frame_width(data.paper)
    letterhead = pages.Letterhead(
        name=data.studio_name,
        address=data.studio_address,
        phone=data.studio_phone,
        email=data.studio_email,
        paper=data.paper,
        logo=data.studio_logo,
    )
    story = letter_story(data, st, width)
    story += [PageBreak(), *slip_story(data, st, width)]
    return pages.build(
        out,
        story,
        paper=data.paper,
        title=TITLE,
        letterhead=letterhead,
        footer_note=f"Confidential · {data.client_name} · referral {data.reference}",
        subject=f"Referral of {data.client_name}",
    )


__all__ = ["render", "letter_story", "slip_story", "TickBox", "DECISIONS"]
