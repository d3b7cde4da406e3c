"""The client list: a page of rows at a time, fetched as the person scrolls.

With 100,000 clients the list must never load them all; the search service returns pages in
name order and Qt asks for more through canFetchMore/fetchMore (the Qt "fetchmore" example).
Each search carries a generation number so a slow answer to an old query is dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal

from studio.services import clients
from ui.widgets.tables import archived_style

PAGE = 100
COLUMNS = ("Name", "Date of birth", "Phone", "Email", "Trainer")


class ClientListModel(QAbstractTableModel):
    loaded = Signal()

    def __init__(self, runner, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.rows: list[clients.ClientRow] = []
        self.text = ""
        self.include_archived = False
        self._generation = 0
        self._more = False
        self._loading = False

    # --- Qt model -----------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, index.column())
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return archived_style(role) if row.archived else None

    @staticmethod
    def _text(row: clients.ClientRow, column: int) -> str:
        if column == 0:
            return row.list_name + ("  (archived)" if row.archived else "")
        if column == 1:
            return row.date_of_birth.isoformat() if row.date_of_birth else ""
        return [row.phone, row.email, row.trainer_name][column - 2] or ""

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._more and not self._loading

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: N802
        if self.canFetchMore(parent):
            self._load(offset=len(self.rows))

    # --- searching ----------------------------------------------------------------------------

    def search(self, text: str, include_archived: bool | None = None) -> None:
        self.text = text
        if include_archived is not None:
            self.include_archived = include_archived
        self._generation += 1
        self._load(offset=0)

    def refresh(self) -> None:
        self.search(self.text)

    def _load(self, offset: int) -> None:
        generation, text, archived = self._generation, self.text, self.include_archived
        self._loading = True

        def work(session):
            return clients.search(session, text, include_archived=archived, offset=offset, limit=PAGE + 1)

        def done(found: list[clients.ClientRow]) -> None:
            if generation != self._generation:
                return
            self._loading = False
            more, page = len(found) > PAGE, found[:PAGE]
            if offset == 0:
                self.beginResetModel()
                self.rows = page
                self._more = more
                self.endResetModel()
            elif page:
                self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page) - 1)
                self.rows.extend(page)
                self._more = more
                self.endInsertRows()
            else:
                self._more = False
            self.loaded.emit()

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self._loading = False
            if self.runner.on_unhandled_error is None:
                raise error
            self.runner.on_unhandled_error(error)

        self.runner.run(work, done, failed, owner=self)

    def has_more(self) -> bool:
        return self._more

    def row_of(self, client_id: int) -> int:
        for number, row in enumerate(self.rows):
            if row.id == client_id:
                return number
        return -1
