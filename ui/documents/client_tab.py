"""The client's Documents tab: make a handout or progress report, and see every document the
studio made for this client — what, when, who, what happened to it and its fingerprint — with
"Make again"."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from studio.services import documents
from studio.services.documents import Request
from ui.widgets.tables import RowsModel, list_table
from ui.widgets.workspace import NothingToSave

COLUMNS = ("Made", "Document", "By", "Pages", "What happened", "Fingerprint")


def made_label(record: documents.DocumentRecord) -> str:
    return record.made_at.astimezone().strftime("%d %b %Y %H:%M")


class DocumentListModel(RowsModel):
    columns = COLUMNS

    @property
    def records(self) -> list[documents.DocumentRecord]:
        return self.rows

    def set_records(self, records) -> None:
        self.set_rows(records)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        record = self.records[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                made_label(record),
                record.title,
                record.made_by or "—",
                str(record.pages),
                record.handed_label,
                documents.short_fingerprint(record.fingerprint),
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{record.title}\n{record.kind_label} · {record.size_bytes:,} bytes\nSHA-256 {record.fingerprint}"
        if role == Qt.ItemDataRole.UserRole:
            return record
        return None


class DocumentsTab(NothingToSave, QWidget):
    """Fourth workspace tab. Nothing here is edited in place, so it never holds unsaved work."""

    tab_title = "Documents"
    unsaved_what = "documents"
    status = Signal(str)

    def __init__(self, runner, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.client_id: int | None = None
        self.previews: list = []

        self.handout_button = QPushButton("Home-program handout…")
        self.handout_button.setToolTip("Preview and print the client's active home program (Ctrl+P)")
        self.progress_button = QPushButton("Progress report…")
        self.audience = QComboBox()
        self.audience.addItem("for the client", "client")
        self.audience.addItem("for a clinician", "clinician")
        self.large_print = QCheckBox("Large print")
        self.large_print.setToolTip("Bigger text and figures, for clients who find small print hard to read")
        bar = QHBoxLayout()
        for widget in (self.handout_button, self.progress_button, self.audience, self.large_print):
            bar.addWidget(widget)
        bar.addStretch(1)

        self.model = DocumentListModel(self)
        self.table = list_table(self.model)
        self.table.setObjectName("documentList")
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in enumerate((130, 360, 130, 50, 150, 120)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the title takes what is left
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #444;")
        self.again_button = QPushButton("Make again…")
        self.again_button.setToolTip("Make the selected document again, with the date it was first made")
        self.count = QLabel()
        self.count.setStyleSheet("color: #555;")
        below = QHBoxLayout()
        below.addWidget(self.again_button)
        below.addWidget(self.count, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(below)

        self.handout_button.clicked.connect(self.print_handout)
        self.progress_button.clicked.connect(self.progress_report)
        self.again_button.clicked.connect(self.make_again)
        self.table.doubleClicked.connect(lambda _index: self.make_again())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._show([])

    # --- the workspace tab protocol ---------------------------------------------------------

    def show_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.reload()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.reload()  # a letter previewed on the Referrals tab, a batch printed elsewhere

    # --- list -------------------------------------------------------------------------------

    def reload(self) -> None:
        client_id = self.client_id
        if client_id is None:
            self._show([])
            return
        self.runner.run(lambda s: documents.list_for_client(s, client_id), self._show, owner=self)

    def _show(self, records) -> None:
        self.model.set_records(records)
        has_client = self.client_id is not None
        for widget in (self.handout_button, self.progress_button, self.audience, self.large_print):
            widget.setEnabled(has_client)
        if not has_client:
            self.empty.setText("Save the new client first; their handouts, letters and reports will be listed here.")
        else:
            self.empty.setText(
                "<b>No documents yet.</b> Every handout, referral letter and progress report made for this client "
                "is listed here with the date, who made it and a fingerprint that matches the paper copy."
            )
        self.empty.setVisible(not records)
        self.table.setVisible(bool(records))
        noun = "document" if len(records) == 1 else "documents"
        self.count.setText(f"{len(records)} {noun}" if records else "")
        self._update_buttons()

    def selected(self) -> documents.DocumentRecord | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.model.data(index, Qt.ItemDataRole.UserRole)

    def _update_buttons(self) -> None:
        self.again_button.setEnabled(self.selected() is not None)

    # --- making documents -------------------------------------------------------------------

    def open_preview(self, request: Request, *, today=None):
        from ui.documents import preview  # QtPdf and QtPrintSupport: loaded with the first preview

        for old in [p for p in self.previews if not p.isVisible()]:
            old.deleteLater()  # closed previews are done with
        dialog = preview.show_preview(self.window(), self.runner, request, today=today)
        self.previews = [p for p in self.previews if p.isVisible()] + [dialog]
        for signal in ("ready", "handed"):
            if hasattr(dialog, signal):
                getattr(dialog, signal).connect(lambda *_: self.reload())
        return dialog

    def print_handout(self, program_id: int | None = None):
        if self.client_id is None:
            return None
        request = Request(documents.HANDOUT, client_id=self.client_id, program_id=program_id,
                          large_print=self.large_print.isChecked())
        return self.open_preview(request)

    def progress_report(self):
        if self.client_id is None:
            return None
        request = Request(documents.PROGRESS, client_id=self.client_id, audience=self.audience.currentData(),
                          large_print=self.large_print.isChecked())
        return self.open_preview(request)

    def make_again(self):
        record = self.selected()
        if record is None:
            return None
        return self.open_preview(record.request, today=documents.prepared_on(record))
