from __future__ import annotations


from studio.services import clinicians, studio_profile


def visible_names(directory):
    return [directory.model.data(directory.model.index(r, 0)) for r in range(directory.model.rowCount())]


def test_add_a_clinician_then_filter_the_network_by_specialty(qtbot, window, database, qtmodeltester):
    page = window.clinicians_page
    window.show_page("clinicians")
    with database.session_factory.begin() as s:
        clinicians.create(s, clinicians.parse({"first_name": "Raj", "last_name": "Patel", "specialty": "pain_specialist"}))
    page.new_button.click()
    form = page.editor.form
    qtbot.keyClicks(form.inputs["first_name"], "Ida")
    qtbot.keyClicks(form.inputs["last_name"], "Holm")
    qtbot.keyClicks(form.inputs["credentials"], "MD")
    form.inputs["specialty"].setCurrentIndex(form.inputs["specialty"].findData("primary_care"))
    qtbot.keyClicks(form.inputs["fax"], "555 010 2000")
    page.editor.save_button.click()

    assert visible_names(page) == ["Ida Holm, MD", "Raj Patel"]
    page.specialty.setCurrentIndex(page.specialty.findData("pain_specialist"))
    assert visible_names(page) == ["Raj Patel"]
    page.specialty.setCurrentIndex(0)
    qtbot.keyClicks(page.search_box, "holm")
    page.reload()
    assert visible_names(page) == ["Ida Holm, MD"]
    qtmodeltester.check(page.model)


def test_the_clinician_network_is_built_and_loaded_when_first_shown(qtbot, window, database):
    from ui.clinicians.page import CliniciansPage

    with database.session_factory.begin() as s:
        clinicians.create(s, clinicians.parse({"first_name": "Raj", "last_name": "Patel", "specialty": "pain_specialist"}))
    qtbot.waitUntil(lambda: window.studio_label.text() == "Core Studio")  # signed in, pages loaded
    window.stop_freshness()  # the page loads itself, not a poll for other desks' changes
    assert window.findChild(CliniciansPage) is None  # a desk that only looks people up never builds it
    window.clinicians_view.trigger()  # the toolbar's Clinician network
    page = window.pages.currentWidget()
    assert isinstance(page, CliniciansPage) and window.clinicians_view.isChecked()
    qtbot.waitUntil(lambda: visible_names(page) == ["Raj Patel"])
    assert window.unsaved_holders()[-1] is page.editor  # closing the window asks about its edits too


def test_the_clients_physician_is_picked_from_the_network(qtbot, window, database):
    with database.session_factory.begin() as s:
        clinicians.create(s, clinicians.parse({"first_name": "Raj", "last_name": "Patel", "specialty": "pain_specialist"}))
        clinicians.create(s, clinicians.parse({"first_name": "Ida", "last_name": "Holm", "specialty": "primary_care", "practice": "Harbour"}))
    window.new_client()
    picker = window.clients_page.client_tab.editor.form.inputs["physician_id"]
    offered = [picker.itemText(i) for i in range(picker.count())]
    assert offered == ["— none —", "Ida Holm — Primary care physician, Harbour", "Raj Patel — Pain specialist"]


def test_staff_dialog_adds_a_trainer_who_can_then_be_assigned(qtbot, window, database, runner):
    from ui.studio.staff_dialog import StaffDialog

    dialog = StaffDialog(runner, window)
    qtbot.addWidget(dialog)
    directory = dialog.directory
    directory.new_button.click()
    qtbot.keyClicks(directory.editor.form.inputs["first_name"], "Kai")
    qtbot.keyClicks(directory.editor.form.inputs["last_name"], "Berg")
    directory.editor.form.inputs["role"].setCurrentIndex(directory.editor.form.inputs["role"].findData("trainer"))
    directory.editor.save_button.click()
    assert visible_names(directory) == ["Kai Berg"]
    window.new_client()
    picker = window.clients_page.client_tab.editor.form.inputs["trainer_id"]
    assert picker.findText("Kai Berg — Trainer") > 0


def test_first_start_on_an_empty_database_offers_the_studio_form(qtbot, database, runner, monkeypatch):
    from ui.main_window import MainWindow
    from ui.studio import profile_dialog

    shown = []

    def fill_and_accept(dialog):
        shown.append(dialog.windowTitle())
        form = dialog.form
        qtbot.keyClicks(form.inputs["name"], "Spine & Strength")
        form.inputs["paper"].setCurrentIndex(form.inputs["paper"].findData("letter"))
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(profile_dialog.FirstStartDialog, "exec", fill_and_accept)
    main = MainWindow(runner)
    qtbot.addWidget(main)
    main.attach_database(database)
    assert shown == ["Welcome to Upright"]
    with database.session_factory() as s:
        profile = studio_profile.get(s)
    assert (profile.details.name, profile.details.paper) == ("Spine & Strength", "letter")
    assert main.windowTitle() == "Upright — Spine & Strength"


def test_window_geometry_and_page_are_remembered(qtbot, database, runner):
    from ui import options
    from ui.main_window import MainWindow

    with database.session_factory.begin() as s:
        studio_profile.save(s, studio_profile.parse({"name": "Core", "weight_unit": "kg", "length_unit": "cm", "paper": "a4"}))
    first = MainWindow(runner)
    qtbot.addWidget(first)
    first.attach_database(database)
    first.resize(720, 520)
    first.show_page("clinicians")
    first._save_window_state()
    assert options.get("window/page") == "clinicians"

    second = MainWindow(runner)
    qtbot.addWidget(second)
    second.restore_window_state()
    second.attach_database(database)
    assert (second.width(), second.height()) == (720, 520)
    assert second.pages.currentWidget() is second.clinicians_page
