"""The clinician network: who the studio refers to, filtered by specialty."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox

from studio.services import clinicians
from ui.widgets.directory import RecordDirectory

SECTIONS = (
    ("Clinician", ("first_name", "last_name", "credentials", "specialty", "accepting_new")),
    ("Practice", ("practice", "address")),
    ("Contact", ("phone", "fax", "email", "preferred_contact")),
    ("Studio notes", ("notes",)),
)

COLUMNS = (
    ("Name", lambda c: c.name),
    ("Specialty", lambda c: c.specialty_label),
    ("Practice", lambda c: c.details.practice),
    ("Phone", lambda c: c.details.phone),
    ("Accepting referrals", lambda c: "yes" if c.details.accepting_new else "no"),
)


class CliniciansPage(RecordDirectory):
    def __init__(self, runner, parent=None):
        self.specialty = QComboBox()
        self.specialty.setObjectName("specialtyFilter")
        self.specialty.addItem("All specialties", None)
        for code, label in clinicians.SPECIALTIES:
            self.specialty.addItem(label, code)
        self.accepting_only = QCheckBox("Accepting new referrals")
        super().__init__(
            runner,
            clinicians,
            what="clinician",
            columns=COLUMNS,
            load=self._search,
            sections=SECTIONS,
            editor_columns=1,
            filters=(self.specialty, self.accepting_only),
            search_hint="Search name, practice, phone or email  (Ctrl+F)",
            parent=parent,
        )
        for column, width in enumerate((190, 165, 165, 105)):
            self.table.horizontalHeader().resizeSection(column, width)

    def _search(self, session, text: str, archived: bool):
        return clinicians.search(
            session,
            text,
            specialty=self.specialty.currentData(),
            accepting_only=self.accepting_only.isChecked(),
            include_archived=archived,
        )
