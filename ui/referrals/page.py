"""The studio-wide Referrals page: which letters are waiting for a reply, and which to chase.

Letters waiting for a reply come first, soonest follow-up first, so the overdue ones lead.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.services import referrals
from ui.referrals.actions import ReferralActions, ReferralDetail, referral_list, selected_row
from ui.referrals.table import ReferralTableModel

WAITING, OVERDUE, DRAFTS, ALL = "waiting", "overdue", "drafts", "all"
FILTERS = (
    (WAITING, "Waiting for a reply"),
    (OVERDUE, "Overdue"),
    (DRAFTS, "Drafts"),
    (ALL, "All referrals"),
)
EMPTY = {
    WAITING: "<h3>No letters are waiting for a reply</h3>"
             "<p>Referral letters are written from a client's signed assessment: open the client, go to their "
             "<b>Referrals</b> tab and press <b>Refer…</b>. Once a letter is marked as sent it waits here "
             "until the clinician's reply is recorded.</p>",
    OVERDUE: "<h3>Nothing overdue</h3><p>Every letter waiting for a reply is still within its follow-up date.</p>",
    DRAFTS: "<h3>No unsent drafts</h3><p>Every letter that was started has been sent, or deleted.</p>",
    ALL: "<h3>No referrals yet</h3>"
         "<p>When an assessment recommends a referral, open the client, go to their <b>Referrals</b> tab and "
         "press <b>Refer…</b> to write the letter. Every referral the studio makes is listed here.</p>",
}  # fmt: skip


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def count_line(rows, today: date | None = None) -> str:
    """'3 letters waiting for a reply, 1 overdue · 2 drafts not sent yet'."""
    waiting = sum(1 for r in rows if r.waiting_for_reply)
    overdue = sum(1 for r in rows if r.overdue)
    drafts = sum(1 for r in rows if r.status == referrals.DRAFT)
    if waiting:
        text = _count(waiting, "letter", "letters") + " waiting for a reply"
        text += f", {overdue} overdue" if overdue else ", none overdue"
    else:
        text = "No letters waiting for a reply"
    if drafts:
        text += " · " + _count(drafts, "draft", "drafts") + " not sent yet"
    return text


def keep(rows, which: str) -> list:
    if which == WAITING:
        return [r for r in rows if r.waiting_for_reply]
    if which == OVERDUE:
        return [r for r in rows if r.overdue]
    if which == DRAFTS:
        return [r for r in rows if r.status == referrals.DRAFT]
    return list(rows)


class ReferralsPage(QWidget):
    """Signals: `open_client(client_id)` for Go to client; `changed()` after a referral changed
    (the reply records a clearance, so open client views may want to refresh); `status(text)`
    for the status bar."""

    open_client = Signal(int)
    changed = Signal()
    status = Signal(str)

    def __init__(self, runner, parent: QWidget | None = None, *, today: date | None = None):
        super().__init__(parent)
        self.runner = runner
        self.today = today
        self.all_rows: list[referrals.ReferralRow] = []

        self.filter = QComboBox()
        self.filter.setObjectName("referralFilter")
        for code, label in FILTERS:
            self.filter.addItem(label, code)
        self.counts = QLabel()
        self.counts.setObjectName("referralCounts")
        self.counts.setStyleSheet("font-weight:600;")
        self.refresh_button = QPushButton("Refresh")
        top = QHBoxLayout()
        top.addWidget(QLabel("Show"))
        top.addWidget(self.filter)
        top.addSpacing(16)
        top.addWidget(self.counts, 1)
        top.addWidget(self.refresh_button)

        self.model = ReferralTableModel(show_client=True, today=today, parent=self)
        self.table, self.empty, self.body = referral_list(self.model, "referralTable", "referralsEmpty")
        self.detail = ReferralDetail()

        self.actions = ReferralActions(runner, self, self.selected)
        self.client_button = QPushButton("Go to client")
        self.client_button.setToolTip("Open this client's workspace")
        buttons = QHBoxLayout()
        self.actions.add_to(buttons)
        buttons.addStretch(1)
        buttons.addWidget(self.client_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)

        self.filter.currentIndexChanged.connect(lambda _i: self._show())
        self.refresh_button.clicked.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._row_chosen())
        self.table.doubleClicked.connect(lambda _index: self.actions.open_letter())
        self.client_button.clicked.connect(self.go_to_client)
        self.actions.changed.connect(self._referral_changed)
        self._row_chosen()

    # --- loading ----------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        """Fresh every time the desk comes here: other desks send letters, and days pass."""
        super().showEvent(event)
        if self.runner.session_factory is not None:
            self.refresh()

    def refresh(self) -> None:
        today = self.today
        self.runner.run(lambda s: referrals.list_all(s, today=today), self._loaded, owner=self)

    def _loaded(self, rows) -> None:
        self.all_rows = list(rows)
        counts = {code: len(keep(self.all_rows, code)) for code, _ in FILTERS}
        for index, (code, label) in enumerate(FILTERS):
            self.filter.setItemText(index, f"{label} ({counts[code]})")
        self.counts.setText(count_line(self.all_rows))
        self.counts.setStyleSheet("font-weight:600;" + (" color:#8b0000;" if counts[OVERDUE] else ""))
        self._show()

    def _show(self) -> None:
        chosen = self.selected()
        which = self.filter.currentData()
        rows = keep(self.all_rows, which)
        self.model.set_rows(rows)
        self.empty.setText(EMPTY[which])
        self.body.setCurrentWidget(self.table if rows else self.empty)
        self._select(chosen.id if chosen else None)

    def _select(self, referral_id: int | None) -> None:
        row = self.model.row_of(referral_id)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._row_chosen()

    # --- the chosen referral ----------------------------------------------------------------

    def print_current(self) -> None:
        self.actions.print_letter(self.status.emit)

    def selected(self) -> referrals.ReferralRow | None:
        return selected_row(self.table, self.model) if hasattr(self, "table") else None

    def _row_chosen(self) -> None:
        row = self.selected()
        self.actions.update()
        self.client_button.setEnabled(row is not None)
        if row is None:
            self.detail.show_record(None)
            return
        referral_id = row.id
        self.runner.run(lambda s: referrals.get(s, referral_id), self._show_detail, lambda _e: None, owner=self)

    def _show_detail(self, record) -> None:
        row = self.selected()
        if row is not None and row.id == record.id:
            self.detail.show_record(record)

    def go_to_client(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_client.emit(row.client_id)

    def _referral_changed(self, record) -> None:
        self.status.emit(f"Referral for {record.clinician_name}: {record.status_label.lower()}")
        self.changed.emit()
        self.refresh()
