"""The Refer flow: from the signed assessment's recommendation to a letter on its way.

Step 1 chooses who the letter goes to (the clinician network filtered to the recommended
destination); step 2 is the letter itself. Nothing is stored until the trainer saves, previews
or sends, so opening the dialog to look leaves no stray draft; an existing draft for the
assessment is opened instead of starting another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studio.clinical.assessment import Findings, findings
from studio.errors import UprightError, ValidationError
from studio.models.referral import DEFAULT_REQUEST
from studio.services import assessments, clients, documents, referrals
from studio.services.assessments import day_label
from studio.services.clinicians import SPECIALTIES
from ui import messages
from ui.assessment.findings_panel import DESTINATIONS, TIER_WORDS
from ui.assessment.inputs import DateInput
from ui.widgets.leaving import leave_then
from ui.widgets.record_form import ERROR_STYLE
from ui.widgets.tables import list_table

BANNER_STYLE = "font-size:11pt; font-weight:700; padding:8px; border-radius:4px;"
BANNERS = {
    "emergency": ("#b00020", "white",
                  "EMERGENCY — advise the client to go to the emergency department TODAY. "
                  "Give them this letter to take with them. No training until a doctor has cleared them."),
    "urgent": ("#e65100", "white",
               "Urgent — the client should see a doctor within the next few days, before the painful area is trained."),
}  # fmt: skip
OWN_PHYSICIAN = "Client's own physician"
CONTACT_WORDS = {"phone": "Phone", "fax": "Fax", "email": "Email", "post": "Post"}
_SPECIALTY_LABELS = dict(SPECIALTIES)


def _plain_text(lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(f"error_{name}")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def contact_text(choice: referrals.ClinicianChoice) -> str:
    """The way the clinician prefers letters, with the number or address to use."""
    values = {"phone": choice.phone, "fax": choice.fax, "email": choice.email}
    preferred = choice.preferred_contact
    if preferred in values and values[preferred]:
        return f"{CONTACT_WORDS[preferred]} {values[preferred]}"
    if preferred == "post":
        return "Post"
    for key in ("fax", "email", "phone"):
        if values[key]:
            return f"{CONTACT_WORDS[key]} {values[key]}"
    return "—"


class ChoiceModel(QAbstractTableModel):
    """The clinician picker: the client's own physician marked, accepting clinicians first."""

    COLUMNS = ("Clinician", "Specialty", "Practice", "New referrals")
    WIDTHS = (None, 160, 170, 150)  # the name takes what is left

    def __init__(self, parent=None):
        super().__init__(parent)
        self.choices: list[referrals.ClinicianChoice] = []

    def set_choices(self, choices) -> None:
        self.beginResetModel()
        self.choices = list(choices)
        self.endResetModel()

    def row_of(self, clinician_id: int | None) -> int:
        return next((n for n, c in enumerate(self.choices) if c.id == clinician_id), -1)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.choices)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.choices):
            return None
        choice, column = self.choices[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return choice.name
            if column == 1:
                return choice.specialty_label
            if column == 2:
                return choice.practice or "—"
            if choice.own_physician:
                return OWN_PHYSICIAN
            return "Accepting" if choice.accepting_new else "Not accepting"
        if role == Qt.ItemDataRole.UserRole:
            return choice.id
        if role == Qt.ItemDataRole.FontRole and choice.own_physician and column in (0, 3):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and not choice.accepting_new and not choice.own_physician:
            return Qt.GlobalColor.darkGray
        if role == Qt.ItemDataRole.ToolTipRole:
            if choice.own_physician:
                why = "The client's own physician: an existing patient needs no new-patient place."
            else:
                why = "Accepting new referrals." if choice.accepting_new else "Not taking new referrals at present."
            return f"{choice.name}\n{choice.practice or ''}\n{why}".replace("\n\n", "\n")
        return None


@dataclass(frozen=True)
class _Start:
    client_name: str
    assessment: assessments.AssessmentRecord
    found: Findings
    record: referrals.ReferralRecord | None  # the draft (or the referral asked for) when one exists
    others: tuple[referrals.ReferralRecord, ...]  # earlier referrals from the same assessment
    destination: str
    choices: tuple[referrals.ClinicianChoice, ...]


class ReferDialog(QDialog):
    """Write (or go on writing) the referral letter for a signed assessment.

    `referral_id` opens that referral instead of looking for the assessment's draft; a sent
    one is shown read-only with its letter still one click away.
    """

    saved = Signal(object)  # ReferralRecord, after every save, send or delete (None)
    unsaved_what = "the referral letter"

    def __init__(self, runner, client_id: int, assessment_id: int, parent: QWidget | None = None, *,
                 referral_id: int | None = None):  # fmt: skip
        super().__init__(parent)
        self.runner = runner
        self.client_id = client_id
        self.assessment_id = assessment_id
        self.referral_id = referral_id
        self.start: _Start | None = None
        self.record: referrals.ReferralRecord | None = None
        self.destination: str | None = None
        self.forced = False
        self._baseline: dict = {}
        self.setWindowTitle("Refer")
        self.setObjectName("referDialog")
        self.resize(1240, 720)
        self._build()
        self.load()

    # --- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.banner = QLabel()
        self.banner.setObjectName("referBanner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.summary = QLabel("Loading the assessment…")
        self.summary.setObjectName("recommendation")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.earlier = QLabel()
        self.earlier.setObjectName("earlierReferrals")
        self.earlier.setWordWrap(True)
        self.earlier.setStyleSheet("background:#fff8e1; border:1px solid #e0c060; border-radius:4px; padding:6px;")
        self.earlier.setVisible(False)

        # Step 1: who the letter goes to.
        self.destination_choice = QComboBox()
        self.destination_choice.setObjectName("destinationChoice")
        for code, label in SPECIALTIES:
            self.destination_choice.addItem(label, code)
        self.destination_row = QWidget()
        row = QHBoxLayout(self.destination_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Refer to"))
        row.addWidget(self.destination_choice, 1)
        self.choice_model = ChoiceModel(self)
        self.picker = list_table(self.choice_model)
        self.picker.setObjectName("clinicianPicker")
        header = self.picker.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in enumerate(ChoiceModel.WIDTHS):
            if width is None:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.resizeSection(column, width)
        self.picker_note = QLabel()
        self.picker_note.setObjectName("pickerNote")
        self.picker_note.setWordWrap(True)
        self.picker_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picker_note.setStyleSheet("color:#444; padding:12px;")
        self.picker_stack = QStackedWidget()
        self.picker_stack.addWidget(self.picker)
        self.picker_stack.addWidget(self.picker_note)
        self.chosen = QLabel()
        self.chosen.setObjectName("chosenClinician")
        self.chosen.setWordWrap(True)
        self.clinician_error = _error_label("clinician_id")
        step1 = QGroupBox("1. Who the letter goes to")
        step1_layout = QVBoxLayout(step1)
        step1_layout.addWidget(self.destination_row)
        step1_layout.addWidget(self.picker_stack, 1)
        step1_layout.addWidget(self.chosen)
        step1_layout.addWidget(self.clinician_error)

        # Step 2: the letter.
        self.reason = _plain_text(7)
        self.reason.setObjectName("reason")
        self.reason.setAccessibleName("Reason for referral")
        self.request = _plain_text(4)
        self.request.setFixedHeight(self.request.minimumHeight())  # the reason above takes the height
        self.request.setObjectName("request")
        self.request.setAccessibleName("What you ask the clinician")
        self.follow_up = DateInput(future_ok=True)
        self.follow_up.setObjectName("followUp")
        self.follow_up.edit.setPlaceholderText("blank: set when the letter is sent")
        self.sent_on = DateInput()
        self.sent_on.setObjectName("sentOn")
        self.errors = {name: _error_label(name) for name in ("reason", "request", "follow_up_on", "sent_on")}
        step2 = QGroupBox("2. The letter")
        form = QFormLayout(step2)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for label, editor, name in (
            ("Reason for referral *", self.reason, "reason"),
            ("What you ask *", self.request, "request"),
            ("Follow up on", self.follow_up, "follow_up_on"),
            ("Sent on", self.sent_on, "sent_on"),
        ):
            holder = QWidget()
            column = QVBoxLayout(holder)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(editor)
            column.addWidget(self.errors[name])
            grows = QSizePolicy.Policy.Expanding if editor is self.reason else QSizePolicy.Policy.Maximum
            holder.setSizePolicy(QSizePolicy.Policy.Preferred, grows)  # only the reason takes spare height
            caption = QLabel(label)
            caption.setBuddy(editor.edit if isinstance(editor, DateInput) else editor)
            form.addRow(caption, holder)
        self.letter_form = form
        self.follow_up_hint = QLabel()
        self.follow_up_hint.setWordWrap(True)
        self.follow_up_hint.setStyleSheet("color:#555;")
        form.insertRow(3, "", self.follow_up_hint)

        self.state = QLabel()
        self.state.setObjectName("referState")
        self.state.setWordWrap(True)
        self.general_error = _error_label("general")
        self.delete_button = QPushButton("Delete draft")
        self.save_button = QPushButton("Save draft")
        self.preview_button = QPushButton("Preview letter…")
        self.send_button = QPushButton("Mark as sent…")
        self.close_button = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        for button in (self.save_button, self.preview_button, self.send_button, self.close_button):
            buttons.addWidget(button)
        # Enter in a date box saves the draft; it never sends, deletes or closes by accident.
        for button in (self.delete_button, self.preview_button, self.send_button, self.close_button):
            button.setAutoDefault(False)
        self.save_button.setDefault(True)

        steps = QHBoxLayout()
        steps.addWidget(step1, 3)
        steps.addWidget(step2, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.summary)
        layout.addWidget(self.earlier)
        layout.addLayout(steps, 1)
        layout.addWidget(self.state)
        layout.addWidget(self.general_error)
        layout.addLayout(buttons)

        self.destination_choice.activated.connect(lambda _i: self._destination_changed())
        self.picker.selectionModel().selectionChanged.connect(lambda *_: self._clinician_changed())
        self.reason.textChanged.connect(lambda: self._check_text("reason", self.reason, "Write the reason for the referral"))
        self.request.textChanged.connect(
            lambda: self._check_text("request", self.request, "Write what you are asking the clinician to do"))
        self.follow_up.changed.connect(self._check_dates)
        self.sent_on.changed.connect(self._check_dates)
        self.save_button.clicked.connect(lambda: self.save())
        self.preview_button.clicked.connect(self.preview_letter)
        self.send_button.clicked.connect(self.mark_sent)
        self.delete_button.clicked.connect(self.delete_draft)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=lambda: self.save_button.isEnabled() and self.save())
        QShortcut(QKeySequence.StandardKey.Print, self,
                  activated=lambda: self.preview_button.isEnabled() and self.preview_letter())  # fmt: skip
        for button in (self.save_button, self.preview_button, self.send_button, self.delete_button):
            button.setEnabled(False)

    # --- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        client_id, assessment_id, referral_id = self.client_id, self.assessment_id, self.referral_id

        def work(s) -> _Start:
            client = clients.get(s, client_id)
            assessment = assessments.get(s, assessment_id)
            found = findings(assessment.data)
            mine = [r for r in referrals.list_for_client(s, client_id) if r.assessment_id == assessment_id]
            if referral_id is not None:
                record = referrals.get(s, referral_id)
            else:
                record = next((r for r in mine if r.status == referrals.DRAFT), None)
            others = tuple(r for r in mine if record is None or r.id != record.id)
            destination = record.destination if record else (found.referral.destination or "primary_care")
            choices = tuple(referrals.clinician_choices(s, client_id, destination))
            return _Start(client.name, assessment, found, record, others, destination, choices)

        self.runner.run(work, self._started, self._failed_to_start, owner=self)

    def _failed_to_start(self, error: BaseException) -> None:
        self.summary.setText(escape(str(error) if isinstance(error, UprightError) else repr(error)))

    def _started(self, start: _Start) -> None:
        self.start = start
        self.record = start.record
        self.destination = start.destination
        rec = start.found.referral
        self.forced = start.record is None and rec.tier == "none"
        self.setWindowTitle(f"Refer {start.client_name}")
        self._show_recommendation(start)
        self._show_earlier(start.others)
        self.destination_row.setVisible(self.forced)
        if self.forced:
            self.destination_choice.setCurrentIndex(max(self.destination_choice.findData(self.destination), 0))
        self._show_choices(start.choices, start.record.clinician_id if start.record else None)
        if start.record is not None:
            self._fill(start.record)
        else:
            self.reason.setPlainText(referrals.prefilled_reason(start.assessment.data, start.assessment.assessed_on))
            self.request.setPlainText(DEFAULT_REQUEST)
            self.follow_up.set_value(None)
        self.sent_on.set_value(date.today())
        self._clear_errors()
        self._baseline = self._values()
        self._show_state()

    def _show_recommendation(self, start: _Start) -> None:
        rec, record = start.found.referral, start.record
        tier = record.tier if record is not None else rec.tier
        if tier in BANNERS:
            background, colour, text = BANNERS[tier]
            self.banner.setText(text)
            size = "font-size:13pt;" if tier == "emergency" else ""
            self.banner.setStyleSheet(f"background:{background}; color:{colour}; {BANNER_STYLE} {size}")
        self.banner.setVisible(tier in BANNERS)
        day = day_label(start.assessment.assessed_on)
        if not start.assessment.signed:
            parts = [f"<p><b>The assessment of {day} is not signed.</b> Sign it on the Assessment tab first: "
                     "the letter quotes the studio's signed record.</p>"]  # fmt: skip
        elif self.forced:
            parts = [f"<p><b>The assessment of {day} recommends no referral.</b> You can still refer the client "
                     "— choose who to below (the letter goes as a routine referral).</p>"]  # fmt: skip
        else:
            where = escape(DESTINATIONS.get(rec.destination, ""))
            parts = [f"<p><b>Recommendation</b> from the assessment of {day}: "
                     f"<b>{TIER_WORDS.get(rec.tier, rec.tier)}</b> — {where}</p>"]  # fmt: skip
            if record is not None and (record.tier, record.destination) != (rec.tier, rec.destination):
                parts.append(f"<p>This draft was written as <b>{escape(record.tier_label)}</b> to "
                             f"<b>{escape(record.destination_label)}</b>.</p>")  # fmt: skip
        if rec.reasons:
            parts.append("<ul style='margin-top:0'>" + "".join(f"<li>{escape(r)}</li>" for r in rec.reasons) + "</ul>")
        for advice in start.found.advisories:
            parts.append(f"<p style='color:#444'>Consider: {escape(advice)}</p>")
        self.summary.setText("".join(parts))

    def _show_earlier(self, others) -> None:
        lines = []
        for other in others:
            if other.sent_on is None:
                when = other.status_label.lower()
            elif other.waiting_for_reply:
                when = f"sent {day_label(other.sent_on)}, waiting for a reply"
            else:
                when = f"sent {day_label(other.sent_on)}, {other.status_label.lower()}"
            lines.append(f"{escape(other.clinician_name)} ({escape(when)})")
        self.earlier.setText("<b>Already referred from this assessment:</b> " + "; ".join(lines)
                             + ". A new letter is a second referral.")  # fmt: skip
        self.earlier.setVisible(bool(lines) and (self.record is None or self.record.status == referrals.DRAFT))

    def _show_choices(self, choices, selected: int | None) -> None:
        self.choice_model.set_choices(choices)
        destination = self.destination or "primary_care"
        note = referrals.choice_note(destination)
        if note:
            self.picker_note.setText(
                f"<p><b>No clinician to choose.</b> {escape(note)}</p>"
                "<p>Tell the client to go to the emergency department <b>today</b>, and check tomorrow that they went.</p>"
            )
        elif not choices:
            label = _SPECIALTY_LABELS.get(destination, destination).lower()
            self.picker_note.setText(
                f"<p><b>No {escape(label)} in the clinician network yet.</b></p>"
                "<p>Add one on the Clinician network page (Ctrl+2), then come back: save this letter as a draft "
                "and nothing you wrote is lost.</p>"
            )
        self.picker_note.setStyleSheet(
            "background:#fdecea; border:1px solid #b00020; border-radius:4px; color:#5a0010; padding:12px;"
            if note else "color:#444; padding:12px;"
        )
        self.picker_stack.setCurrentWidget(self.picker_note if note or not choices else self.picker)
        row = self.choice_model.row_of(selected)
        selection = self.picker.selectionModel()
        selection.blockSignals(True)
        if row >= 0:
            self.picker.selectRow(row)
        else:
            self.picker.clearSelection()
            self.picker.setCurrentIndex(QModelIndex())
        selection.blockSignals(False)
        self._show_chosen()

    def _fill(self, record: referrals.ReferralRecord) -> None:
        self.reason.setPlainText(record.reason)
        self.request.setPlainText(record.request)
        self.follow_up.set_value(record.follow_up_on)

    # --- what is in the form ----------------------------------------------------------------

    def clinician_id(self) -> int | None:
        rows = self.picker.selectionModel().selectedRows()
        return self.choice_model.data(rows[0], Qt.ItemDataRole.UserRole) if rows else None

    def _values(self) -> dict:
        return {
            "reason": self.reason.toPlainText(),
            "request": self.request.toPlainText(),
            "clinician_id": self.clinician_id(),
            "follow_up": self.follow_up.edit.text().strip(),
            "destination": self.destination,
        }

    @property
    def sent(self) -> bool:
        return self.record is not None and self.record.status != referrals.DRAFT

    def has_unsaved_changes(self) -> bool:
        return self.start is not None and not self.sent and self._values() != self._baseline

    def discard_changes(self) -> None:
        self._baseline = self._values()

    def _show_chosen(self) -> None:
        clinician_id = self.clinician_id()
        if self.destination == referrals.EMERGENCY_DEPARTMENT:
            self.chosen.setText("The letter is addressed to the duty doctor at the emergency department.")
        elif clinician_id is None:
            self.chosen.setText("<i>Choose the clinician the letter goes to.</i>" if self.choice_model.choices else "")
        else:
            choice = self.choice_model.choices[self.choice_model.row_of(clinician_id)]
            extra = "" if choice.accepting_new or choice.own_physician else " Not accepting new referrals: call first."
            send = contact_text(choice)
            how = f" — send by {escape(send[:1].lower() + send[1:])}" if send != "—" else " — no contact details on record"
            self.chosen.setText(f"Letter to <b>{escape(choice.name)}</b>{how}.{escape(extra)}")

    def _destination_changed(self) -> None:
        destination = self.destination_choice.currentData()
        if destination == self.destination:
            return
        self.destination = destination
        client_id = self.client_id
        self.runner.run(lambda s: referrals.clinician_choices(s, client_id, destination),
                        lambda choices: self._show_choices(choices, None), self._failed, owner=self)  # fmt: skip

    def _clinician_changed(self) -> None:
        self._show_chosen()
        self.clinician_error.setVisible(False)

    # --- checking ---------------------------------------------------------------------------

    def _set_error(self, name: str, text: str | None) -> None:
        label = self.errors.get(name) or (self.clinician_error if name == "clinician_id" else self.general_error)
        label.setText(text or "")
        label.setVisible(bool(text))

    def _clear_errors(self) -> None:
        for name in (*self.errors, "clinician_id", "general"):
            self._set_error(name, None)

    def _check_text(self, name: str, box: QPlainTextEdit, required: str) -> None:
        if self.start is None or self.sent:
            return
        self._set_error(name, None if box.toPlainText().strip() else required)

    def _check_dates(self) -> None:
        self._set_error("follow_up_on", self.follow_up.problem or None)
        problem = self.sent_on.problem
        if problem == "This date is in the future":
            problem = "The date sent cannot be in the future"
        self._set_error("sent_on", problem or None)
        self._show_follow_up_hint()

    def _show_follow_up_hint(self) -> None:
        if self.sent:
            self.follow_up_hint.setText("")
            return
        tier = self.record.tier if self.record else ("routine" if self.forced else self.start.found.referral.tier)
        days = referrals.FOLLOW_UP_DAYS.get(tier, 14)
        when = {1: "the day after", 7: "a week after", 14: "two weeks after"}.get(days, f"{days} days after")
        self.follow_up_hint.setText(f"Left blank, the follow-up is set for {when} the letter is sent.")

    def _problems(self, *, sending: bool) -> dict[str, str]:
        """What can be told before asking the database: the service checks the rest."""
        problems = {}
        if not self.reason.toPlainText().strip():
            problems["reason"] = "Write the reason for the referral"
        if not self.request.toPlainText().strip():
            problems["request"] = "Write what you are asking the clinician to do"
        if self.follow_up.problem:
            problems["follow_up_on"] = self.follow_up.problem
        needs_clinician = self.destination != referrals.EMERGENCY_DEPARTMENT and (
            sending or (self.forced and self.record is None and self.destination != "primary_care"))
        if needs_clinician and self.clinician_id() is None:
            label = _SPECIALTY_LABELS.get(self.destination, "clinician").lower()
            problems["clinician_id"] = f"Choose the {label} the letter goes to"
        if sending:
            if self.sent_on.problem or self.sent_on.value() is None:
                problem = self.sent_on.problem
                problems["sent_on"] = ("The date sent cannot be in the future" if problem == "This date is in the future"
                                       else problem or "Enter the date the letter was sent")  # fmt: skip
            elif self.follow_up.value() is not None and self.follow_up.value() < self.sent_on.value():
                problems["follow_up_on"] = "The follow-up date must be on or after the day the letter was sent"
        return problems

    # --- saving -----------------------------------------------------------------------------

    def _save_work(self):
        """The unit of work that stores the form: a new draft, or the changes to this one."""
        record, assessment_id, forced = self.record, self.assessment_id, self.forced
        values = {
            "reason": self.reason.toPlainText(),
            "request": self.request.toPlainText(),
            "follow_up_on": self.follow_up.value(),
        }
        clinician_id = self.clinician_id()

        def work(s) -> referrals.ReferralRecord:
            if record is None:
                draft = referrals.draft_from_assessment(s, assessment_id, clinician_id, force=forced)
                return referrals.update_draft(s, draft.id, draft.version, **values)
            return referrals.update_draft(s, record.id, record.version, clinician_id=clinician_id, **values)

        return work

    def save(self, then=None) -> bool:
        """Store the draft, then run `then()` (leave_then's holder protocol). False when refused
        at once, the reasons shown beside the fields."""
        if self.start is None or self.sent:
            if then is not None and self.record is not None:
                then()
            return self.record is not None
        self._clear_errors()
        problems = self._problems(sending=False)
        if problems:
            for name, text in problems.items():
                self._set_error(name, text)
            return False
        work = self._save_work()

        def done(record) -> None:
            self._stored(record)
            if then is not None:
                then()

        self.runner.run(work, done, self._failed, owner=self)
        return True

    def _stored(self, record: referrals.ReferralRecord | None) -> None:
        self.record = record
        self._baseline = self._values()
        self._show_state()
        self.saved.emit(record)

    def _failed(self, error: BaseException) -> None:
        """Reasons go next to their fields; the text typed stays where it is."""
        if isinstance(error, ValidationError):
            for name, text in error.errors.items():
                self._set_error(name, text)
            return
        text = str(error) if isinstance(error, UprightError) else repr(error)
        self._set_error("general", text)
        messages.warn(self, "The referral was not saved", text)

    def preview_letter(self) -> None:
        def show() -> None:
            from ui.documents import preview  # QtPdf and QtPrintSupport: loaded with the first preview

            request = documents.Request(kind=documents.LETTER, referral_id=self.record.id)
            preview.show_preview(self, self.runner, request)

        self.save(then=show)

    def mark_sent(self) -> None:
        if self.start is None or self.sent:
            return
        self._clear_errors()
        problems = self._problems(sending=True)
        if problems:
            for name, text in problems.items():
                self._set_error(name, text)
            return
        sent_on, follow_up_on = self.sent_on.value(), self.follow_up.value()
        tier = self.record.tier if self.record else ("routine" if self.forced else self.start.found.referral.tier)
        follow = follow_up_on or sent_on + timedelta(days=referrals.FOLLOW_UP_DAYS.get(tier, 14))
        if self.destination == referrals.EMERGENCY_DEPARTMENT:
            to, what = "the emergency department", "given to the client"
        else:
            choice = self.choice_model.choices[self.choice_model.row_of(self.clinician_id())]
            to, what = choice.name, "sent"
        question = (f"Mark the letter to {to} as {what} on {day_label(sent_on)}?\n\n"
                    f"The letter can't be changed after this. Upright will list it as waiting for a reply "
                    f"and remind you to follow up on {day_label(follow)}.")  # fmt: skip
        if not messages.confirm(self, "Mark as sent?", question, yes="Mark as sent"):
            return
        save = self._save_work()

        def work(s):
            record = save(s)
            return referrals.mark_sent(s, record.id, record.version, sent_on, follow_up_on)

        self.runner.run(work, self._stored, self._failed, owner=self)

    def delete_draft(self) -> None:
        record = self.record
        if record is None or self.sent:
            return
        if not messages.confirm(self, "Delete this draft?", "The draft letter is removed. Nothing has been sent.",
                                yes="Delete draft"):  # fmt: skip
            return

        def deleted(_none) -> None:
            self._stored(None)
            self.accept()

        self.runner.run(lambda s: referrals.delete_draft(s, record.id, record.version), deleted, self._failed, owner=self)

    # --- state ------------------------------------------------------------------------------

    def _show_state(self) -> None:
        start, record = self.start, self.record
        signed = start is not None and start.assessment.signed
        sent = self.sent
        editable = signed and not sent
        for widget in (self.reason, self.request):
            widget.setReadOnly(not editable)
        for widget in (self.follow_up, self.sent_on, self.picker, self.destination_choice):
            widget.setEnabled(editable)
        self.destination_choice.setEnabled(editable and record is None)
        self.save_button.setEnabled(editable)
        self.send_button.setEnabled(editable)
        self.preview_button.setEnabled(signed)
        self.delete_button.setVisible(record is not None and not sent)
        self.delete_button.setEnabled(record is not None and not sent)
        self.save_button.setVisible(not sent)
        self.send_button.setVisible(not sent)
        self.letter_form.setRowVisible(self.sent_on.parentWidget(), not sent)
        self._show_follow_up_hint()
        if record is None:
            self.state.setText("Not saved yet. <b>Save draft</b>, <b>Preview letter…</b> or <b>Mark as sent…</b> stores it.")
        elif not sent:
            self.state.setText(f"Draft saved {record.updated_at.astimezone():%d %b %Y at %H:%M}. Not sent yet.")
        else:
            follow = f"; follow up on <b>{day_label(record.follow_up_on)}</b>" if record.follow_up_on else ""
            sent_day = day_label(record.sent_on) if record.sent_on else "—"
            self.state.setText(f"<b>{escape(record.status_label)}</b> — sent on {sent_day}{follow}. "
                               "The letter can no longer be changed.")  # fmt: skip
            self.state.setStyleSheet("color:#1b5e20;")

    def reject(self) -> None:
        leave_then(self, [self], super().reject)
