"""Driving the real window in a benchmark's own process (never the `python -m benchmarks` one).

The drivers (`benchmarks.history_driver`, `benchmarks.memory_driver`) start Upright the way
`ui/app.py` does — a QApplication with Upright's names, a `TaskRunner`, the `MainWindow`, the
database opened after the first paint — and sign in as a person without the sign-in screen
(`Desk.automatic`, what the UI tests do). The runner here only counts the steps it has been
given and not yet delivered, so a driver can wait until everything an action started is on
screen; with a profiler it also profiles the database worker's steps.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def child_env(home: str | Path) -> dict[str, str]:
    """The environment for a driver process: offscreen Qt (unless the caller chose a platform),
    settings, backups and data folders of its own (nothing touches this computer's Upright), and
    compiled bytecode kept in `home` as an installed program keeps it: without it (this machine
    sets PYTHONDONTWRITEBYTECODE) every process compiles SQLAlchemy and Upright from source,
    which costs time and leaves the compiler's memory behind, while PySide6 is compiled code."""
    home = Path(home)
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        PYTHONPYCACHEPREFIX=str(home / "bytecode"),
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def driver_home() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="upright-bench-")


# --- memory ----------------------------------------------------------------------------------


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def peak_rss_kib() -> int:
    """This process's peak resident set size in KiB: VmHWM on Linux, else ru_maxrss."""
    peak = _status_kib("VmHWM")
    if peak is not None:
        return peak
    import resource  # not on Windows, where VmHWM isn't either

    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss // 1024 if sys.platform == "darwin" else maxrss  # bytes on macOS, KiB elsewhere


def rss_kib() -> int:
    """The resident set size now, in KiB (the peak where the current size can't be read)."""
    now = _status_kib("VmRSS")
    return now if now is not None else peak_rss_kib()


# --- the window ------------------------------------------------------------------------------


def make_runner(worker_profile=None):
    """A `ui.tasks.TaskRunner` that counts undelivered steps (`pending`); with `worker_profile`
    (a cProfile.Profile) each step runs under it on the worker thread."""
    from ui.tasks import TaskRunner

    class CountingRunner(TaskRunner):
        pending = 0
        profile = worker_profile

        def run(self, work, on_done=None, on_error=None, *, owner=None, with_session=True) -> None:
            self.pending += 1
            super().run(work, on_done, on_error, owner=owner, with_session=with_session)

        def _execute(self, work, with_session):
            if self.profile is None:
                return super()._execute(work, with_session)
            self.profile.enable()
            try:
                return super()._execute(work, with_session)
            finally:
                self.profile.disable()

        def _deliver(self, callbacks, result, error, owner) -> None:
            try:
                super()._deliver(callbacks, result, error, owner)
            finally:
                self.pending -= 1

    return CountingRunner()


def wait_idle(runner, *, also=lambda: True, timeout: float = 120.0) -> None:
    """Process events until the runner has delivered every step (and those steps' callbacks
    have started no more), posted events are handled and `also()` holds. While steps are under
    way it sleeps in the event loop (no busy loop holding the GIL from the worker)."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    flags = QEventLoop.ProcessEventsFlag
    now, waiting = flags.AllEvents, flags.AllEvents | flags.WaitForMoreEvents
    deadline = time.monotonic() + timeout
    # Wakes a wait that has nothing else to wake it (a condition that needs no event), and bounds it.
    tick = QTimer()
    tick.setInterval(20)
    tick.start()
    try:
        while True:
            if runner.pending:
                QCoreApplication.processEvents(waiting)
            else:
                QCoreApplication.sendPostedEvents()
                QCoreApplication.processEvents(now)
                if not runner.pending and also():
                    return
                if not runner.pending:
                    QCoreApplication.processEvents(waiting)
            if time.monotonic() > deadline:
                raise TimeoutError(f"still {runner.pending} steps under way after {timeout:.0f} s")
    finally:
        tick.stop()


def start_window(database: str | Path, person, *, worker_profile=None):
    """The main window as `ui.app.main` starts it, on `database`, with `person` signed in once it
    opens; returns (app, window, runner) when the Client list has loaded and nothing is under way."""
    from ui.app import application  # first, as `upright` starts: it sets PySide6's import hook right
    from ui.main_window import MainWindow
    from ui.signin.desk import Desk

    app = application()
    Desk.automatic = person
    runner = make_runner(worker_profile)
    window = MainWindow(runner)
    window.restore_window_state()
    window.open_after_first_paint(str(database))
    window.show()

    def signed_in() -> bool:
        page = window.clients_page
        return (
            window.desk is not None and window.desk.is_open and page is not None
            and window.pages.currentWidget() is page and page.model.rowCount() > 0
        )  # fmt: skip

    wait_idle(runner, also=signed_in)
    return app, window, runner


def painted(window) -> None:
    """Paint the whole window now (every visible widget's paintEvent), as the screen would: into
    the window's backing store. (`grab()` would also render a new window-sized image each time,
    4 MB at 1280×800, which the screen never does and which the memory figure would count.)"""
    window.repaint()


def click(widget, pos) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)


def type_text(widget, text: str) -> None:
    """Type `text` into `widget` key by key (key events carrying the text; no QtTest, whose
    library would count in a memory figure)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))


def click_row(table, row: int) -> None:
    table.scrollTo(table.model().index(row, 0))
    click(table.viewport(), table.visualRect(table.model().index(row, 0)).center())


def click_tab(tabs, widget) -> None:
    bar = tabs.tabBar()
    click(bar, bar.tabRect(tabs.indexOf(widget)).center())
