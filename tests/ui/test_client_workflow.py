"""The front desk registers, finds, edits and archives clients by typing and clicking."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from studio.services import clients, staff


@pytest.fixture
def window(window, database):
    """The shared window, with a trainer on the staff and the client list showing."""
    with database.session_factory.begin() as s:
        staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"}))
    window.show_page("clients")
    window.show()
    return window


def form_of(window):
    return window.clients_page.client_tab.editor.form


@pytest.fixture
def type_into(typist):
    return lambda form, name, text: typist(form.inputs[name], text)


def list_names(window):
    model = window.clients_page.model
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def search(qtbot, window, text):
    box = window.clients_page.search_box
    box.clear()
    qtbot.keyClicks(box, text)
    window.clients_page.run_search()


def test_type_a_new_client_find_it_edit_it_and_see_the_change(qtbot, window, database, type_into):
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = form_of(window)
    assert window.clients_page.client_tab.editor.title.text() == "New client"
    type_into(form, "first_name", "Zoë")
    type_into(form, "last_name", "Łukasiewicz-Ødegård")
    type_into(form, "date_of_birth", "12 Mar 1985")
    type_into(form, "phone", "+1 (555) 013-4421")
    type_into(form, "email", "zoe@example.com")
    form.inputs["trainer_id"].setCurrentIndex(form.inputs["trainer_id"].findText("Kai Berg — Trainer"))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    with database.session_factory() as s:
        saved = clients.search(s, "zoe")
    assert [(r.last_name, str(r.date_of_birth), r.trainer_name) for r in saved] == [("Łukasiewicz-Ødegård", "1985-03-12", "Kai Berg")]
    assert window.statusBar().currentMessage() == "Saved Zoë Łukasiewicz-Ødegård"

    search(qtbot, window, "odegard 4421")
    assert list_names(window) == ["Łukasiewicz-Ødegård, Zoë"]
    window.clients_page.table.selectRow(0)
    type_into(form, "preferred_name", "Zo")
    assert window.clients_page.client_tab.editor.revert_button.isEnabled()
    window.clients_page.client_tab.editor.save_button.click()

    search(qtbot, window, "zoe")
    assert list_names(window) == ["Łukasiewicz-Ødegård, Zoë (Zo)"]
    assert "prefers “Zo”" in window.clients_page.client_tab.editor.subtitle.text()


def test_validation_reasons_show_next_to_the_field_and_nothing_is_saved(qtbot, window, database, answers, type_into):
    window.new_client()
    form = form_of(window)
    type_into(form, "first_name", "Ana")
    type_into(form, "email", "ana@")
    error = form.error_labels["email"]
    assert error.isVisibleTo(form) and "email address" in error.text()
    type_into(form, "date_of_birth", "2090-01-01")
    assert form.error_labels["date_of_birth"].text() == "A date of birth can't be in the future"

    window.clients_page.client_tab.editor.save_button.click()
    assert form.error_labels["last_name"].text() == "Last name is required"
    with database.session_factory() as s:
        assert clients.search(s, "ana") == []
    assert form.inputs["email"].text() == "ana@"  # what was typed stays

    form.inputs["email"].clear()
    type_into(form, "email", "ana@example.com")
    assert not form.error_labels["email"].isVisibleTo(form)


def test_a_likely_duplicate_is_warned_about_before_registering(qtbot, window, database, answers, type_into):
    with database.session_factory.begin() as s:
        clients.create(s, clients.parse({"first_name": "José", "last_name": "García", "date_of_birth": "1970-07-01"}))
    window.new_client()
    tab = window.clients_page.client_tab
    form = tab.editor.form
    type_into(form, "first_name", "jose")
    type_into(form, "last_name", "GARCIA")
    type_into(form, "date_of_birth", "1970-07-01")
    tab.check_duplicates()
    assert tab.editor.banner.isVisibleTo(tab)
    assert "Possible duplicate: José García" in tab.editor.banner.text()

    answers.confirm = False
    tab.editor.save_button.click()
    assert answers.said[-1][0] == "confirm"
    with database.session_factory() as s:
        assert len(clients.search(s, "garcia")) == 1

    answers.confirm = True
    tab.editor.save_button.click()
    with database.session_factory() as s:
        assert len(clients.search(s, "garcia")) == 2


def test_leaving_unsaved_edits_asks_first(qtbot, window, database, answers, type_into):
    with database.session_factory.begin() as s:
        for first in ("Ana", "Bea"):
            clients.create(s, clients.parse({"first_name": first, "last_name": "Lund"}))
    window.clients_page.run_search()
    window.clients_page.table.selectRow(0)
    form = form_of(window)
    type_into(form, "occupation", "nurse")

    answers.unsaved = "cancel"
    window.clients_page.table.selectRow(1)
    assert answers.said[-1] == ("unsaved", "the client's details")
    assert form.inputs["first_name"].text() == "Ana" and form.inputs["occupation"].text() == "nurse"

    answers.unsaved = "save"
    window.clients_page.table.selectRow(1)
    assert form.inputs["first_name"].text() == "Bea"
    with database.session_factory() as s:
        ana = clients.get(s, clients.search(s, "ana")[0].id)
    assert ana.details.occupation == "nurse"


def test_archive_hides_the_client_until_show_archived(qtbot, window, database, answers):
    with database.session_factory.begin() as s:
        clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund"}))
    window.clients_page.run_search()
    window.clients_page.table.selectRow(0)
    window.clients_page.client_tab.editor.archive_button.click()
    assert answers.said[-1][0] == "confirm"
    assert list_names(window) == []
    assert "No clients yet" in window.clients_page.list_status.text()
    window.clients_page.show_archived.setChecked(True)
    assert list_names(window) == ["Lund, Ana  (archived)"]
    assert window.clients_page.client_tab.editor.archive_button.text() == "Restore from archive"


def test_an_empty_search_says_so(qtbot, window):
    search(qtbot, window, "nobody")
    assert list_names(window) == []
    assert window.clients_page.list_status.text().startswith("No clients match “nobody”")


def test_the_list_loads_a_page_at_a_time(qtbot, window, database, qtmodeltester):
    with database.session_factory.begin() as s:
        for n in range(230):
            clients.create(s, clients.parse({"first_name": f"C{n:03d}", "last_name": "Many"}))
    model = window.clients_page.model
    window.clients_page.run_search()
    assert model.rowCount() == 100 and model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 230 and not model.canFetchMore()
    qtmodeltester.check(model)


def test_shortcuts_are_wired(window):
    shortcuts = {a.text().replace("&", ""): a.shortcut().toString() for a in window.findChildren(type(window.save_action))}
    assert shortcuts["New client"] == "Ctrl+N"
    assert shortcuts["Save"] == "Ctrl+S"
    assert shortcuts["Find…"] == "Ctrl+F"
    window.find_action.trigger()
    assert window.clients_page.search_box.hasFocus() or window.focusWidget() is window.clients_page.search_box


def test_the_clients_tabs_are_built_when_the_first_client_is_opened(qtbot, window, database):
    """A desk that only looks people up never builds the workspace (benchmarks: memory)."""
    from PySide6.QtWidgets import QTabWidget

    with database.session_factory.begin() as s:
        clients.create(s, clients.parse({"first_name": "Ana", "last_name": "López", "phone": "555 0101"}))
    page = window.clients_page
    search(qtbot, window, "ana")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert window.findChild(QTabWidget, "clientTabs") is None
    assert "No client selected" in page.right.currentWidget().text()

    page.table.selectRow(0)
    tabs = window.findChild(QTabWidget, "clientTabs")
    assert tabs is not None and page.right.currentWidget() is tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Client", "Assessment", "Program", "Referrals", "Documents"]
    qtbot.waitUntil(lambda: form_of(window).inputs["phone"].text() == "555 0101")
