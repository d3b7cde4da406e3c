"""When the studio database can't be opened: say why in plain words and offer the way out."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox

from studio.db import DatabaseMissing, DatabaseProblem
from studio.errors import UprightError


def _ask(window, title: str, text: str, choices: list[str]) -> str | None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=window)
    buttons = {box.addButton(label, QMessageBox.ButtonRole.AcceptRole): label for label in choices}
    box.addButton("Quit Upright", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return buttons.get(box.clickedButton())


def handle_database_problem(window, error: BaseException, path_or_url) -> None:
    window.waiting.setText(f"The studio database is not open.\n\n{error}")
    if isinstance(error, DatabaseMissing):
        choice = _ask(window, "No studio database there", f"{error}\n\nCreate a new, empty studio database at this place?",
                      ["Create it"])
        if choice:
            window.open_database(path_or_url, create=True)
            return
    elif isinstance(error, DatabaseProblem) and error.latest_backup is not None and error.path is not None:
        choice = _ask(
            window,
            "The studio database can't be opened",
            f"{error}\n\nRestore the latest backup? The current file is kept as a safety copy beside the backups.",
            ["Restore latest backup"],
        )
        if choice:
            _restore_and_reopen(window, error.latest_backup, error.path, path_or_url)
            return
    else:
        detail = str(error) if isinstance(error, UprightError) else repr(error)
        _ask(window, "The studio database can't be opened", detail, [])
    QApplication.instance().exit(1)


def _restore_and_reopen(window, backup, path, path_or_url) -> None:
    from studio.backups import restore_backup

    def restore():
        # A damaged file can't be backed up with the backup API: set it aside instead.
        try:
            return restore_backup(backup, path)
        except UprightError:
            aside = path.with_name(path.name + ".damaged")
            path.replace(aside)
            restore_backup(backup, path)
            return aside

    window.runner.run(
        restore,
        lambda _kept: window.open_database(path_or_url),
        lambda exc: handle_database_problem(window, exc, path_or_url),
        with_session=False,
    )
