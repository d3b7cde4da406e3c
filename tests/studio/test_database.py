import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from studio import db as studio_db
from studio import schema
from studio.backups import list_backups, make_backup
from studio.db import DatabaseMissing, DatabaseProblem, DatabaseTooNew, DatabaseUnreadable, open_database
from studio.services import clients


def test_default_database_lives_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = studio_db.default_database_path()
    assert path == tmp_path / "data" / "Upright" / "upright.sqlite"
    database = open_database(None)
    try:
        assert database.path == path and path.is_file()
    finally:
        database.close()


@pytest.mark.sqlite_only("SQLite connection pragmas (foreign keys, WAL, busy timeout, synchronous)")
def test_pragmas_are_set_on_every_connection(database):
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == studio_db.BUSY_TIMEOUT_MS
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_urls_and_paths(tmp_path):
    assert studio_db.database_url(tmp_path / "a.sqlite") == f"sqlite:///{tmp_path / 'a.sqlite'}"
    assert studio_db.database_url("postgresql+psycopg://u@host/studio") == "postgresql+psycopg://u@host/studio"
    assert studio_db.sqlite_path("sqlite://") is None
    with pytest.raises(DatabaseProblem, match="not a database address"):
        studio_db.database_url("nonsense://")


def test_a_missing_file_is_not_silently_created(tmp_path):
    with pytest.raises(DatabaseMissing, match="There is no studio database"):
        open_database(tmp_path / "nowhere.sqlite")
    assert not (tmp_path / "nowhere.sqlite").exists()


def test_a_corrupt_file_is_refused_untouched_and_the_latest_backup_offered(tmp_path):
    good = open_database(tmp_path / "studio.sqlite", create=True)
    good.close()
    backup = make_backup(tmp_path / "studio.sqlite")
    damaged = tmp_path / "studio.sqlite"
    damaged.write_bytes(b"this is not a database at all" * 100)
    before = damaged.read_bytes()
    with pytest.raises(DatabaseUnreadable, match="damaged or is not an Upright database") as refused:
        open_database(damaged)
    assert refused.value.latest_backup == backup
    assert str(backup) in str(refused.value)
    assert damaged.read_bytes() == before


def test_a_locked_file_says_so(tmp_path, monkeypatch):
    database = open_database(tmp_path / "studio.sqlite", create=True)
    database.close()
    monkeypatch.setattr(studio_db, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(tmp_path / "studio.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseUnreadable, match="locked by another program"):
            open_database(tmp_path / "studio.sqlite")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_someone_elses_sqlite_file_is_left_alone(tmp_path):
    other = tmp_path / "budget.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE expenses (amount REAL)")
    with pytest.raises(DatabaseProblem, match="not Upright's"):
        open_database(other)
    with sqlite3.connect(other) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["expenses"]


def test_a_database_from_a_newer_upright_is_refused(tmp_path):
    path = tmp_path / "studio.sqlite"
    open_database(path, create=True).close()
    backup = make_backup(path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(DatabaseTooNew, match="newer version of Upright") as refused:
        open_database(path)
    assert refused.value.latest_backup == backup


@pytest.fixture
def next_migration(tmp_path, monkeypatch):
    """A copy of the shipped migrations plus one more, as the next release would bring."""
    folder = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    head = schema.head_revision()
    (folder / "versions" / "9000_next.py").write_text(
        f'''revision = "9000"
down_revision = "{head}"
branch_labels = None
depends_on = None

from alembic import op
import sqlalchemy as sa


def upgrade():
    with op.batch_alter_table("client") as batch:
        batch.add_column(sa.Column("shoe_size", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("client") as batch:
        batch.drop_column("shoe_size")
'''
    )
    return folder


def test_an_existing_database_is_backed_up_before_it_is_migrated(tmp_path, monkeypatch, next_migration):
    head = schema.head_revision()
    path = tmp_path / "studio.sqlite"
    first = open_database(path, create=True)
    with first.session_factory.begin() as s:
        clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Silva"}))
    first.close()

    monkeypatch.setattr(schema, "MIGRATIONS", next_migration)
    upgraded = open_database(path)
    try:
        assert upgraded.migrated_from == head
        backup = upgraded.pre_migration_backup
        assert backup is not None and backup in list_backups(path)
        with sqlite3.connect(backup) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)
            assert conn.execute("SELECT first_name FROM client").fetchall() == [("Ana",)]
        with upgraded.engine.connect() as conn:
            assert schema.current_revision(conn) == "9000"
            assert conn.execute(text("SELECT first_name, shoe_size FROM client")).all() == [("Ana", None)]
    finally:
        upgraded.close()


def test_a_new_database_needs_no_backup(tmp_path):
    database = open_database(tmp_path / "new.sqlite", create=True)
    database.close()
    assert database.pre_migration_backup is None
    assert list_backups(Path(tmp_path / "new.sqlite")) == []


# --- a step that fails for reasons outside Upright: studio.db.database_failure ------------------


def _sqlite_error(path: Path, provoke) -> sqlite3.Error:
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        provoke(connection)
    except sqlite3.Error as exc:
        return exc
    finally:
        connection.close()
    raise AssertionError("no error")


@pytest.mark.sqlite_only("SQLite result codes")
def test_sqlite_failures_are_put_in_plain_words(database):
    from studio.db import ConnectionLost, DatabaseNotWritable, database_failure

    path = database.path
    url = database.engine.url
    full = _sqlite_error(path, lambda c: (c.execute(f"PRAGMA max_page_count={c.execute('PRAGMA page_count').fetchone()[0]}"),
                                          c.execute("CREATE TABLE t (x)"), c.execute("INSERT INTO t VALUES (zeroblob(100000))")))
    assert full.sqlite_errorname == "SQLITE_FULL"
    said = database_failure(url, full)
    assert isinstance(said, DatabaseNotWritable) and str(said).startswith("The disk that holds the studio database is full")

    readonly = _sqlite_error(path, lambda c: (c.execute("PRAGMA query_only=ON"), c.execute("DELETE FROM client")))
    said = database_failure(url, readonly)
    assert isinstance(said, DatabaseNotWritable) and f"The studio database {path} can't be written to" in str(said)

    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        locked = _sqlite_error(path, lambda c: c.execute("BEGIN IMMEDIATE"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    said = database_failure(url, locked)
    assert isinstance(said, ConnectionLost) and said.locked and said.where == str(path)
    assert "is locked by another program" in str(said)

    io = sqlite3.OperationalError("disk I/O error")
    io.sqlite_errorname = "SQLITE_IOERR_WRITE"
    said = database_failure(url, io)
    assert isinstance(said, DatabaseNotWritable) and "USB stick" in str(said)

    assert database_failure(url, sqlite3.IntegrityError("UNIQUE constraint failed: client.id")) is None
    assert database_failure(url, ValueError("a bug")) is None


@pytest.mark.sqlite_only("SQLite write locks")
def test_the_connection_check_takes_the_write_lock_without_writing(database):
    from sqlalchemy.exc import OperationalError

    from studio.db import check_answering

    before = database.path.stat().st_size
    with database.session_factory.begin() as s:
        check_answering(s)
    holder = sqlite3.connect(database.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match="locked"):
            with database.session_factory.begin() as s:
                check_answering(s)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with database.session_factory.begin() as s:
        check_answering(s)
        assert s.connection().exec_driver_sql("PRAGMA busy_timeout").scalar() == studio_db.BUSY_TIMEOUT_MS
    assert database.path.stat().st_size == before


@pytest.mark.postgres
def test_a_server_that_goes_away_mid_session_is_connection_lost(postgres_server):
    url = postgres_server.create(template=postgres_server.migrated_template())
    database = open_database(url)
    try:
        _server_goes_away(database, postgres_server)
    finally:
        database.close()
        postgres_server.drop(url)


def _server_goes_away(database, postgres_server):
    from sqlalchemy.engine import make_url

    from studio.db import ConnectionLost, database_failure
    from studio.errors import UprightError

    name = make_url(database.url).database
    where = f"{database.engine.url.host}:{database.engine.url.port}"

    def admin(sql: str) -> None:
        with postgres_server.admin.connect() as connection:
            connection.execute(text(sql), {"name": name})

    def failure(work) -> UprightError | None:
        try:
            with database.session_factory.begin() as s:
                work(s)
        except Exception as exc:  # noqa: BLE001
            return database_failure(database.engine.url, exc)
        raise AssertionError("no error")

    cut = "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"

    def terminated_mid_step(s):
        s.execute(text("SELECT 1"))
        admin(cut)
        s.execute(text("SELECT 2"))

    said = failure(terminated_mid_step)
    assert isinstance(said, ConnectionLost) and not said.locked and said.where == where
    assert str(said).startswith(f"The studio server at {where} isn't answering (terminating connection due to administrator command).")
    assert postgres_server.url.password not in str(said)

    admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    admin(cut)
    try:
        said = failure(lambda s: s.execute(text("SELECT 1")))
        assert isinstance(said, ConnectionLost)
        assert "is not currently accepting connections" in str(said)
    finally:
        admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    # The server answering with a refusal of another kind is not an outage.
    assert failure(lambda s: (s.execute(text("SET LOCAL statement_timeout = 1")), s.execute(text("SELECT pg_sleep(1)")))) is None
    assert failure(lambda s: s.execute(text("SELECT 1/0"))) is None
