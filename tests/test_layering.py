"""studio/ knows no Qt or ReportLab, reports/ knows no Qt, and the window paints before the
database layer is imported (DESIGN.md sections 1 and 6)."""

import subprocess
import sys
import textwrap


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)


IMPORT_ALL = """
import pkgutil, importlib, sys
import {package}
for module in pkgutil.walk_packages({package}.__path__, "{package}."):
    if ".migrations." not in module.name:
        importlib.import_module(module.name)
print(sorted(m for m in sys.modules if m.split(".")[0] in {forbidden!r}))
"""


def test_studio_imports_without_qt_reportlab_or_the_layers_above():
    result = run(IMPORT_ALL.format(package="studio", forbidden=("PySide6", "shiboken6", "reportlab", "reports", "ui")))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_reports_import_without_qt():
    result = run(IMPORT_ALL.format(package="reports", forbidden=("PySide6", "shiboken6", "ui")))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_main_window_shell_does_not_import_the_database_layer():
    result = run(
        """
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from ui.main_window import MainWindow
        from ui.tasks import TaskRunner
        window = MainWindow(TaskRunner())
        window.show()
        app.processEvents()
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic", "reportlab")))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
