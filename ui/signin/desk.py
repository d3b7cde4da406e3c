"""Who is working at this window: signing in, locking, switching person.

The window starts with NOBODY on its sessions (studio/access.py), so until someone signs in the
only database work is the sign-in screen's own (`desk_start.start_state`, `accounts.*`). On a
sign-in the person goes on every session (`access.act_as`) and on every row they change
(`set_actor`), and the window shows what their role may use (`ui/signin/roles.py`).

Locking (Ctrl+L, or idle for the desk's set time) covers the window with the sign-in screen
without touching the studio's pages, so the same person signing in again finds the same page,
tab, scroll position and unsaved typing. Drafts that save themselves (assessment, program) are
saved as the person before the lock takes their name off the sessions. Another person may sign
in instead (a quick switch at a shared desk); if the first left unsaved changes, they are asked
whether to discard them or let the first person come back to them.

Other windows: a preview or a window-modal dialog is hidden while the desk is locked and shown
again when the same person unlocks (closed when someone else signs in). A dialog that holds the
whole program (a question waiting for an answer, `exec()`) can't be hidden without ending it, so
an idle lock waits until it is answered and locks at once after.
"""

from __future__ import annotations

import logging
from html import escape

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget

from studio import access
from ui import messages, options
from ui.signin.idle import IdleWatch
from ui.signin.screen import SignInScreen

log = logging.getLogger(__name__)

# Setting up an empty studio (the welcome dialog): nothing to protect yet, and whoever is at the
# desk goes on to create the owner's account anyway — the same as `accounts.create_owner` allows.
SETTING_UP = access.Person(None, "Studio set-up", access.OWNER)
DIALOG_RETRY_MS = 2000  # an idle lock waiting for a question to be answered looks again this often


class Desk(QObject):
    # Signs this person in without the screen (None: ask). Only for tests about something else
    # than signing in: tests/ui/conftest.py sets it to access.TOOLS, which is what a session
    # without a person always was, so those tests see Upright as they did before sign-in.
    automatic: access.Person | None = None

    def __init__(self, window):
        super().__init__(window)
        self.welcoming = False  # the welcome dialog (or the demo) of an empty database is under way
        self._named = False  # set_actor was given a staff member's name
        self.window = window
        self.person: access.Person = access.NOBODY  # who the sessions work for now
        self.locked_by: access.Person | None = None  # whose work is under the lock
        self.covered = True  # the sign-in screen is up
        self.state = None  # the last desk_start.StartState
        self.deferred: set[str] = set()  # other desks' changes seen while covered
        self._hidden_windows: list[QWidget] = []
        self._focus: QWidget | None = None
        self._pending = None  # (person, password) until a new password is chosen
        self._welcomed = False
        self._lock_serial = 0
        self.screen = SignInScreen()
        window.screens.addWidget(self.screen)
        self.screen.sign_in_requested.connect(self.sign_in)
        self.screen.create_owner_requested.connect(self.create_owner)
        self.screen.new_password_requested.connect(self.choose_new_password)
        self.screen.new_password_cancelled.connect(self._new_password_cancelled)
        self.screen.retry_requested.connect(self.load)
        self.idle = IdleWatch(options.get("desk/lock_minutes"), self)
        self.idle.idle.connect(self.idle_lock)

    @property
    def runner(self):
        return self.window.runner

    @property
    def is_open(self) -> bool:
        """Someone is signed in and the window shows their work."""
        return not self.covered and self.person.role is not None

    # --- the identity on the sessions and rows ----------------------------------------------

    def _act(self, person: access.Person) -> None:
        from studio.models.base import set_actor

        self.person = person
        factory = self.runner.session_factory
        if factory is not None:
            access.act_as(factory, person)
        if person.staff_id is not None:
            set_actor(person.name)  # rows they change say so (changed_by)
            self._named = True
        elif self._named:
            set_actor(None)  # back to the computer's name
            self._named = False

    # --- starting ---------------------------------------------------------------------------

    def start(self) -> None:
        """A studio database was attached: nobody is signed in at it yet."""
        self.locked_by = None
        self._pending = None
        self._welcomed = False
        self._act(access.NOBODY)
        self.cover()
        self.load()

    def stop(self) -> None:
        """The database is being let go (reopen, close)."""
        self.idle.watch(False)
        self.person = access.NOBODY

    def load(self, *, quietly: bool = False) -> None:
        """Read what the sign-in screen shows, then show the right form. `quietly`: the names
        are on screen already; refresh them only if nobody has started typing."""
        from studio.services.desk_start import start_state

        if not quietly:
            self.screen.show_waiting()
        self.runner.run(start_state, lambda state: self._loaded(state, quietly), self._failed, owner=self.screen)

    def _loaded(self, state, quietly: bool = False) -> None:
        self.state = state
        self.screen.set_studio(state.studio_name)
        if not self.covered or (quietly and self.screen.is_typing()):
            return
        if state.empty and not self._welcomed:
            self._welcomed = True
            self._welcome()
        elif self.automatic is not None:
            self.enter(self.automatic)
        elif state.needs_owner:
            self.screen.show_owner_form(state.owners_without_password)
        else:
            self._show_choices()

    def _show_choices(self) -> None:
        state, locked = self.state, self.locked_by
        if state is None:
            self.load()
            return
        if locked is not None:
            heading = f"Locked by {locked.name}"
            detail = (f"{escape(locked.name.split()[0])}: enter your password to continue where you were. "
                      "Someone else: choose your own name to switch.")  # fmt: skip
        else:
            heading, detail = "Sign in", ""
        self.screen.show_choices(
            state.choices, chosen=locked.staff_id if locked else None, heading=heading, detail=detail,
            note=state.demo_note,
        )

    def _welcome(self) -> None:
        """An empty database: the studio's details or the demo first, then the owner's account
        (the window calls `welcomed` when the welcome dialog, and the demo, are done)."""
        self.welcoming = True
        self._act(SETTING_UP)
        self.window.first_start()

    def welcomed(self) -> None:
        self.welcoming = False
        self._act(access.NOBODY)
        self.load()

    def _failed(self, error: BaseException) -> None:
        from studio.errors import UprightError

        text = str(error) if isinstance(error, UprightError) else f"Upright hit a problem: {error!r}"
        if self.screen.stack.currentWidget() is self.screen.waiting:
            self.screen.show_problem(text)
        else:
            self.screen.show_error(text)

    # --- signing in -------------------------------------------------------------------------

    def sign_in(self, staff_id: int, password: str) -> None:
        from studio.services import accounts

        self.runner.run(
            lambda s: accounts.sign_in(s, staff_id, password),
            lambda attempt: self._attempted(attempt, password),
            self._failed,
            owner=self.screen,
        )

    def _attempted(self, attempt, password: str) -> None:
        if not attempt.signed_in:
            self.screen.show_error(attempt.refusal or "Signing in was refused.", retry_after=attempt.retry_after)
            return
        person = attempt.person
        if not self._may_switch_to(person):
            self._show_choices()
            return
        if attempt.must_change:
            self._pending = (person, password)
            self._act(person)  # to change their own password; the screen still covers everything
            self.screen.show_new_password(person.name)
            return
        self.enter(person)

    def create_owner(self, staff_id, details, password: str) -> None:
        from studio.errors import ValidationError
        from studio.services import accounts, staff

        if details is not None:
            try:
                details = staff.parse({**details, "role": access.OWNER})
            except ValidationError as error:
                self.screen.show_error(" ".join(error.errors.values()))
                return

        def failed(error: BaseException) -> None:
            if isinstance(error, ValidationError):
                self.screen.show_error(" ".join(error.errors.values()))
            else:
                self._failed(error)

        self.runner.run(
            lambda s: accounts.create_owner(s, staff_id=staff_id, details=details, password=password),
            self.enter,
            failed,
            owner=self.screen,
        )

    def choose_new_password(self, new: str) -> None:
        from studio.errors import ValidationError
        from studio.services import accounts

        if self._pending is None:
            return
        person, old = self._pending

        def done(_result) -> None:
            self._pending = None
            self.enter(person)

        def failed(error: BaseException) -> None:
            if isinstance(error, ValidationError):
                self.screen.show_error(" ".join(error.errors.values()))
            else:
                self._failed(error)

        self.runner.run(lambda s: accounts.change_own_password(s, old, new), done, failed, owner=self.screen)

    def _new_password_cancelled(self) -> None:
        self._pending = None
        self._act(access.NOBODY)
        self._show_choices()

    def enter(self, person: access.Person) -> None:
        """`person` has signed in: their work (or the locked person's, if it is them) appears."""
        previous = self.locked_by
        same = previous is not None and previous.staff_id == person.staff_id
        if previous is not None and not same:
            self._close_hidden_windows()
            for holder in self.window.unsaved_holders():
                if holder.has_unsaved_changes() and not getattr(holder, "saves_drafts", False):
                    holder.discard_changes()
        self._serial_bump()
        self._act(person)
        self.locked_by = None
        self.covered = False
        self.screen.clear_error()
        self.window.person_entered(person, same_work=same)
        if same:
            self._show_hidden_windows()
            self._refocus()
        else:
            self._hidden_windows = []
        changed, self.deferred = self.deferred, set()
        if changed and same:
            self.window.changed_elsewhere(changed)
        self.idle.watch(True)

    def _may_switch_to(self, person: access.Person) -> bool:
        """Another person signing in at a locked desk: ask before the first one's typing is lost."""
        previous = self.locked_by
        if previous is None or previous.staff_id == person.staff_id:
            return True
        unsaved = [h for h in self.window.unsaved_holders()
                   if h.has_unsaved_changes() and not getattr(h, "saves_drafts", False)]  # fmt: skip
        if not unsaved:
            return True
        first = previous.name.split()[0]
        what = ", ".join(self.window.describe_unsaved(h) for h in unsaved)
        return messages.confirm(
            self.window,
            "Unsaved changes",
            f"{previous.name} has unsaved changes to {what}.\n\n"
            f"Cancel to let {first} come back to them, or discard them and switch to {person.name}.",
            yes="Discard them and switch",
        )

    # --- locking ----------------------------------------------------------------------------

    def cover(self) -> None:
        self.covered = True
        self.idle.watch(False)
        self.window.cover()

    def lock(self, *, reason: str | None = None) -> bool:
        """Cover the window and take the person's name off the sessions; True when locked."""
        if self.covered or self.person.role is None:
            return False
        person = self.person
        self.locked_by = person
        self._focus = QApplication.focusWidget()  # the field they were typing in, for their return
        self._hide_other_windows()
        self.cover()
        self._show_choices()
        # Drafts save themselves: now, as the person who typed them, before their name goes.
        for holder in self.window.unsaved_holders():
            if getattr(holder, "saves_drafts", False) and holder.has_unsaved_changes():
                holder.save()
        serial = self._serial_bump()
        from studio.services import accounts

        # The worker runs one step at a time, in order: this one follows the drafts' saves.
        self.runner.run(
            lambda s: accounts.lock_desk(s, reason=reason),
            lambda _r: self._nobody_after(serial),
            lambda _e: self._nobody_after(serial),
        )
        self.load(quietly=True)  # fresh names (the owner may have added someone meanwhile)
        return True

    def idle_lock(self) -> None:
        if self.covered or self.person.role is None:
            return
        modal = QApplication.activeModalWidget()
        if modal is not None and modal.windowModality() == Qt.WindowModality.ApplicationModal:
            self.idle.timer.start(DIALOG_RETRY_MS)  # a question is waiting: lock once it is answered
            return
        minutes = self.idle.minutes
        self.lock(reason=f"idle for {minutes} minute{'s' if minutes != 1 else ''}" if minutes else "idle")

    def sign_out(self) -> None:
        """Studio ▸ Sign out: ask about unsaved changes, close the client, back to the names."""
        from ui.widgets.leaving import leave_then

        if self.covered or self.person.role is None:
            return
        leave_then(self.window, self.window.unsaved_holders(), self._signed_out)

    def _signed_out(self) -> None:
        from studio.services import accounts

        self._close_hidden_windows(include_visible=True)
        self.locked_by = None
        self.cover()
        self.window.close_work()
        serial = self._serial_bump()
        self.runner.run(
            lambda s: accounts.sign_out(s), lambda _r: self._nobody_after(serial), lambda _e: self._nobody_after(serial)
        )
        self.load()

    def _serial_bump(self) -> int:
        self._lock_serial += 1
        return self._lock_serial

    def _nobody_after(self, serial: int) -> None:
        if self.covered and serial == self._lock_serial and self._pending is None:
            self._act(access.NOBODY)

    def _refocus(self) -> None:
        import shiboken6

        focus, self._focus = self._focus, None
        if focus is not None and shiboken6.isValid(focus) and focus.isVisible():
            focus.setFocus()

    # --- the other windows ------------------------------------------------------------------

    def _other_windows(self) -> list[QWidget]:
        main = self.window
        return [w for w in QApplication.topLevelWidgets()
                if w is not main and w.isVisible() and w.isWindow()
                and w.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog)]  # fmt: skip

    def _hide_other_windows(self) -> None:
        self._hidden_windows = []
        for widget in self._other_windows():
            if widget.windowModality() == Qt.WindowModality.ApplicationModal:
                continue  # a question being asked: hiding it would answer it
            widget.hide()
            self._hidden_windows.append(widget)

    def _show_hidden_windows(self) -> None:
        import shiboken6

        hidden, self._hidden_windows = self._hidden_windows, []
        for widget in hidden:
            if shiboken6.isValid(widget):
                widget.show()

    def _close_hidden_windows(self, include_visible: bool = False) -> None:
        import shiboken6

        hidden, self._hidden_windows = self._hidden_windows, []
        if include_visible:
            hidden += [w for w in self._other_windows() if w.windowModality() != Qt.WindowModality.ApplicationModal]
        for widget in hidden:
            if shiboken6.isValid(widget):
                widget.close()

    # --- this desk's setting ----------------------------------------------------------------

    def set_lock_minutes(self, minutes: int) -> None:
        options.put("desk/lock_minutes", int(minutes))
        self.idle.set_minutes(minutes)
        self.idle.watch(self.is_open)


def lock_words(minutes: int) -> str:
    return "never" if minutes <= 0 else f"after {minutes} minute{'s' if minutes != 1 else ''} without use"

