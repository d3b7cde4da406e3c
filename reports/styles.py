"""The one stylesheet of every printed document, and the helpers that put user text into it.

    from reports import styles
    st = styles.stylesheet(large_print=False)
    story = [styles.para("Hello " + styles.text(client_name), st.body)]

Rules:

* EVERY string a user typed goes through `text()` before it meets Paragraph markup: it escapes
  `&`, `<` and `>` (so "<b>" and "<img src=x>" print as typed), keeps line breaks as `<br/>`,
  and drops control characters the PDF cannot hold. `plain()` is the same for canvas
  `drawString` (no markup, one line).
* Grey levels only (black-and-white safe); one font family (reports.fonts).
* `stylesheet(large_print=True)` is the same sheet with every size scaled up, for older clients.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Table, TableStyle
from reportlab.platypus import Paragraph as _Paragraph

from reports import fonts

# Grey levels (black-and-white safe).
INK: Final = colors.HexColor("#111111")
DARK: Final = colors.HexColor("#333333")
MID: Final = colors.HexColor("#6b6b6b")
RULE: Final = colors.HexColor("#9a9a9a")
LIGHT: Final = colors.HexColor("#e6e6e6")
PALE: Final = colors.HexColor("#f3f3f3")
WHITE: Final = colors.white

LARGE_PRINT_FACTOR: Final = 1.3

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class Paragraph(_Paragraph):
    """ReportLab's Paragraph, remembering its line breaks for each width it was asked about.

    A paragraph in a table cell, a box or a KeepTogether is measured three or four times at the
    same width before it is drawn (the table sizes its rows, the KeepTogether measures the
    block, the frame measures it again, the table measures it once more to draw it), and
    breaking lines is most of ReportLab's work. The lines depend only on the width, so they
    are kept and reused; what prints is the same.
    """

    def wrap(self, availWidth, availHeight):  # noqa: N803 - ReportLab API
        known = self.__dict__.get("_lines_by_width")
        if known is None:
            known = self._lines_by_width = {}
        hit = known.get(availWidth)
        if hit is not None:
            self.width, self._wrapWidths, self.blPara, self.height = hit
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        if getattr(self, "blPara", None) is not None and self.width == availWidth:
            known[availWidth] = (self.width, self._wrapWidths, self.blPara, self.height)
        return size


def clean(s: object) -> str:
    """The user's text with line endings normalised, tabs as spaces and control characters,
    lone surrogates and non-characters removed (nothing else changes)."""
    if s is None:
        return ""
    value = str(s).replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    value = value.replace("\u2028", "\n").replace("\u2029", "\n")
    return _CONTROL.sub("", value)


def text(s: object) -> str:
    """User text made safe for Paragraph markup: `&`, `<`, `>` escaped, newlines as `<br/>`.
    `None` gives ""."""
    value = escape(clean(s))
    return value.replace("\n", "<br/>")


def plain(s: object) -> str:
    """User text for canvas.drawString: cleaned, on one line."""
    return " ".join(clean(s).split())


def para(markup: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of markup that is already safe (built with `text()`)."""
    return Paragraph(markup, style)


def p(s: object, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of user text, escaped: the one-step way to print a value as typed."""
    return Paragraph(text(s), style)


@dataclass(frozen=True)
class Styles:
    """Paragraph styles of one size family. `size` is the body size in points."""

    large_print: bool
    size: float
    leading: float
    body: ParagraphStyle
    body_bold: ParagraphStyle
    small: ParagraphStyle
    fine: ParagraphStyle  # attributions, footnotes
    title: ParagraphStyle  # document title
    subtitle: ParagraphStyle
    h1: ParagraphStyle  # section heading
    h2: ParagraphStyle  # exercise name, sub-section
    label: ParagraphStyle  # small grey caption above a value
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_small: ParagraphStyle
    cell_centre: ParagraphStyle
    cell_right: ParagraphStyle
    bullet: ParagraphStyle
    box_title: ParagraphStyle
    box_title_inverse: ParagraphStyle  # white on black, for the most important boxes
    letterhead_name: ParagraphStyle
    letterhead_detail: ParagraphStyle
    letterhead_detail_right: ParagraphStyle


@lru_cache(maxsize=4)
def stylesheet(large_print: bool = False) -> Styles:
    """The stylesheet (cached; treat the styles as read-only). Normal print has an 11 pt body,
    generous for a handout; large print scales everything by LARGE_PRINT_FACTOR."""
    fonts.register()
    f = LARGE_PRINT_FACTOR if large_print else 1.0
    size = round(11 * f, 1)
    lead = round(size * 1.38, 1)

    def style(name: str, sz: float, *, font: str = fonts.REGULAR, colour=INK, **kw) -> ParagraphStyle:
        sz = round(sz * f, 1)
        kw.setdefault("leading", round(sz * 1.3, 1))
        return ParagraphStyle(name, fontName=font, fontSize=sz, textColor=colour, splitLongWords=1, **kw)

    body = style("body", 11, leading=lead, spaceAfter=round(4 * f, 1))
    return Styles(
        large_print=large_print,
        size=size,
        leading=lead,
        body=body,
        body_bold=style("body_bold", 11, font=fonts.BOLD, leading=lead, spaceAfter=round(4 * f, 1)),
        small=style("small", 9.5, colour=DARK),
        fine=style("fine", 8, colour=MID, leading=round(10.5 * f, 1)),
        title=style("title", 20, font=fonts.BOLD, leading=round(24 * f, 1), spaceAfter=round(4 * f, 1)),
        subtitle=style("subtitle", 11.5, colour=DARK, spaceAfter=round(2 * f, 1)),
        h1=style("h1", 14.5, font=fonts.BOLD, spaceBefore=round(12 * f, 1), spaceAfter=round(6 * f, 1), keepWithNext=1),
        h2=style("h2", 12.5, font=fonts.BOLD, spaceBefore=round(2 * f, 1), spaceAfter=round(3 * f, 1), keepWithNext=1),
        label=style("label", 8, colour=MID, leading=round(10 * f, 1)),
        cell=style("cell", 10),
        cell_bold=style("cell_bold", 10, font=fonts.BOLD),
        cell_small=style("cell_small", 8.5, colour=DARK),
        cell_centre=style("cell_centre", 10, alignment=TA_CENTER),
        cell_right=style("cell_right", 10, alignment=TA_RIGHT),
        bullet=style("bullet", 11, leading=lead, leftIndent=round(14 * f, 1), bulletIndent=round(3 * f, 1), spaceAfter=round(2 * f, 1)),
        box_title=style("box_title", 12, font=fonts.BOLD, spaceAfter=round(3 * f, 1)),
        box_title_inverse=style("box_title_inverse", 12, font=fonts.BOLD, colour=WHITE),
        letterhead_name=style("letterhead_name", 17, font=fonts.BOLD, leading=round(21 * f, 1)),
        letterhead_detail=style("letterhead_detail", 9.5, colour=DARK, alignment=TA_LEFT),
        letterhead_detail_right=style("letterhead_detail_right", 9.5, colour=DARK, alignment=TA_RIGHT),
    )


def bullets(items: Sequence[str], st: Styles, *, escaped: bool = False) -> list[Paragraph]:
    """Bulleted paragraphs; items are user text unless `escaped` says they are safe markup."""
    return [Paragraph(item if escaped else text(item), st.bullet, bulletText="•") for item in items]


def box(
    title: str | None,
    content: Sequence[Flowable],
    st: Styles,
    width: float,
    *,
    heavy: bool = False,
    inverse_title: bool = False,
) -> Table:
    """A ruled box around `content`, with an optional bold title (safe markup) on top.

    `heavy` gives a 2 pt border (the red-flag box); `inverse_title` prints the title white on
    black, which survives any photocopier. Kept together on one page.
    """
    rows: list[list] = []
    if title:
        rows.append([Paragraph(title, st.box_title_inverse if inverse_title else st.box_title)])
    pad = 7 * (LARGE_PRINT_FACTOR if st.large_print else 1.0)
    inner = width - 2 * (pad + 2)
    for f in content:
        rows.extend([[piece] for piece in chunks(f, inner)])
    table = Table(rows, colWidths=[width], hAlign="LEFT")
    commands = [
        ("BOX", (0, 0), (-1, -1), 2.0 if heavy else 1.0, INK),
        ("LEFTPADDING", (0, 0), (-1, -1), pad + 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad + 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("TOPPADDING", (0, 0), (-1, 0), pad),
        ("BOTTOMPADDING", (0, -1), (-1, -1), pad),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if title and inverse_title:
        commands += [("BACKGROUND", (0, 0), (-1, 0), INK), ("BOTTOMPADDING", (0, 0), (-1, 0), pad * 0.8), ("TOPPADDING", (0, 1), (-1, 1), pad)]
    elif title:
        commands += [("BACKGROUND", (0, 0), (-1, 0), LIGHT), ("BOTTOMPADDING", (0, 0), (-1, 0), pad * 0.6), ("TOPPADDING", (0, 1), (-1, 1), pad)]
    table.setStyle(TableStyle(commands))
    table.keepWithNext = 0
    return table


def chunks(flowable: Flowable, width: float, max_height: float = 280.0) -> list[Flowable]:
    """A paragraph cut into pieces no taller than `max_height`, so a table row holding each
    piece can break across pages (a 5,000-character note in a box must still print)."""
    if not isinstance(flowable, Paragraph):
        return [flowable]
    pieces: list[Flowable] = []
    rest: Flowable = flowable
    for _ in range(1000):
        _w, h = rest.wrap(width, 1e9)
        if h <= max_height:
            break
        parts = rest.split(width, max_height)
        if len(parts) < 2:
            break
        pieces.append(parts[0])
        rest = parts[1]
    pieces.append(rest)
    return pieces


def shorten(s: object, limit: int) -> str:
    """User text cut to `limit` characters with an ellipsis (for narrow table cells)."""
    value = clean(s)
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def grid_style(header_rows: int = 1, *, zebra: bool = False) -> list[tuple]:
    """Table commands for a plain ruled data table with a grey header row."""
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("BOX", (0, 0), (-1, -1), 0.9, INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if header_rows:
        commands += [("BACKGROUND", (0, 0), (-1, header_rows - 1), LIGHT), ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.9, INK)]
    if zebra:
        commands.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [WHITE, PALE]))
    return commands
