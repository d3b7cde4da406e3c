"""File ▸ Import … from CSV: a preview with every problem by line and column, then all or nothing."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from studio.errors import UprightError
from studio.services import csv_transfer
from ui import messages

PREVIEW_ROWS = 500
SINGULAR = {"clients": "client", "clinicians": "clinician"}


def counted(n: int, kind: str) -> str:
    return f"{n} {kind if n != 1 else SINGULAR[kind]}"
PREVIEW_COLUMNS = {"clients": ("first_name", "last_name", "date_of_birth", "phone", "email"),
                   "clinicians": ("first_name", "last_name", "specialty", "practice", "phone")}


def outcome(row) -> str:
    if row.errors:
        return "has a problem"
    return "added" if row.status == "new" else "skipped (already here)"


class CsvImportDialog(QDialog):
    def __init__(self, runner, kind: str, file_name: str, preview, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.preview = preview
        self.result = None
        self.setWindowTitle(f"Import {kind} from {file_name}")
        self.resize(820, 560)
        new, duplicates = preview.new_count, preview.duplicate_count
        summary = QLabel()
        summary.setWordWrap(True)
        problems = QListWidget()
        problems.setObjectName("importProblems")
        for problem in preview.errors:
            text = str(problem)
            problems.addItem(text[0].upper() + text[1:])
        if preview.errors:
            summary.setText(
                f"<b>{len(preview.errors)} problem{'s' if len(preview.errors) != 1 else ''} to fix first.</b> "
                "Nothing will be imported until the file is corrected — fix these lines in your "
                "spreadsheet, save it as CSV again and re-open it."
            )
        else:
            summary.setText(
                f"<b>{counted(new, kind)}</b> will be added"
                + (f"; {duplicates} already in the studio will be skipped." if duplicates else ".")
            )
        table = QTableWidget()
        columns = PREVIEW_COLUMNS[kind]
        table.setColumnCount(len(columns) + 2)
        table.setHorizontalHeaderLabels(["Line", "Will be"] + [c.replace("_", " ") for c in columns])
        shown = preview.rows[:PREVIEW_ROWS]
        table.setRowCount(len(shown))
        for r, row in enumerate(shown):
            cells = [str(row.line), outcome(row)]
            cells += [str(row.values.get(c, "")) for c in columns]
            for c, text in enumerate(cells):
                table.setItem(r, c, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        table.verticalHeader().setVisible(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(f"Import {counted(new, kind)}", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(not preview.errors and new > 0)
        self.buttons.accepted.connect(self.run_import)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        if preview.errors:
            layout.addWidget(problems, 1)
        layout.addWidget(QLabel("Preview:"))
        layout.addWidget(table, 2)
        layout.addWidget(self.buttons)

    def run_import(self) -> None:
        preview = self.preview

        def done(result) -> None:
            self.result = result
            self.accept()

        def failed(error: BaseException) -> None:
            text = str(error) if isinstance(error, UprightError) else f"Nothing was imported.\n\n{error!r}"
            messages.warn(self, "Import failed", text)

        self.import_button.setEnabled(False)
        self.runner.run(lambda s: csv_transfer.apply_import(s, preview), done, failed, owner=self)
