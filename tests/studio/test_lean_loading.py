"""What the benchmarks' figures led to: an up-to-date studio opens without Alembic or ReportLab
(memory), and a long history names its staff from one read each (the history figures)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_the_head_revision_read_from_the_files_is_alembics():
    from studio import schema

    assert schema._head_from_files() == schema.head_revision()


def test_opening_an_up_to_date_studio_needs_neither_alembic_nor_reportlab(tmp_path):
    from studio.db import open_database

    path = tmp_path / "studio.sqlite"
    open_database(path, create=True).close()  # migrated to head
    code = f"""
        import sys
        from studio.db import open_database
        import reports.documents
        database = open_database({str(path)!r})
        database.close()
        print(sorted({{m.split(".")[0] for m in sys.modules}} & {{"alembic", "mako", "reportlab", "PIL"}}))
    """
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_staff_names_are_read_once_per_session(session):
    from sqlalchemy import event

    from studio.services import staff

    trainer = staff.create(session, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"})).id
    session.expunge_all()  # as a new session would find it: not loaded yet
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", listener)
    try:
        names = [staff.name_of(session, trainer) for _ in range(40)]
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert names == ["Kai Berg"] * 40
    assert len([s for s in statements if "FROM staff" in s]) == 1


def test_the_sign_in_screen_reads_the_demo_names_without_loading_the_demo(tmp_path):
    """Every start asks whether the studio is the demo; the demo generator (with the clinical
    and exercise modules it imports) loads only when a demo is made."""
    from studio.db import open_database

    path = tmp_path / "studio.sqlite"
    open_database(path, create=True).close()
    code = f"""
        import sys
        from studio.db import open_database
        from studio.services import desk_start
        database = open_database({str(path)!r})
        with database.session_factory() as session:
            state = desk_start.start_state(session)
        database.close()
        print(state.empty, state.demo_note, "studio.services.demo" in sys.modules, "studio.exercises" in sys.modules)
    """
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "None", "False", "False"]


def test_the_first_start_is_told_apart_without_counting_every_client(session):
    """The sign-in screen asks at every start whether the studio is empty; with 100,000 clients a
    count would read the whole client index each time."""
    from sqlalchemy import event

    from studio.services import clients, desk_start

    assert desk_start.start_state(session).empty
    clients.create(session, clients.parse({"first_name": "Ana", "last_name": "López"}))
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
    event.listen(session.get_bind(), "before_cursor_execute", listener)
    try:
        state = desk_start.start_state(session)
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listener)
    assert not state.empty
    assert not [s for s in statements if "count(" in s.lower() and "FROM client" in s]
