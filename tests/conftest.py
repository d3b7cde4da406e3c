"""Shared fixtures. Qt runs offscreen, and user folders point into a temporary place so tests
never touch a real studio database or this computer's settings."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = tempfile.mkdtemp(prefix="upright-tests-")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_HOME, "config")
os.environ["XDG_DATA_HOME"] = os.path.join(_HOME, "data")

import pytest  # noqa: E402


@pytest.fixture
def database(tmp_path):
    from studio.db import open_database

    db = open_database(tmp_path / "studio.sqlite", create=True)
    yield db
    db.close()


@pytest.fixture
def session(database):
    """A session whose work is committed when the test ends (as one user action would be)."""
    with database.session_factory.begin() as s:
        yield s


@pytest.fixture
def runner(database):
    from ui.tasks import SyncRunner

    def unexpected(error):
        raise error

    return SyncRunner(database.session_factory, on_unhandled_error=unexpected)


class Answers:
    """Scripted answers to the questions Upright asks, and a record of what it said."""

    def __init__(self):
        self.unsaved = "cancel"
        self.confirm = True
        self.said: list[tuple[str, str]] = []


@pytest.fixture
def answers(monkeypatch):
    from ui import messages

    script = Answers()

    def record(kind):
        return lambda parent, title, text, *a, **k: script.said.append((kind, f"{title}: {text}"))

    monkeypatch.setattr(messages, "inform", record("inform"))
    monkeypatch.setattr(messages, "warn", record("warn"))

    def confirm(parent, title, text, yes="OK"):
        script.said.append(("confirm", f"{title}: {text}"))
        return script.confirm

    def unsaved(parent, what):
        script.said.append(("unsaved", what))
        return script.unsaved

    monkeypatch.setattr(messages, "confirm", confirm)
    monkeypatch.setattr(messages, "unsaved_changes", unsaved)
    return script


@pytest.fixture
def typist(qtbot):
    """Types text key by key like a person. QTest.keyClicks only knows ASCII, so other
    characters (Zoë, Łukasiewicz, Ольга) go in as key events carrying their text."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    def type_text(widget, text: str, *, leave: bool = True) -> None:
        widget.setFocus()
        for ch in text:
            if ch.isascii():
                qtbot.keyClicks(widget, ch)
            else:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))
        if leave and hasattr(widget, "editingFinished"):
            widget.editingFinished.emit()

    return type_text
