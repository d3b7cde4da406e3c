from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from studio import schema
from studio.models import Base

# `empty_database_url` (tests/conftest.py): an empty database on SQLite, and on PostgreSQL when
# a test server is configured.


def test_an_empty_database_upgrades_to_head(empty_database_url):
    engine = create_engine(empty_database_url)
    try:
        schema.upgrade(engine, None)
        with engine.connect() as conn:
            assert schema.current_revision(conn) == schema.head_revision()
            tables = set(inspect(conn).get_table_names())
        assert {"client", "client_search_term", "clinician", "staff", "studio_profile"} <= tables
    finally:
        engine.dispose()


def _collations(conn) -> tuple[dict, dict]:
    """Column collations the models ask for on this backend, and those the database has
    (Alembic's comparison leaves collations out)."""
    wanted, found = {}, {}
    reflect = inspect(conn)
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            wanted[table.name, column.name] = getattr(column.type.dialect_impl(conn.dialect), "collation", None)
        for column in reflect.get_columns(table.name):
            found[table.name, column["name"]] = getattr(column["type"], "collation", None)
    return wanted, found


def test_models_and_migrations_do_not_drift(empty_database_url):
    engine = create_engine(empty_database_url)
    try:
        schema.upgrade(engine, None)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            wanted, found = _collations(conn)
            assert found == wanted
    finally:
        engine.dispose()


def test_migrations_go_down_and_up_again(empty_database_url):
    engine = create_engine(empty_database_url)
    try:
        schema.upgrade(engine, None)
        with engine.begin() as conn:
            command.downgrade(schema.alembic_config(conn), "base")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        schema.upgrade(engine, None)
        with engine.connect() as conn:
            assert schema.current_revision(conn) == schema.head_revision()
    finally:
        engine.dispose()
