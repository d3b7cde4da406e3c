"""The sign-in screen: shown in the window instead of the studio's work, so nothing of a client
is on screen while it is up.

Three forms on one card: choose your name and type your password (also the locked desk, with the
person who locked it chosen); create the owner's account (the first start, or a studio from
before sign-in); choose a new password (after the owner reset it). The screen only collects
what is typed and says what went wrong; `ui/signin/desk.py` does the signing in.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

ERROR_STYLE = "color: #b00020;"
NOTE_STYLE = "background: #eef4fb; border: 1px solid #c6d8ee; border-radius: 4px; padding: 8px; color: #223;"
CARD_WIDTH = 460
NEW_OWNER = -1  # the "Someone new" entry of the owner picker


def password_rules() -> str:
    from studio.services import accounts

    return (
        f"At least {accounts.MIN_PASSWORD} characters, or a PIN of at least {accounts.MIN_PIN} digits. "
        "Not your own name."
    )


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("font-size: 15pt; font-weight: 600;")
    return label


def _text(text: str = "", style: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    if style:
        label.setStyleSheet(style)
    return label


def _password_field(placeholder: str, name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    field.setObjectName(name)
    field.setMinimumHeight(28)
    return field


def _error_label(name: str) -> QLabel:
    """Where a form says what went wrong: hidden until there is something to say."""
    label = _text(style=ERROR_STYLE)
    label.setObjectName(name)
    label.setVisible(False)
    return label


def _default_button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setDefault(True)
    button.setMinimumHeight(30)
    return button


def _button_row(button: QPushButton, cancel: QPushButton | None = None) -> QHBoxLayout:
    """The form's button on the right (and a way back on the left)."""
    row = QHBoxLayout()
    if cancel is not None:
        row.addWidget(cancel)
    row.addStretch(1)
    row.addWidget(button)
    return row


class _ChoosePage(QWidget):
    """Pick your name, type your password or PIN."""

    def __init__(self):
        super().__init__()
        self.heading = _heading("Sign in")
        self.heading.setObjectName("signInHeading")
        self.detail = _text()
        self.detail.setObjectName("signInDetail")
        self.detail.setVisible(False)
        self.names = QListWidget()
        self.names.setObjectName("signInNames")
        self.password = _password_field("Password or PIN", "signInPassword")
        self.error = _error_label("signInError")
        self.button = _default_button("Sign in", "signInButton")
        self.note = _text(style=NOTE_STYLE)
        self.note.setObjectName("signInNote")
        self.note.setVisible(False)
        who = QLabel("&Who are you?")
        who.setBuddy(self.names)
        secret = QLabel("&Password or PIN")
        secret.setBuddy(self.password)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.detail)
        layout.addSpacing(6)
        layout.addWidget(who)
        layout.addWidget(self.names)
        layout.addWidget(secret)
        layout.addWidget(self.password)
        layout.addWidget(self.error)
        layout.addLayout(_button_row(self.button))
        layout.addWidget(self.note)


class _PasswordForm(QWidget):
    """A form that ends in a password typed twice, its rules, what went wrong and its button: the
    owner's account, and choosing your own password. A page adds its own rows to `form` first,
    then calls `_lay_out`."""

    def __init__(self, heading: str, *, placeholder: str, password_name: str, error_name: str,
                 button: str, button_name: str):  # fmt: skip
        super().__init__()
        self.heading = _heading(heading)
        self.intro = _text()
        self.password = _password_field(placeholder, password_name)
        self.again = _password_field("The same again", password_name + "Again")
        self.rules = _text(style="color: #555;")
        self.error = _error_label(error_name)
        self.button = _default_button(button, button_name)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

    def _lay_out(self, password_label: str, cancel: QPushButton | None = None) -> None:
        self.form.addRow(password_label, self.password)
        self.form.addRow("Repeat it", self.again)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addSpacing(6)
        layout.addLayout(self.form)
        layout.addWidget(self.rules)
        layout.addWidget(self.error)
        layout.addLayout(_button_row(self.button, cancel))
        layout.addStretch(1)


class _OwnerPage(_PasswordForm):
    """The owner's account: an owner already on the staff list, or someone new."""

    def __init__(self):
        super().__init__(
            "Create the owner's account", placeholder="Password or PIN", password_name="ownerPassword",
            error_name="ownerError", button="Create the account and sign in", button_name="createOwnerButton",
        )  # fmt: skip
        self.who = QComboBox()
        self.who.setObjectName("ownerChoice")
        self.first_name = QLineEdit()
        self.first_name.setObjectName("ownerFirstName")
        self.last_name = QLineEdit()
        self.last_name.setObjectName("ownerLastName")
        self.form.addRow("You are", self.who)
        self.form.addRow("First name", self.first_name)
        self.form.addRow("Last name", self.last_name)
        self._lay_out("Password")
        self.who.currentIndexChanged.connect(lambda _i: self._new_or_existing())

    def set_owners(self, owners) -> None:
        self.who.blockSignals(True)
        self.who.clear()
        for owner in owners:
            self.who.addItem(owner.name, owner.staff_id)
        self.who.addItem("Someone new", NEW_OWNER)
        self.who.blockSignals(False)
        self.form.setRowVisible(self.who, bool(owners))
        if owners:
            self.intro.setText(
                "Upright now asks everyone to sign in. Choose the studio's owner — that is you — and "
                "a password. You then give your staff theirs in <b>Studio ▸ Staff</b>."
            )
        else:
            self.intro.setText(
                "You are the studio's owner: you add your trainers and front-desk staff, give them their "
                "passwords and look after the studio's settings and backups. Everyone signs in with "
                "their own name, so the studio's records say who did what."
            )
        self._new_or_existing()

    def _new_or_existing(self) -> None:
        new = self.who.currentData() in (None, NEW_OWNER)
        self.form.setRowVisible(self.first_name, new)
        self.form.setRowVisible(self.last_name, new)

    def chosen_staff_id(self) -> int | None:
        data = self.who.currentData()
        return None if data in (None, NEW_OWNER) else int(data)


class _NewPasswordPage(_PasswordForm):
    """Choose your own password (after the owner set or reset it)."""

    def __init__(self):
        super().__init__(
            "Choose your own password", placeholder="New password or PIN", password_name="newPassword",
            error_name="newPasswordError", button="Save and continue", button_name="newPasswordButton",
        )  # fmt: skip
        self.cancel = QPushButton("Back")
        self._lay_out("New password", cancel=self.cancel)


class _Pages(QWidget):
    """One form at a time, and the card exactly as tall as that form (a QStackedWidget is as
    tall as its tallest page)."""

    def __init__(self):
        super().__init__()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._current: QWidget | None = None

    def addWidget(self, page: QWidget) -> None:  # noqa: N802 - as QStackedWidget
        self._layout.addWidget(page)
        page.setVisible(self._current is None)
        self._current = self._current or page

    def setCurrentWidget(self, page: QWidget) -> None:  # noqa: N802
        for index in range(self._layout.count()):
            other = self._layout.itemAt(index).widget()
            if other is not page:
                other.setVisible(False)
        page.setVisible(True)
        self._current = page

    def currentWidget(self) -> QWidget | None:  # noqa: N802
        return self._current


class SignInScreen(QWidget):
    """Signals carry what was typed; the desk answers with `show_error` or moves on."""

    sign_in_requested = Signal(int, str)  # staff_id, password
    create_owner_requested = Signal(object, object, str)  # staff_id or None, {first_name, last_name} or None, password
    new_password_requested = Signal(str)
    new_password_cancelled = Signal()
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("signInScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # the stylesheet's background
        self.setStyleSheet("#signInScreen { background: #e9edf1; } #signInCard { background: white; "
                           "border: 1px solid #cfd6dd; border-radius: 8px; } "
                           "#signInNames::item { padding: 5px 4px; }")  # fmt: skip
        self.title = QLabel("Upright")
        self.title.setStyleSheet("font-size: 22pt; font-weight: 700; color: #1f4e79;")
        self.studio = QLabel()
        self.studio.setObjectName("signInStudio")
        self.studio.setStyleSheet("color: #555; font-size: 11pt;")
        self.studio.setWordWrap(True)

        self.choose = _ChoosePage()
        self.owner = _OwnerPage()
        self.new_password = _NewPasswordPage()
        self.waiting = _text("<p style='color:#555'>One moment…</p>")
        self.waiting.setObjectName("signInWaiting")
        self.waiting.linkActivated.connect(lambda _link: self.retry_requested.emit())
        self.stack = _Pages()
        for page in (self.waiting, self.choose, self.owner, self.new_password):
            self.stack.addWidget(page)

        card = QFrame()
        card.setObjectName("signInCard")
        card.setFixedWidth(CARD_WIDTH)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.addWidget(self.title)
        inner.addWidget(self.studio)
        inner.addSpacing(10)
        inner.addWidget(self.stack, 1)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        self._retry_left = 0
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
        self._lockout_words = ""

        self.choose.button.clicked.connect(self._sign_in)
        self.choose.password.returnPressed.connect(self._sign_in)
        self.choose.names.itemActivated.connect(lambda _item: self.choose.password.setFocus())
        self.choose.names.currentItemChanged.connect(lambda *_: self._chosen())
        self.owner.button.clicked.connect(self._create_owner)
        self.owner.again.returnPressed.connect(self._create_owner)
        self.new_password.button.clicked.connect(self._new_password)
        self.new_password.again.returnPressed.connect(self._new_password)
        self.new_password.cancel.clicked.connect(self.new_password_cancelled)

    # --- what is shown ----------------------------------------------------------------------

    def _show_page(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)

    def set_studio(self, name: str | None) -> None:
        self.studio.setText(name or "")
        self.studio.setVisible(bool(name))

    def show_waiting(self) -> None:
        self.waiting.setText("<p style='color:#555'>One moment…</p>")
        self._show_page(self.waiting)

    def show_problem(self, text: str) -> None:
        """The names could not be read (the server is away…): why, and a way to try again."""
        self.waiting.setText(f"<p style='color:#b00020'>{escape(text)}</p><p><a href='retry'>Try again</a></p>")
        self._show_page(self.waiting)

    def show_choices(
        self, choices, *, chosen: int | None = None, heading: str = "Sign in", detail: str = "", note: str | None = None
    ) -> None:
        """The staff to choose from; `chosen` is selected (the person who locked the desk)."""
        page = self.choose
        page.heading.setText(heading)
        page.detail.setText(detail)
        page.detail.setVisible(bool(detail))
        page.names.clear()
        for choice in choices:
            item = QListWidgetItem(f"{choice.name}  —  {choice.role_label.lower()}")
            item.setData(Qt.ItemDataRole.UserRole, choice.staff_id)
            if not choice.has_password:
                item.setText(f"{choice.name}  —  no password yet")
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsSelectable)
                item.setToolTip("The studio's owner gives each person a password in Studio ▸ Staff.")
            page.names.addItem(item)
        rows = max(3, min(len(choices), 8))  # the list is as tall as its names, up to eight
        page.names.setFixedHeight(rows * (page.names.fontMetrics().height() + 12) + 6)
        row = next((n for n, c in enumerate(choices) if c.staff_id == chosen and c.has_password), -1)
        if row < 0 and chosen is None:
            usable = [n for n, c in enumerate(choices) if c.has_password]
            row = usable[0] if len(usable) == 1 else -1
        page.names.setCurrentRow(row)
        page.password.clear()
        self.clear_error()
        page.note.setText(escape(note or "").replace("\n", "<br>"))
        page.note.setVisible(bool(note))
        self._show_page(page)
        (page.password if row >= 0 else page.names).setFocus()

    def show_owner_form(self, owners_without_password=()) -> None:
        page = self.owner
        page.set_owners(list(owners_without_password))
        for field in (page.first_name, page.last_name, page.password, page.again):
            field.clear()
        page.rules.setText(password_rules())
        self.clear_error()
        self._show_page(page)
        (page.first_name if page.chosen_staff_id() is None else page.password).setFocus()

    def show_new_password(self, name: str, *, first_time: bool = True) -> None:
        page = self.new_password
        first = name.split()[0] if name.split() else name
        page.intro.setText(
            f"{escape(first)}, the studio's owner gave you this password to start with. Choose your own now: "
            "only you should know it."
            if first_time
            else f"{escape(first)}, choose a new password."
        )
        page.password.clear()
        page.again.clear()
        page.rules.setText(password_rules())
        self.clear_error()
        self._show_page(page)
        page.password.setFocus()

    def show_error(self, text: str, *, retry_after: int = 0) -> None:
        """Under the field of the form on screen; a lock-out counts down to when to try again."""
        label = self._error_label()
        self._countdown.stop()
        self._retry_left = retry_after
        if retry_after > 0:
            self._lockout_words = text
            self._tick(first=True)
            self._countdown.start()
        else:
            label.setText(escape(text))
        label.setVisible(bool(text))
        self.set_busy(False)
        field = {self.choose: self.choose.password, self.owner: self.owner.password,
                 self.new_password: self.new_password.password}.get(self.stack.currentWidget())  # fmt: skip
        if field is not None:
            field.selectAll()
            field.setFocus()

    def clear_error(self) -> None:
        self._countdown.stop()
        self._retry_left = 0
        for label in (self.choose.error, self.owner.error, self.new_password.error):
            label.clear()
            label.setVisible(False)
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        for button in (self.choose.button, self.owner.button, self.new_password.button):
            button.setEnabled(not busy and not (button is self.choose.button and self._retry_left > 0))

    def is_typing(self) -> bool:
        """Someone has started on the form on screen (a refresh must not wipe it)."""
        page = self.stack.currentWidget()
        if page is self.waiting:
            return False
        fields = [w for w in page.findChildren(QLineEdit)]
        return page is not self.choose or any(f.text() for f in fields)

    def chosen_staff_id(self) -> int | None:
        item = self.choose.names.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _error_label(self) -> QLabel:
        page = self.stack.currentWidget()
        return page.error if hasattr(page, "error") else self.choose.error

    def _tick(self, first: bool = False) -> None:
        if not first:
            self._retry_left -= 1
        if self._retry_left <= 0:
            self._countdown.stop()
            self.choose.error.setText("You can try again now.")
            self.set_busy(False)
            return
        from studio.services.accounts import wait_words

        said = self._lockout_words.split("Too many wrong tries")[0].strip()
        lead = f"{escape(said)} " if said else ""
        self.choose.error.setText(f"{lead}Too many wrong tries: try again in {wait_words(self._retry_left)}.")
        self.choose.button.setEnabled(False)

    def _chosen(self) -> None:
        if self.stack.currentWidget() is self.choose:
            self.clear_error()  # a lock-out is that person's; someone else may sign in meanwhile

    # --- what was typed ---------------------------------------------------------------------

    def _sign_in(self) -> None:
        if not self.choose.button.isEnabled():
            return
        staff_id = self.chosen_staff_id()
        if staff_id is None:
            self.show_error("Choose your name first.")
            self.choose.names.setFocus()
            return
        password = self.choose.password.text()
        if not password:
            self.show_error("Type your password or PIN.")
            return
        self.set_busy(True)
        self.sign_in_requested.emit(int(staff_id), password)

    def _matching(self, page) -> str | None:
        password, again = page.password.text(), page.again.text()
        if not password:
            self.show_error("Choose a password or PIN.")
            return None
        if password != again:
            self.show_error("The two passwords are not the same. Type them again.")
            page.again.clear()
            return None
        return password

    def _create_owner(self) -> None:
        page = self.owner
        staff_id = page.chosen_staff_id()
        details = None
        if staff_id is None:
            details = {"first_name": page.first_name.text().strip(), "last_name": page.last_name.text().strip()}
            if not details["first_name"] or not details["last_name"]:
                self.show_error("Type the owner's first and last name.")
                (page.first_name if not details["first_name"] else page.last_name).setFocus()
                return
        password = self._matching(page)
        if password is None:
            return
        self.set_busy(True)
        self.create_owner_requested.emit(staff_id, details, password)

    def _new_password(self) -> None:
        password = self._matching(self.new_password)
        if password is not None:
            self.set_busy(True)
            self.new_password_requested.emit(password)
