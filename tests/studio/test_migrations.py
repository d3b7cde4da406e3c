from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from studio import schema
from studio.models import Base


def test_an_empty_database_upgrades_to_head(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    schema.upgrade(engine, None)
    with engine.connect() as conn:
        assert schema.current_revision(conn) == schema.head_revision()
        tables = set(inspect(conn).get_table_names())
    assert {"client", "client_search_term", "clinician", "staff", "studio_profile"} <= tables


def test_models_and_migrations_do_not_drift(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'drift.sqlite'}")
    schema.upgrade(engine, None)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_migrations_go_down_and_up_again(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'cycle.sqlite'}")
    schema.upgrade(engine, None)
    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    schema.upgrade(engine, None)
    with engine.connect() as conn:
        assert schema.current_revision(conn) == schema.head_revision()
