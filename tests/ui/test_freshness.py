"""The window follows other desks: a client registered in another process appears in the list,
the open client's tabs reload — except a form holding unsaved edits — and the window can let go
of one studio database and open another (after a restore, or moving to the server)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from studio.db import open_database
from studio.services import clients, studio_profile


def another_desk(database, code: str) -> None:
    """Run `code` (with `db` and `clients` at hand) in a separate process on the same database."""
    script = textwrap.dedent(
        f"""
        from studio.db import open_database
        from studio.services import clients
        db = open_database({database.url!r})
        with db.session_factory.begin() as s:
        """
    ) + textwrap.indent(textwrap.dedent(code), "    ") + "\ndb.close()\n"
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)


def names(page) -> list[str]:
    return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]


def test_a_client_registered_at_another_desk_appears(window, database):
    page = window.clients_page
    window.show_page("clients")
    page.run_search()
    assert window.freshness is not None
    assert names(page) == []
    another_desk(database, 'clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund"}))')
    window.freshness.poll()
    assert names(page) == ["Lund, Ana"]


def test_unsaved_edits_are_kept_when_another_desk_changes_the_client(window, database, typist):
    with database.session_factory.begin() as s:
        client_id = clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund"})).id
    page = window.clients_page
    window.show_page("clients")
    page.run_search()
    page.table.selectRow(0)
    form = page.client_tab
    notes = form.editor.form.inputs["notes"]
    notes.setFocus()
    typist(notes, "Typed here, not saved yet")
    assert form.has_unsaved_changes()
    another_desk(database, f"""
        record = clients.get(s, {client_id})
        clients.update(s, {client_id}, record.version, clients.parse({{"first_name": "Ana", "last_name": "Lund-Berg"}}))
    """)
    window.freshness.poll()
    assert names(page) == ["Lund-Berg, Ana"]  # the list follows
    assert "Typed here, not saved yet" in (notes.toPlainText() if hasattr(notes, "toPlainText") else notes.text())


def test_the_window_lets_go_of_one_studio_and_opens_another(window, database, tmp_path):
    other = open_database(tmp_path / "other.sqlite", create=True)
    with other.session_factory.begin() as s:
        studio_profile.save(s, studio_profile.parse({"name": "Second Studio", "weight_unit": "kg", "length_unit": "cm", "paper": "a4"}))
        clients.create(s, clients.parse({"first_name": "Bo", "last_name": "Dahl"}))
    url = other.url
    other.close()
    old_page = window.clients_page
    window.reopen(url)
    assert window.database is not None and window.database.url == url
    assert window.clients_page is not old_page
    window.show_page("clients")
    window.clients_page.run_search()
    assert names(window.clients_page) == ["Dahl, Bo"]
    assert window.studio_label.text() == "Second Studio"
    assert window.freshness is not None
