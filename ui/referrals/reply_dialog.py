"""After the letter: the clinician's reply, and the small steps on the way to it.

Recording the reply also records the medical clearance the safety gate reads, so "cleared"
lets a program be made active and "not cleared" keeps the gate shut.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from studio.errors import UprightError, ValidationError
from studio.services import clearances, referrals
from studio.services.assessments import day_label
from ui import messages
from ui.assessment.inputs import DateInput, Notes
from ui.widgets.record_form import ERROR_STYLE

FIELD_ALIASES = {"cleared_on": "reply_on"}  # the clearance's date is the reply's date


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(f"error_{name}")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def describe(record: referrals.ReferralRecord, client_name: str | None = None) -> str:
    """One line saying which letter this is about."""
    sent = f"sent on {day_label(record.sent_on)}" if record.sent_on else "not sent yet"
    about = f" about <b>{escape(client_name)}</b>" if client_name else ""
    return f"Letter{about} to <b>{escape(record.clinician_name)}</b> ({escape(record.tier_label.lower())}), {sent}."


class _ReferralStep(QDialog):
    """A small dialog that saves one step through the runner and shows reasons beside fields."""

    saved = Signal(object)  # the ReferralRecord after the step
    title = ""
    failure = "The referral was not changed"

    def __init__(self, runner, record: referrals.ReferralRecord, parent: QWidget | None = None, *,
                 client_name: str | None = None):  # fmt: skip
        super().__init__(parent)
        self.runner = runner
        self.record = record
        self.setWindowTitle(f"{self.title} — {client_name}" if client_name else self.title)
        self.setMinimumWidth(500)
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        about = QLabel(describe(record, client_name))
        about.setWordWrap(True)
        self.form.addRow(about)
        self.errors: dict[str, QLabel] = {}
        self.general_error = _error_label("general")

    def add_field(self, label: str, editor: QWidget, name: str) -> None:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(editor)
        self.errors[name] = _error_label(name)
        column.addWidget(self.errors[name])
        caption = QLabel(label)
        caption.setBuddy(getattr(editor, "edit", editor))
        self.form.addRow(caption, holder)

    def finish(self, ok_text: str) -> None:
        self.form.addRow(self.general_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.form.addRow(self.buttons)

    def show_errors(self, errors: dict[str, str]) -> None:
        shown = {FIELD_ALIASES.get(name, name): text for name, text in errors.items()}
        for name, label in self.errors.items():
            label.setText(shown.pop(name, ""))
            label.setVisible(bool(label.text()))
        self.general_error.setText("\n".join(shown.values()))
        self.general_error.setVisible(bool(shown))

    def problems(self) -> dict[str, str]:
        return {}

    def work(self):
        raise NotImplementedError

    def submit(self) -> None:
        problems = self.problems()
        self.show_errors(problems)
        if problems:
            return
        self.runner.run(self.work(), self._done, self._failed, owner=self)

    def _done(self, record) -> None:
        self.record = record
        self.saved.emit(record)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, ValidationError):
            self.show_errors(error.errors)
            return
        text = str(error) if isinstance(error, UprightError) else repr(error)
        self.show_errors({"general": text})
        messages.warn(self, self.failure, text)


def _date_problem(field: DateInput, empty: str, future: str | None = None) -> str | None:
    problem = field.problem
    if problem == "This date is in the future" and future:
        return future
    if problem:
        return problem
    return None if field.value() is not None else empty


class ReplyDialog(_ReferralStep):
    """The clinician's decision: cleared, cleared with restrictions, or not cleared."""

    title = "Record the clinician's reply"
    failure = "The reply was not recorded"

    def __init__(self, runner, record: referrals.ReferralRecord, parent: QWidget | None = None, **kw):
        super().__init__(runner, record, parent, **kw)
        self.decision_group = QButtonGroup(self)
        choices = QWidget()
        column = QVBoxLayout(choices)
        column.setContentsMargins(0, 0, 0, 0)
        self.decision_buttons: dict[str, QRadioButton] = {}
        for code, label in referrals.DECISIONS:
            button = QRadioButton(label)
            button.setObjectName(f"decision_{code}")
            self.decision_group.addButton(button)
            self.decision_buttons[code] = button
            column.addWidget(button)
        self.restrictions = Notes("e.g. no loaded spinal flexion for 6 weeks; walking as tolerated")
        self.restrictions.setObjectName("restrictions")
        self.reply_on = DateInput()
        self.reply_on.setObjectName("replyOn")
        self.reply_on.set_value(date.today())
        self.notes = Notes("anything else the clinician said")
        self.notes.setObjectName("replyNotes")
        self.add_field("Decision *", choices, "decision")
        self.add_field("Restrictions", self.restrictions, "restrictions")
        self.add_field("Date of the reply *", self.reply_on, "reply_on")
        self.add_field("Notes", self.notes, "notes")
        gate = QLabel("Recording the reply also records the medical clearance the safety gate reads: "
                      "“not cleared” keeps the client's program from being made active.")  # fmt: skip
        gate.setWordWrap(True)
        gate.setStyleSheet("color:#555;")
        self.form.addRow(gate)
        self.finish("Record reply")
        self.decision_group.buttonToggled.connect(lambda *_: self._decision_changed())
        self.restrictions.changed.connect(self._live)
        self.reply_on.changed.connect(self._live)
        self._decision_changed()

    def decision(self) -> str | None:
        return next((code for code, button in self.decision_buttons.items() if button.isChecked()), None)

    def _decision_changed(self) -> None:
        needed = self.decision() == clearances.CLEARED_WITH_RESTRICTIONS
        self.restrictions.setEnabled(needed)
        self.form.labelForField(self.restrictions.parentWidget()).setText("Restrictions *" if needed else "Restrictions")
        self._live()

    def _live(self) -> None:
        """Reasons update as the person types, once a reason is on screen."""
        if any(label.isVisible() for label in self.errors.values()):
            self.show_errors(self.problems())

    def problems(self) -> dict[str, str]:
        problems = {}
        decision = self.decision()
        if decision is None:
            problems["decision"] = "Choose cleared, cleared with restrictions, or not cleared"
        elif decision == clearances.CLEARED_WITH_RESTRICTIONS and not self.restrictions.value():
            problems["restrictions"] = "Write down the restrictions the clinician gave"
        problem = _date_problem(self.reply_on, "Enter the date of the reply", "The reply date cannot be in the future")
        if problem is None and self.record.sent_on and self.reply_on.value() < self.record.sent_on:
            problem = f"The reply cannot be dated before the letter was sent ({day_label(self.record.sent_on)})"
        if problem:
            problems["reply_on"] = problem
        return problems

    def work(self):
        record, decision, reply_on = self.record, self.decision(), self.reply_on.value()
        restrictions = self.restrictions.value() if decision == clearances.CLEARED_WITH_RESTRICTIONS else None
        notes = self.notes.value()
        return lambda s: referrals.record_reply(s, record.id, record.version, decision=decision,
                                                restrictions=restrictions, reply_on=reply_on, notes=notes)  # fmt: skip


def next_statuses(status: str) -> list[str]:
    """Where a referral can go from `status` by hand: forward only, or closed at any point.
    (Sending and the reply have their own dialogs.)"""
    if status == referrals.CLOSED:
        return []
    order = [code for code, _ in referrals.STATUSES]
    forward = [code for code in (referrals.ACKNOWLEDGED, referrals.APPOINTMENT_MADE)
               if status in referrals.WAITING and order.index(code) > order.index(status)]  # fmt: skip
    return [*forward, referrals.CLOSED]


STATUS_HELP = {
    referrals.ACKNOWLEDGED: "The clinician's office confirmed they have the letter.",
    referrals.APPOINTMENT_MADE: "The client has an appointment with the clinician.",
    referrals.CLOSED: "Nothing more to follow up. A closed referral can't be reopened.",
}


class StatusDialog(_ReferralStep):
    """Acknowledged, appointment made, or closed."""

    title = "Set the referral's status"

    def __init__(self, runner, record: referrals.ReferralRecord, parent: QWidget | None = None, **kw):
        super().__init__(runner, record, parent, **kw)
        labels = dict(referrals.STATUSES)
        self.status_group = QButtonGroup(self)
        choices = QWidget()
        column = QVBoxLayout(choices)
        column.setContentsMargins(0, 0, 0, 0)
        self.status_buttons: dict[str, QRadioButton] = {}
        allowed = next_statuses(record.status)
        for code in allowed:
            button = QRadioButton(labels[code])
            button.setObjectName(f"status_{code}")
            button.setToolTip(STATUS_HELP[code])
            self.status_group.addButton(button)
            self.status_buttons[code] = button
            column.addWidget(button)
            hint = QLabel(STATUS_HELP[code])
            hint.setStyleSheet("color:#555; margin-left:22px;")
            hint.setWordWrap(True)
            column.addWidget(hint)
        if allowed:
            self.status_buttons[allowed[0]].setChecked(True)
        now = QLabel(f"Now: <b>{escape(record.status_label)}</b>")
        self.form.addRow(now)
        self.notes = Notes("e.g. appointment on 14 May at 10:30")
        self.notes.setObjectName("statusNotes")
        self.notes.set_value(record.notes)
        self.add_field("New status", choices, "status")
        self.add_field("Notes", self.notes, "notes")
        self.finish("Set status")
        self.ok_button.setEnabled(bool(allowed))

    def status(self) -> str | None:
        return next((code for code, button in self.status_buttons.items() if button.isChecked()), None)

    def problems(self) -> dict[str, str]:
        return {} if self.status() else {"status": "Choose the new status"}

    def submit(self) -> None:
        if self.status() == referrals.CLOSED and not messages.confirm(
            self, "Close this referral?", "A closed referral can't be reopened; start a new referral if one is needed.",
            yes="Close referral",
        ):  # fmt: skip
            return
        super().submit()

    def work(self):
        record, status, notes = self.record, self.status(), self.notes.value()
        return lambda s: referrals.set_status(s, record.id, record.version, status, notes=notes)


class FollowUpDialog(_ReferralStep):
    """Move the day Upright reminds the desk to chase the reply."""

    title = "Change the follow-up date"

    def __init__(self, runner, record: referrals.ReferralRecord, parent: QWidget | None = None, **kw):
        super().__init__(runner, record, parent, **kw)
        self.follow_up = DateInput(future_ok=True)
        self.follow_up.setObjectName("followUpOn")
        self.follow_up.set_value(record.follow_up_on)
        quick = QHBoxLayout()
        for label, days in (("Tomorrow", 1), ("In a week", 7), ("In two weeks", 14)):
            button = QPushButton(label)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, d=days: self._in_days(d))
            quick.addWidget(button)
        quick.addStretch(1)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.follow_up)
        column.addLayout(quick)
        self.add_field("Follow up on *", holder, "follow_up_on")
        if record.follow_up_on is not None and record.overdue():
            late = QLabel(f"Overdue: the follow-up date {day_label(record.follow_up_on)} has passed with no reply. "
                          "Chase the clinician (or the client), then set the next date to check.")  # fmt: skip
            late.setWordWrap(True)
            late.setStyleSheet("color:#8b0000;")
            self.form.insertRow(1, late)
        self.finish("Change date")

    def _in_days(self, days: int) -> None:
        self.follow_up.set_value(date.today() + timedelta(days=days))
        self.show_errors({})

    def problems(self) -> dict[str, str]:
        problem = _date_problem(self.follow_up, "Enter the follow-up date")
        if problem is None and self.record.sent_on and self.follow_up.value() < self.record.sent_on:
            problem = "The follow-up date must be on or after the day the letter was sent"
        return {"follow_up_on": problem} if problem else {}

    def work(self):
        record, follow_up_on = self.record, self.follow_up.value()
        return lambda s: referrals.set_follow_up(s, record.id, record.version, follow_up_on)

