"""The studio's own details: on first start (with the demo option) and in Studio ▸ Settings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout

from studio.errors import UprightError
from studio.services import studio_profile
from ui import messages
from ui.widgets.record_form import RecordForm

DEFAULTS = {"weight_unit": "kg", "length_unit": "cm", "paper": "a4"}


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
        self.layout_.addWidget(self.buttons)

    def save(self) -> None:
        if self.form.validate_all():
            return
        raw, version = self.form.raw(), self.record.version if self.record else None

        def work(session):
            return studio_profile.save(session, studio_profile.parse(raw), version)

        def failed(error: BaseException) -> None:
            messages.warn(self, "Could not save the studio profile", str(error) if isinstance(error, UprightError) else repr(error))

        def done(record) -> None:
            self.record = record
            self.accept()

        self.runner.run(work, done, failed, owner=self)


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
