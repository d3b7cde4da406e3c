"""In-app document preview (QtPdf): Print, Save as, Open in the system viewer.

The document is made and added to the Documents list as "previewed" on the database worker;
printing, saving or opening it then marks the same record, so the list says what the client
was actually given.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QBuffer, QEvent, QIODevice, QMargins, QPointF, QSize, QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reports.documents import Made, make_and_record
from studio import files
from studio.errors import UprightError, ValidationError
from studio.services import documents
from ui import messages, options
from ui.documents.printing import prepare_printer, print_pdf

log = logging.getLogger(__name__)

ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
SAVE_FOLDER_OPTION = "documents/save_folder"
# Temporary copies handed to the PDF viewer: made, swept at start-up and removed by studio.files.
VIEWER_PREFIX, VIEWER_COPY_HOURS, clear_viewer_copies = files.VIEWER_PREFIX, files.VIEWER_COPY_HOURS, files.clear_viewer_copies
_open_previews: set[DocumentPreview] = set()  # parentless previews stay alive while shown


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def problem_text(error: BaseException, doing: str = "making it") -> str:
    """What went wrong, in words for the desk (never a traceback)."""
    if isinstance(error, ValidationError):
        return " ".join(error.errors.values())
    if isinstance(error, UprightError):
        return str(error)
    return (
        f"Something unexpected went wrong while {doing} ({type(error).__name__}: {error}). "
        "Try again; if it keeps happening, tell whoever looks after Upright."
    )


def _save_folder() -> str:
    remembered = options.get(SAVE_FOLDER_OPTION)
    if remembered and os.path.isdir(remembered):
        return remembered
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())


def _remember_save_folder(folder: str) -> None:
    options.put(SAVE_FOLDER_OPTION, folder)


def _write(path: Path, content: bytes) -> None:
    """Write the whole file or leave what was there (a half-written PDF is worse than none),
    readable by this computer's user only: it holds a client's health details."""
    files.write_private(path, content)


class DocumentPreview(QDialog):
    ready = Signal(object)  # the Made, once it is on screen
    failed = Signal(str)  # the plain message shown when the document could not be made
    handed = Signal(str)  # documents.PRINTED / SAVED / OPENED, once the Documents list says so

    def __init__(self, runner, request, parent: QWidget | None = None, *, today=None):
        super().__init__(parent)
        self.runner = runner
        self.request = request
        self.today = today
        self.made: Made | None = None
        self.record: documents.DocumentRecord | None = None
        self.closed = False
        self.viewer_copies: list[Path] = []  # removed when the preview closes
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint)
        kind = documents.KIND_LABELS.get(request.kind, "document")
        self.setWindowTitle(kind)

        # The PDF lives in memory; the buffer must outlive the document reading from it.
        self._buffer = QBuffer(self)
        self.pdf = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setObjectName("documentView")
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setDocumentMargins(QMargins(12, 12, 12, 12))
        self.view.pageNavigator().currentPageChanged.connect(self._show_page_number)
        self.view.viewport().installEventFilter(self)

        self.message = QLabel(f"Preparing {kind[0].lower()}{kind[1:]}…")
        self.message.setObjectName("previewMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(240)
        self.icon = QLabel()
        self.icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(48, 48))
        self.icon.hide()
        waiting = QWidget()
        waiting_layout = QVBoxLayout(waiting)
        waiting_layout.setSpacing(12)
        waiting_layout.setContentsMargins(48, 24, 48, 24)
        waiting_layout.addStretch(1)
        waiting_layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        waiting_layout.addWidget(self.message)
        waiting_layout.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignHCenter)
        waiting_layout.addStretch(2)
        self.pages = QStackedWidget()
        self.pages.addWidget(waiting)
        self.pages.addWidget(self.view)

        self.zoom_out_button = self._tool("−", "Zoom out (Ctrl+−)", lambda: self.zoom_by(-1))
        self.zoom_in_button = self._tool("+", "Zoom in (Ctrl++)", lambda: self.zoom_by(+1))
        self.fit_button = self._tool("Fit width", "Fit the page to the window's width (Ctrl+0)", self.fit_width)
        self.fit_button.setCheckable(True)
        self.fit_button.setChecked(True)
        self.zoom_label = QLabel()
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("400 %") + 8)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_label = QLabel()
        self.page_label.setObjectName("pageNumber")
        self.toolbar = QWidget()  # shown with the document: zooming nothing is no use
        self.toolbar.hide()
        tools = QHBoxLayout(self.toolbar)
        tools.setContentsMargins(0, 0, 0, 0)
        for widget in (self.zoom_out_button, self.zoom_label, self.zoom_in_button, self.fit_button):
            tools.addWidget(widget)
        tools.addStretch(1)
        tools.addWidget(self.page_label)

        self.status = QLabel()
        self.status.setObjectName("previewStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setWordWrap(True)  # a long "Saved to …" path must not widen the window
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton("Print…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = buttons.addButton("Save as…", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button = buttons.addButton("Open in PDF viewer", QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.print_button.setToolTip("Print (Ctrl+P)")
        self.save_button.setToolTip("Save a copy as a PDF file (Ctrl+S)")
        self.open_button.setToolTip("Open a copy in this computer's PDF viewer")
        for button in buttons.buttons():
            button.setAutoDefault(False)  # Enter must not print by accident
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_document)
        self.open_button.clicked.connect(self.open_document)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.pages, 1)
        layout.addLayout(bottom)

        for keys, slot in (
            (QKeySequence.StandardKey.Print, self.print_document),
            (QKeySequence.StandardKey.Save, self.save_document),
            (QKeySequence.StandardKey.ZoomIn, lambda: self.zoom_by(+1)),
            (QKeySequence.StandardKey.ZoomOut, lambda: self.zoom_by(-1)),
            (QKeySequence("Ctrl+0"), self.fit_width),
        ):
            QShortcut(keys, self, slot)
        self._set_actions_enabled(False)
        self._size_to_screen(parent)
        QTimer.singleShot(0, self._start)  # after show(): callers connect to `ready` first

    # --- making and showing ----------------------------------------------------------------

    def _tool(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.clicked.connect(slot)
        return button

    def _size_to_screen(self, parent: QWidget | None) -> None:
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        wanted = QSize(900, 1000)
        if screen is not None:
            room = screen.availableGeometry().size() * 0.92
            wanted = wanted.boundedTo(room)
        self.resize(wanted)

    def _set_actions_enabled(self, enabled: bool) -> None:
        for widget in (self.print_button, self.save_button, self.open_button,
                       self.zoom_in_button, self.zoom_out_button, self.fit_button):  # fmt: skip
            widget.setEnabled(enabled)

    def _start(self) -> None:
        request, today = self.request, self.today
        self.runner.run(
            lambda s: make_and_record(s, request, handed=documents.PREVIEWED, today=today),
            self._show,
            self._fail,
            owner=self,
        )

    def done(self, result: int) -> None:
        # Not WA_DeleteOnClose: callers keep lists of their previews and ask isVisible().
        # Closing lets go of the PDF instead, the only large thing a preview holds.
        super().done(result)
        self.closed = True
        self._set_actions_enabled(False)
        self.pdf.close()
        self._buffer.close()
        self._buffer.setData(b"")
        # The copies opened in the PDF viewer go too: on POSIX an open viewer keeps showing its
        # copy; on Windows one it holds open can't be removed, and start-up removes it later.
        self.viewer_copies = [path for path in self.viewer_copies if not files.remove_viewer_copy(path)]

    def _show(self, result) -> None:
        if self.closed:
            return  # closed while it was being made; the Documents list has it as previewed
        made, record = result
        self._buffer.setData(made.content)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.load(self._buffer)
        if self.pdf.status() != QPdfDocument.Status.Ready:
            self._fail(UprightError(f"The document was made but cannot be shown here ({self.pdf.error().name}). Try Open in PDF viewer."))
            return
        self.made, self.record = made, record
        self.setWindowTitle(made.title)
        self.pages.setCurrentWidget(self.view)
        self.toolbar.show()
        self._set_actions_enabled(True)
        self._show_page_number(0)
        self._show_zoom()
        self.status.setText(_plural(made.pages, "page"))
        self.view.setFocus()
        self.ready.emit(made)

    def _fail(self, error: BaseException) -> None:
        if not isinstance(error, UprightError):
            log.error("could not make %s", self.request, exc_info=error)
        if self.closed:
            return
        text = problem_text(error)
        self.busy.hide()
        self.icon.show()
        self.message.setText(f"<big><b>This document could not be made.</b></big><br><br>{_escaped(text)}")
        self.pages.setCurrentIndex(0)
        self.toolbar.hide()
        self._set_actions_enabled(False)
        self.status.clear()
        self.close_button.setFocus()
        self.failed.emit(text)

    def _show_page_number(self, index: int) -> None:
        count = self.pdf.pageCount()
        self.page_label.setText(f"Page {index + 1} of {count}" if count else "")

    # --- zoom ----------------------------------------------------------------------------------

    def _effective_zoom(self) -> float:
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom or self.pdf.pageCount() == 0:
            return self.view.zoomFactor()
        points = max(self.pdf.pagePointSize(i).width() for i in range(self.pdf.pageCount()))
        dots_per_point = self.view.logicalDpiX() / 72
        margins = self.view.documentMargins()
        return (self.view.viewport().width() - margins.left() - margins.right()) / (points * dots_per_point)

    def _show_zoom(self) -> None:
        self.zoom_label.setText(f"{round(self._effective_zoom() * 100)} %")

    def zoom_by(self, steps: int) -> None:
        if self.made is None:
            return
        now = self._effective_zoom()
        if steps > 0:
            factor = next((z for z in ZOOM_STEPS if z > now + 0.005), ZOOM_STEPS[-1])
        else:
            factor = next((z for z in reversed(ZOOM_STEPS) if z < now - 0.005), ZOOM_STEPS[0])
        page = self.view.pageNavigator().currentPage()
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)
        self.view.pageNavigator().jump(page, QPointF(), 0)
        self.fit_button.setChecked(False)
        self._show_zoom()

    def fit_width(self) -> None:
        if self.made is None:
            return
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.fit_button.setChecked(True)
        self._show_zoom()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize and self.made is not None:
            self._show_zoom()  # fit-to-width changes the zoom with the window
        return super().eventFilter(watched, event)

    # --- handing it out ----------------------------------------------------------------------

    def make_printer(self) -> QPrinter:
        """The printer Print… offers (tests replace this to print into a file)."""
        return QPrinter(QPrinter.PrinterMode.HighResolution)

    def _choose_pages(self, printer: QPrinter) -> list[int] | None:
        """Ask the print dialog; None when cancelled, else the 1-based pages to print."""
        count = self.pdf.pageCount()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print {self.made.title}")
        dialog.setMinMax(1, count)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        chosen = printer.printRange()
        if chosen == QPrinter.PrintRange.CurrentPage:
            return [self.view.pageNavigator().currentPage() + 1]
        if chosen == QPrinter.PrintRange.PageRange:
            ranges = printer.pageRanges()
            if not ranges.isEmpty():
                return [p for p in range(1, count + 1) if ranges.contains(p)]
            return list(range(max(printer.fromPage(), 1), min(printer.toPage() or count, count) + 1))
        return list(range(1, count + 1))

    def print_document(self) -> None:
        if self.made is None or not self.print_button.isEnabled():
            return
        made = self.made
        printer = self.make_printer()
        prepare_printer(printer, made.title, self.pdf.pagePointSize(0))
        numbers = self._choose_pages(printer)
        if not numbers:
            return

        def progress(done: int, total: int) -> None:
            self.status.setText(f"Printing page {done} of {total}…")
            self.status.repaint()

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            printed = print_pdf(made.content, printer, pages=numbers, progress=progress)
        except Exception as error:  # any failure is told, never raised into Qt's event loop
            if not isinstance(error, UprightError):
                log.error("could not print %s", made.title, exc_info=error)
            self.status.setText("Not printed")
            messages.warn(self, "Could not print", problem_text(error, "printing"))
            return
        finally:
            QApplication.restoreOverrideCursor()
        where = f" on {printer.printerName()}" if printer.printerName() else ""
        self._handed(documents.PRINTED, f"Printed {_plural(printed, 'page')}{where}")

    def save_document(self) -> None:
        if self.made is None or not self.save_button.isEnabled():
            return
        made = self.made
        suggested = os.path.join(_save_folder(), made.file_name())
        path = messages.save_path(self, "Save as PDF", suggested, "PDF documents (*.pdf)", ".pdf")
        if path is None:
            return
        try:
            _write(path, made.content)
        except OSError as error:
            reason = error.strerror or str(error)
            self.status.setText("Not saved")
            messages.warn(
                self,
                "Could not save",
                f"{path.name} could not be saved in {path.parent}: {reason}. "
                "If the file is open in another program, close it there; or choose another folder.",
            )
            return
        _remember_save_folder(str(path.parent))
        self._handed(documents.SAVED, f"Saved to {path}")

    def open_document(self) -> None:
        if self.made is None or not self.open_button.isEnabled():
            return
        made = self.made
        try:
            path = files.viewer_copy(made.content, made.file_name(), made.client_id)
        except OSError as error:
            messages.warn(self, "Could not open", f"A copy for the PDF viewer could not be written: {error.strerror or error}.")
            return
        self.viewer_copies.append(path)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.status.setText("Not opened")
            messages.warn(
                self,
                "Could not open",
                f"This computer did not open a PDF viewer. The file is at {path} until you close this "
                "preview — open it from there, or use Save as… to keep it somewhere you can find it.",
            )
            return
        self._handed(documents.OPENED, "Opened in the PDF viewer")

    def _handed(self, handed: str, said: str) -> None:
        self.status.setText(said)
        record_id = self.record.id

        def recorded(record) -> None:
            self.record = record
            self.handed.emit(handed)

        def not_recorded(error: BaseException) -> None:
            self.status.setText(f"{said}, but the Documents list could not be updated: {problem_text(error, 'updating it')}")

        self.runner.run(lambda s: documents.mark_handed(s, record_id, handed), recorded, not_recorded, owner=self)


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def show_preview(parent: QWidget | None, runner, request, *, today=None) -> DocumentPreview:
    """Open a non-modal preview of `request` (a studio.services.documents.Request); the document
    is made (and added to the Documents list as "previewed") on the database worker."""
    dialog = DocumentPreview(runner, request, parent, today=today)
    if parent is None:
        _open_previews.add(dialog)
        dialog.finished.connect(lambda *_: _open_previews.discard(dialog))
    dialog.show()
    return dialog
