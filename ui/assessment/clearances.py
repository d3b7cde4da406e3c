"""Medical clearances: what a clinician said about exercise. The safety gate reads these."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.errors import UprightError, ValidationError
from studio.services import clearances, clinicians
from ui import messages
from ui.assessment.inputs import Choice, DateInput, Notes, Text


class ClearancesPage(QWidget):
    title = "Medical clearances"
    changed = Signal()

    def __init__(self, runner, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.client_id: int | None = None
        intro = QLabel("Record what the client's clinician said about exercise. While an emergency or urgent red flag "
                       "stands, a program can't be made active until a clearance (or a referral) is on record.")
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("clearanceTable")
        self.table.setHorizontalHeaderLabels(["Date", "Clinician", "Decision", "Restrictions"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.empty = QLabel("No clearances recorded for this client.")
        self.empty.setStyleSheet("color: #555;")
        self.record_button = QPushButton("Record a clearance…")
        self.record_button.clicked.connect(self.record_clearance)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.record_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)

    def show_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.record_button.setEnabled(client_id is not None)
        if client_id is None:
            self._show([])
            return
        self.runner.run(lambda s: clearances.list_for_client(s, client_id), self._show, owner=self)

    def _show(self, records) -> None:
        self.table.setRowCount(len(records))
        for row, record in enumerate(records):
            for column, text in enumerate((f"{record.cleared_on:%d %b %Y}", record.clinician_name or "",
                                           record.status_label, record.restrictions or "")):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.empty.setVisible(not records)

    def record_clearance(self) -> None:
        client_id = self.client_id
        if client_id is None:
            return
        self.runner.run(lambda s: clinicians.search(s), lambda network: self._ask(client_id, network), owner=self)

    def _ask(self, client_id: int, network) -> None:
        dialog = ClearanceDialog(network, self)
        while dialog.exec():
            values = dialog.values()
            outcome: dict = {}
            self.runner.run(lambda s: clearances.record(s, client_id, **values),
                            lambda r: outcome.update(saved=r), lambda e: outcome.update(error=e), owner=self)
            self.runner.wait()
            error = outcome.get("error")
            if isinstance(error, ValidationError):
                dialog.show_errors(error.errors)
                continue
            if error is not None:
                messages.warn(self, "The clearance was not saved", str(error) if isinstance(error, UprightError) else repr(error))
            break
        self.show_client(client_id)
        self.changed.emit()


class ClearanceDialog(QDialog):
    def __init__(self, network, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Record a medical clearance")
        self.setMinimumWidth(480)
        self.cleared_on = DateInput()
        self.clinician = QComboBox()
        self.clinician.addItem("— not in the network (type the name below) —", None)
        for person in network:
            self.clinician.addItem(f"{person.name} — {person.specialty_label}", person.id)
        self.other_name = Text("e.g. Dr Ana Ruiz, City Hospital")
        self.status = Choice(clearances.STATUSES, none_label="— choose —")
        self.restrictions = Notes("e.g. no loaded flexion for 6 weeks")
        self.notes = Notes()
        self.errors = QLabel()
        self.errors.setStyleSheet("color: #b00020;")
        self.errors.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Date of the decision", self.cleared_on)
        form.addRow("Clinician", self.clinician)
        form.addRow("Or name", self.other_name)
        form.addRow("Decision", self.status)
        form.addRow("Restrictions", self.restrictions)
        form.addRow("Notes", self.notes)
        form.addRow(self.errors)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _accept(self) -> None:
        if self.cleared_on.problem or self.cleared_on.value() is None:
            self.errors.setText(self.cleared_on.problem or "Enter the date of the clinician's decision.")
            return
        self.accept()

    def values(self) -> dict:
        return {
            "cleared_on": self.cleared_on.value(),
            "status": self.status.value(),
            "clinician_id": self.clinician.currentData(),
            "clinician_name": self.other_name.value(),
            "restrictions": self.restrictions.value(),
            "notes": self.notes.value(),
        }

    def show_errors(self, errors: dict) -> None:
        self.errors.setText("\n".join(errors.values()))
