"""Page templates shared by every document: letterhead, running header, optional banner on
every page, and a footer with "Page X of Y".

    from reports import pages, styles
    st = styles.stylesheet()
    pages.build(out, story, paper=letterhead.paper, title="Home exercise program",
                letterhead=letterhead, banner=None, footer_note="Prepared for …")

* `out` is a path (str / PathLike) or a binary file object.
* The letterhead (the studio's logo if it has one, name, address, phone, email; wrapped, never
  clipped) opens the first page; later pages carry a one-line running header (studio name · title).
  A logo that cannot be read is left out: the document prints without it.
* `banner` (e.g. "NOT CLEARED FOR TRAINING") is printed white on black across the top of EVERY
  page, below the header.
* `frame_width(paper)` tells a section function how wide it may draw.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from functools import lru_cache
from typing import IO, Final

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate, Flowable, Frame, Image, PageTemplate, Paragraph, Spacer, Table, TableStyle,
)  # fmt: skip

from reports import fonts, styles
from studio.services.handouts import Letterhead

__all__ = ["Letterhead", "build", "page_size", "frame_width", "MARGIN"]

MARGIN: Final = 18 * mm
HEADER_SPACE: Final = 10 * mm  # running header band above the frame on later pages
FOOTER_SPACE: Final = 12 * mm
BANNER_FONT: Final = 14.0
BANNER_PAD: Final = 6.0

PAGE_SIZES: Final = {"a4": A4, "letter": LETTER}
LOGO_BOX: Final = (50 * mm, 18 * mm)  # the logo is scaled to fit this, keeping its proportions
LOGO_GAP: Final = 3 * mm  # between the logo and the phone and email below it
LOGO_PIXELS: Final = 1200  # longest side kept: sharp at 600 dpi across the box, small in the PDF
LOGO_MAX_PIXELS: Final = 40_000_000  # more is no logo but a trap for the memory


def page_size(paper: str) -> tuple[float, float]:
    """(width, height) in points for "a4" or "letter" (anything else: A4)."""
    return PAGE_SIZES.get((paper or "a4").lower(), A4)


def frame_width(paper: str) -> float:
    """The usable text width on the paper."""
    return page_size(paper)[0] - 2 * MARGIN


def _banner_lines(banner: str | None, width: float) -> list[str]:
    if not banner:
        return []
    return simpleSplit(styles.plain(banner), fonts.BOLD, BANNER_FONT, width - 2 * BANNER_PAD) or [""]


def _banner_height(lines: Sequence[str]) -> float:
    if not lines:
        return 0.0
    return len(lines) * BANNER_FONT * 1.25 + 2 * BANNER_PAD


def fit(line: str, font: str, size: float, room: float) -> str:
    """`line` cut with an ellipsis so it is at most `room` points wide."""
    if fonts.string_width(line, font, size) <= room:
        return line
    while line and fonts.string_width(line + "…", font, size) > room:
        line = line[: max(0, len(line) - max(1, len(line) // 8))] if len(line) > 400 else line[:-1]
    return line + "…"


def address_lines(address: str, max_lines: int = 5) -> str:
    """An address for the letterhead: blank lines dropped, lines beyond `max_lines` joined to
    the last one with commas (so a 500-character address never pushes the page out)."""
    lines = [" ".join(line.split()) for line in styles.clean(address).split("\n")]
    lines = [line for line in lines if line]
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [", ".join(lines[max_lines - 1 :])]
    return "\n".join(lines)


@lru_cache(maxsize=4)
def _readable_logo(data: bytes) -> tuple[bytes, int, int] | None:
    """The logo as image bytes ReportLab draws, with its size in pixels, or None when it cannot
    be read. Decoded here in full, so a damaged file fails before the document starts rather
    than halfway through it; a large one is scaled down, so every PDF does not carry it whole."""
    from PIL import Image as Picture  # ReportLab's own image library

    try:
        with Picture.open(io.BytesIO(data)) as picture:
            if picture.format not in ("PNG", "JPEG") or picture.width * picture.height > LOGO_MAX_PIXELS:
                return None
            picture.load()
            if picture.format == "JPEG" and max(picture.size) <= LOGO_PIXELS and picture.mode in ("RGB", "L"):
                out, size = data, picture.size  # as it is: ReportLab embeds a JPEG without decoding it
            else:
                clear = "A" in picture.getbands() or "transparency" in picture.info
                image = picture.convert("RGBA" if clear else "RGB")
                image.thumbnail((LOGO_PIXELS, LOGO_PIXELS))
                buffer = io.BytesIO()
                image.save(buffer, format="PNG")
                out, size = buffer.getvalue(), image.size
        if ImageReader(io.BytesIO(out)).getSize() != size:  # read back the way the PDF will read it
            return None
    except Exception:  # any damage in any part of the file: print the letterhead without it
        return None
    return out, size[0], size[1]


def logo_flowable(logo: bytes | None) -> Flowable | None:
    """The logo scaled to fit LOGO_BOX, keeping its proportions; None when there is none or it
    cannot be read."""
    readable = _readable_logo(bytes(logo)) if logo else None
    if readable is None:
        return None
    image, width, height = readable
    scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
    return Image(io.BytesIO(image), width=width * scale, height=height * scale, mask="auto")


def letterhead_flowables(letterhead: Letterhead, width: float, st: styles.Styles | None = None) -> list[Flowable]:
    """The letterhead block: studio name (and address) on the left, the logo (if any) above
    phone and email on the right, a rule below. Every value is escaped and wraps."""
    st = st or styles.stylesheet()
    left = [Paragraph(styles.text(styles.plain(letterhead.name)), st.letterhead_name)]
    if letterhead.address:
        left.append(Paragraph(styles.text(address_lines(letterhead.address)), st.letterhead_detail))
    contact = []
    if letterhead.phone:
        contact.append("Phone " + styles.text(letterhead.phone))
    if letterhead.email:
        contact.append(styles.text(letterhead.email))
    right = [Paragraph("<br/>".join(contact), st.letterhead_detail_right)] if contact else [Spacer(1, 1)]
    logo = logo_flowable(letterhead.logo)
    if logo is not None:  # top right, above phone and email: the name keeps its room on the left
        right = [logo, Spacer(1, LOGO_GAP), *right] if contact else [logo]
    table = Table([[left, right]], colWidths=[width * 0.58, width * 0.42], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LINEBELOW", (0, 0), (-1, -1), 1.2, styles.INK),
            ]
        )
    )
    return [table, Spacer(1, 10)]


class _NumberedCanvas(pdfcanvas.Canvas):
    """Defers each page until the end so the footer can say "Page X of Y"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved: list[dict] = []

    def showPage(self):  # noqa: N802 - ReportLab API
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self._draw_page_number(total)
            super().showPage()
        super().save()

    def _draw_page_number(self, total: int) -> None:
        width, _height = self._pagesize
        self.saveState()
        self.setFont(fonts.REGULAR, 9)
        self.setFillColor(styles.DARK)
        self.drawRightString(width - MARGIN, MARGIN - FOOTER_SPACE + 2, f"Page {self._pageNumber} of {total}")
        self.restoreState()


class _Document(BaseDocTemplate):
    def __init__(self, out, *, paper: str, title: str, letterhead: Letterhead, banner: str | None, footer_note: str | None, author: str | None, subject: str | None):
        size = page_size(paper)
        super().__init__(
            out,
            pagesize=size,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=styles.plain(title),
            author=styles.plain(author or letterhead.name),
            subject=styles.plain(subject or title),
            creator="Upright",
            # The same content gives the same bytes (no creation time or random file id), so a
            # document made again from its record has the fingerprint of the paper handed out.
            invariant=1,
        )
        self.letterhead = letterhead
        self.doc_title = styles.plain(title)
        self.footer_note = styles.plain(footer_note) if footer_note else ""
        width = size[0] - 2 * MARGIN
        self.banner_lines = _banner_lines(banner, width)
        banner_h = _banner_height(self.banner_lines)
        gap = 8 if banner_h else 0
        bottom = MARGIN
        first_top = size[1] - MARGIN - banner_h - gap
        later_top = size[1] - MARGIN - HEADER_SPACE - banner_h - gap
        self.banner_h = banner_h
        self.addPageTemplates(
            [
                PageTemplate("first", [Frame(MARGIN, bottom, width, first_top - bottom, 0, 0, 0, 0, id="first")], onPage=self._first_page, autoNextPageTemplate="later"),
                PageTemplate("later", [Frame(MARGIN, bottom, width, later_top - bottom, 0, 0, 0, 0, id="later")], onPage=self._later_page),
            ]
        )

    # -- decorations ---------------------------------------------------------------------------

    def _banner(self, canvas, top: float) -> None:
        if not self.banner_lines:
            return
        width = self.pagesize[0] - 2 * MARGIN
        canvas.saveState()
        canvas.setFillColor(styles.INK)
        canvas.rect(MARGIN, top - self.banner_h, width, self.banner_h, stroke=0, fill=1)
        canvas.setFillColor(styles.WHITE)
        canvas.setFont(fonts.BOLD, BANNER_FONT)
        y = top - BANNER_PAD - BANNER_FONT * 0.95
        for line in self.banner_lines:
            canvas.drawCentredString(self.pagesize[0] / 2, y, line)
            y -= BANNER_FONT * 1.25
        canvas.restoreState()

    def _footer(self, canvas) -> None:
        width = self.pagesize[0]
        y = MARGIN - FOOTER_SPACE + 2
        canvas.saveState()
        canvas.setStrokeColor(styles.RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, y + 11, width - MARGIN, y + 11)
        canvas.setFont(fonts.REGULAR, 8.5)
        canvas.setFillColor(styles.MID)
        note = fit(self.footer_note, fonts.REGULAR, 8.5, width - 2 * MARGIN - 80)
        canvas.drawString(MARGIN, y, note)
        canvas.restoreState()

    def _first_page(self, canvas, doc) -> None:
        self._banner(canvas, self.pagesize[1] - MARGIN)
        self._footer(canvas)

    def _later_page(self, canvas, doc) -> None:
        width, height = self.pagesize
        canvas.saveState()
        canvas.setFont(fonts.BOLD, 9)
        canvas.setFillColor(styles.DARK)
        y = height - MARGIN - 9
        room = width - 2 * MARGIN
        title = self.doc_title
        title_w = fonts.string_width(title, fonts.REGULAR, 9)
        name = fit(styles.plain(self.letterhead.name), fonts.BOLD, 9, max(room - title_w - 20, room * 0.4))
        canvas.drawString(MARGIN, y, name)
        canvas.setFont(fonts.REGULAR, 9)
        if title_w < room - fonts.string_width(name, fonts.BOLD, 9) - 12:
            canvas.drawRightString(width - MARGIN, y, title)
        canvas.setStrokeColor(styles.RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, y - 5, width - MARGIN, y - 5)
        canvas.restoreState()
        self._banner(canvas, height - MARGIN - HEADER_SPACE)
        self._footer(canvas)


def build(
    out: str | os.PathLike | IO[bytes],
    story: Sequence[Flowable],
    *,
    paper: str,
    title: str,
    letterhead: Letterhead | None,
    banner: str | None = None,
    footer_note: str | None = None,
    author: str | None = None,
    subject: str | None = None,
    large_print: bool = False,
    include_letterhead: bool = True,
) -> int:
    """Build the PDF into `out` and return its number of pages.

    The letterhead block is put before `story` on the first page (unless `include_letterhead`
    is False or `letterhead` is None); `banner` is printed on every page; `footer_note` (one
    line, truncated) sits left of "Page X of Y" on every page. `title` is the PDF title and the
    running header. `paper` is "a4" or "letter".
    """
    fonts.register()
    st = styles.stylesheet(large_print)
    head = letterhead or Letterhead(name="")
    flowables: list[Flowable] = []
    if letterhead is not None and include_letterhead:
        flowables.extend(letterhead_flowables(letterhead, frame_width(paper)))
    flowables.extend(story)
    if isinstance(out, os.PathLike):
        out = os.fspath(out)
    doc = _Document(out, paper=paper, title=title, letterhead=head, banner=banner, footer_note=footer_note, author=author, subject=subject)
    doc.build(flowables, canvasmaker=_NumberedCanvas)
    return doc.page
