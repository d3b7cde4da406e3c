"""Studio ▸ Staff: the trainers and front-desk people, their roles and how to reach them."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout

from studio.services import accounts, staff
from ui.widgets.directory import RecordDirectory

COLUMNS = (
    ("Name", lambda s: s.name),
    ("Role", lambda s: s.role_label),
    ("Password", lambda s: "set" if s.has_password else "none yet"),
    ("Credentials", lambda s: s.details.credentials),
    ("Phone", lambda s: s.details.phone),
)
SECTIONS = (("Staff member", [f.name for f in staff.FIELDS]),)


@dataclass(frozen=True)
class Listed:
    """A staff record on the list, with whether they have a password to sign in with."""

    record: staff.StaffRecord
    has_password: bool

    def __getattr__(self, name):
        return getattr(self.record, name)


def _load(session, text: str, archived: bool):
    words = text.casefold().split()
    found = staff.list_staff(session, include_archived=archived)
    with_password = {c.staff_id for c in accounts.sign_in_choices(session) if c.has_password}
    return [
        Listed(s, s.id in with_password or (s.archived and accounts.has_password(session, s.id)))
        for s in found
        if all(w in f"{s.name} {s.details.email or ''}".casefold() for w in words)
    ]


class StaffDialog(QDialog):
    def __init__(self, runner, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Staff")
        self.resize(980, 520)
        self.directory = RecordDirectory(
            runner, staff, what="staff member", columns=COLUMNS, load=_load, sections=SECTIONS, editor_columns=1,
            search_hint="Search staff",
        )
        self.directory.new_button.setText("New staff member")
        self.runner = runner
        desk = getattr(parent, "desk", None)
        self.person = getattr(desk, "person", None)  # who is signed in (their own password needs no change)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.password_button = QPushButton("Set password…")
        self.password_button.setObjectName("setPasswordButton")
        self.password_button.setToolTip("Give the chosen person a password; they choose their own when they next sign in")
        buttons.addButton(self.password_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.directory)
        layout.addWidget(buttons)
        self.password_button.clicked.connect(self.set_password)
        self.directory.editor.saved.connect(lambda _r: self._update_password_button())
        self.directory.editor.form.changed.connect(self._update_password_button)
        self.directory.table.selectionModel().selectionChanged.connect(lambda *_: self._update_password_button())
        self.directory.model.modelReset.connect(self._update_password_button)
        self.directory.reload()
        self._update_password_button()

    def chosen(self) -> Listed | None:
        record = self.directory.editor.record
        if record is None:
            return None
        row = self.directory.model.row_of(record.id)
        return self.directory.model.records[row] if row >= 0 else Listed(record, False)

    def _update_password_button(self) -> None:
        chosen = self.chosen()
        self.password_button.setEnabled(chosen is not None and not chosen.archived)
        if chosen is not None:
            self.password_button.setText("Reset password…" if chosen.has_password else "Set password…")

    def set_password(self):
        from ui.signin.passwords import SetPasswordDialog

        chosen = self.chosen()
        if chosen is None:
            return None
        own = self.person is not None and self.person.staff_id == chosen.id
        dialog = SetPasswordDialog(self.runner, chosen.id, chosen.name, has_password=chosen.has_password, own=own, parent=self)
        dialog.accepted.connect(lambda: self.directory.status.emit(f"Password set for {chosen.name}"))
        dialog.accepted.connect(self.directory.reload)
        dialog.open()
        return dialog

    def reject(self) -> None:
        self.directory.leave_then(super().reject)
