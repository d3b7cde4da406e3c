"""Choosing, refusing and removing the letterhead logo in the studio profile dialog."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from studio.services import studio_profile
from ui.studio.profile_dialog import NO_LOGO, UNREADABLE, StudioProfileDialog


def _png(size=(240, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def profile(database):
    with database.session_factory.begin() as s:
        return studio_profile.save(s, studio_profile.parse({"name": "Core Studio", "weight_unit": "kg", "length_unit": "cm", "paper": "a4"}))


@pytest.fixture
def chooser(monkeypatch):
    """Answers the file dialog with the path set in `chosen["path"]`, and remembers the filter."""
    chosen = {"path": "", "asked": []}

    def get_open_file_name(parent, caption, folder, filters):
        chosen["asked"].append(filters)
        return chosen["path"], filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", get_open_file_name)
    return chosen


def _dialog(qtbot, runner, record):
    dialog = StudioProfileDialog(runner, record)
    qtbot.addWidget(dialog)
    return dialog


def _stored(database):
    with database.session_factory() as s:
        return studio_profile.logo(s)


def _save(dialog):
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_choose_a_logo_see_it_and_save_it_with_the_profile(qtbot, database, runner, answers, profile, chooser, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(_png())
    dialog = _dialog(qtbot, runner, profile)
    assert dialog.logo_preview.pixmap().isNull() and dialog.logo_note.text() == NO_LOGO
    assert not dialog.remove_logo_button.isEnabled()

    chooser["path"] = str(logo)
    dialog.choose_logo_button.click()
    assert "*.png" in chooser["asked"][0] and "*.jpg" in chooser["asked"][0]
    shown = dialog.logo_preview.pixmap()
    assert not shown.isNull() and (shown.width(), shown.height()) == (180, 60)  # 240 × 80 scaled to fit
    assert dialog.logo_note.text().startswith("PNG, 240 × 80 pixels")
    assert _stored(database) is None  # nothing is saved until Save

    typed = dialog.form.inputs["phone"]
    typed.setText("+44 20 7946 0999")
    _save(dialog)
    assert dialog.result() == dialog.DialogCode.Accepted and answers.said == []
    assert _stored(database) == logo.read_bytes()
    with database.session_factory() as s:
        assert studio_profile.get(s).details.phone == "+44 20 7946 0999"


def test_the_saved_logo_shows_when_the_dialog_opens_and_remove_takes_it_off(qtbot, database, runner, answers, profile, chooser):
    with database.session_factory.begin() as s:
        record = studio_profile.set_logo(s, _png((100, 100)), profile.version)
    dialog = _dialog(qtbot, runner, record)
    assert dialog.logo_preview.pixmap().height() == 64 and dialog.remove_logo_button.isEnabled()

    dialog.remove_logo_button.click()
    assert dialog.logo_preview.pixmap().isNull() and dialog.logo_note.text() == NO_LOGO
    _save(dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert _stored(database) is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"GIF89a" + b"\0" * 64, "must be a PNG or JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"not really a picture" * 10, UNREADABLE),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024), "at most 2 MB"),
    ],
    ids=["gif", "damaged-png", "too-big"],
)
def test_a_file_that_cannot_be_the_logo_is_refused_next_to_the_field(
    qtbot, database, runner, answers, profile, chooser, tmp_path, content, reason
):
    with database.session_factory.begin() as s:
        record = studio_profile.set_logo(s, _png(), profile.version)
    bad = tmp_path / "logo.png"
    bad.write_bytes(content)
    dialog = _dialog(qtbot, runner, record)
    chooser["path"] = str(bad)
    dialog.choose_logo_button.click()
    assert reason in dialog.logo_note.text() and "b00020" in dialog.logo_note.styleSheet()
    assert not dialog.logo_preview.pixmap().isNull()  # the logo it had is still shown, still kept
    _save(dialog)
    assert _stored(database) == _png()


def test_cancelling_the_file_dialog_changes_nothing(qtbot, database, runner, answers, profile, chooser):
    dialog = _dialog(qtbot, runner, profile)
    chooser["path"] = ""
    dialog.choose_logo_button.click()
    assert dialog.logo_note.text() == NO_LOGO and not dialog.logo_changed
