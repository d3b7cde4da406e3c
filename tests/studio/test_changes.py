"""A desk notices when another desk (another connection, another process) changed the studio."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from studio import changes
from studio.services import clients


@pytest.fixture
def watcher(database):
    w = changes.watcher(database)
    yield w
    w.close()


def expected(database, *tables):
    return {changes.EVERYTHING} if database.dialect == "sqlite" else set(tables)


def test_this_desks_own_commits_are_not_news(database, watcher):
    """On PostgreSQL a desk ignores its own notices; SQLite can't tell, and says only "maybe"
    (lists refresh, open forms are left alone)."""
    assert watcher.poll() == set()
    with database.session_factory.begin() as s:
        clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund"}))
    assert watcher.poll() == ({changes.MAYBE} if database.dialect == "sqlite" else set())
    assert watcher.poll() == set()


def test_reading_or_a_rolled_back_edit_says_nothing(database, watcher):
    with database.session_factory() as s:
        clients.search(s, "")
    with database.session_factory() as s:
        clients.create(s, clients.parse({"first_name": "Bo", "last_name": "Dahl"}))
        s.rollback()
    assert watcher.poll() == set()


def test_another_process_writing_is_noticed(database, watcher):
    code = textwrap.dedent(
        f"""
        from studio.db import open_database
        from studio.services import clients
        db = open_database({database.url!r})
        with db.session_factory.begin() as s:
            clients.create(s, clients.parse({{"first_name": "Cy", "last_name": "Moss"}}))
        db.close()
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    assert watcher.poll() >= expected(database, "client")
    assert watcher.poll() == set()  # told once
