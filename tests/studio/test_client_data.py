"""A client's data requests: everything about one client (records_of), and erasing them so that
nothing of them is left — in any table, on either backend, nor in the SQLite file's bytes."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, func, inspect, select, text

from demo_studio import demo_database, demo_sources  # noqa: F401 - fixtures
from studio import access, audit, files
from studio.access import AccessRefused, Person
from studio.errors import NotFound, StaleEdit
from studio.models import AuditEntry, Base, Client
from studio.services import client_data, clients
from studio.text import fold

QUILLA = {
    "first_name": "Quilla",
    "last_name": "Zephyrine-Ødegård",
    "preferred_name": "Quill",
    "date_of_birth": "1931-07-19",
    "phone": "07700 913572",
    "email": "quilla.zephyrine@example.org",
    "address": "7 Cobweb Lane\nPortobello EH15 2QQ",
    "emergency_contact_name": "Orsolya Vantongeren",
    "emergency_contact_phone": "07700 968431",
    "occupation": "Retired lighthouse keeper",
    "notes": "Knee niggle <morning> & zqx-marker-71",
}
BIRTH = date(1931, 7, 19)


def richest_client(session) -> int:
    """The demo client with the most records of their own (assessments, programs, logs, letters…)."""
    ids = session.scalars(select(Client.id).order_by(Client.id)).all()
    return max(ids, key=lambda cid: (client_data.erasure_plan(session, cid).total, -cid))


def make_quilla(database) -> tuple[int, list[str]]:
    """A demo client with a full history, renamed to Quilla with details found nowhere else;
    some audit entries about her. Returns her id and the texts that must not survive her erasure."""
    with database.session_factory.begin() as s:
        cid = richest_client(s)
        old = clients.get(s, cid).details
        record = clients.get(s, cid)
        details = clients.parse({**{k: v for k, v in vars(old).items() if v is not None}, **QUILLA}, today=date(2026, 5, 1))
        clients.update(s, cid, record.version, details)
        audit.record(s, "print", "Printed the home program of Quilla Zephyrine-Ødegård", client_id=cid,
                     record_type="client", record_id=cid, details={"phone": QUILLA["phone"]})  # fmt: skip
    needles = [v for k, v in QUILLA.items() if k not in ("date_of_birth", "occupation", "preferred_name")]
    needles += ["Zephyrine", "zephyrine", fold(QUILLA["last_name"]), "zqx-marker-71", "7700913572", "1931-07-19"]
    needles += [old.first_name, old.last_name]  # the documents' titles and letters carry the demo name
    return cid, needles


def every_row(database):
    """(table, row) for every row of every table actually in the database (not only the models')."""
    with database.engine.connect() as connection:
        for table in sorted(inspect(connection).get_table_names()):
            quoted = connection.dialect.identifier_preparer.quote(table)
            for row in connection.execute(text(f"SELECT * FROM {quoted}")).mappings():
                yield table, dict(row)


def traces(database, needles: list[str], birth: date) -> list[str]:
    """Where any of `needles` (case-insensitive) or the birth date still is."""
    wanted = [n.casefold() for n in needles if n]
    found = []
    for table, row in every_row(database):
        for column, value in row.items():
            if isinstance(value, (bytes, memoryview)):
                value = bytes(value).decode("utf-8", "replace")
            if isinstance(value, str):
                folded = value.casefold()
                found += [f"{table}.{column}: {n!r}" for n in wanted if n in folded]
            elif isinstance(value, date) and not isinstance(value, datetime) and value == birth:
                found.append(f"{table}.{column}: birth date")
    return found


def counts(database) -> dict[str, int]:
    with database.engine.connect() as connection:
        return {t.name: connection.execute(select(func.count()).select_from(t)).scalar_one() for t in Base.metadata.sorted_tables}


def keys(database) -> dict[str, set[tuple]]:
    out = {}
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            pk = list(table.primary_key.columns)
            out[table.name] = {tuple(r) for r in connection.execute(select(*pk))}
    return out


def json_keys(data: dict) -> dict[str, set[tuple]]:
    out = {}
    for name, rows in data["tables"].items():
        pk = [c.name for c in Base.metadata.tables[name].primary_key.columns]
        out[name] = {tuple(row[c] for c in pk) for row in rows}
    return out


# --- what belongs to a client ----------------------------------------------------------------


def test_the_walk_follows_foreign_keys_from_client_but_not_set_null_links():
    tables = client_data.owned_tables()
    assert tables[0] == "client"
    for name in ("assessment", "program", "program_item", "program_change", "session_log", "session_log_entry",
                 "referral", "medical_clearance", "document", "client_search_term"):  # fmt: skip
        assert name in tables
    for name in ("staff", "clinician", "studio_profile", "audit_entry"):
        assert name not in tables
    # Parents before children, so erasing in reverse removes children first.
    assert tables.index("program") < tables.index("program_item") < tables.index("session_log_entry")

    metadata = MetaData()
    Table("client", metadata, Column("id", Integer, primary_key=True))
    Table("program", metadata, Column("id", Integer, primary_key=True),
          Column("client_id", ForeignKey("client.id", ondelete="CASCADE")))  # fmt: skip
    Table("invoice", metadata, Column("id", Integer, primary_key=True), Column("program_id", ForeignKey("program.id")))
    Table("note", metadata, Column("id", Integer, primary_key=True),
          Column("client_id", ForeignKey("client.id", ondelete="SET NULL")))  # fmt: skip
    assert client_data.owned_tables(metadata) == ["client", "program", "invoice"]


def test_records_of_has_every_row_that_erase_removes_and_nothing_else(demo_database):
    database = demo_database
    cid, _ = make_quilla(database)
    with database.session_factory() as s:
        data = client_data.records_of(s, cid)
        plan = client_data.erasure_plan(s, cid)
    json.dumps(data)  # JSON-ready as it is
    assert data["client_id"] == cid and data["tables"]["client"][0]["first_name"] == "Quilla"
    assert data["tables"]["client"][0]["date_of_birth"] == "1931-07-19"
    assert set(data["tables"]) == set(client_data.owned_tables())
    # A full history: something in every kind of table a demo client can have.
    for name in ("assessment", "program", "program_item", "program_change", "session_log", "session_log_entry", "document"):
        assert data["tables"][name], name
    assert any("Quilla" in e["summary"] for e in data["audit_trail"])
    assert {k: len(v) for k, v in data["tables"].items()} == plan.counts

    before = keys(database)
    with database.session_factory.begin() as s:
        result = client_data.erase(s, cid)
    after = keys(database)
    gone = {name: before[name] - after[name] for name in before}
    exported = json_keys(data)
    for name in before:
        assert gone[name] == exported.get(name, set()), name  # exactly the exported rows were removed
    assert result.counts == plan.counts and result.total == plan.total > 100


def test_records_of_an_unknown_client_is_not_found(session):
    with pytest.raises(NotFound, match="Client 4242"):
        client_data.records_of(session, 4242)


# --- erasing ----------------------------------------------------------------------------------


def test_erasure_leaves_nothing_of_the_client_in_any_table(demo_database):
    database = demo_database
    cid, needles = make_quilla(database)
    assert len(traces(database, needles, BIRTH)) > 20  # the check finds her while she is there
    other = counts(database)
    with database.session_factory.begin() as s:
        result = client_data.erase(s, cid)

    assert traces(database, needles, BIRTH) == []
    now = counts(database)
    for table, removed in result.counts.items():
        assert other[table] - now[table] == removed, table
    assert now["client"] == other["client"] - 1 and now["clinician"] == other["clinician"] and now["staff"] == other["staff"]
    with database.session_factory() as s:
        with pytest.raises(NotFound):
            client_data.records_of(s, cid)
        # The rest of the studio is whole: every other client still has their records.
        assert s.scalar(select(func.count()).select_from(Client)) == other["client"] - 1


def test_the_erasure_is_recorded_without_personal_data(demo_database):
    database = demo_database
    cid, needles = make_quilla(database)
    with database.session_factory.begin() as s:
        s.info["person"] = Person(7, "Olive Owner", access.OWNER)
        result = client_data.erase(s, cid)
    with database.session_factory() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
    assert entry.record_type == "client" and entry.record_id == cid and entry.client_id == cid
    with database.session_factory() as s:
        # The owner's Audit view, filtered to that client, shows the erasure first.
        from studio.services import audit_trail

        shown_for_client = audit_trail.entries(s, client_id=cid)
        assert [r.action for r in shown_for_client][0] == "erase"
    assert entry.who == "Olive Owner" and entry.staff_id == 7 and entry.at is not None
    assert str(cid) in entry.summary and str(result.total) in entry.summary
    details = json.loads(entry.details)
    assert details["counts"] == {k: v for k, v in result.counts.items() if v}
    shown = (entry.summary + entry.details).casefold()
    assert not [n for n in needles if n.casefold() in shown]


def test_erasing_refuses_a_stale_version_and_a_missing_client(demo_database):
    database = demo_database
    cid, _ = make_quilla(database)
    with database.session_factory() as s:
        version = clients.get(s, cid).version
    with database.session_factory.begin() as s:
        with pytest.raises(StaleEdit):
            client_data.erase(s, cid, expected_version=version - 1)
    with database.session_factory.begin() as s:
        client_data.erase(s, cid, expected_version=version)
    with database.session_factory.begin() as s:
        with pytest.raises(NotFound):
            client_data.erase(s, cid)


@pytest.mark.parametrize("role", [access.TRAINER, access.FRONT_DESK])
def test_only_the_owner_may_export_or_erase(session, role):
    cid = clients.create(session, clients.parse({"first_name": "Ada", "last_name": "Quist"})).id
    session.info["person"] = Person(3, "Tess", role)
    for call in (client_data.records_of, client_data.erasure_plan, client_data.erase):
        with pytest.raises(AccessRefused, match="owner"):
            call(session, cid)
    session.info["person"] = access.NOBODY
    with pytest.raises(AccessRefused, match="Sign in first"):
        client_data.erase(session, cid)
    session.info["person"] = Person(1, "Olive", access.OWNER)
    assert client_data.erasure_plan(session, cid).counts["client"] == 1


@pytest.mark.sqlite_only("about the bytes of the SQLite file and its write-ahead log")
def test_erasure_leaves_nothing_in_the_sqlite_files_bytes(demo_database):
    database = demo_database
    cid, needles = make_quilla(database)
    path = database.path
    wal = path.with_name(path.name + "-wal")

    def file_bytes() -> bytes:
        return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")

    wanted = [n for n in needles if len(n) >= 6]
    assert all(n.encode() in file_bytes() for n in ("Quilla", "zqx-marker-71"))
    with database.session_factory.begin() as s:
        client_data.erase(s, cid)
    data = file_bytes()
    left = [n for n in wanted if n.encode("utf-8") in data or n.casefold().encode("utf-8") in data]
    assert left == []
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed and truncated after the commit


def test_erasure_removes_the_clients_viewer_copies_and_no_one_elses(demo_database, tmp_path, monkeypatch):
    database = demo_database
    cid, _ = make_quilla(database)
    monkeypatch.setattr(files.tempfile, "tempdir", str(tmp_path))
    hers = files.viewer_copy(b"%PDF-1.4 hers", "Home program.pdf", cid)
    theirs = files.viewer_copy(b"%PDF-1.4 theirs", "Home program.pdf", cid + 1)
    blank = files.viewer_copy(b"%PDF-1.4 blank", "ODI.pdf", None)
    with database.session_factory.begin() as s:
        result = client_data.erase(s, cid)
    assert result.viewer_copies_removed == 1 and result.viewer_copies_left == 0
    assert not hers.exists() and not hers.parent.exists()
    assert theirs.exists() and blank.exists()


def test_erasing_a_client_loaded_in_the_same_session_forgets_the_objects(session):
    cid = clients.create(session, clients.parse({"first_name": "Ada", "last_name": "Quist", "email": "ada@example.org"})).id
    ada = session.get(Client, cid)
    terms = list(ada.search_terms)  # loaded: they go with her
    assert terms
    result = client_data.erase(session, cid)
    assert ada not in session and not any(term in session for term in terms)
    assert result.counts["client_search_term"] == len(terms)
    session.flush()  # nothing stale left to save
    assert session.get(Client, cid) is None
