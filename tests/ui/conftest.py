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


@pytest.fixture(autouse=True)
def signed_in_automatically(monkeypatch):
    """Windows start signed in, as the Upright tools — what every session was before staff signed
    in, so tests about something else see Upright as they always did. Tests about signing in
    (test_sign_in.py) set `Desk.automatic` back to None and meet the real sign-in screen."""
    from studio import access
    from studio.models.base import set_actor
    from ui.signin.desk import Desk

    monkeypatch.setattr(Desk, "automatic", access.TOOLS)
    yield
    set_actor(None)  # a test that signed someone in leaves no name on the next test's rows


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """A studio file filled by `upright-admin demo`, once per test module (a test that must not
    see another's changes works on a copy: `cli_helpers.copy_studio`)."""
    from ui import cli

    path = tmp_path_factory.mktemp("demo") / "studio.sqlite"
    assert cli.main(["demo", "--database", str(path)]) == 0
    return path


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
