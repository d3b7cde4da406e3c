"""Studio ▸ Audit trail…: the owner's view of who did what, when — every record created,
changed, archived or deleted, every document printed or saved, every export and sign-in —
filtered by client, person, action and dates, with the fields before and after a change, and
the filtered entries exported to CSV."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QCompleter, QDateEdit, QDialog, QDialogButtonBox, QGridLayout, QHBoxLayout,
    QHeaderView, QLabel, QPushButton, QSplitter, QStackedWidget, QTextBrowser, QVBoxLayout, QWidget,
)  # fmt: skip

from studio.services import audit_trail
from ui import messages
from ui.widgets.tables import RowsModel, list_table

COLUMNS = ("When", "Who", "Desk", "Action", "Client", "What")
COLUMN_WIDTHS = {"When": 150, "Who": 130, "Desk": 130, "Action": 105, "Client": 150}
WARNING = QColor("#8b0000")  # deletions, erasures, failed sign-ins: what an owner looks for
ALERTING = {"delete", "erase", "sign_in_failed"}
GREY = "#666"
EMPTY_TRAIL = (
    "<h3>Nothing has been recorded yet</h3>"
    "<p>Upright adds an entry here whenever someone creates, changes, archives or deletes a record, prints, "
    "saves or opens a document, exports or imports, or signs in. Entries can't be changed or removed.</p>"
)
NOTHING_MATCHES = (
    "<h3>No entries match these filters</h3>"
    "<p>Choose <b>All clients</b>, <b>Everyone</b> or <b>All actions</b>, or widen the dates — "
    "or press <b>Clear filters</b> to see every entry.</p>"
)
_ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def when_label(at: datetime) -> str:
    """Local time, as the desk reads it: "25 Nov 2026 14:32:05"."""
    return at.astimezone().strftime("%d %b %Y %H:%M:%S")


def what_label(row: audit_trail.AuditRow) -> str:
    """The summary, without the "for client #12" the Client column already says."""
    if row.client_id is not None and row.client_name:
        return row.summary.removesuffix(f" for client #{row.client_id}")
    return row.summary


def value_text(value) -> str:
    """A value from an entry's details, in words (plain text)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        items = [value_text(item) for item in value]
        joiner = "\n" if any(len(item) > 40 for item in items) else ", "  # a session's exercises: a line each
        return joiner.join(items) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{audit_trail.field_label(str(k))}: {value_text(v)}" for k, v in value.items()) or "—"
    if isinstance(value, str) and _ISO_TIME.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return when_label(moment)
    return str(value)


def _cell(value) -> str:
    text = value_text(value)
    shown = html.escape(text).replace("\n", "<br>")
    return f"<span style='color:{GREY}'>—</span>" if text == "—" else shown


def details_html(row: audit_trail.AuditRow) -> str:
    """The selected entry: what, who, when, where, and its details (before → after for a change)."""
    head = (
        f"<h3 style='margin:0'>{html.escape(row.action_label)} · {html.escape(what_label(row))}</h3>"
        f"<p style='margin:4px 0 8px 0'>{html.escape(when_label(row.at))} · <b>{html.escape(row.who)}</b>"
        + (f" at {html.escape(row.desk)}" if row.desk else "")
        + "</p>"
    )
    about = [part for part in (row.record_label, row.client_label and f"about {row.client_label}") if part]
    if about:
        head += f"<p style='margin:0 0 8px 0; color:{GREY}'>{html.escape(' · '.join(about))}</p>"
    if row.erased:
        return head + (
            "<p><i>The details of this entry were erased with the client's records, at the client's request. "
            "Who did what, and when, is kept.</i></p>"
        )
    lines = row.changes()
    if not lines:
        return head + f"<p style='color:{GREY}'>No further details.</p>"
    style = "style='padding:2px 8px 2px 0; vertical-align:top'"
    if any(line.changed for line in lines):
        rows = "".join(
            f"<tr><td {style}><b>{html.escape(line.label)}</b></td><td {style}>{_cell(line.before)}</td>"
            f"<td {style}>→ {_cell(line.after)}</td></tr>"
            if line.changed
            else f"<tr><td {style}><b>{html.escape(line.label)}</b></td><td {style} colspan=2>{_cell(line.after)}</td></tr>"
            for line in lines
        )
        heading = (f"<tr><th align=left width='26%' {style}>Field</th><th align=left width='37%' {style}>Before</th>"
                   f"<th align=left width='37%' {style}>After</th></tr>")  # fmt: skip
    else:
        word = {"create": "Values when created", "delete": "Values when deleted"}.get(row.action, "Value")
        rows = "".join(
            f"<tr><td {style}><b>{html.escape(line.label)}</b></td><td {style}>{_cell(line.after)}</td></tr>" for line in lines
        )
        heading = f"<tr><th align=left width='26%' {style}>Field</th><th align=left width='74%' {style}>{word}</th></tr>"
    return head + f"<table cellspacing=0 width='100%'>{heading}{rows}</table>"


class AuditModel(RowsModel):
    columns = COLUMNS

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row: audit_trail.AuditRow = self.rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                "When": when_label(row.at), "Who": row.who, "Desk": row.desk or "", "Action": row.action_label,
                "Client": row.client_label, "What": what_label(row),
            }[column]  # fmt: skip
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "When":
                return f"{row.at.isoformat(timespec='seconds')} (UTC)"
            if column == "What":
                return row.summary
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.action in ALERTING and column == "Action":
                return WARNING
            if row.erased:
                return QColor(GREY)
        if role == Qt.ItemDataRole.FontRole and row.erased and column == "What":
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None


def _date_filter(label: str, day: date) -> tuple[QCheckBox, QDateEdit]:
    check = QCheckBox(label)
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    edit.setEnabled(False)
    check.toggled.connect(edit.setEnabled)
    return check, edit


class AuditDialog(QDialog):
    """The audit trail, newest first. `client_id` opens it filtered to one client."""

    def __init__(self, runner, parent=None, *, client_id: int | None = None, today: date | None = None):
        super().__init__(parent)
        self.runner = runner
        self.today = today or date.today()
        self.total = 0
        self._wanted_client = client_id
        self._filling = False
        self.setWindowTitle("Audit trail")
        self.resize(1180, 720)

        self.client_box = QComboBox()
        self.client_box.setObjectName("auditClient")
        self.client_box.setEditable(True)
        self.client_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.client_box.setMinimumContentsLength(22)
        self.client_box.lineEdit().setPlaceholderText("Type a client's name")
        completer = self.client_box.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.person_box = QComboBox()
        self.person_box.setObjectName("auditPerson")
        self.person_box.setMinimumContentsLength(16)
        self.action_box = QComboBox()
        self.action_box.setObjectName("auditAction")
        self.action_box.addItem("All actions", None)
        for code, label in audit_trail.actions():
            self.action_box.addItem(label, code)
        self.since_check, self.since_edit = _date_filter("From", self.today - timedelta(days=30))
        self.until_check, self.until_edit = _date_filter("to", self.today)
        self.clear_button = QPushButton("Clear filters")

        filters = QGridLayout()
        filters.addWidget(QLabel("Client"), 0, 0)
        filters.addWidget(self.client_box, 0, 1)
        filters.addWidget(QLabel("Person"), 0, 2)
        filters.addWidget(self.person_box, 0, 3)
        filters.addWidget(QLabel("Action"), 0, 4)
        filters.addWidget(self.action_box, 0, 5)
        dates = QHBoxLayout()
        for widget in (self.since_check, self.since_edit, self.until_check, self.until_edit):
            dates.addWidget(widget)
        dates.addStretch(1)
        dates.addWidget(self.clear_button)
        filters.addLayout(dates, 1, 0, 1, 6)
        filters.setColumnStretch(1, 3)
        filters.setColumnStretch(3, 2)
        filters.setColumnStretch(5, 2)

        self.counts = QLabel()
        self.counts.setObjectName("auditCounts")
        self.counts.setWordWrap(True)

        self.model = AuditModel(self)
        self.table = list_table(self.model)
        self.table.setObjectName("auditTable")
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, name in enumerate(COLUMNS):
            if name in COLUMN_WIDTHS:
                header.resizeSection(column, COLUMN_WIDTHS[name])
        header.setSectionResizeMode(COLUMNS.index("What"), QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel()
        self.empty.setObjectName("auditEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color:#444; padding:24px;")
        self.body = QStackedWidget()
        self.body.addWidget(self.table)
        self.body.addWidget(self.empty)

        self.details = QTextBrowser()
        self.details.setObjectName("auditDetails")
        self.details.setOpenLinks(False)
        self.details.setPlaceholderText("Choose an entry to see what it changed.")
        # The list over the details: both need the width (a summary; before and after side by side).
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.body)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        split.setSizes([380, 220])

        self.refresh_button = QPushButton("Refresh")
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("Save the entries these filters show as a CSV file only you can read")
        self.status = QLabel()
        self.status.setObjectName("auditStatus")
        self.status.setStyleSheet(f"color:{GREY};")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.refresh_button)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.counts)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)

        self.client_box.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.client_box.lineEdit().editingFinished.connect(self._client_typed)
        self.person_box.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.action_box.currentIndexChanged.connect(lambda _i: self._filters_changed())
        for check, edit in ((self.since_check, self.since_edit), (self.until_check, self.until_edit)):
            check.toggled.connect(lambda _on: self._filters_changed())
            edit.dateChanged.connect(lambda _d: self._filters_changed())
        self.clear_button.clicked.connect(self.clear_filters)
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export_csv)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._row_chosen())
        self.refresh()

    # --- filters ----------------------------------------------------------------------------

    def filters(self) -> dict:
        """The filters as `audit_trail.entries` takes them."""
        out: dict = {}
        client = self.client_box.currentData()
        if client is not None:
            out["client_id"] = client
        person = self.person_box.currentData()
        if person is not None:
            staff_id, name = person
            if staff_id is not None:
                out["staff_id"] = staff_id
            else:
                out["who"] = name
        action = self.action_box.currentData()
        if action is not None:
            out["action"] = action
        if self.since_check.isChecked():
            out["since"] = self.since_edit.date().toPython()
        if self.until_check.isChecked():
            out["until"] = self.until_edit.date().toPython()
        return out

    def set_client(self, client_id: int | None) -> None:
        index = self.client_box.findData(client_id) if client_id is not None else 0
        self.client_box.setCurrentIndex(max(index, 0))

    def set_action(self, action: str | None) -> None:
        self.action_box.setCurrentIndex(max(self.action_box.findData(action), 0))

    def clear_filters(self) -> None:
        self._filling = True
        try:
            for box in (self.client_box, self.person_box, self.action_box):
                box.setCurrentIndex(0)
            self.since_check.setChecked(False)
            self.until_check.setChecked(False)
        finally:
            self._filling = False
        self._filters_changed()

    def _client_typed(self) -> None:
        """Typed text that names no client goes back to the chosen one."""
        text = self.client_box.currentText()
        index = self.client_box.findText(text, Qt.MatchFlag.MatchFixedString)
        if index < 0:
            self.client_box.setEditText(self.client_box.itemText(self.client_box.currentIndex()))
        elif index != self.client_box.currentIndex():
            self.client_box.setCurrentIndex(index)

    def _filters_changed(self) -> None:
        if not self._filling:
            self.load_entries()

    # --- loading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """The filter choices (people and clients the trail names) and then the entries."""

        def work(session):
            return audit_trail.count(session), audit_trail.people(session), audit_trail.clients(session)

        self.runner.run(work, self._choices_loaded, self._failed, owner=self)

    def _choices_loaded(self, loaded) -> None:
        self.total, people, clients = loaded
        client, person = self.client_box.currentData(), self.person_box.currentData()
        if self._wanted_client is not None:
            client, self._wanted_client = self._wanted_client, None
        self._filling = True
        try:
            self.client_box.clear()
            self.client_box.addItem("All clients", None)
            for client_id, name in clients:
                self.client_box.addItem(name, client_id)
            self.client_box.setCurrentIndex(max(self.client_box.findData(client), 0) if client is not None else 0)
            self.person_box.clear()
            self.person_box.addItem("Everyone", None)
            for choice in people:
                self.person_box.addItem(choice.name, (choice.staff_id, choice.name))
            found = [i for i in range(self.person_box.count()) if self.person_box.itemData(i) == person]
            self.person_box.setCurrentIndex(found[0] if person is not None and found else 0)
        finally:
            self._filling = False
        self.load_entries()

    def load_entries(self, select_id: int | None = None) -> None:
        filters = self.filters()
        self.runner.run(lambda s: audit_trail.entries(s, **filters), lambda rows: self._loaded(rows, select_id),
                        self._failed, owner=self)  # fmt: skip

    def _loaded(self, rows, select_id: int | None) -> None:
        self.model.set_rows(rows)
        shown = len(rows)
        if shown >= audit_trail.DEFAULT_LIMIT:
            self.counts.setText(f"The newest {shown:,} entries that match these filters — narrow them (or export "
                                "to CSV) to see older ones.")  # fmt: skip
        elif self.filters():
            self.counts.setText(f"{shown:,} of {self.total:,} entries match these filters, newest first.")
        else:
            self.counts.setText(f"{shown:,} entries, newest first.")
        self.export_button.setEnabled(shown > 0)
        if not rows:
            self.empty.setText(EMPTY_TRAIL if not self.filters() and not self.total else NOTHING_MATCHES)
            self.body.setCurrentWidget(self.empty)
            self.details.clear()
            return
        self.body.setCurrentWidget(self.table)
        chosen = [i for i, row in enumerate(rows) if row.id == select_id] or [0]
        self.table.selectRow(chosen[0])
        self._row_chosen()

    def _failed(self, error: BaseException) -> None:
        self.model.set_rows([])
        self.export_button.setEnabled(False)
        self.counts.setText("")
        self.empty.setText(f"<h3>The audit trail could not be read</h3><p>{html.escape(str(error))}</p>")
        self.body.setCurrentWidget(self.empty)
        self.details.clear()

    def selected(self) -> audit_trail.AuditRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.body.currentWidget() is not self.table:
            return None
        return self.model.rows[rows[0].row()]

    def _row_chosen(self) -> None:
        row = self.selected()
        if row is None:
            self.details.clear()
        else:
            self.details.setHtml(details_html(row))

    # --- export -----------------------------------------------------------------------------

    def export_csv(self) -> None:
        suggested = f"upright-audit-{self.today.isoformat()}.csv"
        path = messages.save_path(self, "Export the audit trail to CSV", suggested, "CSV files (*.csv)", ".csv")
        if path is None:
            return
        filters = self.filters()

        def done(count: int) -> None:
            self.status.setText(f"Exported {count:,} entries to {path.name}")
            self.status.setToolTip(str(path))
            self.refresh()  # the export is an entry of its own

        def failed(error: BaseException) -> None:
            messages.warn(self, "Nothing was exported", f"{path.name} could not be written in {path.parent}: {error}")

        self.runner.run(lambda s: audit_trail.export_csv(s, path, **filters), done, failed, owner=self)


def show_audit(window: QWidget, client_id: int | None = None) -> AuditDialog:
    """Open the audit trail over `window` (which has the `runner`), optionally for one client."""
    dialog = AuditDialog(window.runner, window, client_id=client_id)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
