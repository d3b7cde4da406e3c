"""A demo studio (with its documents) on each backend, made once per test module and copied for
each test: filling one takes seconds, copying it a fraction of that.

    from demo_studio import demo_database, demo_sources  # noqa: F401 - fixtures

SQLite: the module's demo file is copied with the backup API. PostgreSQL: the module's demo
database is a template for each test's copy (CREATE DATABASE … TEMPLATE), dropped afterwards.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date

import pytest

DEMO_DAY = date(2026, 5, 1)


def fill(database) -> None:
    from reports.documents import make
    from studio.services import demo

    with database.session_factory.begin() as s:
        demo.fill_demo_studio(s, today=DEMO_DAY, make_document=make)


@pytest.fixture(scope="module")
def demo_sources(tmp_path_factory):
    """Where this module's demo studio is, per backend, once made."""
    made: dict[str, object] = {}
    yield made
    if "postgresql" in made:
        server, name = made["postgresql"]
        server.drop(server.url_of(name))


@pytest.fixture
def demo_database(backend, demo_sources, tmp_path, tmp_path_factory, request):
    """An open copy of the demo studio on this test's backend; closed (and dropped) afterwards."""
    from sqlalchemy.engine import make_url

    from studio.db import open_database

    if backend == "sqlite":
        if "sqlite" not in demo_sources:
            source = tmp_path_factory.mktemp("demo-studio") / "demo.sqlite"
            db = open_database(source, create=True)
            fill(db)
            db.close()
            demo_sources["sqlite"] = source
        path = tmp_path / "studio.sqlite"
        with closing(sqlite3.connect(demo_sources["sqlite"])) as src, closing(sqlite3.connect(path)) as dst:
            src.backup(dst)
        db = open_database(path)
        yield db
        db.close()
        return
    server = request.getfixturevalue("postgres_server")
    if "postgresql" not in demo_sources:
        url = server.create(template=server.migrated_template())
        db = open_database(url)
        fill(db)
        db.close()
        demo_sources["postgresql"] = (server, make_url(url).database)
    _server, template = demo_sources["postgresql"]
    url = server.create(template=template)
    db = open_database(url)
    yield db
    db.close()
    server.drop(url)
