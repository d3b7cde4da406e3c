"""The demo studio and the bulk client generator."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timezone

import pytest
from sqlalchemy import func, select

from studio.db import open_database
from studio.errors import UprightError
from studio.fields import format_value
from studio.clinical.assessment import findings
from studio.models import Assessment, Client, ClientSearchTerm, Document, MedicalClearance, Program, ProgramChange, Referral, SessionLog
from studio.services import (
    assessments, clearances, clients, clinicians, demo, documents, programs, referrals, safety, staff, studio_profile,
)  # fmt: skip

TODAY = date(2026, 5, 1)


def _open(path):
    return open_database(path, create=True)


# `database` comes from tests/conftest.py.


@pytest.fixture()
def filled(database):
    with database.session_factory.begin() as s:
        summary = demo.fill_demo_studio(s, today=TODAY)
    return database, summary


def test_summary_counts_what_is_in_the_database(filled):
    database, summary = filled
    with database.session_factory() as s:
        everyone = clients.all_records(s)
        assert summary == demo.DemoSummary(
            "Upright Demo Studio", staff=6, clinicians=12, clients=len(everyone), archived_clients=2,
            assessments=s.scalar(select(func.count()).select_from(Assessment)),
            clearances=s.scalar(select(func.count()).select_from(MedicalClearance)),
            programs=s.scalar(select(func.count()).select_from(Program)),
            session_logs=s.scalar(select(func.count()).select_from(SessionLog)),
            referrals=s.scalar(select(func.count()).select_from(Referral)), documents=0,
        )  # fmt: skip
        assert s.scalar(select(func.count()).select_from(Document)) == 0  # nothing to make documents with
        assert 28 <= len(everyone) <= 32
        assert sum(r.archived for r in everyone) == 2
        assert len(clinicians.search(s, include_archived=True)) == 12
        assert len(staff.list_staff(s, include_archived=True)) == 6


def test_studio_profile_is_metric_a4_with_contact_details(filled):
    database, _ = filled
    with database.session_factory() as s:
        profile = studio_profile.get(s).details
    assert (profile.weight_unit, profile.length_unit, profile.paper) == ("kg", "cm", "a4")
    assert profile.address and profile.phone and profile.email


def test_staff_roles_and_trainer_credentials(filled):
    database, _ = filled
    with database.session_factory() as s:
        people = staff.list_staff(s)
    assert Counter(p.details.role for p in people) == {"owner": 1, "trainer": 3, "front_desk": 2}
    credentials = " ".join(p.details.credentials or "" for p in people if p.details.role == "trainer")
    for expected in ("NSCA-CSCS", "ACE-CPT", "NASM-CES"):
        assert expected in credentials


def test_clinician_network_covers_every_specialty(filled):
    database, _ = filled
    with database.session_factory() as s:
        network = clinicians.search(s, include_archived=True)
    by_specialty = Counter(c.details.specialty for c in network)
    assert set(by_specialty) == {code for code, _ in clinicians.SPECIALTIES}
    assert by_specialty["primary_care"] >= 2
    assert by_specialty["pain_specialist"] == 2
    assert any(c.details.fax for c in network) and not all(c.details.fax for c in network)
    assert any(not c.details.accepting_new for c in network)
    assert all(c.details.practice and c.details.phone and c.details.email for c in network)
    assert all(c.details.preferred_contact for c in network)
    assert any(c.details.notes for c in network)


def test_clients_come_from_many_languages_and_scripts(filled):
    database, _ = filled
    with database.session_factory() as s:
        names = {r.name for r in clients.all_records(s)}
        expected = {
            "Zoë Łukasiewicz-Ødegård", "José García", "Αλέξανδρος Παπαδόπουλος", "Ольга Иванова",
            "Siobhán O'Brien", "Oluwaseun Adeyemi", "花子 佐藤", "Mohammed Al-Farsi", "Ayşe Yılmaz",
        }  # fmt: skip
        assert expected <= names
        assert any("Nguyễn" in name for name in names)
        # Found the way the desk types them: without accents, by the Latin preferred name.
        assert [r.list_name for r in clients.search(s, "lukasiewicz")] == ["Łukasiewicz-Ødegård, Zoë"]
        assert [r.list_name for r in clients.search(s, "hanako")] == ["佐藤, 花子 (Hanako)"]
        assert [r.list_name for r in clients.search(s, "obrien")] == ["O'Brien, Siobhán"]


def test_clients_are_plausible_and_would_pass_the_form(filled):
    database, _ = filled
    with database.session_factory() as s:
        everyone = clients.all_records(s)
        training = {p.id for p in staff.list_staff(s, roles=staff.TRAINING_ROLES)}
        for r in everyone:
            d = r.details
            assert 18 <= (TODAY - d.date_of_birth).days // 365 <= 90, r.name
            assert d.email and d.email.isascii() and d.phone and d.occupation
            assert d.trainer_id in training
            assert d.waiver_signed_date and d.waiver_signed_date <= TODAY
            assert d.consent_to_share_date is None or d.consent_to_share_date <= TODAY
            # What the form would show, typed back in, gives the same client.
            typed = {f.name: format_value(f, getattr(d, f.name)) for f in clients.FIELDS}
            typed["trainer_id"], typed["physician_id"] = d.trainer_id, d.physician_id
            assert clients.parse(typed, TODAY) == d
        assert 0 < sum(r.details.physician_id is not None for r in everyone) < len(everyone)
        assert len({r.details.referral_source for r in everyone}) >= 4
        assert any(r.details.notes for r in everyone)
        assert any(r.details.preferred_name for r in everyone)


def test_the_same_seed_gives_the_same_studio_and_another_seed_does_not(make_database):
    def snapshot(name: str, seed: int):
        db = make_database(name)
        with db.session_factory.begin() as s:
            demo.fill_demo_studio(s, today=TODAY, seed=seed)
            result = [(r.details, r.archived) for r in clients.all_records(s)]
            # Programs and sessions too, all but the timestamps (those are the real clock).
            for program_id in s.scalars(select(Program.id).order_by(Program.id)):
                p = programs.get(s, program_id)
                result.append((p.client_id, p.status, p.title, p.notes, [(i.exercise_code, i.dose) for i in p.items]))
                result.append([(c.change, c.exercise_code, c.from_code, c.to_code, c.reason) for c in p.history])
                result.append([(log.logged_on, log.notes, log.entries) for log in programs.list_sessions(s, p.id)])
            for row in referrals.list_all(s, today=TODAY):
                r = referrals.get(s, row.id)
                result.append((r.client_id, r.status, r.tier, r.clinician_id, r.sent_on, r.reply_decision, r.reply_on))
        db.close()
        return result

    first = snapshot("a", 7)
    assert snapshot("b", 7) == first
    assert snapshot("c", 8) != first


def test_refuses_a_database_that_already_has_clients(filled):
    database, _ = filled
    with pytest.raises(UprightError, match="already has a studio"):
        with database.session_factory.begin() as s:
            demo.fill_demo_studio(s, today=TODAY)
    with database.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Client)) == 30


def test_refuses_a_database_with_only_a_studio_profile(database):
    with database.session_factory.begin() as s:
        studio_profile.save(s, studio_profile.StudioDetails("Real Studio Ltd"))
    with pytest.raises(demo.StudioNotEmpty):
        with database.session_factory.begin() as s:
            demo.fill_demo_studio(s, today=TODAY)


# --- the bulk generator ---------------------------------------------------------------------


def test_generated_clients_are_found_by_name_phone_email_and_birth_date(database):
    with database.session_factory.begin() as s:
        assert demo.generate_clients(s, 300, seed=5) == 300
    with database.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Client)) == 300
        for client_id in (1, 150, 300):
            row = s.execute(
                select(Client.first_name, Client.last_name, Client.phone, Client.email, Client.date_of_birth).where(
                    Client.id == client_id
                )
            ).one()
            first, last, phone, email, born = row
            tail = phone.split()[-1]
            queries = [
                f"{last} {first}",
                last.upper(),
                tail,
                email,
                born.isoformat(),
                born.strftime("%d/%m/%Y"),
                f"{first[:2]} {born:%Y-%m}",
            ]
            for query in queries:
                found = {r.id for r in clients.search(s, query, limit=1000)}
                assert client_id in found, (query, row)


def test_generated_rows_match_what_the_service_would_store(database):
    """Saving a generated client through the service must change neither its sort key nor its
    search terms: the generator's shortcut stores exactly what the service computes."""
    with database.session_factory.begin() as s:
        demo.generate_clients(s, 50, seed=11)

    def stored(s, client_id):
        sort = s.scalar(select(Client.sort_key).where(Client.id == client_id))
        terms = set(s.scalars(select(ClientSearchTerm.term).where(ClientSearchTerm.client_id == client_id)))
        return sort, terms

    with database.session_factory.begin() as s:
        for client_id in range(1, 51):
            before = stored(s, client_id)
            assert before[0] and before[1]
            record = clients.get(s, client_id)
            clients.update(s, client_id, record.version, record.details)
            assert stored(s, client_id) == before


def test_generator_is_deterministic_and_varied(make_database):
    def names(name, seed):
        db = make_database(name)
        with db.session_factory.begin() as s:
            demo.generate_clients(s, 200, seed=seed)
            result = [(r.first_name, r.last_name, r.date_of_birth) for r in clients.search(s, "", limit=500)]
        db.close()
        return result

    first = names("a", 3)
    assert names("b", 3) == first
    assert names("c", 4) != first
    assert len({last for _, last, _ in first}) > 150
    assert len({born for _, _, born in first}) > 150


def test_generator_goes_alongside_the_demo(filled):
    database, _ = filled
    with database.session_factory.begin() as s:
        demo.generate_clients(s, 10_000)
    with database.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Client)) == 10_030
        assert [r.list_name for r in clients.search(s, "lukasiewicz")] == ["Łukasiewicz-Ødegård, Zoë"]


# --- programs and session logs --------------------------------------------------------------


def _programs_by_client(s) -> dict[str, list[programs.ProgramRecord]]:
    return {
        r.name: [programs.get(s, row.id) for row in programs.list_for_client(s, r.id)]
        for r in clients.all_records(s)
    }


def test_only_clients_the_safety_gate_passes_have_an_active_program(filled):
    database, _ = filled
    with database.session_factory() as s:
        by_client = _programs_by_client(s)
        ids = {r.name: r.id for r in clients.all_records(s)}
        gates = {name: safety.gate(s, cid) for name, cid in ids.items()}
        signed = {name: assessments.latest(s, cid, signed_only=True) is not None for name, cid in ids.items()}
        current = {r.name for r in clients.all_records(s) if not r.archived}
    active = {name for name, rows in by_client.items() if any(p.status == programs.ACTIVE for p in rows)}
    assert active and all(gates[name].passed for name in active)
    assert all(sum(p.status == programs.ACTIVE for p in rows) <= 1 for rows in by_client.values())
    # Blocked by an emergency or urgent flag with no clearance: a draft waiting, never active.
    for name in ("Kofi Boateng", "Dmitri Sokolov"):
        assert not gates[name].passed
        assert by_client[name] and all(p.status == programs.DRAFT for p in by_client[name]), name
    # Most assessed, unblocked, current clients train on an active program; nobody unassessed has one.
    trainable = {name for name in current if signed[name] and gates[name].passed}
    assert len(active & trainable) >= 0.8 * len(trainable) and active <= trainable
    assert all(not by_client[name] for name, has in signed.items() if not has)
    # Cleared with restrictions: the activation records the clearance it relied on.
    ingrid = next(p for p in by_client["Ingrid Bergström"] if p.status == programs.ACTIVE)
    activated = next(c for c in ingrid.history if c.change == "activated")
    assert "Cleared with restrictions" in activated.reason


def test_session_logs_fall_between_the_assessment_and_the_demo_day(filled):
    database, summary = filled
    with database.session_factory() as s:
        by_client = _programs_by_client(s)
        ids = {r.name: r.id for r in clients.all_records(s)}
        first_signed = {
            name: min((a.assessed_on for a in assessments.list_for_client(s, cid) if a.signed), default=None)
            for name, cid in ids.items()
        }
        logs = {name: [log for p in rows for log in programs.list_sessions(s, p.id)] for name, rows in by_client.items()}
        ingrid_cleared = clearances.list_for_client(s, ids["Ingrid Bergström"])[0].cleared_on
    assert summary.session_logs == sum(len(rows) for rows in logs.values()) > 100
    for name, rows in by_client.items():
        trained = [p for p in rows if p.status != programs.DRAFT]
        if not trained:
            assert not logs[name], name
            continue
        assert 4 <= len(logs[name]) <= 12, (name, len(logs[name]))
        for log in logs[name]:
            assert first_signed[name] < log.logged_on <= TODAY, (name, log.logged_on)
            assert log.entries and log.trainer_id is not None
        days = [log.logged_on for log in logs[name]]
        assert len(set(days)) == len(days), name  # one session a day at most
    # Trained only once cleared.
    assert all(log.logged_on > ingrid_cleared for log in logs["Ingrid Bergström"])
    # Attendance gaps for one client: a break of three weeks or more, noted when they came back.
    jose = sorted(logs["José García"], key=lambda log: log.logged_on)
    gaps = [(b.logged_on - a.logged_on).days for a, b in zip(jose, jose[1:])]
    assert max(gaps) >= 21
    back = jose[gaps.index(max(gaps)) + 1]
    assert back.notes and "away" in back.notes


def test_program_history_shows_progressions_a_regression_and_a_decline_with_reasons(filled):
    database, _ = filled
    with database.session_factory() as s:
        by_client = _programs_by_client(s)
    changes = {name: [c for p in rows for c in p.history] for name, rows in by_client.items()}
    everything = [c for rows in changes.values() for c in rows]
    assert all(c.reason for c in everything if c.change in ("progressed", "regressed", "declined", "dose_changed"))
    progressed = {name for name, rows in changes.items() if any(c.change == "progressed" for c in rows)}
    assert len(progressed) >= 10
    assert all(c.from_code and c.to_code and c.from_code != c.to_code for c in everything if c.change == "progressed")

    regressed = [c for c in changes["Wojciech Wiśniewski"] if c.change == "regressed"]
    assert len(regressed) == 1 and "Pain up 3 points" in regressed[0].reason
    assert [name for name, rows in changes.items() if any(c.change == "regressed" for c in rows)] == [
        "Wojciech Wiśniewski"
    ]
    declined = [c for c in changes["Thị Lan Nguyễn"] if c.change == "declined"]
    assert len(declined) == 1 and "night shifts" in declined[0].reason
    later = [c for c in changes["Thị Lan Nguyễn"] if c.change == "progressed" and c.item_id == declined[0].item_id]
    assert later and later[0].id > declined[0].id  # accepted a fortnight later
    # The plateau: sessions logged, nothing moved on.
    assert not any(c.change in ("progressed", "regressed") for c in changes["Αλέξανδρος Παπαδόπουλος"])
    # Every trained program was fitted to the client: at least two dose changes with reasons.
    for name, rows in by_client.items():
        for p in rows:
            if p.status != programs.DRAFT:
                assert sum(c.change == "dose_changed" for c in p.history) >= 2, name


def test_an_older_program_was_archived_when_a_newer_one_replaced_it(filled):
    database, _ = filled
    with database.session_factory() as s:
        by_client = _programs_by_client(s)
        zoe = by_client["Zoë Łukasiewicz-Ødegård"]
        older = next(p for p in zoe if p.status == programs.ARCHIVED)
        older_logs = programs.list_sessions(s, older.id)
        newer = next(p for p in zoe if p.status == programs.ACTIVE)
    assert older.archived_at is not None and older_logs
    assert any(c.change == "archived" and newer.title in c.reason for c in older.history)
    assert newer.title.startswith("Program after the re-assessment")
    # The archived clients' programs were archived with them, with the reason.
    for name in ("Margaret Thompson", "Hamish MacLeod"):
        assert by_client[name] and all(p.status == programs.ARCHIVED for p in by_client[name])
        assert all(any(c.change == "archived" and c.reason for c in p.history) for p in by_client[name])


def test_every_active_exercise_is_allowed_by_the_screening_or_says_why_not(filled):
    database, _ = filled
    overridden = 0
    with database.session_factory() as s:
        for program_id in s.scalars(select(Program.id).where(Program.status == programs.ACTIVE)):
            program = programs.get(s, program_id)
            assert program.items
            results = programs.screen_for_client(s, program.client_id, [item.exercise for item in program.items])
            for item, result in zip(program.items, results):
                assert result.allowed or item.override_reason, (program.title, item.exercise_code, result.reasons)
                overridden += not result.allowed
    assert overridden >= 1  # the override path shows in the demo too


def test_the_demo_has_programs_and_sessions(database):
    with database.session_factory.begin() as s:
        summary = demo.fill_demo_studio(s, today=TODAY)
    assert summary.programs > 20 and summary.session_logs > 100


# --- referrals --------------------------------------------------------------------------------


def _referrals(s) -> dict[str, list[referrals.ReferralRecord]]:
    return {r.name: referrals.list_for_client(s, r.id) for r in clients.all_records(s)}


def test_referrals_reach_every_status_and_follow_the_assessments(filled):
    database, summary = filled
    with database.session_factory() as s:
        by_client = _referrals(s)
        every = [r for rows in by_client.values() for r in rows]
        written_from = {r.id: assessments.get(s, r.assessment_id) for r in every}
    assert summary.referrals == len(every)
    assert {r.status for r in every} == {code for code, _ in referrals.STATUSES}
    answered = Counter(r.reply_decision for r in every if r.status == referrals.REPLY_RECEIVED)
    assert answered == {"cleared": 1, "cleared_with_restrictions": 1, "not_cleared": 1}
    for r in every:
        assessment = written_from[r.id]
        recommended = findings(assessment.data).referral
        if recommended.tier == "none":  # an advisory the trainer acted on: STarT Back high risk
            assert (r.tier, r.destination) == ("routine", "physiotherapist") and "STarT Back" in r.reason
        else:  # tier, destination and reason as the pathway recommends
            assert (r.tier, r.destination) == (recommended.tier, recommended.destination), r
            assert r.reason == referrals.prefilled_reason(assessment.data, assessment.assessed_on)
        assert r.created_by_id is not None
        if r.status == referrals.DRAFT:
            assert r.sent_on is None and r.follow_up_on is None
            continue
        # Dates tell the story: sent after the assessment, answered after sending, nothing after today.
        assert assessment.assessed_on <= r.sent_on <= TODAY, r
        assert r.clinician_id is not None or r.destination == referrals.EMERGENCY_DEPARTMENT
        if r.reply_on is not None:
            assert r.sent_on <= r.reply_on <= TODAY
    # The pathway's stories: emergency, urgent, a GP for no workup, a pain specialist for the plateau.
    tiers = {(r.tier, r.destination) for r in every}
    assert {("emergency", "emergency_department"), ("urgent", "primary_care"), ("routine", "primary_care"),
            ("routine", "pain_specialist")} <= tiers  # fmt: skip
    assert [r.destination for r in by_client["Αλέξανδρος Παπαδόπουλος"]] == ["pain_specialist"]


def test_each_reply_recorded_the_clearance_the_gate_reads(filled):
    database, _ = filled
    with database.session_factory() as s:
        every = [r for rows in _referrals(s).values() for r in rows]
        replies = [r for r in every if r.status == referrals.REPLY_RECEIVED]
        linked = {r.id: clearances.get(s, r.clearance_id) for r in replies}
    assert replies
    for r in replies:
        clearance = linked[r.id]
        assert (clearance.client_id, clearance.status, clearance.cleared_on) == (r.client_id, r.reply_decision, r.reply_on)
        assert clearance.clinician_id == r.clinician_id and clearance.notes.startswith("Reply to the referral")
        assert (clearance.restrictions is not None) == (r.reply_decision == "cleared_with_restrictions")
    # Nothing else replied or closed carries a reply.
    assert all(r.reply_decision is None and r.clearance_id is None for r in every if r.status != referrals.REPLY_RECEIVED)


def test_referrals_and_the_safety_gate_tell_one_story(filled):
    database, _ = filled
    with database.session_factory() as s:
        ids = {r.name: r.id for r in clients.all_records(s)}
        by_client = _referrals(s)
        gates = {name: safety.gate(s, ids[name]) for name in ("Dmitri Sokolov", "Kofi Boateng", "Ingrid Bergström")}
        ingrid_clearances = clearances.list_for_client(s, ids["Ingrid Bergström"])
        ingrid_program = next(p for p in programs.list_for_client(s, ids["Ingrid Bergström"]) if p.status == programs.ACTIVE)
        first_session = min(log.logged_on for log in programs.list_sessions(s, ingrid_program.id))
        consent = {name: clients.get(s, ids[name]).details.consent_to_share_date for name in by_client}
    # The emergency letter is still a draft, so nothing lifts the gate.
    [dmitri] = by_client["Dmitri Sokolov"]
    assert dmitri.status == referrals.DRAFT and dmitri.tier == "emergency" and not gates["Dmitri Sokolov"].passed
    # Kofi's urgent letter went, but the doctor who saw him did not clear him: still blocked.
    [kofi] = by_client["Kofi Boateng"]
    assert kofi.sent_on is not None and not gates["Kofi Boateng"].passed
    # Ingrid's GP said "not cleared" first, then cleared her with restrictions; she trained after that.
    [ingrid] = by_client["Ingrid Bergström"]
    assert ingrid.reply_decision == "not_cleared"
    assert [c.status for c in ingrid_clearances] == ["cleared_with_restrictions", "not_cleared"]
    assert ingrid_clearances[0].cleared_on > ingrid.reply_on and gates["Ingrid Bergström"].passed
    assert first_session > ingrid_clearances[0].cleared_on
    # Every letter that went out had the client's consent to share, given by the day it was sent.
    for name, rows in by_client.items():
        for r in rows:
            if r.sent_on is not None:
                assert consent[name] is not None and consent[name] <= r.sent_on, name


def test_some_referrals_wait_for_a_reply_past_their_follow_up_date(filled):
    database, _ = filled
    with database.session_factory() as s:
        overdue = referrals.list_all(s, overdue_only=True, today=TODAY)
        waiting = [row for row in referrals.list_all(s, today=TODAY) if row.waiting_for_reply]
    assert overdue and all(row.overdue and row.follow_up_on < TODAY for row in overdue)
    assert {row.status for row in overdue} <= set(referrals.WAITING)
    on_time = [row for row in waiting if not row.overdue]
    assert on_time and all(row.follow_up_on >= TODAY for row in on_time)
    # The day before the follow-up date passed, the same referral was not overdue yet.
    first = min(overdue, key=lambda row: row.follow_up_on)
    with database.session_factory() as s:
        assert not referrals.get(s, first.id).overdue(first.follow_up_on)


def test_the_summary_sentence_counts_referrals_and_documents():
    summary = demo.DemoSummary("Studio", 1, 2, 3, 0, assessments=4, clearances=5, programs=6, session_logs=7,
                               referrals=8, documents=9)  # fmt: skip
    line = summary.describe()
    assert "5 medical clearances" in line and "8 referrals" in line and "9 documents" in line
    assert "3 clients (0 archived)" in line and "7 logged sessions" in line


# --- documents handed out -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_documents(tmp_path_factory):
    from reports.documents import make

    db = _open(tmp_path_factory.mktemp("demo-documents") / "studio.sqlite")
    with db.session_factory.begin() as s:
        summary = demo.fill_demo_studio(s, today=TODAY, make_document=make)
    yield db, summary
    db.close()


def _all_documents(s) -> list[documents.DocumentRecord]:
    return [documents.get(s, doc_id) for doc_id in s.scalars(select(Document.id).order_by(Document.id))]


def test_documents_of_every_kind_are_recorded_on_their_day(with_documents):
    database, summary = with_documents
    with database.session_factory() as s:
        docs = _all_documents(s)
    assert summary.documents == len(docs) > 25
    assert {d.kind for d in docs} == {code for code, _ in documents.KINDS}
    for d in docs:
        assert re.fullmatch(r"[0-9a-f]{64}", d.fingerprint), d.title
        assert d.pages >= 1 and d.size_bytes > 1000 and d.handed == documents.PRINTED
        assert d.made_at.tzinfo is not None and d.made_at.astimezone(timezone.utc).date() <= TODAY
        assert documents.prepared_on(d) == d.made_at.date()  # a daytime hour: the same date on this desk
    assert len({d.fingerprint for d in docs}) == len(docs)
    [blank] = [d for d in docs if d.kind == documents.QUESTIONNAIRE]
    assert blank.client_id is None and blank.options == {"questionnaire": "odi"}
    reports_made = [d for d in docs if d.kind == documents.PROGRESS]
    assert len(reports_made) == 2 and {d.options["audience"] for d in reports_made} == {"client", "clinician"}


def test_every_active_program_was_handed_out_the_day_it_was_activated(with_documents):
    database, _ = with_documents
    with database.session_factory() as s:
        docs = _all_documents(s)
        active = {p: programs.get(s, p) for p in s.scalars(select(Program.id).where(Program.status == programs.ACTIVE))}
        handed = {d.program_id: d for d in docs if d.kind == documents.HANDOUT}
        every = {p: programs.get(s, p) for p in handed}
        sessions = {p: [log.logged_on for log in programs.list_sessions(s, p)] for p in handed}
        first_signed = {
            p: min(a.assessed_on for a in assessments.list_for_client(s, every[p].client_id) if a.signed) for p in handed
        }
    assert len(handed) == sum(d.kind == documents.HANDOUT for d in docs)  # one handout per program
    assert set(handed) == set(active)  # the programs trained on now
    for program_id, d in handed.items():
        program = every[program_id]
        assert d.client_id == program.client_id and d.made_by_id == program.created_by_id
        # Built from an assessment, handed out before the first session on it.
        assert first_signed[program_id] <= d.made_at.date() < min(sessions[program_id]), program.title


def test_every_sent_letter_was_printed_the_day_it_was_sent_and_can_be_made_again(with_documents):
    from reports.documents import make

    database, _ = with_documents
    with database.session_factory() as s:
        letters = {d.referral_id: d for d in _all_documents(s) if d.kind == documents.LETTER}
        every = [referrals.get(s, row.id) for row in referrals.list_all(s, today=TODAY)]
        again = make(s, letters[min(letters)].request)
    sent = {r.id: r for r in every if r.sent_on is not None}
    assert set(letters) == set(sent) and len(sent) < len(every)  # the draft has no letter yet
    for referral_id, d in letters.items():
        r = sent[referral_id]
        assert d.made_at.date() == r.sent_on and d.client_id == r.client_id and d.made_by_id == r.created_by_id
    # The record names exactly the letter: made again, it has the same title and pages.
    assert (again.title, again.pages) == (letters[min(letters)].title, letters[min(letters)].pages)



def test_the_history_is_dated_on_the_story_days_not_the_day_the_demo_was_made(with_documents):
    """Program changes, activations and signatures carry the story's dates, so a progress report
    of a demo client reads like months of work, not one afternoon."""
    database, _ = with_documents
    with database.session_factory() as s:
        changes = s.scalars(select(ProgramChange)).all()
        signed = s.scalars(select(Assessment).where(Assessment.signed_at.is_not(None))).all()
        active = s.scalars(select(Program).where(Program.status == programs.ACTIVE)).all()
        first_logs = {p.id: min(log.logged_on for log in programs.list_sessions(s, p.id)) for p in active}
    days = {c.at.date() for c in changes}
    assert len(days) > 20 and max(days) <= TODAY
    assert all(a.signed_at.date() == a.assessed_on for a in signed)
    assert all(p.activated_at.date() <= first_logs[p.id] for p in active)
