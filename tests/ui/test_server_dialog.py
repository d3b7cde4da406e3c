"""Studio ▸ Studio server…: typed settings checked, the connection tested before anything is
changed, the password kept in the keychain (never in the settings), and this desk's studio
copied onto an empty server. The server tests run when a test server is configured."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy.engine import make_url

from studio import server_copy
from studio.db import open_database
from studio.services import clients, demo
from ui import app, options, server_settings
from ui.server_settings import ServerSettings
from ui.studio.server_dialog import PasswordDialog, ServerDialog


class FakeKeychain:
    def __init__(self):
        self.saved = {}

    def get_password(self, service, account):
        return self.saved.get((service, account))

    def set_password(self, service, account, password):
        self.saved[(service, account)] = password

    def delete_password(self, service, account):
        self.saved.pop((service, account), None)


@pytest.fixture
def keychain(monkeypatch):
    """A keychain of the test's own, and no server remembered from an earlier test."""
    ring = FakeKeychain()
    monkeypatch.setattr(server_settings, "_keyring", lambda: ring)
    server_settings.save(None)
    yield ring
    server_settings.save(None)


@pytest.fixture
def dialog(qtbot, runner, keychain):
    d = ServerDialog(runner)
    qtbot.addWidget(d)
    return d


def fill(d: ServerDialog, url: str) -> None:
    parsed = make_url(url)
    d.host.setText(parsed.host)
    d.port.setValue(parsed.port or 5432)
    d.database.setText(parsed.database)
    d.user.setText(parsed.username)
    d.password.setText(parsed.password or "")


def server_url(database) -> str:
    if database.dialect != "postgresql":
        pytest.skip("a studio-server test: it runs on the postgresql backend (UPRIGHT_TEST_DATABASE_URL)")
    return database.url


def test_typed_settings_are_checked_before_anything_is_tried(dialog):
    dialog.host.setText("studio server")
    dialog.database.setText(" ")
    dialog.connect_button.click()
    assert dialog.errors["host"].text() == "A server name has no spaces or slashes."
    assert "name of the studio's database" in dialog.errors["database"].text()
    assert dialog.isVisible() is False or dialog.result() == 0
    assert server_settings.load() is None  # nothing saved


def test_connect_keeps_the_password_in_the_keychain_and_never_in_the_settings(dialog, keychain, qtbot):
    dialog.host.setText("studio-server")
    dialog.port.setValue(5433)
    dialog.database.setText("core")
    dialog.user.setText("desk1")
    dialog.password.setText("s3cret&more")
    dialog.remember.setChecked(True)
    with qtbot.waitSignal(dialog.connect_requested) as asked:
        dialog.connect_button.click()
    assert asked.args == ["postgresql+psycopg://desk1:s3cret%26more@studio-server:5433/core"]
    assert server_settings.load() == ServerSettings("studio-server", 5433, "core", "desk1")
    assert keychain.saved == {(server_settings.KEYCHAIN_SERVICE, "desk1@studio-server:5433/core"): "s3cret&more"}
    options.settings().sync()
    stored = open(QSettings(options.ORGANISATION, options.APPLICATION).fileName(), encoding="utf-8").read()
    assert "s3cret" not in stored and "studio-server" in stored


def test_at_start_the_password_comes_from_the_keychain_or_is_asked(qtbot, keychain, monkeypatch):
    assert app.server_address() is None  # no server set: the file on this computer
    chosen = ServerSettings("studio-server", 5432, "core", "desk1")
    server_settings.save(chosen)
    monkeypatch.setattr(PasswordDialog, "exec", lambda self: (self.password.setText("typed"), 1)[1])
    assert app.server_address() == "postgresql+psycopg://desk1:typed@studio-server:5432/core"
    server_settings.remember_password(chosen, "kept")
    assert app.server_address() == "postgresql+psycopg://desk1:kept@studio-server:5432/core"
    monkeypatch.setattr(PasswordDialog, "exec", lambda self: 0)
    server_settings.remember_password(chosen, None)
    assert app.server_address() is None  # declined: the file on this computer


def test_going_back_to_the_file_on_this_computer_forgets_the_server(qtbot, runner, keychain):
    chosen = ServerSettings("studio-server", 5432, "core", "desk1")
    server_settings.save(chosen)
    server_settings.remember_password(chosen, "kept")
    d = ServerDialog(runner)
    qtbot.addWidget(d)
    assert d.local_button.isVisible() or not d.local_button.isHidden()
    assert d.password.text() == "kept"
    with qtbot.waitSignal(d.local_requested):
        d.local_button.click()
    assert server_settings.load() is None and keychain.saved == {}


def test_a_server_that_is_not_answering_is_said_plainly(dialog, database):
    url = server_url(database)
    fill(dialog, url)
    dialog.port.setValue(make_url(url).port + 71)
    dialog.test_button.click()
    assert "isn't answering" in dialog.status.text()
    assert not dialog.copy_button.isVisible()


def test_test_connection_then_copy_this_desks_studio_to_the_empty_server(qtbot, runner, keychain, database, tmp_path, answers):
    url = server_url(database)
    here = tmp_path / "desk.sqlite"
    local = open_database(here, create=True)
    with local.session_factory.begin() as s:
        demo.fill_demo_studio(s, today=date(2026, 5, 1))
    local.close()
    d = ServerDialog(runner, current_file=str(here))
    qtbot.addWidget(d)
    d.show()
    fill(d, url)
    d.test_button.click()
    assert "The database is empty" in d.status.text() or "with 0 clients" in d.status.text()
    assert d.copy_button.isVisible()
    answers.confirm = True
    d.copy_button.click()
    assert d.status.text().startswith("Copied ") and "matched the original row for row" in d.status.text()
    assert "Press Connect" in d.status.text()
    state = server_copy.server_state(url)
    assert state.upright and state.clients == 30
    with database.session_factory() as s:
        assert [r.list_name for r in clients.search(s, "lukasiewicz")] == ["Łukasiewicz-Ødegård, Zoë"]


def test_a_keychain_that_refuses_the_password_is_said(dialog, keychain, answers, qtbot, monkeypatch):
    def locked(*_args):
        raise RuntimeError("the keychain is locked")

    monkeypatch.setattr(keychain, "set_password", locked)
    dialog.host.setText("studio-server")
    dialog.password.setText("s3cret")
    dialog.remember.setChecked(True)
    with qtbot.waitSignal(dialog.connect_requested):
        dialog.connect_button.click()
    assert answers.said[-1][0] == "warn" and "will ask for it when it starts" in answers.said[-1][1]
    assert keychain.saved == {}
