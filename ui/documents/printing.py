"""Print a finished PDF on a QPrinter, page by page, without any dialog.

QtPdf cannot hand vector pages to a printer, so each page is rendered to an image at the
printer's resolution, up to about MAX_DPI, and drawn to fit the paper. 300 dpi prints text and
line drawings cleanly with about 70 MB per A4 page; a printer's "high resolution" of 1200 dpi
would need 550 MB, and the spooler would have to swallow every pixel. The preview's Print… and a batch printer both come through `print_pdf`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from studio.errors import UprightError

MAX_DPI = 300

Progress = Callable[[int, int], object]  # (pages printed so far, pages to print)


class PrintError(UprightError):
    """The printer refused the job, or the PDF could not be read."""


class _LoadedPdf:
    """A QPdfDocument reading from bytes; the buffer must outlive the document."""

    def __init__(self, content: bytes):
        self.data = QByteArray(content)
        self.buffer = QBuffer(self.data)
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument()
        self.document.load(self.buffer)
        if self.document.status() != QPdfDocument.Status.Ready:
            raise PrintError(f"The document could not be read for printing ({self.document.error().name}).")

    def close(self) -> None:
        self.document.close()
        self.buffer.close()


def prepare_printer(printer: QPrinter, title: str, page_points: QSizeF) -> None:
    """Set the job's name and the paper to the PDF's own page size (`page_points`, in points),
    printing it at its true size: the PDF carries its own margins."""
    printer.setDocName(title)
    printer.setFullPage(True)
    printer.setPageSize(QPageSize(page_points.toSize(), "", QPageSize.SizeMatchPolicy.FuzzyMatch))
    printer.setPageOrientation(
        QPageLayout.Orientation.Landscape if page_points.width() > page_points.height() else QPageLayout.Orientation.Portrait
    )


def pages_to_print(page_count: int, *, first: int = 1, last: int | None = None, pages: Iterable[int] | None = None) -> list[int]:
    """1-based page numbers: the listed `pages`, or `first`..`last`, within the document."""
    if pages is not None:
        chosen = sorted({p for p in pages if 1 <= p <= page_count})
    else:
        last = page_count if last is None else min(last, page_count)
        chosen = list(range(max(first, 1), last + 1))
    return chosen


def _target(page_points, paper: QRect) -> QRect:
    """The page scaled to fit the paper, keeping its shape, centred."""
    scale = min(paper.width() / page_points.width(), paper.height() / page_points.height())
    width, height = round(page_points.width() * scale), round(page_points.height() * scale)
    return QRect(paper.x() + (paper.width() - width) // 2, paper.y() + (paper.height() - height) // 2, width, height)


def _draw_page(pdf: QPdfDocument, index: int, painter: QPainter, target: QRect, step: int) -> None:
    # One image pixel covers step × step printer pixels. (QtPdf's scaledClipRect would allow
    # rendering in bands, but 6.11 shifts the clipped band by a few pixels, so whole pages.)
    size = QSize(max(1, target.width() // step), max(1, target.height() // step))
    image = pdf.render(index, size)
    if image.isNull():
        raise PrintError(f"Page {index + 1} could not be prepared for the printer.")
    # The rendered page is transparent where nothing is drawn; printers want paper white.
    onto = QPainter(image)
    onto.setCompositionMode(QPainter.CompositionMode.CompositionMode_DestinationOver)
    onto.fillRect(image.rect(), Qt.GlobalColor.white)
    onto.end()
    image.convertTo(QImage.Format.Format_RGB32)
    painter.drawImage(QRect(target.topLeft(), size * step), image)


def print_pdf(
    content: bytes,
    printer: QPrinter,
    *,
    first: int = 1,
    last: int | None = None,
    pages: Iterable[int] | None = None,
    progress: Progress | None = None,
    painter: QPainter | None = None,
) -> int:
    """Print pages `first`..`last` (1-based, inclusive; `last` None = to the end) of the PDF
    `content` on `printer`, or just the page numbers in `pages` when given; the printer's
    "last page first" order is honoured. `progress(done, total)` is called after each page.
    Returns the number of pages printed.

    On its own this is one print job. To put several documents in one job, begin a `painter`
    on the printer, pass it to each call and call `printer.newPage()` between documents; the
    caller then ends the painter (and the job). Raises PrintError when the printer cannot start
    or reports an error."""
    loaded = _LoadedPdf(content)
    try:
        numbers = pages_to_print(loaded.document.pageCount(), first=first, last=last, pages=pages)
        if not numbers:
            return 0
        if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
            numbers.reverse()
        own_job = painter is None
        if own_job:
            painter = QPainter()
            if not painter.begin(printer):
                raise PrintError("The printer could not start the job. Check that it is switched on and connected, then try again.")
        try:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            step = max(1, round(printer.resolution() / MAX_DPI))
            paper = QRect(0, 0, printer.width(), printer.height())
            for done, number in enumerate(numbers):
                if done and not printer.newPage():
                    raise PrintError("The printer stopped taking pages; the rest were not printed.")
                index = number - 1
                _draw_page(loaded.document, index, painter, _target(loaded.document.pagePointSize(index), paper), step)
                if progress is not None:
                    progress(done + 1, len(numbers))
        except BaseException:
            if own_job:
                printer.abort()
            raise
        finally:
            if own_job:
                painter.end()
        if printer.printerState() == QPrinter.PrinterState.Error:
            raise PrintError("The printer reported an error; the pages may not have printed.")
        return len(numbers)
    finally:
        loaded.close()
