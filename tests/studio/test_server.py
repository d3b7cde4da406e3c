"""PostgreSQL as a studio server: addresses, plain refusals, migrating on connect.

The service tests already run on both backends (tests/conftest.py); these are about the server
itself. Tests marked `postgres` need UPRIGHT_TEST_DATABASE_URL (`.ci/postgres` starts a server).
"""

from __future__ import annotations

import shutil
import threading

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from studio import db as studio_db
from studio import schema
from studio.db import DatabaseMissing, DatabaseProblem, DatabaseTooNew, DatabaseUnreachable, DatabaseUnreadable, open_database
from studio.services import clients


def test_server_addresses_use_the_psycopg_driver():
    assert studio_db.database_url("postgresql+psycopg://u:pw@host/studio") == "postgresql+psycopg://u:pw@host/studio"
    assert studio_db.database_url("postgresql://u:pw@host:6543/studio") == "postgresql+psycopg://u:pw@host:6543/studio"
    assert studio_db.database_url("postgres://u@host/studio?sslmode=require") == (
        "postgresql+psycopg://u@host/studio?sslmode=require"
    )
    assert studio_db.sqlite_path("postgresql+psycopg://u@host/studio") is None


def test_other_drivers_and_databases_are_refused_without_showing_the_password():
    with pytest.raises(DatabaseProblem, match="connects to PostgreSQL with psycopg") as refused:
        studio_db.database_url("postgresql+pg8000://u:secret-pw@host/studio")
    assert "secret-pw" not in str(refused.value)
    with pytest.raises(DatabaseProblem, match="a SQLite file or a PostgreSQL server") as refused:
        studio_db.database_url("mysql://u:secret-pw@host/studio")
    assert "secret-pw" not in str(refused.value)


def test_a_malformed_address_is_refused_without_its_password():
    with pytest.raises(DatabaseProblem, match="not a database address") as refused:
        studio_db.database_url("postgresql://u:secret-pw@host:port/studio")
    assert "secret-pw" not in str(refused.value)


def test_a_server_engine_checks_its_connections_and_gives_up_quickly():
    engine = studio_db.make_engine("postgresql+psycopg://u:pw@127.0.0.1:1/studio")
    try:
        assert engine.pool._pre_ping
        assert engine.url.password == "pw"
    finally:
        engine.dispose()


def test_a_server_that_does_not_answer_is_explained_without_the_password():
    with pytest.raises(DatabaseUnreachable, match="127.0.0.1:1 isn't answering") as refused:
        open_database("postgresql+psycopg://upright:secret-pw@127.0.0.1:1/studio")
    assert "secret-pw" not in str(refused.value)
    assert refused.value.path is None and refused.value.latest_backup is None


# --- on a real server -----------------------------------------------------------------------


@pytest.fixture
def server_database(postgres_server):
    """The URL of a new, empty database on the test server (dropped afterwards)."""
    url = postgres_server.create()
    yield url
    postgres_server.drop(url)


@pytest.mark.postgres
def test_a_wrong_password_is_explained_without_the_password(postgres_server):
    wrong = postgres_server.url.set(password="not-the-password-xyz").render_as_string(hide_password=False)
    with pytest.raises(DatabaseUnreadable, match="did not accept the user name or password") as refused:
        open_database(wrong)
    assert "not-the-password-xyz" not in str(refused.value)
    assert postgres_server.url.password not in str(refused.value)


@pytest.mark.postgres
def test_an_unknown_database_is_missing_and_can_be_created(postgres_server):
    name = f"upright_test_created_{id(postgres_server)}"
    url = postgres_server.url_of(name)
    with pytest.raises(DatabaseMissing, match=f"no database called '{name}'") as refused:
        open_database(url)
    assert postgres_server.url.password not in str(refused.value)
    try:
        created = open_database(url, create=True)
        try:
            assert created.dialect == "postgresql" and created.path is None
            assert created.where == make_url(url).render_as_string(hide_password=True)
            assert postgres_server.url.password not in created.where + repr(created)
            with created.engine.connect() as conn:
                assert schema.current_revision(conn) == schema.head_revision()
        finally:
            created.close()
    finally:
        postgres_server.drop(url)


@pytest.mark.postgres
def test_an_empty_server_database_is_set_up_on_connect(server_database):
    database = open_database(server_database)
    try:
        assert database.migrated_from is None and database.pre_migration_backup is None
        with database.session_factory.begin() as s:
            clients.create(s, clients.parse({"first_name": "Zoë", "last_name": "Łukasiewicz-Ødegård"}))
        with database.session_factory() as s:
            assert [row.last_name for row in clients.search(s, "zoe odegard")] == ["Łukasiewicz-Ødegård"]
    finally:
        database.close()


@pytest.mark.postgres
def test_two_desks_starting_at_once_migrate_a_new_server_database_once(server_database):
    opened, failed = [], []

    def desk():
        try:
            opened.append(open_database(server_database))
        except Exception as exc:  # noqa: BLE001 - the test reports it
            failed.append(exc)

    desks = [threading.Thread(target=desk) for _ in range(3)]
    for thread in desks:
        thread.start()
    for thread in desks:
        thread.join()
    try:
        assert failed == []
        with opened[0].engine.connect() as conn:
            assert schema.current_revision(conn) == schema.head_revision()
    finally:
        for database in opened:
            database.close()


@pytest.mark.postgres
def test_tables_that_are_not_uprights_are_left_alone(server_database):
    engine = create_engine(server_database)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE expenses (amount numeric)"))
        with pytest.raises(DatabaseProblem, match="not Upright's"):
            open_database(server_database)
        with engine.connect() as conn:
            names = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
        assert names == ["expenses"]
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_server_database_from_a_newer_upright_is_refused(server_database):
    open_database(server_database).close()
    engine = create_engine(server_database)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
        with pytest.raises(DatabaseTooNew, match="newer version of Upright") as refused:
            open_database(server_database)
        assert refused.value.latest_backup is None
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999_future"
    finally:
        engine.dispose()


def _next_migration(tmp_path, monkeypatch) -> str:
    """Swap in the shipped migrations plus one more (a new client column); returns the old head."""
    head = schema.head_revision()
    folder = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "9000_next.py").write_text(
        f'''revision = "9000"
down_revision = "{head}"
branch_labels = None
depends_on = None

from alembic import op
import sqlalchemy as sa


def upgrade():
    op.add_column("client", sa.Column("shoe_size", sa.Integer(), nullable=True))


def downgrade():
    op.drop_column("client", "shoe_size")
'''
    )
    monkeypatch.setattr(schema, "MIGRATIONS", folder)
    return head


def _server_with_ana(server_database) -> None:
    first = open_database(server_database)
    with first.session_factory.begin() as s:
        clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Silva"}))
    first.close()


@pytest.mark.postgres
def test_a_server_database_is_dumped_then_migrated_on_connect(server_database, tmp_path, monkeypatch):
    from studio import backups

    if backups.find_pg_tool("pg_dump") is None:
        pytest.skip("pg_dump is not installed here (.ci/run installs it with the server)")
    _server_with_ana(server_database)
    head = _next_migration(tmp_path, monkeypatch)
    upgraded = open_database(server_database)
    try:
        assert upgraded.migrated_from == head and upgraded.migration_note is None
        with upgraded.engine.connect() as conn:
            assert schema.current_revision(conn) == "9000"
            assert conn.execute(text("SELECT first_name, shoe_size FROM client")).all() == [("Ana", None)]
    finally:
        upgraded.close()
    dump = upgraded.pre_migration_backup
    assert dump is not None and dump.parent == backups.backups_dir(server_database)
    checked = backups.verify(dump)
    # The dump is of the studio as it stood before the upgrade: the old revision, Ana's row.
    assert checked.ok and checked.revision == head and checked.counts["client"] == 1
    assert "before-upgrade-9000" in dump.name


@pytest.mark.postgres
def test_without_pg_dump_a_server_is_migrated_and_the_person_told_why_there_is_no_backup(
    server_database, tmp_path, monkeypatch
):
    from studio import backups

    _server_with_ana(server_database)
    head = _next_migration(tmp_path, monkeypatch)
    monkeypatch.setattr(backups, "find_pg_tool", lambda name: None)
    upgraded = open_database(server_database)
    try:
        assert upgraded.migrated_from == head and upgraded.pre_migration_backup is None
        assert upgraded.migration_note.startswith("No backup was made before the upgrade: pg_dump was not found")
        with upgraded.engine.connect() as conn:
            assert schema.current_revision(conn) == "9000"
    finally:
        upgraded.close()


@pytest.mark.postgres
def test_search_terms_compare_bytewise_and_the_index_serves_prefix_ranges(server_database):
    database = open_database(server_database)
    try:
        with database.engine.connect() as conn:
            collation = conn.execute(
                text(
                    "SELECT collation_name FROM information_schema.columns "
                    "WHERE table_name = 'client_search_term' AND column_name = 'term'"
                )
            ).scalar()
            assert collation == "C"
            # Under a linguistic collation 'B' sorts between 'a' and 'c'; bytewise it is before both.
            assert conn.execute(text("SELECT 'B' < 'a' COLLATE \"C\"")).scalar() is True
            conn.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(
                conn.execute(
                    text(
                        "EXPLAIN SELECT client_id FROM client_search_term "
                        "WHERE term >= 'gar' AND term < 'gar' || chr(1114111)"
                    )
                ).scalars()
            )
        assert "Index" in plan and "client_search_term" in plan
    finally:
        database.close()
