"""Questions and messages to the person at the desk, in one place so tests can answer them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str, yes: str = "OK") -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is ok


def unsaved_changes(parent: QWidget | None, what: str) -> str:
    """'save', 'discard' or 'cancel' for a form with unsaved edits that is about to be left."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Unsaved changes",
        f"You have unsaved changes to {what}. Save them before moving on?",
        parent=parent,
    )
    save = box.addButton(QMessageBox.StandardButton.Save)
    discard = box.addButton(QMessageBox.StandardButton.Discard)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(save)
    box.exec()
    clicked = box.clickedButton()
    return "save" if clicked is save else "discard" if clicked is discard else "cancel"


def save_path(parent: QWidget | None, title: str, suggested: str, filters: str, suffix: str) -> Path | None:
    """Where to save a file, asked in the save dialog; None when the person cancels. The name ends
    in `suffix` (".csv"): added when it was left off."""
    chosen, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    return path
