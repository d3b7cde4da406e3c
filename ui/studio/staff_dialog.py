"""Studio ▸ Staff: the trainers and front-desk people, their roles and how to reach them."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout

from studio.services import staff
from ui.widgets.directory import RecordDirectory

COLUMNS = (
    ("Name", lambda s: s.name),
    ("Role", lambda s: s.role_label),
    ("Credentials", lambda s: s.details.credentials),
    ("Phone", lambda s: s.details.phone),
)
SECTIONS = (("Staff member", [f.name for f in staff.FIELDS]),)


def _load(session, text: str, archived: bool):
    words = text.casefold().split()
    found = staff.list_staff(session, include_archived=archived)
    return [s for s in found if all(w in f"{s.name} {s.details.email or ''}".casefold() for w in words)]


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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.directory)
        layout.addWidget(buttons)
        self.directory.reload()

    def reject(self) -> None:
        self.directory.leave_then(super().reject)
