"""The main window.

It paints first and loads the database afterwards: SQLAlchemy, Alembic and the pages are
imported only once the window is on screen, so the desk sees Upright at once.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QToolBar, QVBoxLayout, QWidget

from ui import options
from ui.pyside_imports import keep_sources_out_of_memory

log = logging.getLogger(__name__)
keep_sources_out_of_memory()  # a window built without ui.app (tests, benchmarks) too

# Pages built the first time they are shown (`MainWindow._page`); the Clients page is built at once.
LATER_PAGES = ("clinicians", "referrals")


def _questionnaires() -> tuple[tuple[str, str], ...]:
    # Kept here (not imported from studio) so the window paints before the database layer loads.
    return (
        ("odi", "Oswestry Disability Index (ODI)"),
        ("rmdq", "Roland-Morris Disability Questionnaire (RMDQ)"),
        ("startback", "STarT Back Screening Tool"),
        ("psfs", "Patient-Specific Functional Scale (PSFS)"),
    )


class MainWindow(QMainWindow):
    first_painted = Signal()

    def __init__(self, runner, parent=None):
        super().__init__(parent)
        self.runner = runner
        runner.on_unhandled_error = self.show_error
        self.database = None
        self.clients_page = None
        self._later_pages: dict[str, QWidget] = {}  # LATER_PAGES, once built (`_page`)
        self.freshness = None
        self._closing = False
        self._painted = False
        self._open_requested = False
        self.setWindowTitle("Upright")
        self.resize(1280, 800)
        self.pages = QStackedWidget()
        self.waiting = QLabel("Opening the studio database…")
        # Centred by the style sheet: naming Qt.AlignmentFlag here would build the whole Qt
        # namespace's enums (some 15 ms) before the first paint; it is built just after it.
        self.waiting.setStyleSheet("color: #555; font-size: 13pt; qproperty-alignment: AlignCenter;")
        self.pages.addWidget(self.waiting)
        # The studio's pages, or the sign-in screen in their place (ui/signin): never both.
        self.screens = QStackedWidget()
        self.screens.addWidget(self.pages)
        self.desk = None  # ui.signin.desk.Desk, once a database is attached
        central = QWidget()
        self.central_column = QVBoxLayout(central)  # the connection banner goes above the screens
        self.central_column.setContentsMargins(0, 0, 0, 0)
        self.central_column.setSpacing(0)
        self.central_column.addWidget(self.screens, 1)
        self.setCentralWidget(central)
        self.connection_banner = None  # built with the first database (it watches the runner)
        self.person_label = QLabel()
        self.person_label.setObjectName("personLabel")
        self.statusBar().addPermanentWidget(self.person_label)
        self.studio_label = QLabel()
        self.statusBar().addPermanentWidget(self.studio_label)
        self._shortcuts: list[tuple[QAction, str]] = []
        self._build_actions()
        self._set_ready(False)

    # --- actions and menus ------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut: str | None = None, tip: str = "") -> QAction:
        """An action; its shortcut ("Ctrl+1", or a QKeySequence.StandardKey name like "Save")
        is set just after the first paint (`_finish_after_first_paint`): making a key sequence
        builds the Qt namespace's enums, and nothing can be done before the database opens."""
        action = QAction(text, self)
        if shortcut is not None:
            self._shortcuts.append((action, shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.new_client_action = self._action("&New client", self.new_client, "New", "Register a new client")
        self.save_action = self._action("&Save", self.save_current, "Save", "Save the form you are editing")
        self.find_action = self._action("&Find…", self.focus_search, "Find", "Search the current list")
        self.import_clients_action = self._action("Import clients from CSV…", lambda: self.import_csv("clients"))
        self.export_clients_action = self._action("Export clients to CSV…", lambda: self.export_csv("clients"))
        self.import_clinicians_action = self._action("Import clinicians from CSV…", lambda: self.import_csv("clinicians"))
        self.export_clinicians_action = self._action("Export clinicians to CSV…", lambda: self.export_csv("clinicians"))
        self.print_action = self._action("&Print…", self.print_current, "Print",
                                         "Preview and print the client's home program, or the selected letter")
        self.batch_action = self._action("Print this &week's handouts…", self.print_batch, None,
                                         "The home programs of every client seen this week, in one go")
        self.questionnaire_actions = [
            self._action(label, lambda _=False, kind=kind: self.print_questionnaire(kind), None,
                         f"A blank {label} form for the waiting room")
            for kind, label in _questionnaires()
        ]
        self.backup_action = self._action("&Back up now", self.backup_now, None, "Write a checked copy of the studio database")
        quit_action = self._action("&Quit", self.close, "Quit")
        self.clients_view = self._action("&Clients", lambda: self.show_page("clients"), "Ctrl+1")
        self.clinicians_view = self._action("Clinician &network", lambda: self.show_page("clinicians"), "Ctrl+2")
        self.referrals_view = self._action("&Referrals", lambda: self.show_page("referrals"), "Ctrl+3",
                                           "Letters waiting for a reply, overdue follow-ups, drafts")
        group = QActionGroup(self)
        for action in (self.clients_view, self.clinicians_view, self.referrals_view):
            action.setCheckable(True)
            group.addAction(action)
        self.profile_action = self._action("Studio &profile…", self.edit_profile, None, "Letterhead, units and paper size")
        self.staff_action = self._action("&Staff…", self.edit_staff, None, "Trainers and front-desk staff")
        self.backups_action = self._action("&Backups…", self.show_backups, None, "List, make and restore backups of the studio")
        self.audit_action = self._action("Audit &trail…", self.show_audit, None,
                                         "Who did what and when: changes, prints, exports, sign-ins")
        self.export_client_data_action = self._action("E&xport client data…", self.export_client_data, None,
                                                      "Everything about the open client in one zip: records and documents")
        self.erase_client_action = self._action("&Erase client…", self.erase_open_client, None,
                                                "Remove every record of the open client, at their request")
        self.server_action = self._action("Studio &server…", self.show_server, None,
                                          "Share one studio between desks through a PostgreSQL server")
        self.lock_action = self._action("&Lock", self.lock, "Ctrl+L",
                                        "Hide everything until you (or someone else) sign in again")
        self.sign_out_action = self._action("Sign &out / switch person…", self.sign_out, None,
                                            "Close your work and go back to the sign-in screen")
        self.change_password_action = self._action("Change my pass&word…", self.change_my_password)
        self.lock_settings_action = self._action("Lock this desk &after…", self.edit_lock_settings, None,
                                                 "How long this desk waits without use before it locks")
        about = self._action("&About Upright", self.about)

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for item in (self.new_client_action, None, self.print_action, self.batch_action, "questionnaires", None,
                     self.import_clients_action, self.export_clients_action, self.import_clinicians_action,
                     self.export_clinicians_action, None, self.export_client_data_action, self.erase_client_action,
                     None, self.backup_action, None, quit_action):
            if item is None:
                file_menu.addSeparator()
            elif item == "questionnaires":
                blank = file_menu.addMenu("Print a blank &questionnaire")
                for action in self.questionnaire_actions:
                    blank.addAction(action)
            else:
                file_menu.addAction(item)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.save_action)
        edit_menu.addAction(self.find_action)
        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.clients_view)
        view_menu.addAction(self.clinicians_view)
        view_menu.addAction(self.referrals_view)
        studio_menu = bar.addMenu("&Studio")
        studio_menu.addAction(self.profile_action)
        studio_menu.addAction(self.staff_action)
        studio_menu.addAction(self.backups_action)
        studio_menu.addAction(self.audit_action)
        studio_menu.addAction(self.server_action)
        studio_menu.addSeparator()
        for action in (self.lock_action, self.sign_out_action, self.change_password_action, self.lock_settings_action):
            studio_menu.addAction(action)
        bar.addMenu("&Help").addAction(about)

        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.clients_view)
        toolbar.addAction(self.clinicians_view)
        toolbar.addAction(self.referrals_view)
        toolbar.addSeparator()
        toolbar.addAction(self.new_client_action)
        self.addToolBar(toolbar)
        self.toolbar = toolbar
        self.data_actions = [
            self.new_client_action, self.save_action, self.find_action, self.import_clients_action,
            self.export_clients_action, self.import_clinicians_action, self.export_clinicians_action,
            self.backup_action, self.clients_view, self.clinicians_view, self.profile_action, self.staff_action,
            self.print_action, self.batch_action, *self.questionnaire_actions, self.referrals_view,
            self.backups_action, self.server_action, self.audit_action, self.export_client_data_action,
            self.erase_client_action,
        ]

    def _set_ready(self, ready: bool) -> None:
        for action in self.data_actions:
            action.setEnabled(ready)
        for action in (self.lock_action, self.sign_out_action, self.change_password_action, self.lock_settings_action):
            action.setEnabled(ready)

    # --- database ---------------------------------------------------------------------------

    def open_after_first_paint(self, path_or_url: str | None) -> None:
        """Open the database once the window is on screen: importing SQLAlchemy and Alembic
        earlier would hold the interpreter while Qt waits to paint."""

        def open_once() -> None:
            if not self._open_requested:
                self._open_requested = True
                self.open_database(path_or_url)

        self.first_painted.connect(lambda: QTimer.singleShot(0, open_once))
        QTimer.singleShot(2000, open_once)  # a window that starts minimised never paints

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()

    def open_database(self, path_or_url: str | None, *, create: bool = False) -> None:
        """Open (and migrate) on the worker; attach on success, explain and offer help on failure."""
        from studio.db import open_database

        self._finish_after_first_paint()
        self.waiting.setText("Opening the studio database…")
        self.runner.run(
            lambda: open_database(path_or_url, create=create),
            self.attach_database,
            lambda error: self.database_failed(error, path_or_url),
            with_session=False,
        )

    def _finish_after_first_paint(self) -> None:
        """What the window needs once the database is on its way but not for its first paint:
        each of these names a Qt enum, and the first such name builds the Qt namespace."""
        if self.connection_banner is not None:
            return
        from PySide6.QtCore import Qt

        from ui.widgets.connection_banner import ConnectionBanner

        self.connection_banner = ConnectionBanner(self)  # while the studio database isn't answering
        self.central_column.insertWidget(0, self.connection_banner)
        for action, key in self._shortcuts:
            standard = key.isalpha()  # "Save", not "Ctrl+1": the platform's own key for it
            action.setShortcut(QKeySequence(getattr(QKeySequence.StandardKey, key)) if standard else QKeySequence(key))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)  # from a preview too
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)

    def database_failed(self, error: BaseException, path_or_url) -> None:
        from ui.database_problem import handle_database_problem

        handle_database_problem(self, error, path_or_url)

    def attach_database(self, database) -> None:
        from ui.clients.page import ClientsPage

        from studio import access

        self._finish_after_first_paint()
        self.database = database
        access.act_as(database.session_factory, access.NOBODY)  # nothing but signing in, until someone does
        self.runner.session_factory = database.session_factory
        self.clients_page = ClientsPage(self.runner)
        self.clients_page.workspace_built.connect(self._apply_role_again)
        self._add_page(self.clients_page)
        self.clients_page.restore_state()
        if self.desk is None:
            from ui.signin.desk import Desk

            self.desk = Desk(self)
        self.desk.cover()  # the pages appear once someone signs in (person_entered)
        where = database.path or database.engine.url.render_as_string(hide_password=True)
        self.statusBar().showMessage(f"Studio database: {where}", 8000)
        if database.pre_migration_backup:
            self.statusBar().showMessage(f"Database upgraded; a backup was kept at {database.pre_migration_backup}", 15000)
        elif database.migration_note:
            self.statusBar().showMessage(f"Database upgraded. {database.migration_note}", 30000)
        self.desk.start()  # the sign-in screen (after the welcome dialog on an empty database)
        from studio.files import clear_viewer_copies

        self.runner.run(clear_viewer_copies, with_session=False)
        from ui.backups.daily import start_daily_backup

        start_daily_backup(self, database)  # today's automatic backup, after the pages have loaded
        self.start_freshness()
        from ui.network_share import warn_if_on_network_share

        warn_if_on_network_share(self, database)

    def _add_page(self, page) -> None:
        self.pages.addWidget(page)
        page.status.connect(lambda text: self.statusBar().showMessage(text, 5000))

    @property
    def clinicians_page(self):
        return self._page("clinicians")

    @property
    def referrals_page(self):
        return self._page("referrals")

    def _page(self, name: str):
        """A page of LATER_PAGES, built the first time it is needed (None before a database is
        open): the Referrals page brings the referral, clinical and program services with it,
        the Clinician network its editor, which a desk that only looks people up never uses."""
        page = self._later_pages.get(name)
        if page is None and self.clients_page is not None:
            if name == "clinicians":
                from ui.clinicians.page import CliniciansPage

                page = CliniciansPage(self.runner)
            else:
                from ui.referrals.page import ReferralsPage

                page = ReferralsPage(self.runner)  # it loads its list when shown
                page.open_client.connect(self.open_client_referrals)
                page.changed.connect(self.clients_page.referral_changed)
            self._later_pages[name] = page
            self._add_page(page)
            self._apply_role_again()
            if name == "clinicians" and self.desk is not None and self.desk.is_open:
                page.reload()
        return page

    def not_built_yet(self, part: str) -> bool:
        """For ui/signin/roles.py: a page of LATER_PAGES has nothing to hide until it exists."""
        name = part.removesuffix("_page")
        return part.endswith("_page") and name in LATER_PAGES and name not in self._later_pages

    def start_freshness(self) -> None:
        """Watch for other desks' changes and refresh what shows them."""
        from ui.freshness import Freshness

        self.stop_freshness()
        self.freshness = Freshness(self.runner, self.database, self)
        self.freshness.changed.connect(self.changed_elsewhere)

    def stop_freshness(self) -> None:
        if self.freshness is not None:
            self.freshness.stop()
            self.freshness.deleteLater()
            self.freshness = None

    def changed_elsewhere(self, changed) -> None:
        if self.desk is not None and not self.desk.is_open:
            self.desk.deferred |= set(changed)  # shown once someone signs in again
            return
        if self.clients_page is not None:
            self.clients_page.changed_elsewhere(changed)
        referrals, clinicians = self._later_pages.get("referrals"), self._later_pages.get("clinicians")
        if referrals is not None and self.pages.currentWidget() is referrals:
            referrals.refresh()
        if clinicians is not None and changed & {"*", "?", "clinician"}:
            clinicians.reload()

    def reopen(self, path_or_url: str | None) -> None:
        """Let go of the studio database and open `path_or_url` (None: the file on this
        computer): after a restore, or when this desk moves to or from the studio server."""
        self.stop_freshness()
        for page in (self.clients_page, *self._later_pages.values()):
            if page is not None:
                self.pages.removeWidget(page)
                page.deleteLater()
        self.clients_page = None
        self._later_pages.clear()
        self._set_ready(False)
        if self.desk is not None:
            self.desk.stop()  # whoever signs in to the studio that opens next
        self.screens.setCurrentWidget(self.pages)
        self.pages.setCurrentWidget(self.waiting)
        self.runner.wait(5000)
        if self.database is not None:
            self.database.close()
            self.database = None
        self.runner.session_factory = None
        self.open_database(path_or_url)

    def refresh_studio(self, first_start_check: bool = False) -> None:
        from studio.services import clients, studio_profile

        def work(session):
            return studio_profile.get(session), bool(clients.search(session, limit=1, include_archived=True))

        def done(result) -> None:
            profile, has_clients = result
            self.studio_label.setText(profile.details.name if profile else "Studio not set up")
            self.setWindowTitle(f"Upright — {profile.details.name}" if profile else "Upright")
            if first_start_check and profile is None and not has_clients:
                self.first_start()
            else:
                self.clients_page.run_search()
                if "clinicians" in self._later_pages:
                    self._later_pages["clinicians"].reload()

        self.runner.run(work, done, owner=self)

    def first_start(self) -> None:
        from ui.studio.profile_dialog import FirstStartDialog

        dialog = FirstStartDialog(self.runner, self)
        if dialog.exec() and dialog.demo_requested:
            self.load_demo()
        else:
            self._first_start_done()

    def load_demo(self) -> None:
        from reports.documents import make
        from studio.services.demo import fill_demo_studio

        self.statusBar().showMessage("Loading the demo studio…")

        def done(summary) -> None:
            self.statusBar().showMessage(summary.describe(), 10000)
            self._first_start_done()

        def failed(error: BaseException) -> None:
            self.show_error(error)
            self._first_start_done()

        self.runner.run(lambda s: fill_demo_studio(s, make_document=make), done, failed, owner=self)

    def _first_start_done(self) -> None:
        if self.desk is not None and self.desk.welcoming:
            self.desk.welcomed()  # on to the owner's account (or the demo's sign-in names)
        else:
            self.refresh_studio()

    # --- who is signed in (ui/signin/desk.py decides; the window shows it) ------------------

    def cover(self) -> None:
        """The sign-in screen in place of the pages; nothing of the studio's work can be reached."""
        self.screens.setCurrentWidget(self.desk.screen)
        self._set_ready(False)
        self.toolbar.setVisible(False)
        person = self.desk.locked_by
        if person is not None or self.desk.person.role is not None:
            self.statusBar().clearMessage()  # "Saved Ana López" is the studio's work too
        self.person_label.setText(f"Locked — {person.name}" if person else "Not signed in")

    def person_entered(self, person, *, same_work: bool) -> None:
        """`person` signed in: their role's actions and tabs, then the pages (just as they were
        when the same person comes back to a locked desk)."""
        from ui.signin.roles import apply_role

        self._set_ready(True)
        apply_role(self, person)
        self.person_label.setText(f"{person.name} · {person.role_label}")
        self.screens.setCurrentWidget(self.pages)
        self.toolbar.setVisible(True)
        if same_work:
            return
        if self.clients_page.current_id is not None:  # someone else: the open client as their role sees it
            self.clients_page.open_client(self.clients_page.current_id)
        current = self.pages.currentWidget()
        shown = {page: name for name, page in self._later_pages.items()}
        if current is self.clients_page or current in shown:
            self.show_page(shown.get(current, "clients"))
        else:
            self.show_page(options.get("window/page"))
        self.refresh_studio()

    def _apply_role_again(self) -> None:
        """Parts built after signing in (the client's tabs, LATER_PAGES) show only what the role may use."""
        if self.desk is not None and self.desk.person.role is not None:
            from ui.signin.roles import apply_role

            apply_role(self, self.desk.person)

    def close_work(self) -> None:
        """After signing out: no client left open for the next person."""
        if self.clients_page is not None:
            self.clients_page.close_client()

    def describe_unsaved(self, holder) -> str:
        """'the client's details (Ana López)': what a quick switch would lose."""
        what = getattr(holder, "unsaved_what", "a form")
        page = self.clients_page
        if page is not None and holder in page.built_tabs():
            record = page.client_tab.editor.record
            if record is not None:
                return f"{what} ({record.name})"
        return what

    def lock(self) -> None:
        if self.desk is not None:
            self.desk.lock()

    def sign_out(self) -> None:
        if self.desk is not None:
            self.desk.sign_out()

    def change_my_password(self):
        from ui.signin.passwords import ChangePasswordDialog

        return _open_owned(ChangePasswordDialog(self.runner, self.desk.person, self))

    def edit_lock_settings(self):
        from ui.signin.passwords import LockSettingsDialog

        return _open_owned(LockSettingsDialog(self.desk, self))

    # --- pages and commands -----------------------------------------------------------------

    def show_page(self, name: str) -> None:
        views = {"clients": self.clients_view, "clinicians": self.clinicians_view, "referrals": self.referrals_view}
        name = name if name in views else "clients"
        page = getattr(self, f"{name}_page")  # a page of LATER_PAGES is built here, the first time
        if page is None:
            return
        self.pages.setCurrentWidget(page)
        views[name].setChecked(True)
        self.new_client_action.setEnabled(self.desk is not None and self.desk.is_open)
        options.put("window/page", name)

    def open_client_referrals(self, client_id: int) -> None:
        """Go to client, from the Referrals page: the client's own Referrals tab."""
        self.show_page("clients")
        self.clients_page.open_client_at(client_id, self.clients_page.referrals_tab)

    def new_client(self) -> None:
        self.show_page("clients")
        self.clients_page.new_client()

    def save_current(self) -> None:
        page = self.pages.currentWidget()
        if page is self.clients_page:
            page.save_current()
        elif page is self._later_pages.get("clinicians"):
            page.editor.save()

    def print_current(self):
        page = self.pages.currentWidget()
        if hasattr(page, "print_current"):
            return page.print_current()
        self.statusBar().showMessage("Open a client (Ctrl+1) to print their home program.", 5000)
        return None

    def print_batch(self):
        from ui.documents.batch import BatchPrintDialog

        dialog = BatchPrintDialog(self.runner, self)
        dialog.finished_printing.connect(lambda *_: self.clients_page.documents_made())
        dialog.open()
        return dialog

    def print_questionnaire(self, kind: str):
        from studio.services.documents import QUESTIONNAIRE, Request
        from ui.documents import preview

        return preview.show_preview(self, self.runner, Request(QUESTIONNAIRE, questionnaire=kind))

    def focus_search(self) -> None:
        page = self.pages.currentWidget()
        if page is self.clients_page or page is self._later_pages.get("clinicians"):
            page.search_box.setFocus()
            page.search_box.selectAll()

    def edit_profile(self) -> None:
        from studio.services import studio_profile
        from ui.studio.profile_dialog import StudioProfileDialog

        def show(record) -> None:
            if StudioProfileDialog(self.runner, record, self).exec():
                self.refresh_studio()

        self.runner.run(studio_profile.get, show, owner=self)

    def edit_staff(self) -> None:
        from ui.studio.staff_dialog import StaffDialog

        StaffDialog(self.runner, self).exec()
        if self.clients_page is not None and self.clients_page.built_tabs():
            self.clients_page.client_tab.reload_pickers()

    def import_csv(self, kind: str) -> None:
        from PySide6.QtWidgets import QFileDialog

        from studio.services import csv_transfer
        from ui import messages
        from ui.studio.csv_dialog import CsvImportDialog, counted

        name, _ = QFileDialog.getOpenFileName(self, f"Import {kind} from CSV", "", "CSV files (*.csv);;All files (*)")
        if not name:
            return
        try:
            text = Path(name).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            messages.warn(self, "Can't read that file", f"{name} could not be read as UTF-8 text ({exc}). "
                          "In your spreadsheet, choose Save As ▸ CSV UTF-8.")
            return

        def show(preview) -> None:
            dialog = CsvImportDialog(self.runner, kind, Path(name).name, preview, self)
            if dialog.exec() and dialog.result is not None:
                self.statusBar().showMessage(
                    f"Imported {counted(dialog.result.created, kind)}; "
                    f"skipped {dialog.result.skipped_duplicates} already in the studio",
                    8000,
                )
                self.refresh_studio()

        self.runner.run(lambda s: csv_transfer.preview_import(s, kind, text), show, owner=self)

    def export_csv(self, kind: str) -> None:
        from PySide6.QtWidgets import QFileDialog

        from studio.services import csv_transfer

        name, _ = QFileDialog.getSaveFileName(self, f"Export {kind} to CSV", f"upright-{kind}.csv", "CSV files (*.csv)")
        if not name:
            return

        def work(session) -> int:
            return csv_transfer.export_csv_file(session, kind, name)  # whole or not at all, user-only

        self.runner.run(work, lambda count: self.statusBar().showMessage(f"Exported {count} {kind} to {name}", 8000))

    def backup_now(self) -> None:
        from studio.services import backups as backup_service
        from ui import messages

        if self.database is None or self.database.path is None:
            messages.inform(self, "Back up", "This studio lives on a database server; back it up there with pg_dump.")
            return
        path = self.database.path
        self.runner.run(
            lambda s: backup_service.make(s, path),
            lambda where: messages.inform(self, "Backup written", f"A checked backup was written to\n{where}"),
        )

    def show_audit(self):
        from ui.audit.page import show_audit

        return show_audit(self)

    def _open_client_id(self, doing: str) -> int | None:
        client_id = self.clients_page.current_id if self.clients_page is not None else None
        if client_id is None:
            self.statusBar().showMessage(f"Open a client first (Ctrl+1), then {doing}.", 6000)
        return client_id

    def export_client_data(self) -> None:
        from ui.clients.data_requests import export_client_data

        client_id = self._open_client_id("export their data")
        if client_id is not None:
            export_client_data(self, client_id)

    def erase_open_client(self) -> None:
        from ui.clients.data_requests import erase_client

        client_id = self._open_client_id("erase them")
        if client_id is not None:
            erase_client(self, client_id)

    def show_backups(self):
        from ui.backups.page import BackupsDialog

        dialog = BackupsDialog(self.runner, self.database, self)
        dialog.about_to_restore.connect(self.stop_freshness)
        dialog.restored.connect(self.reopen)
        dialog.finished.connect(lambda _result: self.freshness is None and self.database is not None and self.start_freshness())
        return _open_owned(dialog)

    def _leave_then_reopen(self, path_or_url: str | None) -> None:
        from ui.widgets.leaving import leave_then

        leave_then(self, self.unsaved_holders(), lambda: self.reopen(path_or_url))

    def show_server(self):
        from ui.studio.server_dialog import ServerDialog

        here = str(self.database.path) if self.database is not None and self.database.path else None
        dialog = ServerDialog(self.runner, self, current_file=here)
        dialog.connect_requested.connect(lambda url: self._leave_then_reopen(url))
        dialog.local_requested.connect(lambda: self._leave_then_reopen(None))
        return _open_owned(dialog)

    def about(self) -> None:
        from ui import messages

        where = self.database.where if self.database else "none"
        messages.inform(
            self,
            "About Upright",
            "Upright — assessments, exercise programs, handouts and referrals for studios "
            f"working with clients in back pain.\n\nStudio database: {where}",
        )

    def show_error(self, error: BaseException) -> None:
        from studio.errors import UprightError

        from studio.access import AccessRefused
        from ui import messages

        if isinstance(error, AccessRefused) and error.person.role is None and self.desk is not None and self.desk.covered:
            log.info("refused while nobody is signed in: %s", error)  # a reload racing the lock; shown again after
        elif isinstance(error, UprightError):
            messages.warn(self, "Upright", str(error))
        else:
            log.error("unexpected error", exc_info=error)
            messages.warn(self, "Something went wrong", f"Upright hit an unexpected problem: {error!r}\n\nNothing was saved by this step.")

    # --- window state -----------------------------------------------------------------------

    def restore_window_state(self) -> None:
        if geometry := options.get("window/geometry"):
            self.restoreGeometry(geometry)
        if state := options.get("window/state"):
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        holders = self.unsaved_holders()
        if not self._closing and any(h.has_unsaved_changes() for h in holders):
            from ui import messages
            from ui.widgets.leaving import leave_then

            if self.desk is not None and self.desk.locked_by is not None:
                event.ignore()  # only the person who typed them may save or discard them
                messages.inform(self, "Unsaved changes", f"{self.desk.locked_by.name} has unsaved changes. "
                                "Sign in to save or discard them before closing Upright.")  # fmt: skip
                return

            event.ignore()
            leave_then(self, holders, self._close_after_leaving)
            return
        self._save_window_state()
        super().closeEvent(event)

    def unsaved_holders(self) -> list:
        if self.clients_page is None:
            return []
        clinicians = self._later_pages.get("clinicians")
        return [*self.clients_page.built_tabs(), *([clinicians.editor] if clinicians is not None else [])]

    def _close_after_leaving(self) -> None:
        self._closing = True
        self.close()

    def _save_window_state(self) -> None:
        options.put("window/geometry", self.saveGeometry())
        options.put("window/state", self.saveState())
        if self.clients_page is not None:
            self.clients_page.save_state()
        self.stop_freshness()
        self.runner.wait(5000)
        if self.database is not None:
            self.database.close()


def _open_owned(dialog):
    """Open a window-modal dialog that deletes itself once closed; returned for tests."""
    from PySide6.QtCore import Qt

    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
