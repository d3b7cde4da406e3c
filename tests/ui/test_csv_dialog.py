"""File ▸ Import clients from CSV: the preview lists problems by line and column, and a file with
problems imports nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget, QTableWidget

from studio.services import clients, csv_transfer

HEADER = ",".join(csv_transfer.columns("clients"))


def csv_text(*rows: dict) -> str:
    cols = csv_transfer.columns("clients")
    lines = [HEADER] + [",".join(row.get(c, "") for c in cols) for row in rows]
    return "\n".join(lines) + "\n"


def open_import(window, monkeypatch, path, accept: bool):
    from PySide6.QtWidgets import QFileDialog

    from ui.studio.csv_dialog import CsvImportDialog

    seen = {}

    def exec_(dialog):
        seen["dialog"] = dialog
        if accept and dialog.import_button.isEnabled():
            dialog.import_button.click()
        return dialog.result is not None

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), "CSV files (*.csv)"))
    monkeypatch.setattr(CsvImportDialog, "exec", exec_)
    window.import_clients_action.trigger()
    return seen["dialog"]


def test_a_file_with_problems_shows_them_by_line_and_column_and_imports_nothing(window, database, monkeypatch, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(
        csv_text(
            {"first_name": "Ana", "last_name": "Lund", "date_of_birth": "1980-01-02"},
            {"first_name": "Bea", "last_name": "Lund", "email": "bea@"},
            {"first_name": "", "last_name": "Lund", "date_of_birth": "2090-01-01"},
        ),
        encoding="utf-8",
    )
    dialog = open_import(window, monkeypatch, path, accept=True)
    problem_list = dialog.findChild(QListWidget, "importProblems")
    shown = [problem_list.item(i).text() for i in range(problem_list.count())]
    assert any(text.startswith("Line 3, column email:") for text in shown)
    assert any(text.startswith("Line 4, column first_name:") for text in shown)
    assert any(text.startswith("Line 4, column date_of_birth:") for text in shown)
    assert not dialog.import_button.isEnabled()
    table = dialog.findChild(QTableWidget)
    assert [table.item(r, 1).text() for r in range(table.rowCount())] == ["added", "has a problem", "has a problem"]
    with database.session_factory() as s:
        assert clients.search(s, "lund") == []


def test_a_clean_file_imports_and_the_list_shows_the_new_clients(window, database, monkeypatch, tmp_path):
    with database.session_factory.begin() as s:
        clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund", "date_of_birth": "1980-01-02"}))
    path = tmp_path / "clients.csv"
    path.write_text(
        csv_text(
            {"first_name": "Ana", "last_name": "Lund", "date_of_birth": "1980-01-02"},
            {"first_name": "Zoë", "last_name": "Lund", "notes": "\"likes <b>bold</b> & more\""},
        ),
        encoding="utf-8-sig",
    )
    dialog = open_import(window, monkeypatch, path, accept=True)
    assert dialog.import_button.text() == "Import 1 client"
    assert dialog.result.created == 1 and dialog.result.skipped_duplicates == 1
    with database.session_factory() as s:
        found = clients.search(s, "lund")
        assert [r.first_name for r in found] == ["Ana", "Zoë"]
        assert clients.get(s, found[1].id).details.notes == "likes <b>bold</b> & more"
    assert "Imported 1 client; skipped 1 already in the studio" in window.statusBar().currentMessage()
