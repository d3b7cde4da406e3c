"""The list of referrals, studio-wide (ReferralRow) or for one client (ReferralRecord).

An overdue letter — follow-up date passed, no reply — is bold dark red *and* says "Overdue"
in its follow-up column, so it reads without colour; a letter still waiting for its reply
says so in its status column.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QHeaderView

from studio.services import referrals
from studio.services.assessments import day_label

OVERDUE_COLOUR = QColor("#8b0000")
EMERGENCY_COLOUR = QColor("#b00020")
CLIENT_COLUMNS = ("Client", "Clinician", "Tier", "Status", "Sent on", "Follow-up")
COLUMN_WIDTHS = {"Client": 190, "Tier": 95, "Status": 250, "Sent on": 110, "Follow-up": 190}
STRETCH = "Clinician"  # takes what the window gives, so Follow-up never falls off the right


def is_overdue(row, today: date) -> bool:
    """ReferralRow carries the answer; ReferralRecord works it out for `today`."""
    overdue = row.overdue
    return overdue(today) if callable(overdue) else bool(overdue)


def tier_label(row) -> str:
    return referrals.TIER_LABELS.get(row.tier, row.tier)


def status_text(row) -> str:
    if row.waiting_for_reply:
        return f"{row.status_label} · waiting for reply"
    return row.status_label


def follow_up_text(row, today: date) -> str:
    if row.follow_up_on is None:
        return "—"
    if not (row.waiting_for_reply or row.status == referrals.DRAFT):
        return "—"  # answered or closed: nothing left to chase
    day = day_label(row.follow_up_on)
    return f"{day} — Overdue" if is_overdue(row, today) else day


def size_columns(table) -> None:
    """Fixed widths that fit the longest usual text; the clinician's name takes the rest."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    for column, name in enumerate(table.model().columns):
        if name == STRETCH:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        elif name in COLUMN_WIDTHS:
            header.resizeSection(column, COLUMN_WIDTHS[name])


class ReferralTableModel(QAbstractTableModel):
    """Rows held whole: a studio has tens to hundreds of referrals, not thousands."""

    def __init__(self, *, show_client: bool = True, today: date | None = None, parent=None):
        super().__init__(parent)
        self.columns = CLIENT_COLUMNS if show_client else CLIENT_COLUMNS[1:]
        self.today = today
        self.rows: list = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_of(self, referral_id: int | None) -> int:
        return next((n for n, r in enumerate(self.rows) if r.id == referral_id), -1)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.columns):
            return self.columns[section]
        return None

    def _text(self, row, column: str, today: date) -> str:
        if column == "Client":
            return row.client_name
        if column == "Clinician":
            return row.clinician_name
        if column == "Tier":
            return tier_label(row)
        if column == "Status":
            return status_text(row)
        if column == "Sent on":
            return day_label(row.sent_on) if row.sent_on else "not sent"
        return follow_up_text(row, today)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows) or not 0 <= index.column() < len(self.columns):
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        today = self.today or date.today()
        overdue = is_overdue(row, today)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column, today)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if overdue:
                return OVERDUE_COLOUR
            if column == "Tier" and row.tier == "emergency":
                return EMERGENCY_COLOUR
            if row.status == referrals.CLOSED:
                return QColor(Qt.GlobalColor.gray)
            return None
        if role == Qt.ItemDataRole.FontRole:
            if overdue or (column == "Tier" and row.tier == "emergency"):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if overdue:
                return ("Overdue: the follow-up date has passed with no reply. Contact the clinician (or the client), "
                        "then record the reply or move the follow-up date.")  # fmt: skip
            if row.waiting_for_reply:
                return "Sent; waiting for the clinician's reply."
            if row.status == referrals.DRAFT:
                return "Draft: not sent yet."
            return None
        return None
