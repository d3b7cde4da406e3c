import pytest

from studio.services import studio_profile


@pytest.fixture(autouse=True)
def fresh_desk_options():
    """Every test starts from this desk's default options. They are saved as a person changes
    them (Show archived, the page shown, …), so one test's choices would carry into the next —
    often the same test again, now that database tests run once per backend."""
    from ui import options

    stored = options.settings()
    stored.clear()
    stored.sync()


@pytest.fixture
def window(qtbot, database, runner, answers):
    """The main window on a set-up studio (a profile exists, so no first-start dialog)."""
    from ui.main_window import MainWindow

    with database.session_factory.begin() as s:
        studio_profile.save(s, studio_profile.parse({"name": "Core Studio", "weight_unit": "kg", "length_unit": "cm", "paper": "a4"}))
    main = MainWindow(runner)
    qtbot.addWidget(main)
    main.attach_database(database)
    return main
