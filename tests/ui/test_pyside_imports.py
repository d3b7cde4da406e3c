"""PySide6's import hook no longer keeps the source of every module imported after it
(ui/pyside_imports.py), and still tells modules that use PySide6 from those that don't."""

from __future__ import annotations

import linecache
import sys

import pytest

from ui import pyside_imports


@pytest.fixture
def fresh_modules(tmp_path, monkeypatch):
    """Two modules on a folder of their own, imported for the first time in this process."""
    (tmp_path / "upright_uses_qt.py").write_text("from PySide6.QtCore import QObject\n" + "X = 1\n" * 2000)
    (tmp_path / "upright_plain.py").write_text("import json\n" + "Y = 2\n" * 2000)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    feature = sys.modules.get(pyside_imports.FEATURE_MODULE)
    for name in ("upright_uses_qt", "upright_plain"):
        sys.modules.pop(name, None)
        if feature is not None:
            feature.pyside_feature_dict.pop(name, None)  # judged once per name: judge them afresh


def test_imported_modules_are_judged_as_pyside_judges_them_and_their_source_is_let_go(qapp, fresh_modules):
    import PySide6.QtCore  # noqa: F401 - the hook is PySide6's

    feature = sys.modules[pyside_imports.FEATURE_MODULE]
    assert pyside_imports.keep_sources_out_of_memory()
    assert feature._mod_uses_pyside is pyside_imports.uses_pyside
    __import__("upright_uses_qt")  # an import statement: the hook is on __import__
    __import__("upright_plain")
    assert feature.pyside_feature_dict["upright_uses_qt"] == 0  # uses PySide6: __feature__ applies
    assert feature.pyside_feature_dict["upright_plain"] == -1
    held = set(linecache.cache)
    assert str(fresh_modules / "upright_uses_qt.py") not in held
    assert str(fresh_modules / "upright_plain.py") not in held


def test_pysides_own_check_would_have_kept_the_source(qapp, fresh_modules, monkeypatch):
    """Why the replacement exists: with PySide6's check, the module's lines stay in linecache."""
    import inspect

    feature = sys.modules[pyside_imports.FEATURE_MODULE]

    def pysides_own(module) -> bool:  # what PySide6 6.8–6.11 does (shibokensupport/feature.py)
        try:
            return "PySide6" in inspect.getsource(module)
        except (TypeError, OSError, SyntaxError):
            return False

    monkeypatch.setattr(feature, "_mod_uses_pyside", pysides_own)
    __import__("upright_plain")
    assert str(fresh_modules / "upright_plain.py") in linecache.cache
    linecache.checkcache(str(fresh_modules / "upright_plain.py"))


def test_modules_without_source_do_not_use_pyside(tmp_path):
    class Compiled:
        __file__ = str(tmp_path / "fast.cpython-311-x86_64-linux-gnu.so")

    class Gone:
        __file__ = str(tmp_path / "deleted.py")

    assert not pyside_imports.uses_pyside(Compiled())
    assert not pyside_imports.uses_pyside(Gone())
    assert not pyside_imports.uses_pyside(sys)  # built in: no __file__
