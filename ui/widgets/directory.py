"""A searchable list of records beside the form that edits the chosen one.

The clinician network and the staff list are both this: small enough to load whole (tens to
hundreds of rows), filtered on the worker, edited through a RecordEditor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.leaving import leave_then
from ui.widgets.record_editor import RecordEditor
from ui.widgets.tables import archived_style, list_table, side_by_side

Column = tuple[str, Callable[[Any], str]]


class RecordTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent=None):
        super().__init__(parent)
        self.columns = tuple(columns)
        self.records: list[Any] = []

    def set_records(self, records: list[Any]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][0]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.records):
            return None
        record = self.records[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[index.column()][1](record) or ""
        if role == Qt.ItemDataRole.UserRole:
            return record.id
        return archived_style(role) if record.archived else None

    def row_of(self, record_id: int | None) -> int:
        return next((n for n, r in enumerate(self.records) if r.id == record_id), -1)


class RecordDirectory(QWidget):
    status = Signal(str)

    def __init__(
        self,
        runner,
        service,
        *,
        what: str,
        columns: Sequence[Column],
        load: Callable[..., list[Any]],
        sections=None,
        editor_columns: int = 2,
        filters: Sequence[QWidget] = (),
        search_hint: str = "Search",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.runner = runner
        self.what = what
        self._load_fn = load
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(search_hint)
        self.search_box.setClearButtonEnabled(True)
        self.show_archived = QCheckBox("Show archived")
        self.new_button = QPushButton(f"New {what}")
        self.model = RecordTableModel(columns, self)
        self.table = list_table(self.model)
        self.list_status = QLabel()
        self.list_status.setStyleSheet("color: #555;")
        self.list_status.setWordWrap(True)
        self.editor = RecordEditor(runner, service, what=what, sections=sections, columns=editor_columns)

        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.new_button)
        filter_row = QHBoxLayout()
        for widget in filters:
            filter_row.addWidget(widget)
            if hasattr(widget, "currentIndexChanged"):
                widget.currentIndexChanged.connect(self.reload)
            elif hasattr(widget, "toggled"):
                widget.toggled.connect(self.reload)
        filter_row.addWidget(self.show_archived)
        filter_row.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addLayout(filter_row)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.list_status)
        self.splitter = side_by_side(left, self.editor, (700, 580))
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.reload)
        self.search_box.textChanged.connect(self._timer.start)
        self.show_archived.toggled.connect(self.reload)
        self.new_button.clicked.connect(self.new_record)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.editor.saved.connect(self._saved)
        self.editor.archived_changed.connect(self._saved)

    def reload(self, *_args) -> None:
        self._timer.stop()
        text, archived = self.search_box.text(), self.show_archived.isChecked()
        self.runner.run(lambda s: self._load_fn(s, text, archived), self._loaded, owner=self)

    def _loaded(self, records: list[Any]) -> None:
        self.model.set_records(records)
        if records:
            self.list_status.setText(f"{len(records)} {self.what}{'' if len(records) == 1 else 's'}")
        elif self.search_box.text().strip():
            self.list_status.setText(f"No {self.what}s match “{self.search_box.text().strip()}” with these filters.")
        else:
            self.list_status.setText(f"No {self.what}s here yet. Press New {self.what} to add one.")
        self._select(self.editor.record.id if self.editor.record else None)

    def _select(self, record_id: int | None) -> None:
        row = self.model.row_of(record_id)
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.table.clearSelection()
        selection.blockSignals(False)

    def _row_chosen(self, current, _previous) -> None:
        if not current.isValid():
            return
        record = self.model.records[current.row()]
        if self.editor.record is not None and record.id == self.editor.record.id:
            return
        self.leave_then(
            lambda: self.editor.load(record.id),
            on_cancel=lambda: self._select(self.editor.record.id if self.editor.record else None),
        )

    def leave_then(self, proceed, on_cancel=None) -> None:
        leave_then(self, [self.editor], proceed, on_cancel)

    def new_record(self) -> None:
        def start() -> None:
            self.table.clearSelection()
            self.editor.start_new()
            self.editor.form.inputs[self.editor.form.fields[0].name].setFocus()

        self.leave_then(start)

    def _saved(self, record) -> None:
        self.status.emit(f"Saved {record.name}")
        self.reload()
