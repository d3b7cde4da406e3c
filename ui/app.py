"""`upright`: the desktop program."""

from __future__ import annotations

import argparse
import os
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ui import options
from ui.main_window import MainWindow
from ui.tasks import TaskRunner

# Benchmarks set this to time start-up to the first painted window, then exit.
SHOWN_MARKER = "UPRIGHT_REPORT_SHOWN"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="upright", description="Upright for personal-training studios.")
    parser.add_argument(
        "--database",
        metavar="PATH_OR_URL",
        help="a studio database file, or a SQLAlchemy URL (default: the studio file in your user data folder)",
    )
    return parser.parse_args(argv)


class _ShownWindow(MainWindow):
    """MainWindow that reports its first paint and quits (for the start-up benchmark)."""

    _reported = False

    def paintEvent(self, event):  # noqa: N802 - Qt API
        super().paintEvent(event)
        if not self._reported:
            self._reported = True
            print(f"shown {time.perf_counter()}", flush=True)
            QTimer.singleShot(0, lambda: os._exit(0))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(options.ORGANISATION)
    app.setApplicationName(options.APPLICATION)
    app.setApplicationDisplayName("Upright")
    runner = TaskRunner()
    window = (_ShownWindow if os.environ.get(SHOWN_MARKER) else MainWindow)(runner)
    window.restore_window_state()
    window.show()
    if not os.environ.get(SHOWN_MARKER):
        QTimer.singleShot(0, lambda: window.open_database(args.database))
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
