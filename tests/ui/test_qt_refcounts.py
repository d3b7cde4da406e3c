"""Guard against a PySide6 build that leaks references to None on every void call (6.12.0 on
Python 3.11 did: a few thousand paint calls and the interpreter aborts)."""

import subprocess
import sys
import textwrap


def test_painting_does_not_eat_references_to_none():
    code = textwrap.dedent(
        """
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QPointF
        from PySide6.QtGui import QImage, QPainter, QPen
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        image = QImage(50, 50, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        before = sys.getrefcount(None)
        for _ in range(2000):
            painter.setPen(QPen())
            painter.drawLine(QPointF(0, 0), QPointF(9, 9))
            painter.save()
            painter.restore()
        print(sys.getrefcount(None) - before)
        painter.end()
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-500:]
    assert int(result.stdout.strip().splitlines()[-1]) > -500
