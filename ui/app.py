"""`upright`: the desktop program."""

from __future__ import annotations

import argparse
import os
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ui.pyside_imports import keep_sources_out_of_memory

keep_sources_out_of_memory()  # before the window and the database layer are imported

from ui import options  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.tasks import TaskRunner  # noqa: E402

# Benchmarks set this to time start-up to the first painted window, then exit.
SHOWN_MARKER = "UPRIGHT_REPORT_SHOWN"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)  # resources/icons/upright-N.png, upright.png at 256


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="upright", description="Upright for personal-training studios.")
    parser.add_argument(
        "--database",
        metavar="PATH_OR_URL",
        help="a studio database file, or a SQLAlchemy URL (default: the studio file in your user data folder)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation on a temporary database (migrations, every document, the window), "
        "print one line per check and exit: 0 when all passed, 1 otherwise",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        from ui.self_test import run_self_test

        return run_self_test()
    app = application()
    runner = TaskRunner()
    window = MainWindow(runner)
    if os.environ.get(SHOWN_MARKER):
        window.first_painted.connect(_report_shown_and_exit)
    window.restore_window_state()
    window.open_after_first_paint(args.database or server_address())
    window.show()
    return app.exec()


def application() -> QApplication:
    """The QApplication with Upright's names (its settings live under them) and icon."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(options.ORGANISATION)
    app.setApplicationName(options.APPLICATION)
    app.setApplicationDisplayName("Upright")
    app.setWindowIcon(app_icon())
    return app


def app_icon():
    """The Upright mark (resources/icons, drawn by installer/make_icons.py) at each size it is
    drawn for; Qt reads a file only when a size is asked for."""
    from pathlib import Path

    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    import resources

    folder = Path(resources.__file__).with_name("icons")
    icon = QIcon()
    for size in ICON_SIZES:
        name = "upright.png" if size == 256 else f"upright-{size}.png"
        icon.addFile(str(folder / name), QSize(size, size))  # a missing file adds nothing
    return icon


def server_address() -> str | None:
    """The studio server this desk was set to use (Studio ▸ Studio server…), with its password
    from the keychain or asked now; None for the database file on this computer."""
    from ui import server_settings

    chosen = server_settings.load()
    if chosen is None:
        return None
    password = server_settings.remembered_password(chosen)
    if password is None:
        from ui.studio.server_dialog import PasswordDialog

        dialog = PasswordDialog(chosen)
        if not dialog.exec():
            return None
        password = dialog.password.text()
    return chosen.url(password or None)


def _report_shown_and_exit() -> None:
    print(f"shown {time.perf_counter()}", flush=True)
    QTimer.singleShot(0, lambda: os._exit(0))


if __name__ == "__main__":
    raise SystemExit(main())
