"""The Client tab: who the client is and how to reach them, checked as the desk types."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QVBoxLayout, QWidget

from studio.fields import parse_value
from studio.services import clients, clinicians, staff
from ui import messages
from ui.widgets.record_editor import RecordEditor

SECTIONS = (
    ("Client", ("first_name", "last_name", "preferred_name", "date_of_birth", "occupation")),
    ("Contact", ("phone", "email", "address", "emergency_contact_name", "emergency_contact_phone")),
    ("At the studio", ("trainer_id", "physician_id", "referral_source", "consent_to_share_date", "waiver_signed_date")),
    ("Notes", ("notes",)),
)
DUPLICATE_CHECK_DELAY_MS = 300
BIRTH_FIELD = next(f for f in clients.FIELDS if f.name == "date_of_birth")


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


class ClientEditor(RecordEditor):
    def describe(self, record: Any) -> tuple[str, str]:
        if record is None:
            return "New client", "Fill in what you know; only the names are needed to start."
        d = record.details
        parts = []
        if d.preferred_name and d.preferred_name != d.first_name:
            parts.append(f"prefers “{d.preferred_name}”")
        if d.date_of_birth:
            parts.append(f"born {d.date_of_birth:%d %b %Y} (age {age_on(d.date_of_birth, date.today())})")
        if record.trainer_name:
            parts.append(f"trains with {record.trainer_name}")
        if record.archived:
            parts.insert(0, "ARCHIVED — hidden from the client list")
        return record.name, " · ".join(parts)


class ClientTab(QWidget):
    """First tab of the client workspace. Later tabs (Assessment, Program) follow its protocol:
    `tab_title`, `show_client(id | None)`, `start_new()`, `has_unsaved_changes()`, `save(then)`,
    `discard_changes()`."""

    tab_title = "Client"
    unsaved_what = "the client's details"

    def __init__(self, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.editor = ClientEditor(runner, clients, what="client", sections=SECTIONS, columns=2)
        self.editor.before_create = self._confirm_if_duplicate
        self.saved = self.editor.saved
        self.archived_changed = self.editor.archived_changed
        self.duplicates: list[clients.ClientRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor)

        self._duplicate_timer = QTimer(self)
        self._duplicate_timer.setSingleShot(True)
        self._duplicate_timer.setInterval(DUPLICATE_CHECK_DELAY_MS)
        self._duplicate_timer.timeout.connect(self.check_duplicates)
        self.editor.form.changed.connect(self._duplicate_timer.start)

    # --- protocol shared by the client workspace tabs --------------------------------------

    def show_client(self, client_id: int | None) -> None:
        self.reload_pickers()
        if client_id is None:
            self.start_new()
        else:
            self.editor.load(client_id)
            self._set_duplicates([])

    def start_new(self) -> None:
        self.reload_pickers()
        self.editor.start_new()
        self._set_duplicates([])
        self.editor.form.inputs["first_name"].setFocus()

    def has_unsaved_changes(self) -> bool:
        return self.editor.has_unsaved_changes()

    def save(self, then=None) -> bool:
        return self.editor.save(then)

    def discard_changes(self) -> None:
        self.editor.revert()

    # --- pickers and duplicates ---------------------------------------------------------------

    def reload_pickers(self) -> None:
        def work(session):
            trainers = staff.list_staff(session, roles=staff.TRAINING_ROLES)
            network = clinicians.search(session)
            return trainers, network

        def done(result) -> None:
            trainers, network = result
            self.editor.form.set_reference_options(
                "trainer_id", [(t.id, f"{t.name} — {t.role_label}") for t in trainers]
            )
            # The client's own physician is usually primary care: list those first.
            ordered = sorted(network, key=lambda c: c.details.specialty != "primary_care")
            self.editor.form.set_reference_options(
                "physician_id",
                [(c.id, f"{c.name} — {c.specialty_label}" + (f", {c.details.practice}" if c.details.practice else "")) for c in ordered],
            )

        self.runner.run(work, done, owner=self)

    def check_duplicates(self) -> None:
        raw = self.editor.form.raw()
        first, last = raw["first_name"].strip(), raw["last_name"].strip()
        try:
            birth = parse_value(BIRTH_FIELD, raw["date_of_birth"], date.today())
        except ValueError:
            birth = None
        if not (first and last and birth):
            self._set_duplicates([])
            return
        exclude = self.editor.record.id if self.editor.record else None
        self.runner.run(
            lambda s: clients.likely_duplicates(s, first, last, birth, exclude), self._set_duplicates, owner=self
        )

    def _set_duplicates(self, rows: list[clients.ClientRow]) -> None:
        self.duplicates = rows
        if not rows:
            self.editor.set_banner("")
            return
        names = "; ".join(f"{r.first_name} {r.last_name}" + (" (archived)" if r.archived else "") for r in rows)
        self.editor.set_banner(
            f"Possible duplicate: {names} has the same name and date of birth. "
            "Search the client list before registering this person again."
        )

    def _confirm_if_duplicate(self, raw: dict) -> bool:
        if not self.duplicates:
            return True
        return messages.confirm(
            self,
            "Register anyway?",
            "A client with the same name and date of birth is already registered. "
            "Register this person as a separate client anyway?",
            yes="Register anyway",
        )
