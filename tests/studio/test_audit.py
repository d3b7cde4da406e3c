"""The audit trail (studio.audit, studio.services.audit_trail): an entry for every kind of
action, the fields before and after a change, the client each entry is about, the owner's
filters and CSV export, the database refusing to change or delete entries, and the erasure of a
client's personal details from the trail."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import stat
import sys
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from studio import access, audit
from studio.clinical.assessment import AssessmentData, PainHistory
from studio.exercises import SessionEntry
from studio.models import Client
from studio.models.account import AuditEntry, StaffCredential
from studio.models.base import desk_name
from studio.services import assessments, audit_trail, clients, csv_transfer, documents, programs, staff
from studio.services.documents import PROGRESS, Request

TODAY = date.today()
PERSONAL = ("Ana", "López", "ana.lopez@example.com", "07700 900123", "Calle Mayor 5")


def pdf(tag: str) -> bytes:
    return b"%PDF-1.4\n% a stand-in for a real document: " + tag.encode()


def trail(database, **filters) -> list[audit_trail.AuditRow]:
    with database.session_factory() as s:
        return audit_trail.entries(s, **filters)


def only(rows, **wanted) -> audit_trail.AuditRow:
    found = [r for r in rows if all(getattr(r, k) == v for k, v in wanted.items())]
    assert len(found) == 1, (wanted, [(r.action, r.record_type, r.summary) for r in rows])
    return found[0]


def new_client(s, first="Ana", last="López", **more) -> clients.ClientRecord:
    raw = {"first_name": first, "last_name": last, **more}
    return clients.create(s, clients.parse(raw, today=TODAY))


@pytest.fixture
def ana(database) -> int:
    with database.session_factory.begin() as s:
        return new_client(
            s, email="ana.lopez@example.com", phone="07700 900123", address="Calle Mayor 5", date_of_birth="1980-02-03"
        ).id


def active_program(s, client_id: int, trainer: int | None = None) -> programs.ProgramRecord:
    """A signed, flag-free assessment (the safety gate passes) and an active two-exercise program."""
    if trainer is None:
        trainer = staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"})).id
    record = assessments.start(s, client_id, assessed_on=TODAY - timedelta(days=3), today=TODAY)
    data = AssessmentData(pain=PainHistory(nprs_now=3, workup_status="complete_resolved"))
    record = assessments.save(s, record.id, record.version, data, today=TODAY)
    assessments.sign(s, record.id, record.version, trainer)
    program = programs.create_draft(s, client_id, title="Core basics", created_by_id=trainer)
    for code in ("bird_dog", "glute_bridge"):
        program = programs.add_item(s, program.id, program.version, code, override_reason="Chosen for the test")
    return programs.activate(s, program.id, program.version, by_id=trainer)


# --- one entry per kind of action ------------------------------------------------------------


def test_creating_a_client_records_who_where_and_the_initial_values(database, ana):
    entry = only(trail(database), action="create", record_type="client")
    assert (entry.record_id, entry.client_id, entry.client_name) == (ana, ana, "Ana López")
    assert entry.summary == "Client Ana López"
    assert (entry.who, entry.staff_id, entry.desk) == ("Upright tools", None, desk_name())
    assert entry.details["email"] == "ana.lopez@example.com"
    assert entry.details["date_of_birth"] == "1980-02-03"  # JSON-safe: dates as ISO text
    assert not {"version", "updated_at", "changed_by", "created_at", "sort_key"} & entry.details.keys()


def test_a_change_records_only_the_fields_that_changed_before_and_after(database, ana):
    with database.session_factory.begin() as s:
        record = clients.get(s, ana)
        details = dataclasses.replace(record.details, phone="07700 900999", email="ana@example.org")
        clients.update(s, ana, record.version, details)
    entry = only(trail(database), action="change")
    assert entry.details == {"phone": ["07700 900123", "07700 900999"], "email": ["ana.lopez@example.com", "ana@example.org"]}
    assert [(c.label, c.before, c.after) for c in entry.changes()] == [
        ("Phone", "07700 900123", "07700 900999"), ("Email", "ana.lopez@example.com", "ana@example.org"),
    ]  # fmt: skip


def test_a_save_that_changes_nothing_adds_no_entry(database, ana):
    with database.session_factory.begin() as s:
        record = clients.get(s, ana)
        clients.update(s, ana, record.version, record.details)
    assert [e.action for e in trail(database)] == ["create"]


def test_archive_and_restore_are_entries_of_their_own(database, ana):
    with database.session_factory.begin() as s:
        record = clients.set_archived(s, ana, None, True)
    with database.session_factory.begin() as s:
        clients.set_archived(s, ana, record.version, False)
    rows = trail(database)
    assert [r.action for r in rows] == ["restore", "archive", "create"]
    before, after = rows[1].details["archived_at"]
    assert before is None and after.startswith(str(TODAY.year))
    assert rows[0].details["archived_at"][1] is None


def test_deleting_a_record_keeps_its_values_before(database, ana):
    with database.session_factory.begin() as s:
        draft = assessments.start(s, ana, assessed_on=TODAY, today=TODAY)
    with database.session_factory.begin() as s:
        assessments.delete_draft(s, draft.id, None)
    entry = only(trail(database), action="delete")
    assert (entry.record_type, entry.record_id, entry.client_id) == ("assessment", draft.id, ana)
    assert entry.summary == f"Assessment of {TODAY.isoformat()} for client #{ana}"
    assert entry.details["kind"] == "initial" and entry.details["assessed_on"] == TODAY.isoformat()


def test_child_records_carry_their_clients_id_and_a_session_is_one_entry(database, ana):
    with database.session_factory.begin() as s:
        program = active_program(s, ana)
        item = program.items[0]
        programs.update_item_dose(s, program.id, None, item.id, sets=3)
        programs.log_session(
            s, ana, program.id, TODAY, {item.id: SessionEntry(True, sets_done=2, reps_done=8, pain_before=3, pain_after=2)},
            today=TODAY,
        )  # fmt: skip
    rows = trail(database)
    about_ana = [r for r in rows if r.record_type not in ("client", "staff")]
    assert about_ana and all(r.client_id == ana for r in about_ana)
    assert only(rows, record_type="staff").client_id is None
    assert {r.record_type for r in about_ana} >= {"assessment", "program", "program_item", "session_log"}
    dose = only(rows, action="change", record_type="program_item")
    assert dose.summary == f"Exercise '{item.exercise.name}' in program 'Core basics' for client #{ana}"
    assert dose.details == {"sets": [item.sets, 3]}
    logged = only(rows, action="create", record_type="session_log")
    assert logged.details["exercises"] == [f"{item.exercise.name}: done, 2×8, pain 3→2"]
    assert not [r for r in rows if r.record_type == "session_log_entry"]  # folded into the session's entry
    activated = only(rows, action="change", record_type="program")
    assert activated.details["status"] == ["draft", "active"]


def test_search_terms_and_passwords_are_never_in_the_trail(database, ana):
    with database.session_factory.begin() as s:
        member = staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"}))
        s.add(StaffCredential(staff_id=member.id, password_hash="scrypt$secret"))
    with database.session_factory() as s:
        stored = " ".join(str(v) for row in s.execute(select(AuditEntry.__table__)) for v in row)
        types = set(s.scalars(select(AuditEntry.record_type)))
    assert "scrypt" not in stored and "secret" not in stored
    assert types == {"client", "staff"}


def test_a_rolled_back_change_leaves_no_entry(database, ana):
    with database.session_factory() as s:
        new_client(s, "Bo", "Ek")
        s.flush()
        s.rollback()
    assert [r.summary for r in trail(database)] == ["Client Ana López"]


def test_entries_name_the_person_the_session_works_for(database, ana):
    with database.session_factory.begin() as s:
        kai = staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"})).id
    with database.session_factory.begin() as s:
        s.info["person"] = access.Person(kai, "Kai Berg", access.TRAINER)
        clients.set_archived(s, ana, None, True)
    entry = only(trail(database), action="archive")
    assert (entry.staff_id, entry.who) == (kai, "Kai Berg")


def test_printing_and_saving_a_document_are_print_and_export(database, ana):
    with database.session_factory.begin() as s:
        made = documents.record(s, Request(PROGRESS, client_id=ana), title="Progress report — Ana López",
                                content=pdf("a"), pages=2, handed=documents.PREVIEWED)  # fmt: skip
        documents.mark_handed(s, made.id, documents.PRINTED)
        documents.mark_handed(s, made.id, documents.SAVED)
        documents.record(s, Request(PROGRESS, client_id=ana), title="Progress report — Ana López",
                         content=pdf("b"), pages=2, handed=documents.BATCH)  # fmt: skip
    rows = trail(database, client_id=ana)
    assert [r.action for r in rows if r.record_type == "document"] == ["print", "create", "export", "print", "create"]
    printed = [r for r in rows if r.action == "print"][-1]
    assert printed.summary == f"Printed: 'Progress report — Ana López' for client #{ana}"
    assert (printed.record_id, printed.client_id, printed.details["pages"]) == (made.id, ana, 2)
    saved = only(rows, action="export")
    assert saved.summary.startswith("Saved as PDF: 'Progress report")
    assert not [r for r in rows if r.action == "change"]  # the print and export entries say it


def test_a_csv_export_and_import_say_how_many(database, ana):
    with database.session_factory.begin() as s:
        out = io.StringIO()
        csv_transfer.export_csv(s, "clients", out)
    with database.session_factory.begin() as s:
        text_ = "first name,last name\nBo,Ek\n"
        preview = csv_transfer.preview_import(s, "clients", text_, TODAY)
        csv_transfer.apply_import(s, preview)
    rows = trail(database)
    exported = only(rows, action="export")
    assert exported.summary == "Exported 1 clients to CSV" and exported.details == {"kind": "clients", "rows": 1}
    imported = only(rows, action="import")
    assert imported.details["kind"] == "clients" and imported.details["created"] == 1
    assert only(rows, action="create", summary="Client Bo Ek").client_id is not None


def test_sign_in_entries_go_through_record(database):
    with database.session_factory.begin() as s:
        audit.record(s, "sign_in_failed", "Wrong password for kai", person=access.NOBODY)
        audit.record(s, "sign_in", "Signed in", person=access.Person(3, "Kai Berg", access.TRAINER))
    rows = trail(database)
    assert [(r.action, r.who, r.staff_id) for r in rows] == [
        ("sign_in", "Kai Berg", 3), ("sign_in_failed", "Nobody signed in", None),
    ]  # fmt: skip
    assert rows[1].action_label == "Sign-in failed"


# --- reading: filters, people, CSV ----------------------------------------------------------


def test_filters_by_client_person_action_and_dates(database, ana):
    with database.session_factory.begin() as s:
        bo = new_client(s, "Bo", "Ek").id
        kai = staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"})).id
    with database.session_factory.begin() as s:
        s.info["person"] = access.Person(kai, "Kai Berg", access.TRAINER)
        clients.set_archived(s, bo, None, True)
    assert {r.client_id for r in trail(database, client_id=bo)} == {bo}
    assert [r.action for r in trail(database, staff_id=kai)] == ["archive"]
    assert {r.who for r in trail(database, who="Upright tools")} == {"Upright tools"}
    assert len(trail(database, who="Upright tools")) == 3
    assert [r.summary for r in trail(database, action="create", client_id=ana)] == ["Client Ana López"]
    assert len(trail(database, since=TODAY, until=TODAY)) == 4
    assert trail(database, until=TODAY - timedelta(days=1)) == []
    assert trail(database, since=TODAY + timedelta(days=1)) == []
    assert len(trail(database, limit=2)) == 2
    with database.session_factory() as s:
        people = audit_trail.people(s)
        assert [(p.staff_id, p.name) for p in people] == [(kai, "Kai Berg"), (None, "Upright tools")]
        assert audit_trail.clients(s) == [(ana, "Ana López"), (bo, "Bo Ek")]
        assert audit_trail.count(s) == 4


def test_newest_first_and_readers_see_this_transactions_entries(database, ana):
    with database.session_factory.begin() as s:
        new_client(s, "Bo", "Ek")
        s.flush()
        rows = audit_trail.entries(s)  # before the commit
        assert [r.summary for r in rows] == ["Client Bo Ek", "Client Ana López"]


def test_only_an_owner_reads_the_trail(database, ana):
    with database.session_factory() as s:
        s.info["person"] = access.Person(5, "Kai Berg", access.TRAINER)
        with pytest.raises(access.AccessRefused, match="Only an owner can see and export the audit trail"):
            audit_trail.entries(s)


def test_csv_export_is_private_whole_and_itself_recorded(database, ana, tmp_path):
    with database.session_factory.begin() as s:
        clients.set_archived(s, ana, None, True)
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "audit.csv"
    with database.session_factory.begin() as s:
        assert audit_trail.export_csv(s, target, client_id=ana) == 2
    content = target.read_bytes()
    assert content.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert lines[0] == list(audit_trail.CSV_COLUMNS)
    assert [(line[4], line[8], line[9]) for line in lines[1:]] == [
        ("archive", "Ana López", "Client Ana López"), ("create", "Ana López", "Client Ana López"),
    ]  # fmt: skip
    assert json.loads(lines[1][10])["archived_at"][0] is None
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert list(target.parent.iterdir()) == [target]  # no temporary file left
    exported = only(trail(database), action="export")
    assert exported.details["rows"] == 2 and exported.details["filters"] == {"client_id": ana}


# --- append-only, in the database too --------------------------------------------------------


def test_the_database_refuses_to_change_or_delete_an_entry(database, ana):
    for statement in (
        "UPDATE audit_entry SET summary = 'Client Someone Else'",
        "UPDATE audit_entry SET who = 'Nobody'",
        "UPDATE audit_entry SET summary = '(erased)', details = '(erased)', action = 'print'",
        "DELETE FROM audit_entry",
    ):
        with database.session_factory() as s:
            with pytest.raises(DBAPIError, match="can only be added to"):
                s.execute(text(statement))
                s.flush()
    with database.session_factory() as s:
        assert s.scalar(select(AuditEntry.summary)) == "Client Ana López"


def test_the_database_refuses_erasing_entries_not_about_a_client(database):
    with database.session_factory.begin() as s:
        audit.record(s, "sign_in", "Signed in")
    with database.session_factory() as s:
        with pytest.raises(DBAPIError, match="can only be added to"):
            s.execute(text("UPDATE audit_entry SET summary = '(erased)', details = NULL"))


@pytest.mark.postgres
def test_postgresql_refuses_truncate(database, backend):
    if backend != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    with database.session_factory() as s:
        with pytest.raises(DBAPIError, match="can only be added to"):
            s.execute(text("TRUNCATE audit_entry"))


# --- erasure ----------------------------------------------------------------------------------


def _everything(s) -> str:
    return " ".join(str(value) for row in s.execute(select(AuditEntry.__table__)) for value in row)


def test_redacting_a_client_leaves_no_personal_detail_and_keeps_every_entry(database, ana):
    with database.session_factory.begin() as s:
        bo = new_client(s, "Bo", "Ek").id
        record = clients.get(s, ana)
        clients.update(s, ana, record.version, dataclasses.replace(record.details, notes="Lives at Calle Mayor 5"))
        active_program(s, ana)
        documents.record(s, Request(PROGRESS, client_id=ana), title="Progress report — Ana López",
                         content=pdf("a"), pages=1, handed=documents.SAVED)  # fmt: skip
    with database.session_factory() as s:
        before = s.scalar(select(func.count()).select_from(AuditEntry))
        assert all(word in _everything(s) for word in PERSONAL)
        kept = [(e.id, e.at, e.who, e.action, e.record_type, e.record_id, e.client_id) for e in s.scalars(select(AuditEntry))]
        about = sum(1 for e in kept if e[6] == ana or (e[4] == "client" and e[5] == ana))
    with database.session_factory.begin() as s:
        redacted = audit.redact_client(s, ana)
        s.delete(s.get(Client, ana))  # the erasure's own changes after the redaction are written erased too
        audit.record(s, "erase", f"Erased client #{ana}", record_type="client", record_id=ana, client_id=ana)
    assert redacted == about < before  # every entry about Ana; Bo's and the staff member's stay as they were
    with database.session_factory() as s:
        everything = _everything(s)
        assert not [word for word in PERSONAL if word in everything]
        entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert [(e.id, e.at, e.who, e.action, e.record_type, e.record_id, e.client_id) for e in entries[: len(kept)]] == kept
        assert len(entries) == before + 2  # the deletion, and the erase entry
        assert sorted(e.action for e in entries[len(kept):]) == ["delete", "erase"]
        about_ana = [e for e in entries if e.client_id == ana and e.action != "erase"]
        assert about_ana and {e.summary for e in about_ana} == {audit.ERASED}
        assert {e.details for e in about_ana} <= {audit.ERASED, None}
        assert only(trail(database), record_id=bo, record_type="client").summary == "Client Bo Ek"
    erased = only(trail(database, client_id=ana), action="create", record_type="client")
    assert erased.erased and erased.details == audit.ERASED and erased.who == "Upright tools"


def test_redaction_reaches_entries_not_yet_written(database):
    with database.session_factory.begin() as s:
        ana = new_client(s, email="ana.lopez@example.com").id
        s.flush()
        audit.redact_client(s, ana)
        audit.record(s, "print", "Printed 'Handout — Ana López'", client_id=ana)
    with database.session_factory() as s:
        assert not [word for word in ("Ana", "López", "ana.lopez") if word in _everything(s)]
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 2
