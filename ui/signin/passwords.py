"""Small dialogs about passwords and this desk's lock: the owner sets (or resets) someone's
password; a person changes their own; the owner chooses how long this desk waits before it
locks itself."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from studio.errors import UprightError, ValidationError
from ui.signin.screen import ERROR_STYLE, password_rules


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setObjectName(name)
    return field


class _PasswordDialog(QDialog):
    """A new password typed twice, the rules, and the reason it was refused."""

    def __init__(self, runner, title: str, intro: str, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.password = _password_field("password")
        self.again = _password_field("passwordAgain")
        self.rules = QLabel(password_rules())
        self.rules.setWordWrap(True)
        self.rules.setStyleSheet("color: #555;")
        self.error = QLabel()
        self.error.setObjectName("passwordError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setVisible(False)
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.rules)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _add_new_fields(self) -> None:
        self.form.addRow("New password", self.password)
        self.form.addRow("Repeat it", self.again)

    def say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _matching(self) -> str | None:
        if not self.password.text():
            self.say("Type the new password or PIN.")
            self.password.setFocus()
            return None
        if self.password.text() != self.again.text():
            self.say("The two passwords are not the same. Type them again.")
            self.again.clear()
            self.again.setFocus()
            return None
        return self.password.text()

    def _run(self, work) -> None:
        def failed(error: BaseException) -> None:
            if isinstance(error, ValidationError):
                self.say(" ".join(error.errors.values()))
            else:
                self.say(str(error) if isinstance(error, UprightError) else f"Not saved: {error!r}")

        self.buttons.setEnabled(False)

        def finished(_result) -> None:
            self.buttons.setEnabled(True)
            self.accept()

        def refused(error: BaseException) -> None:
            self.buttons.setEnabled(True)
            failed(error)

        self.runner.run(work, finished, refused, owner=self)

    def save(self) -> None:
        raise NotImplementedError


class SetPasswordDialog(_PasswordDialog):
    """Studio ▸ Staff ▸ Set password…: the owner gives someone a password to start with."""

    def __init__(self, runner, staff_id: int, name: str, *, has_password: bool, own: bool = False, parent=None):
        then = "" if own else f" {name.split()[0]} will be asked to choose a new one at the next sign-in."
        intro = (f"A new password for <b>{name}</b>." if has_password else f"A first password for <b>{name}</b>.") + then
        super().__init__(runner, f"Password for {name}", intro, parent)
        self.staff_id = staff_id
        self._add_new_fields()
        self.password.setFocus()

    def save(self) -> None:
        from studio.services import accounts

        password = self._matching()
        if password is not None:
            staff_id = self.staff_id
            self._run(lambda s: accounts.reset_password(s, staff_id, password))


class ChangePasswordDialog(_PasswordDialog):
    """Studio ▸ Change my password…"""

    def __init__(self, runner, person, parent=None):
        super().__init__(runner, "Change my password", f"{person.name}: your current password, then the new one.", parent)
        self.old = _password_field("oldPassword")
        self.form.addRow("Current password", self.old)
        self._add_new_fields()
        self.old.setFocus()

    def save(self) -> None:
        from studio.services import accounts

        if not self.old.text():
            self.say("Type your current password first.")
            self.old.setFocus()
            return
        password = self._matching()
        if password is not None:
            old = self.old.text()
            self._run(lambda s: accounts.change_own_password(s, old, password))


class LockSettingsDialog(QDialog):
    """Studio ▸ Lock this desk after…: minutes without use before this desk locks (0: never)."""

    def __init__(self, desk, parent=None):
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle("Lock this desk")
        intro = QLabel(
            "When nobody touches the keyboard or mouse for this long, Upright hides the studio's work "
            "and asks for a password. Ctrl+L locks at once. This is set for this computer only."
        )
        intro.setWordWrap(True)
        self.minutes = QSpinBox()
        self.minutes.setObjectName("lockMinutes")
        self.minutes.setRange(0, 240)
        self.minutes.setSuffix(" minutes")
        self.minutes.setSpecialValueText("Never")
        self.minutes.setValue(desk.idle.minutes)
        form = QFormLayout()
        form.addRow("Lock after", self.minutes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def accept(self) -> None:
        self.desk.set_lock_minutes(self.minutes.value())
        super().accept()
