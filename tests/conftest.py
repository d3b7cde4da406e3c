"""Shared fixtures. Qt runs offscreen, and user folders point into a temporary place so tests
never touch a real studio database or this computer's settings.

Database backends: every test that uses `database` (or `session`, `runner`, `window`, …) runs on
SQLite, and on PostgreSQL too when UPRIGHT_TEST_DATABASE_URL names a server (`.ci/postgres` starts
a throwaway one and prints its URL). On the server the schema is migrated once per run into a
template database; each test gets its own copy (CREATE DATABASE … TEMPLATE), dropped afterwards.
A test that is about SQLite files by nature says so with `@pytest.mark.sqlite_only("why")`.
"""

from __future__ import annotations

import itertools
import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = tempfile.mkdtemp(prefix="upright-tests-")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_HOME, "config")
os.environ["XDG_DATA_HOME"] = os.path.join(_HOME, "data")

import pytest  # noqa: E402

SERVER_VARIABLE = "UPRIGHT_TEST_DATABASE_URL"
SERVER_URL = os.environ.get(SERVER_VARIABLE, "").strip()
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKENDS = ["sqlite", "postgresql"] if SERVER_URL else ["sqlite"]
NO_SERVER = (
    f"needs a PostgreSQL server: set {SERVER_VARIABLE} "
    '(export UPRIGHT_TEST_DATABASE_URL="$(.ci/postgres)" starts a throwaway one)'
)


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def pytest_configure(config):
    if IN_CI and not SERVER_URL:
        raise pytest.UsageError(
            f"CI=true but {SERVER_VARIABLE} is not set: CI runs every database test on PostgreSQL "
            "as well as SQLite. .ci/run starts the server with .ci/postgres and sets it."
        )
    if SERVER_URL:
        # A server that was asked for but can't be used stops the run before it starts, rather
        # than failing (or skipping) half of it.
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        from studio.db import DatabaseProblem, server_problem, database_url, make_engine

        try:
            engine = make_engine(database_url(SERVER_URL))
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
            finally:
                engine.dispose()
        except Exception as exc:  # noqa: BLE001 - whatever it is, the run can't go on
            problem = exc if isinstance(exc, DatabaseProblem) else server_problem(make_url(database_url(SERVER_URL)), exc)
            raise pytest.UsageError(f"The PostgreSQL test server ({SERVER_VARIABLE}) can't be used: {problem}") from None


def pytest_report_header(config):
    if SERVER_URL:
        return f"database backends: sqlite, postgresql ({_shown(SERVER_URL)})"
    return f"database backends: sqlite only — PostgreSQL tests skipped; {NO_SERVER}"


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and not SERVER_URL:
        pytest.skip(NO_SERVER)


class PostgresServer:
    """The test server: a template database migrated once, and throwaway copies of it."""

    def __init__(self, url: str):
        from sqlalchemy.engine import make_url

        from studio.db import database_url, make_engine

        self.url = make_url(database_url(url))
        # The admin connection stays in the database the URL names (usually "postgres"), never
        # in one that is about to be copied or dropped.
        engine = make_engine(self.url.render_as_string(hide_password=False))
        self.admin = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.strategy = ""
        self._names = itertools.count(1)
        self._prefix = f"upright_test_{os.getpid()}"
        self.template: str | None = None

    def check(self) -> None:
        from sqlalchemy import text

        from studio.files import process_running

        with self.admin.connect() as connection:
            version = connection.dialect.server_version_info
            names = connection.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :pattern"), {"pattern": r"upright\_test\_%"}
            ).scalars().all()
        # FILE_COPY (the only way before 15) copies a small template faster than WAL_LOG.
        self.strategy = " STRATEGY FILE_COPY" if version >= (15,) else ""
        if self.url.host in (None, "", "localhost", "127.0.0.1", "::1"):
            # Databases left by runs on this machine that were killed before they could clean up.
            for name in names:
                pid = name.split("_")[2]
                if pid.isdigit() and not process_running(int(pid)):
                    self.drop(self.url_of(name))

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, *, template: str | None = None) -> str:
        """A new database (a copy of `template`, or empty); returns its URL."""
        name = f"{self._prefix}_{next(self._names)}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template or "template0"}"{self.strategy}')
        return self.url_of(name)

    def drop(self, url: str) -> None:
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        with self.admin.connect() as connection:
            # Not WITH (FORCE): that refuses when an autovacuum worker is in the database, while a
            # plain DROP cancels autovacuum itself and waits (5 s) for the terminated sessions.
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND usename = current_user AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')

    def migrated_template(self) -> str:
        """The template, migrated to head once per run; its URL's database name."""
        if self.template is None:
            from pathlib import Path

            from sqlalchemy.engine import make_url

            from studio import schema
            from studio.db import open_database

            url = self.create()
            # The shipped migrations, even if the first test to ask has swapped in others.
            swapped, schema.MIGRATIONS = schema.MIGRATIONS, Path(schema.__file__).with_name("migrations")
            try:
                open_database(url).close()  # migrates, then lets go: a template must have no connections
            finally:
                schema.MIGRATIONS = swapped
            self.template = make_url(url).database
        return self.template

    def close(self) -> None:
        if self.template is not None:
            self.drop(self.url_of(self.template))
        self.admin.engine.dispose()


@pytest.fixture(scope="session")
def postgres_server():
    """The PostgreSQL test server; skips the test when none is configured."""
    if not SERVER_URL:
        pytest.skip(NO_SERVER)
    server = PostgresServer(SERVER_URL)
    server.check()
    yield server
    server.close()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """"sqlite" or "postgresql": the database every database fixture of this test uses."""
    marker = request.node.get_closest_marker("sqlite_only")
    if request.param != "sqlite" and marker is not None:
        pytest.skip(f"SQLite only: {marker.args[0] if marker.args else marker.kwargs['reason']}")
    return request.param


@pytest.fixture
def make_database(backend, tmp_path, request):
    """Makes migrated studio databases on this test's backend: `make_database()` or
    `make_database("other")` (the name is the SQLite file's); each is closed and removed after
    the test."""
    from studio.db import open_database

    made = []
    server = request.getfixturevalue("postgres_server") if backend == "postgresql" else None

    def make(name: str = "studio"):
        if server is None:
            db = open_database(tmp_path / f"{name}.sqlite", create=True)
        else:
            db = open_database(server.create(template=server.migrated_template()))
        made.append(db)
        return db

    yield make
    for db in made:
        db.close()
        if server is not None:
            server.drop(db.url)


@pytest.fixture
def empty_database_url(backend, tmp_path, request):
    """The URL of an empty database (no tables, not migrated) on this test's backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create()
    yield url
    server.drop(url)


@pytest.fixture
def database(make_database):
    """A migrated, empty studio database on each backend (see the module docstring)."""
    return make_database()


@pytest.fixture
def session(database):
    """A session whose work is committed when the test ends (as one user action would be)."""
    with database.session_factory.begin() as s:
        yield s


@pytest.fixture
def runner(database):
    from ui.tasks import SyncRunner

    def unexpected(error):
        raise error

    return SyncRunner(database.session_factory, on_unhandled_error=unexpected)


class Answers:
    """Scripted answers to the questions Upright asks, and a record of what it said."""

    def __init__(self):
        self.unsaved = "cancel"
        self.confirm = True
        self.said: list[tuple[str, str]] = []


@pytest.fixture
def answers(monkeypatch):
    from ui import messages

    script = Answers()

    def record(kind):
        return lambda parent, title, text, *a, **k: script.said.append((kind, f"{title}: {text}"))

    monkeypatch.setattr(messages, "inform", record("inform"))
    monkeypatch.setattr(messages, "warn", record("warn"))

    def confirm(parent, title, text, yes="OK"):
        script.said.append(("confirm", f"{title}: {text}"))
        return script.confirm

    def unsaved(parent, what):
        script.said.append(("unsaved", what))
        return script.unsaved

    monkeypatch.setattr(messages, "confirm", confirm)
    monkeypatch.setattr(messages, "unsaved_changes", unsaved)
    return script


@pytest.fixture
def typist(qtbot):
    """Types text key by key like a person. QTest.keyClicks only knows ASCII, so other
    characters (Zoë, Łukasiewicz, Ольга) go in as key events carrying their text."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    def type_text(widget, text: str, *, leave: bool = True) -> None:
        widget.setFocus()
        for ch in text:
            if ch.isascii():
                qtbot.keyClicks(widget, ch)
            else:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))
        if leave and hasattr(widget, "editingFinished"):
            widget.editingFinished.emit()

    return type_text
