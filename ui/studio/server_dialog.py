"""Studio ▸ Studio server…: connect this desk to the studio's PostgreSQL server, check the
connection first, copy this desk's studio onto an empty server, or go back to the file on this
computer. The password goes to the keychain (when asked) or is asked at each start."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from ui import messages, server_settings
from ui.server_settings import ServerSettings


class ServerDialog(QDialog):
    """Signals `connect_requested(url)` (the window reopens on it) and `local_requested()`."""

    connect_requested = Signal(str)
    local_requested = Signal()

    def __init__(self, runner, parent=None, *, current_file: str | None = None):
        super().__init__(parent)
        self.runner = runner
        self.current_file = current_file  # the SQLite file this desk uses now, if it does
        self.state = None
        self.setWindowTitle("Studio server")
        self.setMinimumWidth(520)
        saved = server_settings.load()

        intro = QLabel(
            "Desks share one studio through a PostgreSQL server. Type what whoever looks after the "
            "server gave you; the README's <i>Studio server</i> section says how to set one up."
        )
        intro.setWordWrap(True)
        self.host = QLineEdit(saved.host if saved else "")
        self.host.setPlaceholderText("e.g. studio-server or 192.168.1.20")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(saved.port if saved else server_settings.DEFAULT_PORT)
        self.database = QLineEdit(saved.database if saved else "upright")
        self.user = QLineEdit(saved.user if saved else "upright")
        self.password = QLineEdit(server_settings.remembered_password(saved) or "" if saved else "")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Remember the password in this computer's keychain")
        if server_settings.keychain_available():
            self.remember.setChecked(bool(self.password.text()))
        else:
            self.remember.setEnabled(False)
            self.remember.setToolTip("This computer has no keychain Upright can use; the password is asked at each start.")
        self.errors = {name: QLabel() for name in ("host", "port", "database", "user")}
        for label in self.errors.values():
            label.setStyleSheet("color: #b00020;")
            label.setWordWrap(True)
            label.setVisible(False)
        form = QFormLayout()
        for text, widget, name in (("Server", self.host, "host"), ("Port", self.port, "port"),
                                   ("Database", self.database, "database"), ("User", self.user, "user")):
            form.addRow(text, widget)
            form.addRow("", self.errors[name])
        form.addRow("Password", self.password)
        form.addRow("", self.remember)

        self.status = QLabel()
        self.status.setObjectName("serverStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_button = QPushButton("Test connection")
        self.copy_button = QPushButton("Copy this desk's studio to the server…")
        self.copy_button.setVisible(False)
        self.connect_button = QPushButton("Connect")
        self.connect_button.setDefault(True)
        self.local_button = QPushButton("Use the file on this computer")
        self.local_button.setVisible(saved is not None)
        cancel = QPushButton("Cancel")
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.local_button)
        buttons.addStretch(1)
        buttons.addWidget(self.connect_button)
        buttons.addWidget(cancel)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(buttons)

        self.test_button.clicked.connect(self.test)
        self.connect_button.clicked.connect(self.connect_now)
        self.copy_button.clicked.connect(self.copy_here_to_server)
        self.local_button.clicked.connect(self.use_local)
        cancel.clicked.connect(self.reject)

    # --- reading the form -------------------------------------------------------------------

    def settings(self) -> ServerSettings | None:
        """The typed settings, or None after showing what is wrong."""
        found = server_settings.problems(self.host.text(), self.port.value(), self.database.text(), self.user.text())
        for name, label in self.errors.items():
            label.setText(found.get(name, ""))
            label.setVisible(name in found)
        if found:
            return None
        return ServerSettings(self.host.text().strip(), self.port.value(), self.database.text().strip(), self.user.text().strip())

    def url(self) -> str | None:
        chosen = self.settings()
        return chosen.url(self.password.text() or None) if chosen else None

    # --- actions ----------------------------------------------------------------------------

    def test(self) -> None:
        url = self.url()
        if url is None:
            return
        self.status.setText("Connecting…")
        self.test_button.setEnabled(False)

        def work():
            from studio.server_copy import server_state

            return server_state(url)

        self.runner.run(work, self._tested, self._failed, owner=self, with_session=False)

    def _tested(self, state) -> None:
        self.state = state
        self.test_button.setEnabled(True)
        self.status.setStyleSheet("color: #1b5e20;")
        self.status.setText(state.describe())
        self.copy_button.setVisible(bool(self.current_file) and state.empty)

    def _failed(self, error: BaseException) -> None:
        from studio.errors import UprightError

        self.state = None
        self.test_button.setEnabled(True)
        self.copy_button.setVisible(False)
        self.status.setStyleSheet("color: #b00020;")
        self.status.setText(str(error) if isinstance(error, UprightError) else f"Could not connect: {error}")

    def _keep(self, chosen: ServerSettings) -> None:
        server_settings.save(chosen)
        if not self.remember.isEnabled():
            return
        wanted = self.remember.isChecked() and bool(self.password.text())
        kept = server_settings.remember_password(chosen, self.password.text() if wanted else None)
        if wanted and not kept:
            messages.warn(self, "Password not remembered",
                          "This computer's keychain did not accept the password (it may be locked). "
                          "Upright will ask for it when it starts.")

    def connect_now(self) -> None:
        chosen = self.settings()
        if chosen is None:
            return
        self._keep(chosen)
        self.connect_requested.emit(chosen.url(self.password.text() or None))
        self.accept()

    def copy_here_to_server(self) -> None:
        url, source = self.url(), self.current_file
        if url is None or not source:
            return
        if not messages.confirm(
            self,
            "Copy this desk's studio to the server",
            "Every client, assessment, program, referral and document record on this computer is copied "
            "to the server, then checked row for row. The file on this computer is not changed. Continue?",
            yes="Copy",
        ):
            return
        self.status.setStyleSheet("")
        self.status.setText("Copying… this takes a moment for a large studio.")

        def work():
            from studio import server_copy
            from studio.db import open_database

            here = open_database(source)
            there = open_database(url, create=True)
            try:
                return server_copy.copy_studio(here, there)
            finally:
                here.close()
                there.close()

        def copied(report) -> None:
            self.status.setStyleSheet("color: #1b5e20;")
            self.status.setText(f"Copied {report.rows} records to the server; every table matched the original row for row. "
                                "Press Connect to use the server from now on.")
            self.copy_button.setVisible(False)

        self.runner.run(work, copied, self._failed, owner=self, with_session=False)

    def use_local(self) -> None:
        saved = server_settings.load()
        if saved is not None:
            server_settings.remember_password(saved, None)
        server_settings.save(None)
        self.local_requested.emit()
        self.accept()


class PasswordDialog(QDialog):
    """Asked at start when the keychain doesn't hold the server's password."""

    def __init__(self, settings: ServerSettings, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Studio server password")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        text = QLabel(f"The password for {settings.shown()}:")
        text.setWordWrap(True)
        ok, cancel = QPushButton("Connect"), QPushButton("Use the file on this computer instead")
        ok.setDefault(True)
        ok.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addStretch(1)
        buttons.addWidget(ok)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.password)
        layout.addLayout(buttons)
