"""PyInstaller hooks for the Qt modules Upright uses (installer/hooks/hook-PySide6.*.py): the
collection PyInstaller's own hooks make, minus the Qt plugins and translations that
installer/bundle_rules.py rules out. Filtering here, before PyInstaller follows the plugins'
library links, keeps out what only those plugins would have pulled in (QtSvg for the SVG plugins,
QtQml/QtQuick for the virtual keyboard, a GTK stack for the GTK theme…)."""

from __future__ import annotations

import os

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

from installer import bundle_rules


def qt_module(hook_file: str) -> tuple[list, list, list]:
    """(hiddenimports, binaries, datas) for the Qt module named by `hook_file`
    (hook-PySide6.QtGui.py → PySide6.QtGui)."""
    hiddenimports, binaries, datas = add_qt6_dependencies(hook_file)

    def kept(entries):
        return [(src, dest) for src, dest in entries if bundle_rules.keep(f"{dest}/{os.path.basename(src)}")]

    excluded = set(bundle_rules.excluded_qt_modules())
    return [name for name in hiddenimports if name not in excluded], kept(binaries), kept(datas)
