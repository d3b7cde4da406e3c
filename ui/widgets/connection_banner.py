"""The strip at the top of the window while the studio database isn't answering.

Any step that fails because the studio server went away (or the studio file stayed locked by
another program) raises studio.db.ConnectionLost; the task runner hands it here before the
step's own callbacks, so the forms keep what was typed and one strip — not a dialog per list
reload — says what is going on. Every few seconds (or on Try now) a harmless check runs on the
database worker; when it passes the strip goes and the status bar says so. Nothing is saved
behind the person's back: they save again, knowing the server is there.
"""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

log = logging.getLogger(__name__)

RETRY_MS = 5000
STYLE = """
#connectionBanner { background: #fff4ce; border-bottom: 1px solid #e0b400; }
#connectionBanner QLabel { color: #3d2e00; }
"""


class ConnectionBanner(QFrame):
    """Shown by `lost(error)`; hides itself once a check through the runner passes."""

    restored = Signal()

    def __init__(self, window, parent: QWidget | None = None):
        super().__init__(parent)
        self.main = window  # the MainWindow: its runner, status bar and unsaved forms
        self.error = None
        self.since: datetime | None = None
        self.checking = False
        self.setObjectName("connectionBanner")
        self.setStyleSheet(STYLE)
        self.setAccessibleName("Studio database not answering")
        self.icon = QLabel("⚠")
        self.icon.setStyleSheet("font-size: 15pt; color: #9a6700;")
        self.text = QLabel()
        self.text.setObjectName("connectionBannerText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.try_button = QPushButton("Try now")
        self.try_button.setObjectName("connectionTryNow")
        self.try_button.setToolTip("Check at once whether the studio database answers again")
        self.try_button.clicked.connect(self.try_now)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.setSpacing(10)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.text, 1)
        row.addWidget(self.try_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.timer = QTimer(self)
        self.timer.setInterval(RETRY_MS)
        self.timer.timeout.connect(self.try_now)
        self.setVisible(False)
        window.runner.watch_connection(self.lost, owner=self)

    def above(self, widget: QWidget) -> QWidget:
        """The banner over `widget`, as one widget: the window's central area."""
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self)
        column.addWidget(widget, 1)
        return holder

    # --- lost and found ---------------------------------------------------------------------

    def lost(self, error) -> None:
        """A step failed because the studio database isn't answering (studio.db.ConnectionLost)."""
        if self.isHidden():
            self.since = datetime.now()
            log.warning("the studio database stopped answering: %s", error)
        self.error = error
        self.text.setText(self.words(error))
        self.setVisible(True)
        if not self.timer.isActive():
            self.timer.start()

    def words(self, error) -> str:
        since = f" (since {self.since:%H:%M})" if self.since else ""
        if getattr(error, "locked", False):
            what = f"The studio database {error.where} is locked by another program{since}."
        else:
            what = f"The studio server at {getattr(error, 'where', '')} isn't answering{since}."
        return f"{what} Your unsaved edits are kept on screen; Upright will try again every few seconds."

    def try_now(self) -> None:
        if self.checking or self.isHidden():
            return
        from studio.db import check_answering

        self.checking = True
        self.try_button.setEnabled(False)
        self.try_button.setText("Trying…")
        self.main.runner.run(check_answering, self._answered, self._not_yet, owner=self)

    def _answered(self, _result) -> None:
        self._checked()
        error, self.error = self.error, None
        self.timer.stop()
        self.setVisible(False)
        what = "The studio database is free again" if getattr(error, "locked", False) else "The studio server is back"
        unsaved = any(holder.has_unsaved_changes() for holder in self.main.unsaved_holders())
        self.main.statusBar().showMessage(f"{what}; save again to keep your edits." if unsaved else f"{what}.", 20000)
        self.restored.emit()

    def _not_yet(self, error: BaseException) -> None:
        from studio.db import ConnectionLost

        self._checked()
        if not isinstance(error, ConnectionLost):
            # Something else now (another database opened meanwhile, a refused password): the
            # next step says that in its own words; this strip is only about not answering.
            log.info("connection check: %s", error)
            self.timer.stop()
            self.setVisible(False)

    def _checked(self) -> None:
        self.checking = False
        self.try_button.setEnabled(True)
        self.try_button.setText("Try now")
