"""What can be done to the referral chosen in a list — the same buttons on the studio-wide
Referrals page and on a client's Referrals tab — and the line that says who to chase."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QWidget

from studio.errors import UprightError
from studio.services import documents, referrals
from studio.services.assessments import day_label
from ui import messages
from ui.referrals.table import size_columns
from ui.widgets.tables import list_table
from ui.referrals.reply_dialog import FollowUpDialog, ReplyDialog, StatusDialog, next_statuses


class ReferralActions(QObject):
    """Buttons acting on `selected()` (a ReferralRow or ReferralRecord, or None).

    Each action reads the referral afresh (for its version) before opening its dialog, so a
    list that is a minute old never causes a "changed at another desk" refusal by itself.
    """

    changed = Signal(object)  # the ReferralRecord after a change

    def __init__(self, runner, owner: QWidget, selected: Callable[[], object]):
        super().__init__(owner)
        self.runner = runner
        self.owner = owner
        self.selected = selected
        self.dialog = None  # the dialog open now (tests reach it here)
        self.open_button = QPushButton("Open letter…")
        self.open_button.setToolTip("Preview the letter, to print or save it")
        self.reply_button = QPushButton("Record reply…")
        self.reply_button.setToolTip("The clinician's decision: cleared, cleared with restrictions, or not cleared")
        self.status_button = QPushButton("Set status…")
        self.status_button.setToolTip("Acknowledged, appointment made, or closed")
        self.follow_up_button = QPushButton("Follow-up date…")
        self.follow_up_button.setToolTip("When to chase the reply")
        self.open_button.clicked.connect(self.open_letter)
        self.reply_button.clicked.connect(lambda: self._with_record(ReplyDialog))
        self.status_button.clicked.connect(lambda: self._with_record(StatusDialog))
        self.follow_up_button.clicked.connect(lambda: self._with_record(FollowUpDialog))
        self.update()

    @property
    def buttons(self) -> tuple[QPushButton, ...]:
        return (self.open_button, self.reply_button, self.status_button, self.follow_up_button)

    def add_to(self, layout: QHBoxLayout) -> None:
        for button in self.buttons:
            layout.addWidget(button)

    def update(self) -> None:
        row = self.selected()
        status = row.status if row is not None else None
        self.open_button.setEnabled(row is not None)
        self.reply_button.setEnabled(status in referrals.WAITING)
        self.status_button.setEnabled(status is not None and bool(next_statuses(status)))
        self.follow_up_button.setEnabled(status in referrals.WAITING)

    def print_letter(self, say: Callable[[str], None]) -> None:
        """Ctrl+P on a referrals list: the selected referral's letter (or `say` what to do)."""
        if self.selected() is None:
            say("Select a referral first; Ctrl+P opens its letter.")
            return
        self.open_letter()

    def open_letter(self) -> None:
        from ui.documents import preview  # QtPdf and QtPrintSupport: loaded with the first preview

        row = self.selected()
        if row is not None and not self.open_button.isHidden():  # hidden: this role can't read letters
            request = documents.Request(kind=documents.LETTER, referral_id=row.id)
            preview.show_preview(self.owner, self.runner, request)

    def _with_record(self, dialog_class) -> None:
        row = self.selected()
        if row is None:
            return
        referral_id, client_name = row.id, getattr(row, "client_name", None)

        def failed(error: BaseException) -> None:
            messages.warn(self.owner, "The referral could not be opened",
                          str(error) if isinstance(error, UprightError) else repr(error))  # fmt: skip

        opened = lambda record: self._open(dialog_class, record, client_name)  # noqa: E731
        self.runner.run(lambda s: referrals.get(s, referral_id), opened, failed, owner=self.owner)

    def _open(self, dialog_class, record, client_name: str | None) -> None:
        dialog = dialog_class(self.runner, record, self.owner, client_name=client_name)
        dialog.saved.connect(self.changed)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()


def referral_list(model, table_name: str, empty_name: str):
    """A referrals table, the message shown instead when it is empty, and the stack holding both."""
    table = list_table(model)
    table.setObjectName(table_name)
    size_columns(table)
    empty = QLabel()
    empty.setObjectName(empty_name)
    empty.setWordWrap(True)
    empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
    empty.setStyleSheet("color:#444; padding:24px;")
    body = QStackedWidget()
    body.addWidget(table)
    body.addWidget(empty)
    return table, empty, body


def selected_row(table, model):
    """The referral on the selected row of a referrals table, or None."""
    rows = table.selectionModel().selectedRows()
    return model.rows[rows[0].row()] if rows else None


class ReferralDetail(QLabel):
    """Who the chosen letter went to and how to reach them, and what came back."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("referralDetail")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setStyleSheet("background:#f5f5f5; border:1px solid #ddd; border-radius:4px; padding:6px;")
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.show_record(None)

    def show_record(self, record: referrals.ReferralRecord | None) -> None:
        if record is None:
            self.setText("<span style='color:#666'>Choose a referral to see who it went to and what came back.</span>")
            return
        parts = [f"<b>{escape(record.clinician_name)}</b>"]
        snapshot = record.clinician
        if snapshot is not None:
            contact = [escape(v) for v in (snapshot.practice,) if v]
            contact += [f"{label} {escape(v)}" for label, v in (("phone", snapshot.phone), ("fax", snapshot.fax),
                                                               ("email", snapshot.email)) if v]  # fmt: skip
            if contact:
                parts.append(" · ".join(contact))
        lines = [" — ".join(parts)]
        if record.reply_decision:
            said = dict(referrals.DECISIONS).get(record.reply_decision, record.reply_decision)
            restrictions = f": {escape(record.reply_restrictions)}" if record.reply_restrictions else ""
            when = f" on {day_label(record.reply_on)}" if record.reply_on else ""
            lines.append(f"Reply{when}: <b>{escape(said)}</b>{restrictions}")
        elif record.status == referrals.DRAFT:
            lines.append("Draft — not sent yet.")
        if record.notes:
            lines.append(f"Notes: {escape(record.notes)}")
        if not getattr(record, "withheld", False):  # the front desk isn't shown the letter's words
            lines.append(f"<span style='color:#555'>Reason: {escape(_short(record.reason))}</span>")
        self.setText("<br>".join(lines))


def _short(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
