"""A client's data requests in the window: "Export client data…" and "Erase client…".

Both are the owner's (the services refuse anyone else; the menu may hide them too). Exporting
asks where to put the zip and makes it on the database worker. Erasing first shows exactly what
will go, and asks for the client's name to be typed before its button wakes up; once done, the
client's tabs close and the clients list shows again.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLayout, QLineEdit, QVBoxLayout, QWidget

from studio.text import fold
from ui import messages
from ui.documents.preview import problem_text

ERASE_LEAVES = (
    "Upright can't reach, and so doesn't touch: copies saved elsewhere with <i>Save as…</i>, "
    "exports, printed paper, and backups made before now (they keep the client until they are "
    "removed — daily backups after 14 days, others by hand). Copies opened in the PDF viewer at "
    "other desks are removed when Upright next starts there."
)


def _said_name(text: str) -> str:
    """A name as typed, for comparing: case, accents and spacing don't matter."""
    return " ".join(fold(text).split())


# --- export ------------------------------------------------------------------------------------


def export_client_data(window, client_id: int) -> None:
    """Ask where to save the zip of everything about the client, then write it (off the GUI thread)."""
    from reports.client_export import export_client, suggested_name
    from ui.documents.preview import _remember_save_folder, _save_folder

    suggested = str(Path(_save_folder()) / suggested_name(client_id))
    path = messages.save_path(window, "Export client data", suggested, "Zip files (*.zip)", ".zip")
    if path is None:
        return
    status = getattr(window, "statusBar", None)
    if status is not None:
        window.statusBar().showMessage(f"Exporting client {client_id}'s data…")

    def done(result) -> None:
        _remember_save_folder(str(path.parent))
        if status is not None:
            window.statusBar().showMessage(f"Exported client {client_id}'s data to {path}", 8000)
        lines = [f"Written to {path}:", f"{result.describe()}."]
        for doc in result.not_matching:
            lines.append(f"• {doc.title}: {doc.reason}")
        lines.append("Only your user on this computer can open the file. Hand it to the client securely.")
        messages.inform(window, "Client data exported", "\n\n".join(lines))

    def failed(error: BaseException) -> None:
        if status is not None:
            window.statusBar().clearMessage()
        messages.warn(window, "Could not export the client's data", problem_text(error, "exporting it"))

    window.runner.run(lambda s: export_client(s, client_id, path), done, failed, owner=window)


# --- erase ---------------------------------------------------------------------------------------


class EraseClientDialog(QDialog):
    """Says what erasing will remove and asks for the client's name before Erase works."""

    def __init__(self, plan, parent: QWidget | None = None, *, unsaved: bool = False):
        from studio.services.client_data import describe_counts

        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle("Erase client")
        name = html.escape(plan.client_name)
        kinds = "".join(f"<li>{html.escape(item)}</li>" for item in describe_counts(plan.counts))
        trail = (
            f"<p>The audit trail keeps who did what and when, with {name}'s details blanked from its "
            f"{plan.audit_entries} {'entry' if plan.audit_entries == 1 else 'entries'} about them, and one "
            f"entry saying that client {plan.client_id} was erased.</p>"
        )
        unsaved_line = "<p>Unsaved changes on this client's tabs will be discarded.</p>" if unsaved else ""
        self.explanation = QLabel(
            f"<h3>Erase {name} and everything about them?</h3>"
            f"<p>This removes, for good, {plan.total} records of client {plan.client_id}:</p><ul>{kinds}</ul>"
            f"{trail}{unsaved_line}"
            "<p><b>This cannot be undone.</b> If the client asked for a copy of their data, export it first.</p>"
            f"<p style='color:#555'>{ERASE_LEAVES}</p>"
        )
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.explanation.setWordWrap(True)
        self.prompt = QLabel(f"Type the client's name, <b>{name}</b>, to confirm:")
        self.prompt.setTextFormat(Qt.TextFormat.RichText)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("eraseConfirmName")
        self.name_edit.setPlaceholderText(plan.client_name)
        self.prompt.setBuddy(self.name_edit)
        self.buttons = QDialogButtonBox()
        self.erase_button = self.buttons.addButton("Erase client", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.erase_button.setObjectName("eraseClientButton")
        self.erase_button.setStyleSheet("QPushButton:enabled { color: #a00000; font-weight: bold; }")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setDefault(True)
        for button in self.buttons.buttons():
            button.setAutoDefault(False)  # Enter in the name field must not erase
        self.erase_button.setEnabled(False)
        self.erase_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._name_typed)

        layout = QVBoxLayout(self)
        # The window grows to the wrapped text's height (otherwise its last lines are cut off).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(self.explanation)
        layout.addSpacing(6)
        layout.addWidget(self.prompt)
        layout.addWidget(self.name_edit)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.name_edit.setFocus()

    def _name_typed(self, text: str) -> None:
        self.erase_button.setEnabled(bool(text.strip()) and _said_name(text) == _said_name(self.plan.client_name))


def _close_client(window, client_id: int) -> None:
    """The client is gone: close their tabs and previews, and show the clients list."""
    from ui.documents import preview

    page = getattr(window, "clients_page", None)
    if page is not None:
        if page.current_id == client_id:
            for tab in page.built_tabs():
                if tab.has_unsaved_changes():
                    tab.discard_changes()
            page.current_id = None
            page.table.clearSelection()
            page.right.setCurrentIndex(0)  # "No client selected"
        page.model.refresh()
    if hasattr(window, "show_page"):
        window.show_page("clients")
    previews = set(window.findChildren(preview.DocumentPreview)) | set(preview._open_previews)
    for dialog in previews:
        if dialog.request.client_id == client_id or (dialog.made is not None and dialog.made.client_id == client_id):
            dialog.reject()


def erase_client(window, client_id: int) -> None:
    """Show what erasing the client would remove; erase once their name is typed and Erase
    pressed. The dialog is window-modal and opened, not exec'd (find it as EraseClientDialog)."""
    from studio.services import client_data

    page = getattr(window, "clients_page", None)
    unsaved = bool(
        page is not None and page.current_id == client_id and any(tab.has_unsaved_changes() for tab in page.built_tabs())
    )

    def erased(result) -> None:
        _close_client(window, client_id)
        said = f"Erased client {client_id}: {result.total} records removed"
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(said, 8000)
        left = (
            f"\n\n{result.viewer_copies_left} copy(ies) open in a PDF viewer could not be removed yet; "
            "Upright removes them when it next starts."
            if result.viewer_copies_left
            else ""
        )
        messages.inform(window, "Client erased", f"{said}. The audit trail records that client {client_id} was erased, without their details.{left}")

    def not_erased(error: BaseException) -> None:
        messages.warn(window, "The client was not erased", problem_text(error, "erasing"))

    def confirm(plan) -> None:
        dialog = EraseClientDialog(plan, window, unsaved=unsaved)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)

        def chosen(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                version = plan.version
                window.runner.run(
                    lambda s: client_data.erase(s, client_id, expected_version=version), erased, not_erased, owner=window
                )

        dialog.finished.connect(chosen)
        dialog.open()

    window.runner.run(
        lambda s: client_data.erasure_plan(s, client_id),
        confirm,
        lambda error: messages.warn(window, "Erase client", problem_text(error, "looking the client up")),
        owner=window,
    )
