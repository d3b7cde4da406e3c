"""Batch printing: the home-program handouts of every client seen this week, in one print job,
with progress and Cancel."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QSizeF, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from studio.errors import UprightError
from studio.services import documents, handouts
from studio.services.documents import Request
from ui.documents import printing
from ui.documents.printing import prepare_printer

PAPER_POINTS = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}


def week_label(monday: date) -> str:
    sunday = monday + timedelta(days=6)
    return f"{monday:%a %d %b} – {sunday:%a %d %b %Y}"


class BatchPrintDialog(QDialog):
    finished_printing = Signal(int, int)  # documents printed, pages printed

    def __init__(self, runner, parent=None, *, today: date | None = None):
        super().__init__(parent)
        self.runner = runner
        self.today = today or date.today()
        self.monday, _sunday = documents.week_of(self.today)
        self.queue: list[documents.SeenClient] = []
        self.printed_documents = 0
        self.printed_pages = 0
        self.failures: list[str] = []
        self.cancelled = False
        self.printing = False
        self.printer: QPrinter | None = None
        self.painter: QPainter | None = None
        self.paper = "a4"
        self.setWindowTitle("Print this week's handouts")
        self.resize(620, 520)

        self.previous_week = QPushButton("◀ Previous week")
        self.next_week = QPushButton("Next week ▶")
        self.week = QLabel()
        self.week.setAlignment(Qt.AlignmentFlag.AlignCenter)
        weeks = QHBoxLayout()
        weeks.addWidget(self.previous_week)
        weeks.addWidget(self.week, 1)
        weeks.addWidget(self.next_week)
        intro = QLabel("The current home program of every client with a session logged in the week. "
                       "Untick anyone whose handout you don't want to print.")
        intro.setWordWrap(True)
        self.clients = QListWidget()
        self.clients.setObjectName("batchClients")
        self.large_print = QCheckBox("Large print")
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.state = QLabel()
        self.state.setObjectName("batchState")
        self.state.setWordWrap(True)
        self.print_button = QPushButton("Print…")
        self.print_button.setDefault(True)
        self.cancel_button = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.large_print)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(weeks)
        layout.addWidget(intro)
        layout.addWidget(self.clients, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.state)
        layout.addLayout(buttons)

        self.previous_week.clicked.connect(lambda: self.show_week(self.monday - timedelta(days=7)))
        self.next_week.clicked.connect(lambda: self.show_week(self.monday + timedelta(days=7)))
        self.clients.itemChanged.connect(lambda _item: self._update_state())
        self.print_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel_or_close)
        self.show_week(self.monday)
        self.runner.run(lambda s: handouts.letterhead(s).paper, self._paper, owner=self)

    def _paper(self, paper: str) -> None:
        self.paper = paper

    # --- choosing ---------------------------------------------------------------------------

    def show_week(self, monday: date) -> None:
        self.monday = monday
        self.week.setText(f"<b>{week_label(monday)}</b>")
        self.next_week.setEnabled(monday + timedelta(days=7) <= self.today)
        self.clients.clear()
        self.state.setText("Looking up the week's sessions…")
        self.print_button.setEnabled(False)
        sunday = monday + timedelta(days=6)
        self.runner.run(lambda s: documents.clients_seen(s, monday, sunday), self._show_clients, owner=self)

    def _show_clients(self, seen) -> None:
        self.clients.blockSignals(True)
        self.clients.clear()
        for client in seen:
            if client.program_id is not None:
                text = f"{client.client_name} — {client.program_title} (last seen {client.last_seen:%a %d %b})"
            else:
                text = f"{client.client_name} — no active program to print"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, client)
            if client.program_id is not None:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
            else:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.clients.addItem(item)
        self.clients.blockSignals(False)
        self._update_state()

    def chosen(self) -> list[documents.SeenClient]:
        out = []
        for row in range(self.clients.count()):
            item = self.clients.item(row)
            if item.flags() & Qt.ItemFlag.ItemIsEnabled and item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def _update_state(self) -> None:
        if self.printing:
            return
        count = len(self.chosen())
        if self.clients.count() == 0:
            self.state.setText("No sessions were logged this week, so there are no handouts to print. "
                               "Use ◀ Previous week to print an earlier week's.")
        else:
            self.state.setText(f"{count} handout{'' if count == 1 else 's'} to print.")
        self.print_button.setEnabled(count > 0)

    # --- printing ---------------------------------------------------------------------------

    def make_printer(self) -> QPrinter:
        return QPrinter(QPrinter.PrinterMode.HighResolution)

    def ask_printer(self, printer: QPrinter) -> bool:
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the week's handouts")
        return dialog.exec() == QDialog.DialogCode.Accepted

    def start(self) -> None:
        self.queue = self.chosen()
        if not self.queue:
            return
        printer = self.make_printer()
        width, height = PAPER_POINTS.get(self.paper, PAPER_POINTS["a4"])
        prepare_printer(printer, f"Home programs, week of {self.monday:%d %b %Y}", QSizeF(width, height))
        if not self.ask_printer(printer):
            return
        painter = QPainter()
        if not painter.begin(printer):
            self.state.setText("The printer could not be started. Check that it is switched on and try again.")
            return
        self.printer, self.painter = printer, painter
        self.printing, self.cancelled = True, False
        self.printed_documents = self.printed_pages = 0
        self.failures = []
        self.total = len(self.queue)
        self.progress.setRange(0, self.total)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        for widget in (self.print_button, self.previous_week, self.next_week, self.clients, self.large_print):
            widget.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self._next()

    def _next(self) -> None:
        if self.cancelled or not self.queue:
            self._finish()
            return
        client = self.queue.pop(0)
        done_so_far = self.total - len(self.queue) - 1
        self.state.setText(f"Printing {done_so_far + 1} of {self.total}: {client.client_name}…")
        request = Request(documents.HANDOUT, client_id=client.client_id, program_id=client.program_id,
                          large_print=self.large_print.isChecked())
        today = self.today

        def work(session):
            from reports.documents import make_and_record

            made, _record = make_and_record(session, request, handed=documents.BATCH, today=today)
            return made

        self.runner.run(
            work,
            self._print,
            lambda error: self._failed(client, error),
            owner=self,
        )

    def _print(self, made) -> None:
        if self.cancelled:
            self._finish()
            return
        try:
            if self.printed_documents:
                self.printer.newPage()
            self.printed_pages += printing.print_pdf(made.content, self.printer, painter=self.painter)
        except UprightError as error:  # the printer stopped: nothing more can go out in this job
            self.failures.append(str(error))
            self.queue = []
            self._finish()
            return
        self.printed_documents += 1
        self.progress.setValue(self.printed_documents + len(self.failures))
        self._next()

    def _failed(self, client, error: BaseException) -> None:
        reason = str(error) if isinstance(error, UprightError) else repr(error)
        self.failures.append(f"{client.client_name}: {reason}")
        self.progress.setValue(self.printed_documents + len(self.failures))
        self._next()

    def _finish(self) -> None:
        if self.painter is not None:
            self.painter.end()
        self.painter = None
        self.printing = False
        stopped = " — stopped by Cancel" if self.cancelled else ""
        text = (f"Printed {self.printed_documents} handout{'' if self.printed_documents == 1 else 's'} "
                f"({self.printed_pages} pages){stopped}.")
        if self.failures:
            text += " Not printed: " + "; ".join(self.failures)
        self.state.setText(text)
        self.cancel_button.setText("Close")
        for widget in (self.previous_week, self.clients, self.large_print):
            widget.setEnabled(True)
        self.next_week.setEnabled(self.monday + timedelta(days=7) <= self.today)
        self.print_button.setEnabled(bool(self.chosen()))
        self.finished_printing.emit(self.printed_documents, self.printed_pages)

    def cancel_or_close(self) -> None:
        if self.printing:
            self.cancelled = True
            self.state.setText("Cancelling after the handout being printed…")
        else:
            self.reject()

    def reject(self) -> None:
        if self.printing:
            self.cancel_or_close()
            return
        super().reject()
