"""Signing in, locking and switching person, as the people at the desk meet it: the real
start-up path (no automatic sign-in here), typed passwords, Ctrl+L, the idle timer, and what
each role can reach."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from studio import access
from studio.models import AuditEntry
from studio.services import accounts, assessments, clients, staff, studio_profile
from ui import options
from ui.signin.desk import Desk

OWNER_PASSWORD, TRAINER_PASSWORD, DESK_PASSWORD = "owner-pass-1", "maria-pass-1", "desk-pass-12"


@pytest.fixture(autouse=True)
def real_sign_in(monkeypatch):
    monkeypatch.setattr(Desk, "automatic", None)  # every window here meets the sign-in screen


@pytest.fixture
def studio(database):
    """A studio with an owner, a trainer and a front-desk person (each with a password), a
    trainer without one yet, and a client (with notes) whose draft assessment Maria started."""
    with database.session_factory.begin() as s:
        s.info["person"] = access.TOOLS
        studio_profile.save(s, studio_profile.parse({"name": "Core Studio", "weight_unit": "kg", "length_unit": "cm", "paper": "a4"}))
        owner = accounts.create_owner(s, details=staff.parse({"first_name": "Olivia", "last_name": "Stone", "role": "owner"}),
                                      password=OWNER_PASSWORD)  # fmt: skip
        trainer = staff.create(s, staff.parse({"first_name": "Maria", "last_name": "Santos", "role": "trainer"}))
        accounts.reset_password(s, trainer.id, TRAINER_PASSWORD, must_change=False)
        desk = staff.create(s, staff.parse({"first_name": "Sam", "last_name": "Lee", "role": "front_desk"}))
        accounts.reset_password(s, desk.id, DESK_PASSWORD, must_change=False)
        newcomer = staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"}))
        ana = clients.create(s, clients.parse({"first_name": "Ana", "last_name": "López", "phone": "555 0101",
                                               "notes": "Prefers mornings; old disc injury"}))  # fmt: skip
        assessments.start(s, ana.id, trainer_id=trainer.id)
    return {"owner": owner.staff_id, "trainer": trainer.id, "desk": desk.id, "newcomer": newcomer.id, "ana": ana.id}


def make_window(qtbot, database, runner):
    from ui.main_window import MainWindow

    window = MainWindow(runner)
    qtbot.addWidget(window)
    window.resize(1100, 720)
    window.show()
    window.attach_database(database)
    return window


@pytest.fixture
def window(qtbot, database, runner, answers, studio):
    return make_window(qtbot, database, runner)


def screen_of(window):
    return window.desk.screen


def sign_in(qtbot, window, staff_id: int, password: str) -> None:
    """Choose the name, type the password, press Enter — as a person does."""
    screen = screen_of(window)
    names = screen.choose.names
    row = next(r for r in range(names.count()) if names.item(r).data(Qt.ItemDataRole.UserRole) == staff_id)
    names.setCurrentRow(row)
    screen.choose.password.clear()
    qtbot.keyClicks(screen.choose.password, password)
    qtbot.keyClick(screen.choose.password, Qt.Key.Key_Return)


def visible_text(window) -> str:
    """Everything a person could read in the window now (labels, fields, lists, tables, tabs)."""
    seen = [window.windowTitle(), window.statusBar().currentMessage()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, (QLabel, QLineEdit, QAbstractButton)):
            seen.append(widget.text())
        elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
            seen.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            seen.append(widget.currentText())
        elif isinstance(widget, QTabBar):
            seen += [widget.tabText(i) for i in range(widget.count()) if widget.isTabVisible(i)]
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            rows = model.rowCount(QModelIndex())
            columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
            seen += [str(model.data(model.index(r, c)) or "") for r in range(rows) for c in range(columns)]
    return "\n".join(seen)


def open_ana(window, tab=None):
    page = window.clients_page
    window.show_page("clients")
    page.run_search()
    page.table.selectRow(0)
    if tab is not None:
        page.tabs.setCurrentWidget(tab)
    return page


def trail(database, action: str) -> list[str]:
    with database.session_factory() as s:
        s.info["person"] = access.TOOLS
        return [e.summary for e in s.query(AuditEntry).filter_by(action=action).order_by(AuditEntry.id)]


# --- first start and signing in ---------------------------------------------------------------


def test_first_start_welcomes_then_creates_the_owner_who_is_then_signed_in(qtbot, database, runner, answers, monkeypatch):
    from ui.studio import profile_dialog

    welcomed = []

    def fill_and_accept(dialog):
        welcomed.append(dialog.windowTitle())
        qtbot.keyClicks(dialog.form.inputs["name"], "Spine & Strength")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(profile_dialog.FirstStartDialog, "exec", fill_and_accept)
    window = make_window(qtbot, database, runner)
    screen = screen_of(window)
    assert welcomed == ["Welcome to Upright"]
    assert window.screens.currentWidget() is screen and screen.stack.currentWidget() is screen.owner
    assert screen.studio.text() == "Spine & Strength"
    assert "At least 8 characters" in screen.owner.rules.text()
    assert not window.new_client_action.isEnabled() and not window.lock_action.isEnabled()

    page = screen.owner
    qtbot.keyClicks(page.first_name, "Olivia")
    qtbot.keyClicks(page.last_name, "Stone")
    qtbot.keyClicks(page.password, "short")
    qtbot.keyClicks(page.again, "shorter")
    page.button.click()
    assert "not the same" in page.error.text() and page.error.isVisible()
    page.password.clear()
    qtbot.keyClicks(page.password, "short")
    qtbot.keyClicks(page.again, "short")
    qtbot.keyClick(page.again, Qt.Key.Key_Return)
    assert "at least 8 characters" in page.error.text()
    assert window.screens.currentWidget() is screen

    page.password.clear()
    page.again.clear()
    qtbot.keyClicks(page.password, "a long owner secret")
    qtbot.keyClicks(page.again, "a long owner secret")
    qtbot.keyClick(page.again, Qt.Key.Key_Return)
    assert window.screens.currentWidget() is window.pages
    assert window.person_label.text() == "Olivia Stone · owner"
    assert window.staff_action.isVisible() and window.staff_action.isEnabled()
    assert window.windowTitle() == "Upright — Spine & Strength"
    assert trail(database, "sign_in") == ["Olivia Stone signed in (owner)"]
    assert answers.said == []


def test_a_studio_from_before_sign_in_lets_its_owner_choose_a_password(qtbot, database, runner, answers):
    with database.session_factory.begin() as s:
        s.info["person"] = access.TOOLS
        studio_profile.save(s, studio_profile.parse({"name": "Old Studio", "weight_unit": "kg", "length_unit": "cm", "paper": "a4"}))
        helen = staff.create(s, staff.parse({"first_name": "Helen", "last_name": "Marsh", "role": "owner"}))
        staff.create(s, staff.parse({"first_name": "Maria", "last_name": "Santos", "role": "trainer"}))
    window = make_window(qtbot, database, runner)
    page = screen_of(window).owner
    assert screen_of(window).stack.currentWidget() is page
    assert [page.who.itemText(i) for i in range(page.who.count())] == ["Helen Marsh", "Someone new"]
    assert not page.first_name.isVisible()  # Helen is chosen: no name to type
    qtbot.keyClicks(page.password, "helens own pass")
    qtbot.keyClicks(page.again, "helens own pass")
    page.button.click()
    assert window.desk.person == access.Person(helen.id, "Helen Marsh", access.OWNER)
    assert window.screens.currentWidget() is window.pages


def test_restart_shows_the_names_a_wrong_password_is_refused_the_right_one_lets_in(qtbot, window, database, studio, answers):
    screen = screen_of(window)
    assert window.screens.currentWidget() is screen and screen.stack.currentWidget() is screen.choose
    names = [screen.choose.names.item(r).text() for r in range(screen.choose.names.count())]
    assert names == ["Kai Berg  —  no password yet", "Sam Lee  —  front desk", "Maria Santos  —  trainer",
                     "Olivia Stone  —  owner"]  # fmt: skip
    assert "López" not in visible_text(window) and "Ana" not in visible_text(window)

    sign_in(qtbot, window, studio["owner"], "not my password")
    assert screen.choose.error.isVisible()
    assert "That password is not right. 4 more wrong tries" in screen.choose.error.text()
    assert window.screens.currentWidget() is screen
    assert window.desk.person is access.NOBODY

    sign_in(qtbot, window, studio["owner"], OWNER_PASSWORD)
    assert window.screens.currentWidget() is window.pages
    assert window.person_label.text() == "Olivia Stone · owner"
    assert window.clients_page.model.rowCount() == 1
    assert trail(database, "sign_in_failed") == ["Wrong password for Olivia Stone (1 in a row)"]
    assert answers.said == []


def test_too_many_wrong_tries_count_down_but_someone_else_may_sign_in(qtbot, window, studio):
    screen = screen_of(window)
    for _ in range(5):
        sign_in(qtbot, window, studio["trainer"], "wrong guess")
    assert "try again in 30 seconds" in screen.choose.error.text()
    assert not screen.choose.button.isEnabled()
    screen._tick()
    assert "try again in 29 seconds" in screen.choose.error.text()
    sign_in(qtbot, window, studio["desk"], DESK_PASSWORD)  # another name: their own account
    assert window.person_label.text() == "Sam Lee · front desk"


def test_before_anyone_signs_in_the_window_reads_nothing_but_the_sign_in_screen(qtbot, database, runner, studio, answers, caplog):
    import logging

    caplog.set_level(logging.INFO)
    refused = []
    real_require = access.require

    def require(session, permission):
        try:
            return real_require(session, permission)
        except access.AccessRefused:
            refused.append(permission)
            raise

    from unittest import mock

    with mock.patch.object(access, "require", require):
        window = make_window(qtbot, database, runner)
        window.show_page("referrals")  # even a page asked for by code stays behind the screen
    assert refused == [] and answers.said == [] and "refused while nobody" not in caplog.text
    assert window.screens.currentWidget() is screen_of(window)
    with database.session_factory() as s:  # the window's sessions, as they are now
        with pytest.raises(access.AccessRefused, match="Sign in first"):
            clients.get(s, studio["ana"])


# --- locking ----------------------------------------------------------------------------------


def test_ctrl_l_hides_everything_and_the_same_person_finds_their_typing_again(qtbot, window, database, studio, typist, answers):
    sign_in(qtbot, window, studio["trainer"], TRAINER_PASSWORD)
    page = open_ana(window, None)
    form = page.client_tab.editor.form
    typist(form.inputs["occupation"], "Night-shift nurse")
    assert page.client_tab.has_unsaved_changes()

    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    screen = screen_of(window)
    assert window.screens.currentWidget() is screen
    shown = visible_text(window)
    assert "López" not in shown and "Night-shift" not in shown and "555 0101" not in shown
    assert "Locked by Maria Santos" in shown
    assert screen.chosen_staff_id() == studio["trainer"]  # the person who locked it, chosen
    assert not window.save_action.isEnabled() and not window.new_client_action.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S does nothing
    assert page.client_tab.has_unsaved_changes()
    assert window.desk.person is access.NOBODY  # the sessions no longer work for Maria
    assert trail(database, "lock") == ["Maria Santos locked the desk"]

    sign_in(qtbot, window, studio["trainer"], "wrong one")
    assert window.screens.currentWidget() is screen
    sign_in(qtbot, window, studio["trainer"], TRAINER_PASSWORD)
    assert window.screens.currentWidget() is window.pages
    assert page.tabs.currentWidget() is page.client_tab
    assert form.inputs["occupation"].text() == "Night-shift nurse"
    assert page.client_tab.has_unsaved_changes()
    assert form.inputs["occupation"].hasFocus()  # the cursor where it was
    assert window.save_action.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with database.session_factory() as s:
        assert clients.get(s, studio["ana"]).details.occupation == "Night-shift nurse"
    assert answers.said == []


def test_idle_lock_keeps_unsaved_edits_and_saves_the_assessment_draft_as_its_author(qtbot, window, database, studio, typist, answers):
    sign_in(qtbot, window, studio["trainer"], TRAINER_PASSWORD)
    lock = window.edit_lock_settings()
    assert lock.minutes.value() == 5  # the default
    lock.minutes.setValue(12)
    lock.accept()
    assert options.get("desk/lock_minutes") == 12 and window.desk.idle.timer.interval() == 12 * 60_000
    assert window.desk.idle.timer.isActive()

    page = open_ana(window)
    typist(page.client_tab.editor.form.inputs["email"], "ana@example.com")
    page.tabs.setCurrentWidget(page.assessment_tab)
    tab = page.assessment_tab
    from PySide6.QtWidgets import QSpinBox

    nprs = next(w for w in tab.findChildren(QSpinBox) if w.objectName() == "pain_nprs_now")
    nprs.setValue(7)
    assert tab.has_unsaved_changes()

    window.desk.idle.set_minutes(12, interval_ms=30)  # twelve minutes, in a test's time
    qtbot.waitUntil(lambda: window.desk.covered, timeout=3000)
    assert "López" not in visible_text(window)
    assert not tab.has_unsaved_changes()  # the draft saved itself before the lock, as Maria
    with database.session_factory() as s:
        s.info["person"] = access.TOOLS
        assert assessments.latest(s, studio["ana"]).data.pain.nprs_now == 7
    assert trail(database, "lock") == ["Maria Santos locked the desk (idle for 12 minutes)"]

    sign_in(qtbot, window, studio["trainer"], TRAINER_PASSWORD)
    assert page.tabs.currentWidget() is tab and nprs.value() == 7
    assert page.client_tab.editor.form.inputs["email"].text() == "ana@example.com"
    assert page.client_tab.has_unsaved_changes()
    assert answers.said == []


def test_input_keeps_the_desk_awake_and_an_open_question_delays_the_idle_lock(qtbot, window, studio, monkeypatch):
    from PySide6.QtWidgets import QApplication, QMessageBox

    sign_in(qtbot, window, studio["owner"], OWNER_PASSWORD)
    idle = window.desk.idle
    idle.set_minutes(5, interval_ms=400)
    qtbot.wait(250)
    qtbot.keyClick(window.clients_page.search_box, Qt.Key.Key_A)  # someone is there
    assert idle.timer.remainingTime() > 300
    box = QMessageBox(QMessageBox.Icon.Question, "A question", "Waiting for an answer", parent=window)
    box.setWindowModality(Qt.WindowModality.ApplicationModal)
    box.show()
    monkeypatch.setattr(QApplication, "activeModalWidget", staticmethod(lambda: box))
    window.desk.idle_lock()
    assert not window.desk.covered  # waits for the answer
    monkeypatch.setattr(QApplication, "activeModalWidget", staticmethod(lambda: None))
    box.close()
    window.desk.idle_lock()
    assert window.desk.covered


def test_a_preview_window_is_hidden_while_locked_and_back_after(qtbot, window, studio):
    from PySide6.QtWidgets import QDialog

    sign_in(qtbot, window, studio["owner"], OWNER_PASSWORD)
    other = QDialog(window)
    other.setWindowTitle("Ana López — home program")
    other.show()
    window.lock()
    assert not other.isVisible()
    sign_in(qtbot, window, studio["owner"], OWNER_PASSWORD)
    assert other.isVisible()


def test_closing_while_locked_with_unsaved_edits_asks_the_person_to_sign_in(qtbot, window, studio, typist, answers):
    sign_in(qtbot, window, studio["trainer"], TRAINER_PASSWORD)
    page = open_ana(window)
    typist(page.client_tab.editor.form.inputs["occupation"], "Baker")
    window.lock()
    window.close()
    assert answers.said == [("inform", "Unsaved changes: Maria Santos has unsaved changes. "
                                       "Sign in to save or discard them before closing Upright.")]  # fmt: skip


# --- roles ------------------------------------------------------------------------------------


def test_the_front_desk_cannot_open_the_assessment_tab(qtbot, window, database, studio, answers):
    sign_in(qtbot, window, studio["desk"], DESK_PASSWORD)
    assert window.person_label.text() == "Sam Lee · front desk"
    page = open_ana(window)
    tabs = page.tabs
    index = tabs.indexOf(page.assessment_tab)
    assert not tabs.isTabVisible(index) and not tabs.isTabEnabled(index)
    assert not tabs.isTabVisible(tabs.indexOf(page.program_tab))
    assert [tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)] == ["Client", "Referrals", "Documents"]
    # Neither the keyboard nor a click gets there: Ctrl+Tab goes from Client straight to Referrals.
    tabs.setCurrentWidget(page.client_tab)
    qtbot.keyClick(tabs, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentWidget() is page.referrals_tab
    tabs.tabBar().setCurrentIndex(index)
    assert tabs.currentWidget() is not page.assessment_tab
    assert page.assessment_tab.client_id is None  # it loaded nothing of Ana's
    # The service says no all the same.
    with database.session_factory() as s:
        with pytest.raises(access.AccessRefused, match="Only an owner or a trainer"):
            assessments.list_for_client(s, studio["ana"])
    # Contact details yes; the notes, new handouts, letters, Refer… and the owner's things no.
    assert not page.client_tab.editor.form.inputs["notes"].isVisibleTo(page.client_tab)
    assert page.client_tab.editor.form.inputs["phone"].text() == "555 0101"
    assert "disc injury" not in visible_text(window)
    documents = page.documents_tab
    assert not documents.handout_button.isVisibleTo(documents) and documents.again_button.isVisibleTo(documents)
    referrals = page.referrals_tab
    assert not referrals.refer_button.isVisibleTo(referrals) and not referrals.actions.open_button.isVisibleTo(referrals)
    assert referrals.actions.status_button.isVisibleTo(referrals)
    for action in (window.staff_action, window.profile_action, window.backups_action, window.server_action,
                   window.print_action, window.batch_action, window.import_clients_action):  # fmt: skip
        assert not action.isVisible() and not action.isEnabled()
    assert all(action.isEnabled() for action in window.questionnaire_actions)  # blank forms, for the waiting room
    window.show_page("referrals")
    window.show_page("clinicians")
    assert answers.said == []  # nothing it showed asked for what the front desk may not see


def test_the_referrals_page_is_built_when_first_shown_and_the_front_desk_role_reaches_it(qtbot, window, studio, answers):
    from ui.referrals.page import ReferralsPage

    sign_in(qtbot, window, studio["desk"], DESK_PASSWORD)
    assert window.findChild(ReferralsPage) is None  # nothing of it loaded for looking people up
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = window.pages.currentWidget()
    assert isinstance(page, ReferralsPage) and window.findChild(ReferralsPage) is page
    assert not page.actions.open_button.isVisibleTo(page) and not page.actions.reply_button.isVisibleTo(page)
    assert answers.said == []


def test_a_trainer_sees_the_clinical_tabs_but_not_the_owners_settings(qtbot, window, studio, answers):
    sign_in(qtbot, window, studio["trainer"], TRAINER_PASSWORD)
    page = open_ana(window, None)
    page.tabs.setCurrentWidget(page.assessment_tab)
    assert page.tabs.currentWidget() is page.assessment_tab and page.assessment_tab.client_id == studio["ana"]
    assert page.client_tab.editor.form.inputs["notes"].isVisibleTo(page.client_tab)
    assert window.print_action.isVisible()
    assert not window.staff_action.isVisible() and not window.backups_action.isVisible()
    assert not window.lock_settings_action.isVisible()
    assert answers.said == []


# --- switching person -------------------------------------------------------------------------


def test_quick_switch_with_unsaved_edits_asks_and_the_front_desk_loses_the_clinical_tabs(qtbot, window, studio, typist, answers):
    sign_in(qtbot, window, studio["trainer"], TRAINER_PASSWORD)
    page = open_ana(window)
    typist(page.client_tab.editor.form.inputs["occupation"], "Teacher")
    page.tabs.setCurrentWidget(page.assessment_tab)
    window.lock()

    answers.confirm = False  # let Maria come back to it
    sign_in(qtbot, window, studio["desk"], DESK_PASSWORD)
    assert answers.said[-1] == (
        "confirm",
        "Unsaved changes: Maria Santos has unsaved changes to the client's details (Ana López).\n\n"
        "Cancel to let Maria come back to them, or discard them and switch to Sam Lee.",
    )
    assert window.desk.covered and screen_of(window).chosen_staff_id() == studio["trainer"]
    assert page.client_tab.editor.form.inputs["occupation"].text() == "Teacher"

    answers.confirm = True  # discard them and switch
    sign_in(qtbot, window, studio["desk"], DESK_PASSWORD)
    assert window.person_label.text() == "Sam Lee · front desk"
    assert not page.client_tab.has_unsaved_changes()
    assert page.client_tab.editor.form.inputs["occupation"].text() == ""
    assert page.tabs.currentWidget() is page.client_tab  # the Assessment tab Maria left open is gone
    assert not page.tabs.isTabVisible(page.tabs.indexOf(page.assessment_tab))
    assert page.assessment_tab.record is None

    window.lock()  # Maria again: her tabs come back, loaded
    sign_in(qtbot, window, studio["trainer"], TRAINER_PASSWORD)
    assert page.tabs.isTabVisible(page.tabs.indexOf(page.assessment_tab))
    assert page.assessment_tab.client_id == studio["ana"]


def test_sign_out_asks_about_unsaved_changes_and_leaves_no_client_open(qtbot, window, studio, typist, answers):
    sign_in(qtbot, window, studio["owner"], OWNER_PASSWORD)
    page = open_ana(window)
    typist(page.client_tab.editor.form.inputs["occupation"], "Chef")
    answers.unsaved = "discard"
    window.sign_out_action.trigger()
    assert answers.said == [("unsaved", "the client's details")]
    assert window.desk.covered and window.desk.locked_by is None
    assert screen_of(window).choose.heading.text() == "Sign in"
    sign_in(qtbot, window, studio["trainer"], TRAINER_PASSWORD)
    assert page.current_id is None and page.right.currentIndex() == 0


# --- passwords --------------------------------------------------------------------------------


def test_the_owner_resets_a_password_and_the_trainer_must_choose_their_own(qtbot, window, database, studio, answers):
    from ui.studio.staff_dialog import StaffDialog

    sign_in(qtbot, window, studio["owner"], OWNER_PASSWORD)
    dialog = StaffDialog(window.runner, window)
    qtbot.addWidget(dialog)
    directory = dialog.directory
    signed = {directory.model.records[r].name: directory.model.data(directory.model.index(r, 2))
              for r in range(directory.model.rowCount())}  # fmt: skip
    assert signed == {"Kai Berg": "none yet", "Sam Lee": "set", "Maria Santos": "set", "Olivia Stone": "set"}
    assert not dialog.password_button.isEnabled()
    directory.table.selectRow(directory.model.row_of(studio["trainer"]))
    assert dialog.password_button.isEnabled() and dialog.password_button.text() == "Reset password…"
    reset = dialog.set_password()
    assert "Maria will be asked to choose a new one at the next sign-in" in reset.intro.text()
    qtbot.keyClicks(reset.password, "temporary-123")
    qtbot.keyClicks(reset.again, "temporary-124")
    reset.save()
    assert "not the same" in reset.error.text()
    qtbot.keyClicks(reset.again, "temporary-123")
    reset.save()
    assert reset.result() == reset.DialogCode.Accepted
    dialog.reject()

    window.lock()
    sign_in(qtbot, window, studio["trainer"], TRAINER_PASSWORD)  # the old one no longer works
    assert "not right" in screen_of(window).choose.error.text()
    sign_in(qtbot, window, studio["trainer"], "temporary-123")
    screen = screen_of(window)
    assert screen.stack.currentWidget() is screen.new_password
    assert window.screens.currentWidget() is screen  # nothing of the studio until it is chosen
    qtbot.keyClicks(screen.new_password.password, "temporary-123")
    qtbot.keyClicks(screen.new_password.again, "temporary-123")
    qtbot.keyClick(screen.new_password.again, Qt.Key.Key_Return)
    assert "not the one you have now" in screen.new_password.error.text()
    screen.new_password.password.clear()
    screen.new_password.again.clear()
    qtbot.keyClicks(screen.new_password.password, "marias own secret")
    qtbot.keyClicks(screen.new_password.again, "marias own secret")
    qtbot.keyClick(screen.new_password.again, Qt.Key.Key_Return)
    assert window.person_label.text() == "Maria Santos · trainer"
    assert window.screens.currentWidget() is window.pages

    window.lock()
    sign_in(qtbot, window, studio["trainer"], "marias own secret")
    assert window.person_label.text() == "Maria Santos · trainer"
    assert trail(database, "password_reset") == ["Olivia Stone reset the password of Maria Santos"]


def test_a_first_password_for_a_newcomer(qtbot, window, studio):
    from ui.studio.staff_dialog import StaffDialog

    sign_in(qtbot, window, studio["owner"], OWNER_PASSWORD)
    dialog = StaffDialog(window.runner, window)
    qtbot.addWidget(dialog)
    dialog.directory.table.selectRow(dialog.directory.model.row_of(studio["newcomer"]))
    assert dialog.password_button.text() == "Set password…"
    first = dialog.set_password()
    qtbot.keyClicks(first.password, "kai-start-1")
    qtbot.keyClicks(first.again, "kai-start-1")
    first.save()
    row = dialog.directory.model.row_of(studio["newcomer"])
    assert dialog.directory.model.data(dialog.directory.model.index(row, 2)) == "set"


def test_a_person_changes_their_own_password(qtbot, window, studio):
    sign_in(qtbot, window, studio["desk"], DESK_PASSWORD)
    dialog = window.change_my_password()
    qtbot.keyClicks(dialog.old, "not it at all")
    qtbot.keyClicks(dialog.password, "sams new secret")
    qtbot.keyClicks(dialog.again, "sams new secret")
    dialog.save()
    assert dialog.error.text() == "That is not your current password."
    dialog.old.clear()
    qtbot.keyClicks(dialog.old, DESK_PASSWORD)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    window.lock()
    sign_in(qtbot, window, studio["desk"], "sams new secret")
    assert window.person_label.text() == "Sam Lee · front desk"


# --- the demo ---------------------------------------------------------------------------------


def test_the_demo_studio_says_how_to_sign_in(qtbot, database, runner, answers, monkeypatch):
    from studio.services.demo import DEMO_PASSWORDS
    from ui.studio import profile_dialog

    def choose_demo(dialog):
        dialog.choose_demo()
        return dialog.result()

    monkeypatch.setattr(profile_dialog.FirstStartDialog, "exec", choose_demo)
    window = make_window(qtbot, database, runner)
    screen = screen_of(window)
    assert screen.stack.currentWidget() is screen.choose  # the demo made its own accounts
    note = screen.choose.note.text()
    assert screen.choose.note.isVisible() and DEMO_PASSWORDS["front_desk"] in note and "Front desk" in note
    owner = next(c for c in window.desk.state.choices if c.role == access.OWNER)
    sign_in(qtbot, window, owner.staff_id, DEMO_PASSWORDS["owner"])
    assert window.person_label.text() == f"{owner.name} · owner"
    assert window.clients_page.model.rowCount() > 0
