# Upright's hook for PySide6.QtGui: PyInstaller's, minus unused Qt plugins (installer/qt_hooks.py).
from installer.qt_hooks import qt_module

hiddenimports, binaries, datas = qt_module(__file__)
