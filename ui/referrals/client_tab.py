"""A client's Referrals tab: their letters, and Refer… from the latest signed assessment."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from studio import access
from studio.clinical.assessment import findings
from studio.services import assessments, referrals
from studio.services.assessments import day_label
from ui import messages
from ui.assessment.findings_panel import DESTINATIONS, TIER_WORDS
from ui.referrals.actions import ReferralActions, ReferralDetail, referral_list, selected_row
from ui.referrals.refer_dialog import ReferDialog
from ui.referrals.table import ReferralTableModel
from ui.widgets.workspace import NothingToSave

NO_SIGNED_ASSESSMENT = (
    "A referral letter quotes the client's signed assessment, and there is none yet. "
    "Record and sign an assessment on the Assessment tab, then come back and press Refer…."
)


@dataclass(frozen=True)
class _Loaded:
    records: tuple[referrals.ReferralRecord, ...]
    latest: assessments.AssessmentRecord | None  # the latest signed assessment


class ReferralsTab(NothingToSave, QWidget):
    """Workspace tab. Signal `changed()` after a referral was written, sent or answered (a
    reply records a clearance, so the Assessment and Program tabs may want to refresh)."""

    tab_title = "Referrals"
    unsaved_what = "the referral"
    changed = Signal()
    status = Signal(str)

    def __init__(self, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.client_id: int | None = None
        self.latest: assessments.AssessmentRecord | None = None
        self.refer_dialog: ReferDialog | None = None

        self.recommendation = QLabel()
        self.recommendation.setObjectName("referralRecommendation")
        self.recommendation.setWordWrap(True)
        self.refer_button = QPushButton("Refer…")
        self.refer_button.setObjectName("referButton")
        self.refer_button.setToolTip("Write a referral letter from the latest signed assessment")
        top = QHBoxLayout()
        top.addWidget(self.recommendation, 1)
        top.addWidget(self.refer_button, 0, Qt.AlignmentFlag.AlignTop)

        self.model = ReferralTableModel(show_client=False, parent=self)
        self.table, self.empty, self.body = referral_list(self.model, "clientReferralTable", "clientReferralsEmpty")
        self.detail = ReferralDetail()

        self.edit_button = QPushButton("Edit draft…")
        self.edit_button.setToolTip("Go on writing this letter, then send it")
        self.actions = ReferralActions(runner, self, self.selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        self.actions.add_to(buttons)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)

        self.refer_button.clicked.connect(self.refer)
        self.edit_button.clicked.connect(self.edit_draft)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._row_chosen())
        self.table.doubleClicked.connect(lambda _index: self._open_chosen())
        self.actions.changed.connect(lambda _record: self._changed())
        self.show_client(None)

    # --- the workspace tab protocol ---------------------------------------------------------

    def show_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.reload()

    # --- loading ----------------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        client_id = self.client_id
        if client_id is None:
            self._show(_Loaded((), None), None)
            return

        def work(s) -> _Loaded:
            # The front desk tracks letters but never sees the assessment behind them.
            latest = assessments.latest(s, client_id, signed_only=True) if access.may(s, "clinical.read") else None
            return _Loaded(tuple(referrals.list_for_client(s, client_id)), latest)

        chosen = self.selected()
        keep = select_id if select_id is not None else (chosen.id if chosen else None)
        self.runner.run(work, lambda loaded: self._show(loaded, keep) if self.client_id == client_id else None, owner=self)

    def _show(self, loaded: _Loaded, select_id: int | None) -> None:
        self.latest = loaded.latest
        self.refer_button.setEnabled(self.client_id is not None)
        self.recommendation.setText(self._recommendation_text(loaded))
        self.model.set_rows(loaded.records)
        if self.client_id is None:
            self.empty.setText("<p>Save the new client first; their referral letters will be listed here.</p>")
        elif loaded.latest is None:
            self.empty.setText("<h3>No referrals for this client</h3><p>" + escape(NO_SIGNED_ASSESSMENT) + "</p>")
        else:
            self.empty.setText("<h3>No referrals for this client</h3><p>Press <b>Refer…</b> to write a letter from "
                               "the latest signed assessment.</p>")  # fmt: skip
        self.body.setCurrentWidget(self.table if loaded.records else self.empty)
        row = self.model.row_of(select_id)
        if row < 0 and loaded.records:
            row = 0
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._row_chosen()

    def _recommendation_text(self, loaded: _Loaded) -> str:
        if self.client_id is None:
            return ""
        latest = loaded.latest
        if latest is None:
            return "<span style='color:#555'>No signed assessment yet, so nothing to refer from.</span>"
        rec = findings(latest.data).referral
        day = day_label(latest.assessed_on)
        if rec.tier == "none":
            return (f"Latest signed assessment ({day}): <b>no referral needed</b>. "
                    "You can still refer the client with <b>Refer…</b>.")  # fmt: skip
        colour = {"emergency": "#b00020", "urgent": "#e65100"}.get(rec.tier, "#222")
        written = any(r.assessment_id == latest.id and r.status != referrals.DRAFT for r in loaded.records)
        draft = any(r.assessment_id == latest.id and r.status == referrals.DRAFT for r in loaded.records)
        then = (" A letter from this assessment has been sent." if written
                else " A draft letter is waiting to be finished." if draft
                else " <b>No letter written yet.</b>")  # fmt: skip
        return (f"Latest signed assessment ({day}) recommends: <b style='color:{colour}'>"
                f"{TIER_WORDS[rec.tier]}</b> — {escape(DESTINATIONS[rec.destination])}.{then}")  # fmt: skip

    # --- the chosen referral ----------------------------------------------------------------

    def print_current(self) -> None:
        self.actions.print_letter(self.status.emit)

    def selected(self) -> referrals.ReferralRecord | None:
        return selected_row(self.table, self.model) if hasattr(self, "table") else None

    def _row_chosen(self) -> None:
        record = self.selected()
        self.actions.update()
        self.edit_button.setEnabled(record is not None and record.status == referrals.DRAFT)
        self.detail.show_record(record)
        self.detail.setVisible(record is not None)

    def _open_chosen(self) -> None:
        record = self.selected()
        if record is not None and record.status == referrals.DRAFT:
            self.edit_draft()
        else:
            self.actions.open_letter()

    # --- writing ----------------------------------------------------------------------------

    def refer(self) -> None:
        if self.client_id is None:
            return
        if self.latest is None:
            messages.inform(self, "No signed assessment", NO_SIGNED_ASSESSMENT)
            return
        self._open_dialog(self.latest.id, None)

    def edit_draft(self) -> None:
        record = self.selected()
        if self.edit_button.isHidden():  # this role doesn't write letters (ui/signin/roles.py)
            return
        if record is not None and record.status == referrals.DRAFT and record.assessment_id is not None:
            self._open_dialog(record.assessment_id, record.id)

    def _open_dialog(self, assessment_id: int, referral_id: int | None) -> None:
        dialog = ReferDialog(self.runner, self.client_id, assessment_id, self, referral_id=referral_id)
        dialog.saved.connect(lambda record: self._changed(record.id if record else None))
        dialog.finished.connect(lambda _r: setattr(self, "refer_dialog", None))
        self.refer_dialog = dialog
        dialog.open()

    def _changed(self, select_id: int | None = None) -> None:
        self.changed.emit()
        self.reload(select_id)
