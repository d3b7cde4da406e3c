"""Start-up to the main window painted: `upright` against a bare PySide6 QMainWindow.

Both are started the same way — a fresh Python process, timed from launch until the window's
first paint is reported on stdout — alternately, several times, and the medians compared. Both
keep their compiled bytecode in the run's temporary folder, as an installed program does (this
machine sets PYTHONDONTWRITEBYTECODE, which would make Upright compile its own modules on every
launch while PySide6's are compiled code).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.figures import Figure

def bare_window(prelude: str, on_painted: str) -> str:
    """A bare PySide6 QMainWindow program of Upright's size that runs `on_painted` (one
    statement) once it has painted; `prelude` defines what that needs."""
    return f"""
import os, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
{prelude}
class Window(QMainWindow):
    reported = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.reported:
            self.reported = True
            {on_painted}
app = QApplication([])
window = Window()
window.resize(1280, 800)
window.show()
app.exec()
"""


BARE_WINDOW = bare_window("", 'print("shown", flush=True); QTimer.singleShot(0, lambda: os._exit(0))')


def _time_to_shown(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    try:
        for line in process.stdout:
            if line.startswith("shown"):
                return time.perf_counter() - start
        raise RuntimeError(f"{command} exited without showing a window")
    finally:
        process.kill()
        process.wait()


def race(name: str, bare: list[str], upright: list[str], env: dict[str, str], home: str, runs: int,
         note: str = "") -> Figure:
    """Launch → first paint of the bare window and of Upright (`upright` plus `--database` of a
    fresh studio file in `home`, told to report its paint), alternately `runs` times each after
    one launch of each to warm the file cache; the medians compared (budget: ratio ≤ 1.5)."""
    from studio.db import open_database

    database = Path(home) / "studio.sqlite"
    open_database(database, create=True).close()
    upright = [*upright, "--database", str(database)]
    upright_env = dict(env, UPRIGHT_REPORT_SHOWN="1")
    _time_to_shown(bare, env)
    _time_to_shown(upright, upright_env)
    bare_times, upright_times = [], []
    for _ in range(runs):
        bare_times.append(_time_to_shown(bare, env))
        upright_times.append(_time_to_shown(upright, upright_env))
    return Figure(name, statistics.median(upright_times), "s", statistics.median(bare_times), 1.5, "ratio",
                  f"{note}median of {runs} launches each, to first paint")  # fmt: skip


def measure(runs: int = 7) -> Figure:
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                   XDG_CONFIG_HOME=str(Path(home) / "config"), XDG_DATA_HOME=str(Path(home) / "data"),
                   PYTHONPYCACHEPREFIX=str(Path(home) / "bytecode"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return race("startup", [sys.executable, "-c", BARE_WINDOW], [sys.executable, "-m", "ui.app"], env, home, runs)
