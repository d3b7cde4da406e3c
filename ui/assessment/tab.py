"""The Assessment tab: record an assessment section by section while the findings update beside it.

Drafts save themselves shortly after each change (and before the client is left), so nothing
typed with a client in the room is lost. Signing locks an assessment; reopening unlocks it.
A draft another desk saved meanwhile is not overwritten: the conflict dialog shows, field by
field and in words, what differs, and the person keeps theirs or their own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studio.clinical.assessment import SIDES, AssessmentData, ProvocationResult, findings, from_json
from studio.clinical.provocation import PROVOCATION_TESTS
from studio.db import ConnectionLost
from studio.errors import NotFound, StaleEdit, UprightError
from studio.services import assessments, safety, staff
from studio.services.assessments import day_label
from ui import messages
from ui.assessment.clearances import ClearancesPage
from ui.assessment.composite import RESULT_CHOICES, GoalsInput, OdiInput, ProvocationGrid, PsfsInput, RmdqInput, StartBackInput
from ui.assessment.findings_panel import FindingsPanel
from ui.assessment.inputs import Check, Checks, Choice, DateInput, Number, Score
from ui.assessment.progress import ProgressPage
from ui.assessment.sections import SECTIONS
from ui.widgets.conflict_dialog import MINE, THEIRS, YOURS, ConflictDialog, ConflictRow
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
        self.conflict: ConflictDialog | None = None  # open while the person compares versions
        self._held = False  # a conflict was left open: autosave waits for an explicit save

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
        if self._saving or self.conflict is not None:
            return True
        self._held = False
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
            waiting, self._after_save = self._after_save, []
            if isinstance(error, StaleEdit) and self.record is not None and self.record.id == record.id:
                self.resolve_conflict(error, waiting)
            elif isinstance(error, ConnectionLost):  # the window's banner says why; no dialog per autosave
                self.state.setText("Not saved — the studio database isn't answering. Your changes are kept here; "
                                   "they save with your next change, or press Ctrl+S once it is back.")
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
        self._load_values(record.data, record.assessed_on, record.trainer_id)
        self._dirty = False
        self.body.setCurrentIndex(1)
        self._held = False
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
        self.findings.show_findings(findings(self.collect()))
        if self._held:
            return
        self.state.setText("Draft — unsaved changes…")
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
            self.runner.run(lambda s: assessments.sign(s, current.id, current.version, trainer_id), signed,
                            self._refused("signed", current.id), owner=self)

        self.save(then=sign_now)

    def reopen(self) -> None:
        record = self.record
        if record is None or not messages.confirm(
            self, "Reopen this assessment?", "The signature is removed until it is signed again.", yes="Reopen"
        ):
            return
        self.runner.run(lambda s: assessments.reopen(s, record.id, record.version),
                        lambda r: self.reload(open_id=r.id), self._refused("reopened", record.id), owner=self)

    def delete_draft(self) -> None:
        record = self.record
        if record is None or not messages.confirm(
            self, "Delete this draft?", "The draft assessment and everything recorded in it will be removed.", yes="Delete draft"
        ):
            return
        self._dirty = False
        self._autosave.stop()
        self.runner.run(lambda s: assessments.delete_draft(s, record.id, record.version),
                        lambda _r: self.reload(open_latest=True), self._refused("deleted", record.id), owner=self)

    def _refused(self, verb: str, assessment_id: int):
        """What to do when signing, reopening or deleting is refused: another desk changed (or
        deleted) the assessment meanwhile — say so and offer their version."""

        def failed(error: BaseException) -> None:
            if isinstance(error, StaleEdit):
                if messages.confirm(
                    self, "Changed at another desk",
                    f"{error.changed_words}, after you opened it here, so it was not {verb}.\n\n"
                    "Reload to see their version, then try again if you still want to.",
                    yes="Reload",
                ):
                    self.reload(open_id=assessment_id)
            elif isinstance(error, NotFound):
                messages.warn(self, "Deleted at another desk", str(error))
                self.reload(open_latest=True)
            else:
                messages.warn(self, f"The assessment was not {verb}", str(error) if isinstance(error, UprightError) else repr(error))

        return failed

    # --- another desk saved the same draft ----------------------------------------------------

    def resolve_conflict(self, error: StaleEdit, waiting: list | None = None) -> ConflictDialog | None:
        """Their draft beside this one, in words; Keep mine saves the ticked values over their
        version, Take theirs shows theirs, Cancel keeps editing (autosave waits for Ctrl+S)."""
        if self.conflict is not None:
            return None
        record, waiting = self.record, list(waiting or ())
        theirs = error.theirs
        their_data = from_json(theirs["data"]) if theirs.get("data") else record.data
        their_on, their_trainer = theirs.get("assessed_on", record.assessed_on), theirs.get("trainer_id", record.trainer_id)
        mine, my_on, my_trainer = self.collect(), self.assessed_on.value(), self.trainer.value()
        rows, appliers = self._conflict_rows(record.data, mine, their_data)
        meta = (
            ("assessed_on", "Date", self.assessed_on, record.assessed_on, my_on or record.assessed_on, their_on),
            ("trainer_id", "Trainer", self.trainer, record.trainer_id, my_trainer, their_trainer),
        )
        for name, label, widget, was, yours, their in reversed(meta):
            rows.insert(0, ConflictRow(name, label, _words(widget, yours), _words(widget, their),
                                       changed_here=yours != was, changed_there=their != was, group="Assessment"))
        signed = theirs.get("signed_at") is not None
        note = ("They signed it at the other desk, and a signed assessment can't be changed: Take theirs to see it, "
                "then Reopen to edit if it needs your changes.") if signed else ""
        dialog = ConflictDialog(error, rows, what="assessment", note=note, can_keep_mine=not signed, parent=self)
        self.conflict = dialog

        def decided(outcome: str) -> None:
            self.conflict = None
            dialog.deleteLater()
            if outcome == MINE:
                merged = their_data
                for name, (get, put) in appliers.items():
                    if dialog.choice(name) == YOURS:
                        merged = put(merged, get(mine))
                on = my_on if dialog.choice("assessed_on") == YOURS and my_on else their_on
                trainer = my_trainer if dialog.choice("trainer_id") == YOURS else their_trainer
                # Their version is now the one this desk saves over.
                self.record = dataclasses.replace(record, version=error.version, data=their_data,
                                                  assessed_on=their_on, trainer_id=their_trainer)
                self._load_values(merged, on, trainer)
                self._dirty = True
                self.findings.show_findings(findings(merged))
                self._after_save = waiting + self._after_save
                self.save()
            elif outcome == THEIRS:
                def taken(fresh) -> None:
                    self._show(fresh)
                    self._relabel(fresh)
                    self._after_save = waiting + self._after_save
                    self._saved_all()

                self._dirty = False
                self.runner.run(lambda s: assessments.get(s, record.id), taken, self._refused("shown", record.id), owner=self)
            else:
                self._held = True
                self.state.setText(f"Not saved — {error.changed_words[0].lower()}{error.changed_words[1:]}. "
                                   "Your changes are kept here; save (Ctrl+S) to compare again.")

        dialog.decided.connect(decided)
        dialog.open()
        return dialog

    def _load_values(self, data: AssessmentData, assessed_on, trainer_id) -> None:
        self._loading = True
        try:
            for section in self.sections:
                section.load(data)
            self.assessed_on.set_value(assessed_on)
            self.trainer.set_value(trainer_id)
        finally:
            self._loading = False

    def _conflict_rows(self, opened: AssessmentData, mine: AssessmentData, theirs: AssessmentData):
        """One row per field of every section (a provocation test each), and how to put either
        side's value into a record."""
        rows, appliers = [], {}
        for section in self.sections:
            for index, (get, put, widget) in enumerate(section.bindings):
                parts = [(f"{section.title}:{index}", _field_label(section, widget), get, put)]
                if isinstance(widget, ProvocationGrid):
                    parts = [(f"{section.title}:{index}:{code}", test.test[0].upper() + test.test[1:], *_entry(get, put, code))
                             for code, test in PROVOCATION_TESTS.items()]
                for name, label, get_one, put_one in parts:
                    was, yours, their = get_one(opened), get_one(mine), get_one(theirs)
                    rows.append(ConflictRow(name, label, _words(widget, yours), _words(widget, their),
                                            changed_here=yours != was, changed_there=their != was, group=section.title))
                    appliers[name] = (get_one, put_one)
        return rows, appliers


def _entry(get, put, code: str):
    """Read and write one test of the provocation grid, leaving the other tests as they are."""

    def get_one(data):
        return get(data).get(code)

    def put_one(data, value):
        others = {key: result for key, result in get(data).items() if key != code}
        return put(data, others if value is None else {**others, code: value})

    return get_one, put_one


def _field_label(section, widget) -> str:
    """The words beside an input on its page (or its group's title, or the page's)."""
    holder = widget.parentWidget()
    form = holder.layout() if holder is not None else None
    if isinstance(form, QFormLayout):
        label = form.labelForField(widget)
        if isinstance(label, QLabel) and label.text().strip():
            return label.text()
        if isinstance(widget, Check) and widget.text():
            return widget.text()
        if isinstance(holder, QGroupBox):
            return holder.title()
    return section.title


def _words(widget, value) -> str:
    """A recorded value as a person would say it."""
    if isinstance(widget, Checks):
        return ", ".join(widget.boxes[c].accessibleName() if c in widget.boxes else c for c in value or ()) or "none ticked"
    if isinstance(widget, RmdqInput) and value is not None:
        return f"{len(value)} of 24 statements ticked" + (f" ({', '.join(map(str, value))})" if value else "")
    if isinstance(widget, StartBackInput):
        agree, bother = value or (None, None)
        if agree is None:
            return "not recorded"
        return f"agrees with {sum(agree)} of {len(agree)}; bothersomeness: {bother or 'not answered'}"
    if isinstance(widget, Check):
        return "yes" if value else "no"
    if value is None or value == () or (isinstance(value, Mapping) and not value):
        return "not recorded"
    if isinstance(widget, Choice):
        index = widget.findData(value)
        return widget.itemText(index) if index >= 0 else str(value)
    if isinstance(widget, (Number, Score)):
        return f"{value:g}{widget.suffix()}"
    if isinstance(value, date):
        return day_label(value)
    if isinstance(widget, OdiInput):
        answered = sum(answer is not None for answer in value)
        return f"{answered} of {len(value)} answered: " + " ".join("–" if a is None else str(a) for a in value)
    if isinstance(widget, PsfsInput):
        return "; ".join(f"{item.activity} {item.rating}/10" for item in value)
    if isinstance(widget, GoalsInput):
        return "; ".join(goal.text + (f" (by {day_label(goal.target_date)})" if goal.target_date else "") for goal in value)
    if isinstance(value, ProvocationResult):
        said = dict(RESULT_CHOICES).get(value.result, value.result)
        side = f"{dict(SIDES).get(value.side, value.side).lower()} side" if value.side else ""
        return ", ".join(part for part in (said, side, value.location and f"felt in {value.location}") if part)
    return str(value)


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
