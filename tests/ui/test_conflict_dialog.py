"""Two desks, one client: the second save shows their values beside yours, and the person keeps
theirs or their own — by typing and clicking, with the other desk saving through the services (in
this process, and from another process holding the same database)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from studio.clinical.assessment import ProvocationResult
from studio.models import Client
from studio.services import assessments, clients, clinicians, programs, records, staff
from ui.widgets.conflict_dialog import THEIRS, YOURS

THEM, US = "TRAINING-ROOM (kai)", "FRONT-DESK (maria)"


@pytest.fixture(autouse=True)
def desk():
    records.set_actor(US)
    yield
    records.set_actor(None)


def at_the_other_desk(database, work):
    """Save something as the training room does, then come back to the front desk."""
    records.set_actor(THEM)
    try:
        with database.session_factory.begin() as s:
            return work(s)
    finally:
        records.set_actor(US)


def stored_client(database, client_id):
    with database.session_factory() as s:
        return clients.get(s, client_id), s.get(Client, client_id).changed_by


@pytest.fixture
def mia(database):
    with database.session_factory.begin() as s:
        return clients.create(s, clients.parse({"first_name": "Mia", "last_name": "Silva", "phone": "555 123 4567"}))


@pytest.fixture
def editor(window, mia):
    page = window.clients_page
    window.show_page("clients")
    window.show()
    page.run_search()
    page.table.selectRow(0)
    assert page.client_tab.editor.record.id == mia.id
    return page.client_tab.editor


@pytest.fixture
def retype(qtbot, typist):
    def retype(widget, text):
        widget.setFocus()
        qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(widget, Qt.Key.Key_Delete)
        typist(widget, text)

    return retype


def press_save(qtbot, window):
    """Ctrl+S, as the person presses it: the window's Save shortcut."""
    if QApplication.activeWindow() is not window:
        with qtbot.waitActive(window):
            window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def shown(dialog, name, side):
    return dialog.radio(name, side).parent().text.text()


def click_side(qtbot, dialog, name, side):
    qtbot.mouseClick(dialog.radio(name, side).parent().text, Qt.MouseButton.LeftButton)


def their_change(database, mia, **changes):
    values = {"first_name": "Mia", "last_name": "Silva", "phone": "555 123 4567", **changes}
    return at_the_other_desk(database, lambda s: clients.update(s, mia.id, mia.version, clients.parse(values)))


# --- the client form ---------------------------------------------------------------------------


def test_keep_mine_saves_my_change_over_theirs_and_keeps_theirs(qtbot, window, editor, database, mia, retype):
    retype(editor.form.inputs["phone"], "555 777 8888")
    theirs = their_change(database, mia, occupation="Nurse", email="mia@example.com")
    press_save(qtbot, window)

    dialog = editor.conflict
    assert dialog is not None and dialog.isVisible()
    heading = dialog.findChild(object, "conflictHeading").text()
    assert THEM in heading and f"{theirs.updated_at.astimezone():%H:%M}" in heading
    assert (shown(dialog, "phone", YOURS), shown(dialog, "phone", THEIRS)) == ("555 777 8888", "555 123 4567")
    assert (shown(dialog, "occupation", YOURS), shown(dialog, "occupation", THEIRS)) == ("—", "Nurse")
    assert dialog.radio("phone", YOURS).isChecked() and dialog.radio("occupation", THEIRS).isChecked()
    assert dialog.radio("email", THEIRS).isChecked()
    assert "changed here" in dialog.findChild(object, "label_phone").text()
    assert "changed at the other desk" in dialog.findChild(object, "label_occupation").text()
    with database.session_factory() as s:  # nothing saved until the person chooses
        assert clients.get(s, mia.id).version == theirs.version

    qtbot.mouseClick(dialog.keep_mine_button, Qt.MouseButton.LeftButton)
    saved, by = stored_client(database, mia.id)
    assert (saved.details.phone, saved.details.occupation, saved.details.email) == ("555 777 8888", "Nurse", "mia@example.com")
    assert saved.version == theirs.version + 1 and by == US
    assert editor.conflict is None and not editor.has_unsaved_changes()
    assert editor.form.inputs["occupation"].text() == "Nurse" and editor.record.version == saved.version


def test_a_field_both_desks_changed_is_kept_the_way_the_person_ticks(qtbot, window, editor, database, mia, retype):
    retype(editor.form.inputs["phone"], "555 777 8888")
    retype(editor.form.inputs["occupation"], "Welder")
    their_change(database, mia, phone="555 000 9999", referral_source="Dr Holm")
    press_save(qtbot, window)
    dialog = editor.conflict
    assert "changed at both desks" in dialog.findChild(object, "label_phone").text()
    assert dialog.radio("phone", YOURS).isChecked()

    click_side(qtbot, dialog, "phone", THEIRS)  # their number is the newer one, after all
    assert dialog.radio("phone", THEIRS).isChecked()
    dialog.keep_mine_button.click()
    saved, _by = stored_client(database, mia.id)
    assert (saved.details.phone, saved.details.occupation, saved.details.referral_source) == ("555 000 9999", "Welder", "Dr Holm")


def test_take_theirs_shows_their_version_and_saves_nothing(qtbot, window, editor, database, mia, retype):
    retype(editor.form.inputs["phone"], "555 777 8888")
    theirs = their_change(database, mia, occupation="Nurse")
    press_save(qtbot, window)
    qtbot.mouseClick(editor.conflict.take_theirs_button, Qt.MouseButton.LeftButton)

    assert editor.form.inputs["occupation"].text() == "Nurse"
    assert editor.form.inputs["phone"].text() == "555 123 4567"
    assert not editor.has_unsaved_changes() and editor.record.version == theirs.version
    saved, by = stored_client(database, mia.id)
    assert saved.version == theirs.version and by == THEM


def test_cancel_goes_back_to_the_form_with_my_typing(qtbot, window, editor, database, mia, retype):
    retype(editor.form.inputs["phone"], "555 777 8888")
    theirs = their_change(database, mia, occupation="Nurse")
    press_save(qtbot, window)
    editor.conflict.cancel_button.click()

    assert editor.conflict is None
    assert editor.form.inputs["phone"].text() == "555 777 8888" and editor.has_unsaved_changes()
    assert stored_client(database, mia.id)[0].version == theirs.version
    press_save(qtbot, window)  # saving again compares again
    assert editor.conflict is not None and editor.conflict.radio("phone", YOURS).isChecked()
    editor.conflict.reject()


def test_same_fields_are_folded_away_until_asked_for(qtbot, window, editor, database, mia, retype):
    retype(editor.form.inputs["phone"], "555 777 8888")
    their_change(database, mia, occupation="Nurse")
    press_save(qtbot, window)
    dialog = editor.conflict
    toggle = dialog.findChild(object, "showSame")
    assert toggle.isVisible() and toggle.text() == f"{len(clients.FIELDS) - 2} fields the same on both desks"
    assert not any(widget.isVisible() for widget in dialog._same_widgets)
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert all(widget.isVisible() for widget in dialog._same_widgets)
    dialog.reject()


def test_archiving_a_client_another_desk_just_changed_offers_their_version(qtbot, editor, database, mia, answers):
    their_change(database, mia, occupation="Nurse")
    answers.confirm = True  # yes, archive; then yes, reload
    editor.archive_button.click()
    assert answers.said[-1][0] == "confirm" and f"Changed by {THEM}" in answers.said[-1][1]
    assert "so it was not archived" in answers.said[-1][1]
    assert editor.form.inputs["occupation"].text() == "Nurse"
    saved, _by = stored_client(database, mia.id)
    assert not saved.archived


def test_a_client_deleted_at_the_other_desk_is_said_plainly_and_the_typing_stays(qtbot, window, editor, database, mia, answers, retype):
    retype(editor.form.inputs["phone"], "555 777 8888")
    at_the_other_desk(database, lambda s: s.delete(s.get(Client, mia.id)))
    press_save(qtbot, window)
    assert editor.conflict is None
    assert answers.said[-1][0] == "warn" and "deleted at another desk" in answers.said[-1][1]
    assert editor.form.inputs["phone"].text() == "555 777 8888"


def test_the_clinician_form_resolves_the_same_way(qtbot, window, database, retype, answers):
    with database.session_factory.begin() as s:
        ida = clinicians.create(s, clinicians.parse({"first_name": "Ida", "last_name": "Holm", "specialty": "primary_care", "accepting_new": "yes"}))
    window.show_page("clinicians")
    window.show()
    page = window.clinicians_page
    page.reload()
    page.table.selectRow(0)
    editor = page.editor
    assert editor.record.id == ida.id
    retype(editor.form.inputs["phone"], "555 010 2030")
    at_the_other_desk(database, lambda s: clinicians.update(
        s, ida.id, ida.version, clinicians.parse({"first_name": "Ida", "last_name": "Holm", "specialty": "primary_care",
                                                  "practice": "Harbour Clinic", "accepting_new": False})))
    press_save(qtbot, window)
    dialog = editor.conflict
    assert (shown(dialog, "accepting_new", YOURS), shown(dialog, "accepting_new", THEIRS)) == ("Yes", "No")
    assert dialog.radio("accepting_new", THEIRS).isChecked()
    dialog.keep_mine_button.click()
    with database.session_factory() as s:
        saved = clinicians.get(s, ida.id)
    assert (saved.details.phone, saved.details.practice, saved.details.accepting_new) == ("555 010 2030", "Harbour Clinic", False)


# --- another process holds the same database ----------------------------------------------------

OTHER_DESK = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from studio.db import open_database
    from studio.services import clients, records
    records.set_actor("TRAINING-ROOM (kai)")
    db = open_database({url!r})
    with db.session_factory.begin() as s:
        seen = clients.get(s, {client_id})
        values = {{name: getattr(seen.details, name) for name in clients.ClientDetails.__dataclass_fields__}}
        values.update(occupation="Physiotherapist", email="mia@clinic.example")
        clients.update(s, seen.id, seen.version, clients.ClientDetails(**values))
    db.close()
    """
)


def test_an_edit_from_another_process_is_never_lost(qtbot, window, editor, database, mia, retype):
    retype(editor.form.inputs["phone"], "555 777 8888")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    code = OTHER_DESK.format(root=root, url=database.url, client_id=mia.id)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr

    press_save(qtbot, window)
    dialog = editor.conflict
    assert dialog is not None and THEM in dialog.findChild(object, "conflictHeading").text()
    assert shown(dialog, "occupation", THEIRS) == "Physiotherapist"
    dialog.keep_mine_button.click()
    saved, by = stored_client(database, mia.id)
    assert (saved.details.phone, saved.details.occupation, saved.details.email) == (
        "555 777 8888", "Physiotherapist", "mia@clinic.example")
    assert saved.version == mia.version + 2 and by == US


# --- the assessment draft -----------------------------------------------------------------------


@pytest.fixture
def assessment_tab(window, mia, database):
    with database.session_factory.begin() as s:
        staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"}))
    page = window.clients_page
    window.show_page("clients")
    window.show()
    page.run_search()
    page.table.selectRow(0)
    tab = page.workspace[1]
    page.tabs.setCurrentWidget(tab)
    tab.start_button.click()
    assert tab.record is not None
    return tab


def child(widget, name):
    found = widget.findChild(object, name)
    assert found is not None, name
    return found


def section(tab, title):
    return next(s for s in tab.sections if s.title == title)


def their_assessment(database, record, change):
    return at_the_other_desk(database, lambda s: assessments.save(s, record.id, record.version, change(record.data)))


def test_an_assessment_draft_saved_at_both_desks_keeps_both(qtbot, window, assessment_tab, database, typist):
    tab = assessment_tab
    opened = tab.record
    pain = section(tab, "Pain history")
    typist(child(pain, "pain_medications"), "ibuprofen as needed")
    child(pain, "pain_nprs_now").setValue(6)
    theirs = their_assessment(database, opened, lambda data: dataclasses.replace(
        data, lifestyle=dataclasses.replace(data.lifestyle, sleep_hours=7.5),
        pain=dataclasses.replace(data.pain, nprs_now=4)))
    press_save(qtbot, window)

    dialog = tab.conflict
    assert dialog is not None and THEM in dialog.findChild(object, "conflictHeading").text()
    rows = {row.label: row for row in dialog.rows if row.differs}
    assert rows["Medications (reported)"].yours == "ibuprofen as needed" and rows["Medications (reported)"].theirs == "not recorded"
    assert (rows["Sleep per night"].yours, rows["Sleep per night"].theirs) == ("not recorded", "7.5 h")
    assert rows["Pain now (0–10)"].where_changed == "changed at both desks"
    assert {row.group for row in rows.values()} == {"Pain history", "Lifestyle and goals"}
    assert dialog.radio(rows["Sleep per night"].name, THEIRS).isChecked()
    dialog.keep_mine_button.click()

    with database.session_factory() as s:
        stored = assessments.get(s, opened.id)
    assert stored.data.pain.medications == "ibuprofen as needed" and stored.data.pain.nprs_now == 6
    assert stored.data.lifestyle.sleep_hours == 7.5
    assert stored.version == theirs.version + 1
    assert not tab.has_unsaved_changes() and child(section(tab, "Lifestyle and goals"), "lifestyle_sleep_hours").value() == 7.5


def test_take_theirs_shows_their_assessment(qtbot, window, assessment_tab, database, typist):
    tab = assessment_tab
    opened = tab.record
    typist(child(section(tab, "Pain history"), "pain_medications"), "ibuprofen")
    theirs = their_assessment(database, opened, lambda data: dataclasses.replace(
        data, provocation={"standing_flexion": ProvocationResult("provokes")}))
    tab.save()
    rows = {row.label: row for row in tab.conflict.rows if row.differs}
    assert rows["Bend forward from standing"].theirs == "Provokes"
    tab.conflict.take_theirs_button.click()
    assert child(section(tab, "Pain history"), "pain_medications").value() is None
    assert child(section(tab, "Provocation tests"), "result_standing_flexion").value() == "provokes"
    assert tab.record.version == theirs.version and not tab.has_unsaved_changes()


def test_cancel_holds_the_autosave_until_the_person_saves(qtbot, window, assessment_tab, database, typist):
    tab = assessment_tab
    their_assessment(database, tab.record, lambda data: dataclasses.replace(data, notes="from the mat"))
    typist(child(section(tab, "Pain history"), "pain_medications"), "ibuprofen")
    tab.save()
    tab.conflict.cancel_button.click()
    assert "Not saved — changed by TRAINING-ROOM (kai)" in tab.state.text()
    typist(child(section(tab, "Pain history"), "pain_medications"), " daily")
    assert not tab._autosave.isActive() and tab.has_unsaved_changes()
    press_save(qtbot, window)
    assert tab.conflict is not None
    tab.conflict.keep_mine_button.click()
    with database.session_factory() as s:
        stored = assessments.get(s, tab.record.id)
    assert stored.data.pain.medications == "ibuprofen daily" and stored.data.notes == "from the mat"


def test_an_assessment_signed_at_the_other_desk_can_only_be_taken(qtbot, window, assessment_tab, database, typist):
    tab = assessment_tab
    trainer_id = tab.trainer.itemData(1)
    at_the_other_desk(database, lambda s: assessments.sign(s, tab.record.id, tab.record.version, trainer_id))
    typist(child(section(tab, "Pain history"), "pain_medications"), "ibuprofen")
    tab.save()
    dialog = tab.conflict
    assert not dialog.keep_mine_button.isEnabled()
    assert "signed it at the other desk" in dialog.findChild(object, "conflictAdvice").text()
    dialog.take_theirs_button.click()
    assert tab.record.signed and "Signed by Kai Berg" in tab.state.text()


def test_deleting_a_draft_another_desk_just_saved_offers_their_version(qtbot, assessment_tab, database, answers):
    tab = assessment_tab
    their_assessment(database, tab.record, lambda data: dataclasses.replace(data, notes="from the mat"))
    answers.confirm = True
    tab.delete_button.click()
    assert "so it was not deleted" in answers.said[-1][1]
    with database.session_factory() as s:
        assert assessments.get(s, tab.record.id).data.notes == "from the mat"
    assert tab.record.data.notes == "from the mat"


# --- the program's doses --------------------------------------------------------------------------


@pytest.fixture
def program_tab(window, mia, database):
    with database.session_factory.begin() as s:
        allowed = [r.exercise.code for r in programs.screen_for_client(s, mia.id) if r.allowed][:2]
        program = programs.create_draft(s, mia.id, title="Home program")
        for code in allowed:
            program = programs.add_item(s, program.id, program.version, code)
    page = window.clients_page
    window.show_page("clients")
    page.run_search()
    page.table.selectRow(0)
    tab = page.workspace[2]
    page.tabs.setCurrentWidget(tab)
    assert tab.program is not None and len(tab.program.items) == 2
    return tab


def card_of(tab, item_id):
    from ui.program.item_card import ItemCard

    return next(card for card in tab.items_body.findChildren(ItemCard) if card.item.id == item_id)


def test_keep_mine_applies_my_dose_again_on_their_program(qtbot, program_tab, database):
    tab = program_tab
    first, second = tab.program.items
    opened = tab.program
    theirs = at_the_other_desk(database, lambda s: programs.update_item_dose(s, opened.id, opened.version, second.id, reps=15))
    card_of(tab, first.id).inputs["sets"].setValue(4)

    dialog = tab.conflict
    assert dialog is not None and THEM in dialog.findChild(object, "conflictHeading").text()
    name = f"{first.id}:sets"
    assert (shown(dialog, name, YOURS), dialog.radio(name, YOURS).isChecked()) == ("4", True)
    dialog.keep_mine_button.click()

    with database.session_factory() as s:
        stored = programs.get(s, opened.id)
    assert stored.item(first.id).sets == 4 and stored.item(second.id).reps == 15
    assert stored.version == theirs.version + 1
    assert tab.program.version == stored.version and not tab.has_unsaved_changes()
    assert card_of(tab, second.id).inputs["reps"].value() == 15


def test_take_theirs_shows_their_doses(qtbot, program_tab, database):
    tab = program_tab
    first = tab.program.items[0]
    opened = tab.program
    at_the_other_desk(database, lambda s: programs.update_item_dose(s, opened.id, opened.version, first.id, sets=2))
    card_of(tab, first.id).inputs["sets"].setValue(5)
    dialog = tab.conflict
    name = f"{first.id}:sets"
    assert (shown(dialog, name, YOURS), shown(dialog, name, THEIRS)) == ("5", "2")
    dialog.take_theirs_button.click()
    assert card_of(tab, first.id).inputs["sets"].value() == 2 and not tab.has_unsaved_changes()


def test_archiving_a_program_another_desk_just_changed_offers_their_version(qtbot, program_tab, database, answers):
    tab = program_tab
    opened = tab.program
    at_the_other_desk(database, lambda s: programs.update_item_dose(s, opened.id, opened.version, opened.items[0].id, sets=2))
    answers.confirm = True
    tab.archive_button.click()
    assert answers.said[-1][0] == "confirm" and f"Changed by {THEM}" in answers.said[-1][1]
    with database.session_factory() as s:
        assert programs.get(s, opened.id).status == "draft"
    assert card_of(tab, opened.items[0].id).inputs["sets"].value() == 2
