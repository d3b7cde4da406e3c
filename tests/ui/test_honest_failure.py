"""Honest failure: the studio server goes away mid-edit (a banner, the edits kept, the banner gone
when it is back), the studio file's disk is full or read-only (a clear message, nothing
half-written), and a studio file on a network share (a warning, once)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url

from studio.db import open_database
from studio.models import Client
from studio.services import clients, studio_profile

TYPED = "ana.lund@example.com"


class Outage:
    """The studio server 'goes away' for one test database: its connections are cut and new
    ones refused (ALLOW_CONNECTIONS false), as in an outage, without touching the shared test
    server's other databases."""

    def __init__(self, server, url: str):
        self.server = server
        self.name = make_url(url).database
        self.on = False

    def _admin(self, sql: str, **params) -> None:
        with self.server.admin.connect() as connection:
            connection.execute(text(sql), params)

    def begin(self) -> None:
        self.on = True
        self._admin(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
        # The 5 s timeout makes pg_terminate_backend wait until the sessions are really gone.
        self._admin(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()",
            name=self.name,
        )

    def end(self) -> None:
        if self.on:
            self.on = False
            self._admin(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')


def _open_window(qtbot, database, runner):
    from ui.main_window import MainWindow

    with database.session_factory.begin() as s:
        if studio_profile.get(s) is None:
            studio_profile.save(s, studio_profile.parse({"name": "Core Studio", "weight_unit": "kg", "length_unit": "cm", "paper": "a4"}))
    main = MainWindow(runner)
    qtbot.addWidget(main)
    main.attach_database(database)
    main.show_page("clients")
    return main


@pytest.fixture
def on_server(qtbot, postgres_server, answers):
    """A window on its own database on the test server, and the means to make the server go away."""
    from ui.tasks import SyncRunner

    url = postgres_server.create(template=postgres_server.migrated_template())
    database = open_database(url)
    outage = Outage(postgres_server, url)

    def unexpected(error):
        raise error

    window = _open_window(qtbot, database, SyncRunner(database.session_factory, on_unhandled_error=unexpected))
    window.connection_banner.timer.setInterval(200)  # the test needn't wait the 5 s a desk waits
    try:
        yield window, database, outage
    finally:
        outage.end()
        window.stop_freshness()
        database.close()
        postgres_server.drop(url)


def _open_client(window, database, **details) -> int:
    with database.session_factory.begin() as s:
        client_id = clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund", **details})).id
    page = window.clients_page
    page.run_search()
    page.table.selectRow(0)
    return client_id


def _server_address(database) -> str:
    url = database.engine.url
    return f"{url.host}:{url.port}"


@pytest.mark.postgres
def test_the_server_goes_away_while_a_client_is_edited(qtbot, on_server, answers, typist):
    window, database, outage = on_server
    client_id = _open_client(window, database)
    editor = window.clients_page.client_tab.editor
    email = editor.form.inputs["email"]
    typist(email, TYPED)
    assert editor.has_unsaved_changes()
    banner = window.connection_banner
    assert banner.isHidden()

    outage.begin()
    editor.save_button.click()

    # A banner, in words; the typing is still there and still unsaved; one plain message for the Save.
    assert not banner.isHidden()
    said = banner.text.text()
    assert said.startswith(f"The studio server at {_server_address(database)} isn't answering (since ")
    assert said.endswith("Your unsaved edits are kept on screen; Upright will try again every few seconds.")
    assert email.text() == TYPED and editor.has_unsaved_changes()
    assert len(answers.said) == 1
    kind, message = answers.said[0]
    assert kind == "warn" and message.startswith(f"Could not save the client: The studio server at {_server_address(database)} isn't answering (")
    assert "Nothing from this step was saved, and what you typed is still on screen" in message
    assert "Traceback" not in message and "psycopg" not in message and "sqlalche.me" not in message

    # While it is away, lists that reload and the retry don't add dialogs: the banner says it.
    window.clients_page.run_search()
    banner.try_button.click()
    assert not banner.isHidden() and len(answers.said) == 1
    if window.freshness is not None:
        window.freshness.poll()
    assert len(answers.said) == 1

    outage.end()
    qtbot.waitUntil(banner.isHidden, timeout=15000)
    assert window.statusBar().currentMessage() == "The studio server is back; save again to keep your edits."
    assert email.text() == TYPED and editor.has_unsaved_changes()

    editor.save_button.click()
    assert not editor.has_unsaved_changes()
    with database.session_factory() as s:
        assert clients.get(s, client_id).details.email == TYPED
    assert len(answers.said) == 1


@pytest.mark.postgres
def test_the_banner_comes_and_goes_with_the_real_worker_thread(qtbot, postgres_server, answers, typist):
    """The same story with the threaded runner: failures and checks come back through Qt's queue."""
    from PySide6.QtWidgets import QMainWindow

    from ui.tasks import TaskRunner
    from ui.widgets.connection_banner import ConnectionBanner
    from ui.widgets.record_editor import RecordEditor

    class Desk(QMainWindow):
        def __init__(self, runner):
            super().__init__()
            self.runner = runner
            self.editor = RecordEditor(runner, clients, what="client")
            self.banner = ConnectionBanner(self)
            self.setCentralWidget(self.banner.above(self.editor))

        def unsaved_holders(self):
            return [self.editor]

    url = postgres_server.create(template=postgres_server.migrated_template())
    database = open_database(url)
    outage = Outage(postgres_server, url)
    runner = TaskRunner(database.session_factory)
    try:
        with database.session_factory.begin() as s:
            client_id = clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund"})).id
        desk = Desk(runner)
        qtbot.addWidget(desk)
        desk.banner.timer.setInterval(200)
        desk.editor.load(client_id)
        qtbot.waitUntil(lambda: desk.editor.record is not None, timeout=5000)
        typist(desk.editor.form.inputs["email"], TYPED)

        outage.begin()
        desk.editor.save()
        qtbot.waitUntil(lambda: not desk.banner.isHidden(), timeout=10000)
        qtbot.waitUntil(lambda: len(answers.said) == 1, timeout=5000)
        assert "isn't answering" in answers.said[0][1]
        assert desk.editor.form.inputs["email"].text() == TYPED and desk.editor.has_unsaved_changes()

        outage.end()
        qtbot.waitUntil(desk.banner.isHidden, timeout=15000)
        assert desk.statusBar().currentMessage() == "The studio server is back; save again to keep your edits."
        desk.editor.save()
        qtbot.waitUntil(lambda: not desk.editor.has_unsaved_changes(), timeout=10000)
        with database.session_factory() as s:
            assert clients.get(s, client_id).details.email == TYPED
    finally:
        outage.end()
        runner.wait(10000)
        database.close()
        postgres_server.drop(url)


@pytest.mark.postgres
def test_an_assessment_draft_keeps_its_changes_without_a_dialog_per_autosave(qtbot, on_server, answers):
    from studio.services import assessments

    window, database, outage = on_server
    client_id = _open_client(window, database)
    page = window.clients_page
    tab = page.workspace[1]
    page.tabs.setCurrentWidget(tab)
    tab.start_button.click()
    pain = next(s for s in tab.sections if s.title == "Pain history")
    nprs = pain.findChild(object, "pain_nprs_now")

    outage.begin()
    nprs.setValue(6)
    tab.save()  # what the autosave timer does a moment after each change
    nprs.setValue(7)
    tab.save()
    assert not window.connection_banner.isHidden()
    assert answers.said == []  # no dialog for each autosave: the banner and the tab's state line say it
    assert tab.state.text().startswith("Not saved — the studio database isn't answering. Your changes are kept here")
    assert tab.has_unsaved_changes() and nprs.value() == 7

    outage.end()
    qtbot.waitUntil(window.connection_banner.isHidden, timeout=15000)
    tab.save()
    assert not tab.has_unsaved_changes()
    with database.session_factory() as s:
        assert assessments.latest(s, client_id).data.pain.nprs_now == 7


@pytest.mark.postgres
def test_a_dose_changed_while_the_server_is_away_is_kept_and_saved_later(qtbot, on_server, answers, monkeypatch):
    import exercise_fixtures

    from studio.services import programs

    library = exercise_fixtures.library()
    monkeypatch.setattr(programs, "load_library", lambda: library)
    window, database, outage = on_server
    client_id = _open_client(window, database)
    with database.session_factory.begin() as s:
        program = programs.create_draft(s, client_id, title="Home program")
        program = programs.add_item(s, program.id, program.version, library[0].code, override_reason="for this test")
    page = window.clients_page
    tab = page.workspace[2]
    page.tabs.setCurrentWidget(tab)
    tab.reload()
    from ui.program.item_card import ItemCard

    card = tab.items_body.findChildren(ItemCard)[0]
    item_id = card.item.id

    outage.begin()
    card.inputs["reps"].set_value(9)

    assert not window.connection_banner.isHidden()
    assert answers.said == []
    assert "Not saved" in tab.state.text() and "Your dose changes are kept" in tab.state.text()
    assert tab.has_unsaved_changes()
    card = tab.items_body.findChildren(ItemCard)[0]  # the cards were not reloaded under the person
    assert card.inputs["reps"].value() == 9

    outage.end()
    qtbot.waitUntil(window.connection_banner.isHidden, timeout=15000)
    tab.save()  # Ctrl+S
    assert not tab.has_unsaved_changes()
    with database.session_factory() as s:
        assert next(i for i in programs.get(s, program.id).items if i.id == item_id).reps == 9


# --- the studio file's disk is full, or the file is read-only --------------------------------


def _client_count(database) -> int:
    with database.session_factory() as s:
        return s.scalar(select(func.count()).select_from(Client))


def _every_connection(database, *pragmas: str):
    """Run `pragmas` on every connection the pool hands out; returns the listener to remove."""

    def checkout(dbapi_connection, _record, _proxy):
        for pragma in pragmas:
            dbapi_connection.execute(pragma)

    event.listen(database.engine, "checkout", checkout)
    return checkout


def _stop(database, listener) -> None:
    event.remove(database.engine, "checkout", listener)
    database.engine.dispose()  # the pooled connections keep the pragma: let them go


def _new_client_typed(window, typist, notes: str = ""):
    window.new_client()
    form = window.clients_page.client_tab.editor.form
    typist(form.inputs["first_name"], "Bo")
    typist(form.inputs["last_name"], "Dahl")
    if notes:
        form.inputs["notes"].setPlainText(notes)
    return form


@pytest.mark.sqlite_only("a full disk under a studio file")
def test_a_full_disk_is_explained_and_nothing_is_half_written(qtbot, window, database, answers, typist):
    _open_client(window, database)
    before = _client_count(database)
    with database.engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
    # max_page_count at today's size: the file can't grow, as on a full disk (SQLITE_FULL).
    listener = _every_connection(database, f"PRAGMA max_page_count={pages}")
    try:
        form = _new_client_typed(window, typist, notes="Sciatica, worse when sitting. " * 160)  # ~5,000 characters
        window.clients_page.client_tab.editor.save_button.click()
    finally:
        _stop(database, listener)

    assert len(answers.said) == 1
    kind, message = answers.said[0]
    assert kind == "warn"
    assert message.startswith("Could not save the client: The disk that holds the studio database is full, so this change could not be saved.")
    assert "Nothing of it was written — the studio database is exactly as it was before" in message
    assert f"Free some space on that disk ({database.path.parent}), then save again." in message
    assert form.raw()["last_name"] == "Dahl" and form.is_dirty()
    assert window.connection_banner.isHidden()  # not a connection problem: nothing to wait for
    assert _client_count(database) == before
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"

    window.clients_page.client_tab.editor.save_button.click()  # space again: the same form saves
    assert _client_count(database) == before + 1


@pytest.mark.sqlite_only("a read-only studio file")
def test_a_read_only_studio_file_is_explained_and_nothing_is_written(qtbot, window, database, answers, typist):
    before = _client_count(database)
    # Not chmod: the tests run as root in CI, and root writes to a read-only file anyway.
    # query_only makes SQLite refuse every write with the same SQLITE_READONLY a read-only file gives.
    listener = _every_connection(database, "PRAGMA query_only=ON")
    try:
        form = _new_client_typed(window, typist)
        window.clients_page.client_tab.editor.save_button.click()
    finally:
        _stop(database, listener)

    assert len(answers.said) == 1
    message = answers.said[0][1]
    assert message.startswith(f"Could not save the client: The studio database {database.path} can't be written to: ")
    assert "Nothing of this change was written, and what you typed is still on screen." in message
    assert "Check that you may write to the file and to its folder" in message
    assert form.raw()["first_name"] == "Bo" and form.is_dirty()
    assert _client_count(database) == before


@pytest.mark.sqlite_only("a studio file locked by another program")
def test_a_locked_studio_file_shows_the_banner_until_it_is_free(qtbot, window, database, answers, typist):
    import sqlite3

    client_id = _open_client(window, database)
    editor = window.clients_page.client_tab.editor
    typist(editor.form.inputs["email"], TYPED)
    banner = window.connection_banner
    banner.timer.setInterval(200)
    other = sqlite3.connect(database.path, isolation_level=None)  # another program holding the write lock
    other.execute("BEGIN IMMEDIATE")
    listener = _every_connection(database, "PRAGMA busy_timeout=300")  # not the desk's 5 s, in a test
    try:
        editor.save_button.click()
        assert not banner.isHidden()
        assert banner.text.text().startswith(f"The studio database {database.path} is locked by another program (since ")
        assert "is locked by another program and stayed locked" in answers.said[0][1]
        banner.try_button.click()
        assert not banner.isHidden()  # still locked
    finally:
        other.execute("ROLLBACK")
        other.close()
    qtbot.waitUntil(banner.isHidden, timeout=10000)
    _stop(database, listener)
    assert window.statusBar().currentMessage() == "The studio database is free again; save again to keep your edits."
    editor.save_button.click()
    with database.session_factory() as s:
        assert clients.get(s, client_id).details.email == TYPED


# --- a studio file on a network share ------------------------------------------------------


@pytest.mark.sqlite_only("a studio file's place on disk")
def test_a_studio_file_on_a_network_share_is_warned_about_once(qtbot, database, runner, answers, monkeypatch):
    import studio.storage

    asked = []

    def on_share(path):
        asked.append(path)
        return "a network share (SMB: //nas/studio mounted at /mnt/studio)"

    monkeypatch.setattr(studio.storage, "network_location", on_share)
    window = _open_window(qtbot, database, runner)
    assert asked == [database.path]
    assert len(answers.said) == 1
    kind, message = answers.said[0]
    assert kind == "warn"
    assert message.startswith(
        f"The studio file is on a network share: {database.path} is on a network share (SMB: //nas/studio mounted at /mnt/studio)."
    )
    assert "SQLite can't lock a file reliably over a network file system" in message
    assert "damage the studio database" in message
    assert "Studio ▸ Studio server…" in message and "README's \"Studio server\" section" in message

    window.reopen(str(database.path))  # the same file again: not again
    assert len(answers.said) == 1


@pytest.mark.sqlite_only("a studio file's place on disk")
def test_a_studio_file_on_this_computer_is_not_warned_about(qtbot, database, runner, answers):
    _open_window(qtbot, database, runner)
    assert answers.said == []


def test_a_change_that_meets_another_desks_save_midway_is_explained(database, backend):
    """A change made without a version check (a status set, say) races another desk's save of
    the same row: SQLAlchemy's StaleDataError becomes words, and nothing of the step is kept."""
    from sqlalchemy import update

    from studio.errors import ChangedMeanwhile
    from ui.tasks import SyncRunner

    if backend == "sqlite":
        pytest.skip("on SQLite the stale reader meets the file's lock (a busy snapshot), not a changed row")
    with database.session_factory.begin() as s:
        client_id = clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund"})).id
    failures = []

    def change_meanwhile(session):
        mine = session.get(Client, client_id)
        with database.session_factory.begin() as other_desk:
            other_desk.execute(update(Client).where(Client.id == client_id).values(phone="555 0101", version=Client.version + 1))
        mine.email = TYPED
        session.flush()

    SyncRunner(database.session_factory).run(change_meanwhile, on_error=failures.append)
    assert [type(f) for f in failures] == [ChangedMeanwhile]
    assert "Nothing was saved" in str(failures[0])
    with database.session_factory() as s:
        saved = s.get(Client, client_id)
        assert (saved.email, saved.phone) == (None, "555 0101")
