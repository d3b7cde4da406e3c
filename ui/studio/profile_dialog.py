"""The studio's own details: on first start (with the demo option) and in Studio ▸ Settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
    QWidget,
)  # fmt: skip

from studio.errors import UprightError
from studio.services import studio_profile
from ui import messages
from ui.widgets.record_form import ERROR_STYLE, RecordForm

DEFAULTS = {"weight_unit": "kg", "length_unit": "cm", "paper": "a4"}
LOGO_PREVIEW = (180, 64)  # pixels: about the 50 × 18 mm the letterhead gives the logo
LOGO_FILES = "PNG or JPEG images (*.png *.jpg *.jpeg)"
NO_LOGO = "No logo: documents print the studio name only."
UNREADABLE = "This file could not be read as an image. Choose another PNG or JPEG file."


class StudioProfileDialog(QDialog):
    """Edit the letterhead, units and paper size every desk uses."""

    def __init__(self, runner, record=None, parent=None, *, intro: str = ""):
        super().__init__(parent)
        self.runner = runner
        self.record = record
        self.setWindowTitle("Studio profile")
        self.setMinimumWidth(520)
        self.form = RecordForm(studio_profile.FIELDS, columns=1)
        self.form.set_values(record.details if record else DEFAULTS)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            self.layout_.addWidget(label)
        self.layout_.addWidget(self.form)
        self.logo_data: bytes | None = None  # the logo as it will be saved
        self.logo_changed = False
        self._add_logo_row()
        self.layout_.addWidget(self.buttons)
        if record is not None:
            self.runner.run(studio_profile.logo, self._stored_logo, owner=self)

    # --- the logo --------------------------------------------------------------------------------

    def _add_logo_row(self) -> None:
        self.logo_preview = QLabel()
        self.logo_preview.setFixedSize(*LOGO_PREVIEW)
        self.logo_preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.choose_logo_button = QPushButton("Choose logo…")
        self.choose_logo_button.clicked.connect(self.choose_logo)
        self.remove_logo_button = QPushButton("Remove")
        self.remove_logo_button.clicked.connect(self.remove_logo)
        self.logo_note = QLabel()
        self.logo_note.setWordWrap(True)
        buttons = QVBoxLayout()
        buttons.addWidget(self.choose_logo_button)
        buttons.addWidget(self.remove_logo_button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.logo_preview)
        row.addLayout(buttons)
        row.addStretch(1)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.logo_note)
        # In the form's own layout, so the label lines up with the fields above it.
        form_layout = self.form.findChild(QFormLayout)
        if form_layout is not None:
            form_layout.addRow("Logo", box)
        else:
            self.layout_.addWidget(box)
        self._show_logo()

    def _stored_logo(self, data: bytes | None) -> None:
        if not self.logo_changed:  # a logo chosen meanwhile wins over the one being loaded
            self.logo_data = data
            self._show_logo()

    def _show_logo(self, problem: str | None = None) -> None:
        data = self.logo_data
        self.remove_logo_button.setEnabled(data is not None)
        self.logo_preview.clear()
        if data is None:
            self.logo_preview.setText("No logo")
            note = NO_LOGO
        else:
            image = QImage.fromData(data)
            if image.isNull():
                self.logo_preview.setText("Unreadable")
                note = "The saved logo cannot be read, so documents print without it. Choose another file."
            else:
                pixmap = QPixmap.fromImage(image).scaled(
                    *LOGO_PREVIEW, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
                self.logo_preview.setPixmap(pixmap)
                kind = studio_profile.logo_format(data) or "Image"
                note = f"{kind}, {image.width()} × {image.height()} pixels, {_size(len(data))}."
                if self.logo_changed:
                    note += " Saved when you save the profile."
        if problem:
            self.logo_note.setText(problem)
            self.logo_note.setStyleSheet(ERROR_STYLE)
        else:
            self.logo_note.setText(note)
            self.logo_note.setStyleSheet("")

    def choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the studio logo", "", LOGO_FILES)
        if not path:
            return
        data, problem = _read_logo(Path(path))
        if problem:
            self._show_logo(problem)  # the logo shown stays as it was
            return
        self.logo_data, self.logo_changed = data, True
        self._show_logo()

    def remove_logo(self) -> None:
        self.logo_data, self.logo_changed = None, True
        self._show_logo()

    # --- saving ----------------------------------------------------------------------------------

    def save(self) -> None:
        if self.form.validate_all():
            return
        raw, version = self.form.raw(), self.record.version if self.record else None
        logo, logo_changed = self.logo_data, self.logo_changed

        def work(session):  # details and logo in one unit of work: both are saved or neither
            record = studio_profile.save(session, studio_profile.parse(raw), version)
            if logo_changed:
                record = studio_profile.set_logo(session, logo, record.version)
            return record

        def failed(error: BaseException) -> None:
            messages.warn(self, "Could not save the studio profile", str(error) if isinstance(error, UprightError) else repr(error))

        def done(record) -> None:
            self.record = record
            self.accept()

        self.runner.run(work, done, failed, owner=self)


def _read_logo(file: Path) -> tuple[bytes | None, str | None]:
    """The file's bytes, or why it cannot be the logo (too big, not a PNG or JPEG, unreadable)."""
    try:
        too_big = studio_profile.logo_size_problem(file.stat().st_size)  # said without reading it all
        if too_big:
            return None, too_big
        data = file.read_bytes()
    except OSError as error:
        return None, f"Could not read {file.name}: {error.strerror or error}."
    problem = studio_profile.check_logo(data)
    if problem is None and QImage.fromData(data).isNull():
        problem = UNREADABLE
    return (None, problem) if problem else (data, None)


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 1024 * 1024 else f"{max(1, round(count / 1024))} KB"


class FirstStartDialog(StudioProfileDialog):
    """An empty database: try the demo studio, or enter the studio's own details."""

    def __init__(self, runner, parent=None):
        super().__init__(
            runner,
            None,
            parent,
            intro=(
                "<h2>Welcome to Upright</h2>"
                "<p>This studio database is empty. Enter your studio's details to start — they go on "
                "every handout and referral letter, and you can change them later in "
                "<b>Studio ▸ Studio profile</b>.</p>"
                "<p>Just looking around? Load a demo studio with made-up clients, clinicians and staff.</p>"
            ),
        )
        self.setWindowTitle("Welcome to Upright")
        self.demo_requested = False
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Start with my studio")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Not now")
        self.demo_button = QPushButton("Load a demo studio")
        self.buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.demo_button.clicked.connect(self.choose_demo)
        self.form.inputs["name"].setFocus(Qt.FocusReason.OtherFocusReason)

    def choose_demo(self) -> None:
        self.demo_requested = True
        self.accept()
