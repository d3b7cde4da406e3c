"""The Assessment tab: record an assessment section by section while the findings update beside it.

Drafts save themselves shortly after each change (and before the client is left), so nothing
typed with a client in the room is lost. Signing locks an assessment; reopening unlocks it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studio.clinical.assessment import AssessmentData, findings
from studio.errors import StaleEdit, UprightError
from studio.services import assessments, safety, staff
from ui import messages
from ui.assessment.clearances import ClearancesPage
from ui.assessment.findings_panel import FindingsPanel
from ui.assessment.inputs import Choice, DateInput
from ui.assessment.progress import ProgressPage
from ui.assessment.sections import SECTIONS
from ui.widgets.tables import side_by_side

AUTOSAVE_MS = 1200


def _label(kind: str, assessed_on, signed: bool, top_tier: str | None) -> str:
    state = "" if signed else " — draft"
    flag = {"emergency": "  ⚠ EMERGENCY", "urgent": "  ⚠ urgent"}.get(top_tier or "", "")
    return f"{'Initial' if kind == 'initial' else 'Re-assessment'} · {assessed_on:%d %b %Y}{state}{flag}"


class AssessmentTab(QWidget):
    tab_title = "Assessment"
    unsaved_what = "the assessment"
    saves_drafts = True

    referred = Signal()  # a referral was drafted, changed or sent from this tab

    def __init__(self, runner, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.client_id: int | None = None
        self.record: assessments.AssessmentRecord | None = None
        self._dirty = False
        self._saving = False
        self._after_save: list = []
        self._loading = False

        # Which assessment, and what can be done with it.
        self.picker = QComboBox()
        self.picker.setObjectName("assessmentPicker")
        self.picker.setMinimumWidth(300)
        self.new_button = QPushButton("New assessment")
        self.sign_button = QPushButton("Sign…")
        self.reopen_button = QPushButton("Reopen to edit")
        self.delete_button = QPushButton("Delete draft")
        self.state = QLabel()
        self.state.setObjectName("assessmentState")
        self.gate = QLabel()
        self.gate.setObjectName("safetyGate")
        self.gate.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.picker)
        for button in (self.new_button, self.sign_button, self.reopen_button, self.delete_button):
            bar.addWidget(button)
        bar.addStretch(1)

        # When and by whom.
        self.assessed_on = DateInput()
        self.assessed_on.setObjectName("assessedOn")
        self.trainer = Choice((), none_label="— trainer —")
        self.trainer.setObjectName("assessmentTrainer")
        meta = QHBoxLayout()
        meta.addWidget(QLabel("Date"))
        meta.addWidget(self.assessed_on)
        meta.addWidget(QLabel("Trainer"))
        meta.addWidget(self.trainer)
        meta.addWidget(self.state, 1)

        # Sections on the left, the page in the middle, findings on the right.
        self.sections = [section() for section in SECTIONS]
        self.progress = ProgressPage(runner)
        self.clearances = ClearancesPage(runner)
        self.nav = QListWidget()
        self.nav.setObjectName("assessmentSections")
        self.pages = QStackedWidget()
        for page in (*self.sections, self.progress, self.clearances):
            self.nav.addItem(page.title)
            self.pages.addWidget(page)
        self.nav.setFixedWidth(150)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.findings = FindingsPanel()
        splitter = side_by_side(self.pages, self.findings, (600, 300), (3, 2))
        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(splitter, 1)

        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addLayout(meta)
        editor_layout.addLayout(body, 1)

        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.start_button = QPushButton("Start the initial assessment")
        empty_page = QWidget()
        empty_layout = QVBoxLayout(empty_page)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty)
        empty_layout.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignCenter)
        empty_layout.addStretch(2)
        self.body = QStackedWidget()
        self.body.addWidget(empty_page)
        self.body.addWidget(editor)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.gate)
        layout.addWidget(self.body, 1)

        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(lambda: self.save())
        for section in self.sections:
            section.changed.connect(self._edited)
        self.assessed_on.changed.connect(self._edited)
        self.trainer.changed.connect(self._edited)
        self.picker.activated.connect(self._picked)
        self.new_button.clicked.connect(self.new_assessment)
        self.start_button.clicked.connect(self.new_assessment)
        self.sign_button.clicked.connect(self.sign)
        self.reopen_button.clicked.connect(self.reopen)
        self.delete_button.clicked.connect(self.delete_draft)
        self.clearances.changed.connect(self.refresh_gate)
        self.findings.refer_requested.connect(self.refer)
        self.nav.setCurrentRow(0)
        self._show(None)

    # --- the workspace tab protocol ---------------------------------------------------------

    def show_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.record = None
        self._dirty = False
        self.progress.show_client(client_id)
        self.clearances.show_client(client_id)
        self._load_trainers()
        self.reload(open_latest=True)

    def start_new(self) -> None:
        self.show_client(None)

    def has_unsaved_changes(self) -> bool:
        return self._dirty or self._saving

    def discard_changes(self) -> None:
        self._dirty = False
        if self.record is not None:
            self._show(self.record)

    def save(self, then=None) -> bool:
        """Save the draft now. Returns False when nothing could be started.

        One save is in flight at a time: edits made meanwhile are saved next, with the version
        the first save returned, and the fields are never reloaded under the person's fingers.
        """
        self._autosave.stop()
        if then is not None:
            self._after_save.append(then)
        if self._saving:
            return True
        record = self.record
        if record is None or record.signed or not self._dirty:
            self._saved_all()
            return True
        problem = self.assessed_on.problem
        if problem:
            self.state.setText(f"Not saved: the date — {problem}")
            self._after_save.clear()
            return False
        data, when, trainer_id = self.collect(), self.assessed_on.value(), self.trainer.value()
        self._dirty = False
        self._saving = True

        def done(saved) -> None:
            self._saving = False
            self.record = saved
            self._relabel(saved)
            if self._dirty:  # typed on while this save was under way
                self.save()
                return
            self._show_state()
            self.progress.show_client(self.client_id)
            self._saved_all()

        def failed(error: BaseException) -> None:
            self._saving = False
            self._dirty = True
            self._after_save.clear()
            if isinstance(error, StaleEdit):
                messages.warn(self, "Changed at another desk", str(error))
            else:
                messages.warn(self, "The assessment was not saved", str(error) if isinstance(error, UprightError) else repr(error))

        self.runner.run(
            lambda s: assessments.save(s, record.id, record.version, data, assessed_on=when, trainer_id=trainer_id),
            done, failed, owner=self,
        )
        return True

    def _saved_all(self) -> None:
        waiting, self._after_save = self._after_save, []
        for then in waiting:
            then()

    # --- loading and showing ----------------------------------------------------------------

    def _load_trainers(self) -> None:
        def done(people) -> None:
            current = self.trainer.value()
            self.trainer.blockSignals(True)
            self.trainer.clear()
            self.trainer.addItem("— trainer —", None)
            for person in people:
                self.trainer.addItem(person.name, person.id)
            self.trainer.set_value(current)
            self.trainer.blockSignals(False)

        self.runner.run(lambda s: staff.list_staff(s, roles=staff.TRAINING_ROLES), done, owner=self)

    def reload(self, *, open_latest: bool = False, open_id: int | None = None) -> None:
        client_id = self.client_id
        if client_id is None:
            self.picker.clear()
            self._show(None)
            return

        def done(summaries) -> None:
            self.picker.blockSignals(True)
            self.picker.clear()
            for summary in summaries:
                self.picker.addItem(self._summary_label(summary), summary.id)
            self.picker.blockSignals(False)
            wanted = open_id if open_id is not None else (summaries[0].id if summaries and open_latest else None)
            if wanted is None:
                self._show(None)
            else:
                self.picker.setCurrentIndex(max(self.picker.findData(wanted), 0))
                self.open(wanted)

        self.runner.run(lambda s: assessments.list_for_client(s, client_id), done, owner=self)
        self.refresh_gate()

    @staticmethod
    def _summary_label(summary) -> str:
        return _label(summary.kind, summary.assessed_on, summary.signed, summary.top_tier)

    def _relabel(self, record) -> None:
        """The picker's line for a just-saved record (date or flags may have changed), in place."""
        index = self.picker.findData(record.id)
        if index >= 0:
            self.picker.setItemText(index, _label(record.kind, record.assessed_on, record.signed,
                                                  findings(record.data).top_tier))

    def open(self, assessment_id: int) -> None:
        self.runner.run(lambda s: assessments.get(s, assessment_id), self._show, owner=self)

    def _picked(self, index: int) -> None:
        wanted = self.picker.itemData(index)
        if self.record is not None and wanted == self.record.id:
            return
        self.save(then=lambda: self.open(wanted))

    def _show(self, record) -> None:
        self.record = record
        if record is None:
            self.body.setCurrentIndex(0)
            self.empty.setText(
                "<h3>No assessment yet</h3><p>Start with the pain history and the red-flag screen; "
                "nothing is required, and the draft saves itself as you go.</p>"
                if self.client_id is not None else "<p>Save the new client first, then assess them here.</p>"
            )
            self.start_button.setVisible(self.client_id is not None)
            self.findings.show_findings(None)
            for button in (self.sign_button, self.reopen_button, self.delete_button):
                button.setVisible(False)
            self.new_button.setEnabled(self.client_id is not None)
            return
        self._loading = True
        try:
            for section in self.sections:
                section.load(record.data)
            self.assessed_on.set_value(record.assessed_on)
            self.trainer.set_value(record.trainer_id)
        finally:
            self._loading = False
        self._dirty = False
        self.body.setCurrentIndex(1)
        self._show_state()
        self.findings.show_findings(findings(record.data))

    def _show_state(self) -> None:
        record = self.record
        signed = record.signed
        for section in self.sections:
            section.set_read_only(signed)
        self.assessed_on.setEnabled(not signed)
        self.trainer.setEnabled(not signed)
        self.sign_button.setVisible(not signed)
        self.delete_button.setVisible(not signed)
        self.reopen_button.setVisible(signed)
        self.new_button.setEnabled(True)
        if signed:
            self.state.setText(f"Signed by {record.signed_by_name} on {record.signed_at.astimezone():%d %b %Y %H:%M} — reopen to change it")
        else:
            self.state.setText("Draft — saved automatically as you type")

    def collect(self) -> AssessmentData:
        data = self.record.data if self.record is not None else AssessmentData()
        for section in self.sections:
            data = section.dump(data)
        return data

    def _edited(self) -> None:
        if self._loading or self.record is None or self.record.signed:
            return
        self._dirty = True
        self.state.setText("Draft — unsaved changes…")
        self.findings.show_findings(findings(self.collect()))
        self._autosave.start()

    def refresh_gate(self) -> None:
        client_id = self.client_id
        if client_id is None:
            self.gate.setVisible(False)
            return

        def done(result) -> None:
            if result.passed:
                self.gate.setVisible(False)
                return
            self.gate.setText("<b>Not cleared for training.</b> " + " ".join(result.reasons))
            self.gate.setStyleSheet("background:#fdecea; border:1px solid #b00020; border-radius:4px; padding:6px;")
            self.gate.setVisible(True)

        self.runner.run(lambda s: safety.gate(s, client_id), done, owner=self)

    # --- actions ----------------------------------------------------------------------------

    def refer(self):
        """Refer… from the findings: the letter quotes the signed record, so sign first."""
        record, client_id = self.record, self.client_id
        if record is None or client_id is None:
            return None
        if not record.signed:
            messages.inform(self, "Sign the assessment first",
                            "The referral letter quotes the signed assessment. Check it, press Sign…, then Refer….")
            return None
        from ui.referrals.refer_dialog import ReferDialog

        dialog = ReferDialog(self.runner, client_id, record.id, self)
        dialog.saved.connect(lambda _referral: (self.refresh_gate(), self.referred.emit()))
        dialog.open()
        return dialog

    def new_assessment(self) -> None:
        client_id = self.client_id
        if client_id is None:
            return
        copy = self.picker.count() > 0
        trainer_id = self.trainer.value()

        def start() -> None:
            self.runner.run(
                lambda s: assessments.start(s, client_id, trainer_id=trainer_id, copy_from_latest=copy),
                lambda record: (self.reload(open_id=record.id), self.nav.setCurrentRow(0)),
                owner=self,
            )

        self.save(then=start)

    def sign(self) -> None:
        record = self.record
        if record is None:
            return
        dialog = SignDialog(self.trainer, self)
        if not dialog.exec():
            return
        trainer_id = dialog.trainer_id()

        def signed(_record) -> None:
            self.reload(open_id=record.id)

        def sign_now() -> None:
            current = self.record
            self.runner.run(lambda s: assessments.sign(s, current.id, current.version, trainer_id), signed, owner=self)

        self.save(then=sign_now)

    def reopen(self) -> None:
        record = self.record
        if record is None or not messages.confirm(
            self, "Reopen this assessment?", "The signature is removed until it is signed again.", yes="Reopen"
        ):
            return
        self.runner.run(lambda s: assessments.reopen(s, record.id, record.version),
                        lambda r: self.reload(open_id=r.id), owner=self)

    def delete_draft(self) -> None:
        record = self.record
        if record is None or not messages.confirm(
            self, "Delete this draft?", "The draft assessment and everything recorded in it will be removed.", yes="Delete draft"
        ):
            return
        self._dirty = False
        self._autosave.stop()
        self.runner.run(lambda s: assessments.delete_draft(s, record.id, record.version),
                        lambda _r: self.reload(open_latest=True), owner=self)


class SignDialog(QDialog):
    """Who signs: the trainer who assessed, unless someone else is chosen."""

    def __init__(self, trainers: Choice, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Sign the assessment")
        self.picker = QComboBox()
        for index in range(1, trainers.count()):
            self.picker.addItem(trainers.itemText(index), trainers.itemData(index))
        self.picker.setCurrentIndex(max(self.picker.findData(trainers.value()), 0))
        form = QFormLayout(self)
        form.addRow(QLabel("Signing confirms the assessment as recorded. It can be reopened later."))
        form.addRow("Signed by", self.picker)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.picker.count() > 0)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def trainer_id(self) -> int | None:
        return self.picker.currentData()
