"""Moving a SQLite studio onto the server: every record copied with its id, checked row for row;
a target that already holds a studio, or a copy that doesn't verify, leaves the target as it was.
The target is the `database` fixture, so with a test server configured this runs into PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from reports.documents import make
from studio import server_copy
from studio.db import open_database
from studio.models import Base, Client, Document
from studio.services import clients, demo, referrals

TODAY = date(2026, 5, 1)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("source") / "studio.sqlite", create=True)
    with db.session_factory.begin() as s:
        demo.fill_demo_studio(s, today=TODAY, make_document=make)
    yield db
    db.close()


def counts(db) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in Base.metadata.sorted_tables}


def test_the_whole_studio_moves_with_its_ids_and_is_checked_row_for_row(source, database):
    report = server_copy.copy_studio(source, database)
    assert all(t.ok for t in report.tables)
    assert counts(database) == counts(source)
    assert report.rows == sum(counts(source).values()) > 1000
    assert "checked row for row" in report.describe()
    with source.session_factory() as a, database.session_factory() as b:
        assert [r.list_name for r in clients.search(a, "lukasiewicz")] == [r.list_name for r in clients.search(b, "lukasiewicz")]
        assert [(r.id, r.status, r.follow_up_on) for r in referrals.list_all(a)] == [
            (r.id, r.status, r.follow_up_on) for r in referrals.list_all(b)
        ]
        assert a.scalars(select(Document.fingerprint).order_by(Document.id)).all() == b.scalars(
            select(Document.fingerprint).order_by(Document.id)
        ).all()
        highest = b.scalar(select(func.max(Client.id)))
    # New records on the server continue after the copied ids.
    with database.session_factory.begin() as s:
        added = clients.create(s, clients.parse({"first_name": "New", "last_name": "Desk"}))
    assert added.id == highest + 1


def test_a_server_that_already_holds_a_studio_is_refused_untouched(source, database):
    with database.session_factory.begin() as s:
        clients.create(s, clients.parse({"first_name": "Already", "last_name": "Here"}))
    before = counts(database)
    with pytest.raises(server_copy.CopyRefused, match="already holds a studio"):
        server_copy.copy_studio(source, database)
    assert counts(database) == before


def test_a_copy_that_does_not_verify_keeps_nothing(source, database, monkeypatch):
    real = server_copy._count

    def short_by_one(conn, table):
        n = real(conn, table)
        return n - 1 if n and table.name == "assessment" and conn.engine is database.engine else n

    monkeypatch.setattr(server_copy, "_count", short_by_one)
    with pytest.raises(server_copy.CopyMismatch, match="assessment"):
        server_copy.copy_studio(source, database)
    monkeypatch.setattr(server_copy, "_count", real)
    assert sum(counts(database).values()) == 0


def test_copying_a_database_onto_itself_is_refused(source):
    with pytest.raises(server_copy.CopyRefused, match="same database"):
        server_copy.copy_studio(source, source)


def test_upright_admin_migrate_to_copies_the_file_into_the_server(source, database, capsys):
    """`upright-admin migrate-to URL`: the file's studio lands in the empty database at URL."""
    from ui import cli

    code = cli.main(["migrate-to", database.url, "--database", str(source.path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "checked row for row" in out and "is unchanged" in out
    assert counts(database) == counts(source)
    code = cli.main(["migrate-to", database.url, "--database", str(source.path)])
    _out, err = capsys.readouterr()
    assert code == 1 and "already holds a studio" in err  # a second copy is refused, nothing doubled
    assert counts(database) == counts(source)
