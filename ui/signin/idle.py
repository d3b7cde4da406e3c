"""Noticing that nobody has touched the desk for a while.

An event filter on the application sees every key press, click, wheel turn and mouse move in
every window of Upright and restarts a single-shot timer; when the timer runs out, `idle` fires.
Timers, paints and the database worker's results are not input, so they never count as someone
being there.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.InputMethod,
    }
)


class IdleWatch(QObject):
    """`idle` fires after `minutes` without input anywhere in the program (0: never)."""

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.active = False
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def minutes(self) -> int:
        return self._minutes

    def set_minutes(self, minutes: int, *, interval_ms: int | None = None) -> None:
        """How long without input counts as idle; `interval_ms` overrides it (tests)."""
        self._minutes = max(0, int(minutes))
        self._interval = interval_ms if interval_ms is not None else self._minutes * 60_000
        if self._interval > 0:
            self.timer.setInterval(self._interval)
        self._restart()

    def watch(self, active: bool) -> None:
        """Count only while someone is signed in and the desk is open."""
        self.active = active
        self._restart()

    def _restart(self) -> None:
        if self.active and self._interval > 0:
            self.timer.start()
        else:
            self.timer.stop()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if self.active and self._interval > 0 and event.type() in _INPUT:
            self.timer.start()
        return False

    def stop(self) -> None:
        self.watch(False)
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
