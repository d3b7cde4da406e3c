"""Roles, enforced in the services: every service call refuses the roles that may not use it,
before it touches its arguments or the database, and the front desk sees what it needs of
clients and referrals without their health information."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

import studio.services
from studio import access
from studio.access import FRONT_DESK, NOBODY, OWNER, PERMISSIONS, TRAINER, AccessRefused, Person
from studio.clinical.assessment import AssessmentData, PainHistory
from studio.models import Base
from studio.services import (
    accounts, assessments, backups, clearances, clients, clinicians, documents, programs, referrals, safety, staff,
    studio_profile,
)  # fmt: skip

ROOT = Path(__file__).resolve().parents[2]
TODAY = date.today()

# The services' own toolkit: takes a model class and hands back ORM objects, so nothing above
# studio/services uses it (checked below); the public functions that use it are guarded.
INTERNAL_MODULES = {"records"}
# Callable by anyone, signed in or not: the sign-in screen's own calls, and a stub.
OPEN_TO_ALL = {
    "accounts.needs_owner", "accounts.create_owner", "accounts.sign_in_choices", "accounts.sign_in",
    "accounts.sign_out", "accounts.lock_desk", "accounts.change_own_password", "safety.no_referral_recorded", "desk_start.start_state",
}  # fmt: skip

PEOPLE = {
    OWNER: Person(9001, "Olive Owner", OWNER),
    TRAINER: Person(9002, "Tariq Trainer", TRAINER),
    FRONT_DESK: Person(9003, "Dee Desk", FRONT_DESK),
    None: NOBODY,
}


def service_functions() -> list[tuple[str, object]]:
    """("module.function", function) for every public function of studio.services whose first
    parameter is the session."""
    found = []
    for info in pkgutil.iter_modules(studio.services.__path__):
        if info.name in INTERNAL_MODULES:
            continue
        module = importlib.import_module(f"studio.services.{info.name}")
        for name, fn in sorted(vars(module).items()):
            if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            params = list(inspect.signature(fn).parameters)
            if params and params[0] == "session":
                found.append((f"{info.name}.{name}", fn))
    return found


FUNCTIONS = service_functions()


def dummy_arguments(fn) -> tuple[list, dict]:
    """A placeholder for every required argument. The check comes first, so none is ever used:
    a bare object() would fail any real use with something other than AccessRefused."""
    args, kwargs = [], {}
    for param in list(inspect.signature(fn).parameters.values())[1:]:
        if param.default is not inspect.Parameter.empty or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.kind == param.KEYWORD_ONLY:
            kwargs[param.name] = object()
        else:
            args.append(object())
    return args, kwargs


def row_counts(database) -> dict[str, int]:
    with database.session_factory() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def as_(database, person: Person):
    """A session working for `person` (as the window's sessions do after `access.act_as`)."""
    return database.session_factory(info={"person": person})


# --- every service call --------------------------------------------------------------------------


def test_the_walk_finds_the_services():
    names = {name for name, _ in FUNCTIONS}
    for expected in ("clients.get", "assessments.save", "referrals.set_status", "documents.record", "staff.create",
                     "studio_profile.save", "demo.fill_demo_studio", "accounts.reset_password", "backups.restore"):  # fmt: skip
        assert expected in names
    assert len(FUNCTIONS) > 90


@pytest.mark.parametrize("name, fn", FUNCTIONS, ids=[name for name, _ in FUNCTIONS])
def test_every_service_call_declares_who_may_use_it(name, fn):
    assert hasattr(fn, "permission"), f"{name} is neither @access.guarded nor @access.open_to_all"
    if fn.permission is None:
        assert name in OPEN_TO_ALL, f"{name} is open to everyone, even before signing in: is that meant?"
    else:
        assert fn.permission in PERMISSIONS
        assert name not in OPEN_TO_ALL


def test_nothing_above_the_services_uses_their_internal_toolkit():
    for folder in ("ui", "reports"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"services import [^\n]*\brecords\b|services\.records", text), path


@pytest.fixture
def studio_with_owner(database):
    """A studio where the owner has an account (so nothing counts as the first start)."""
    with database.session_factory.begin() as s:
        accounts.create_owner(s, details=staff.StaffDetails("Olive", "Owner", OWNER), password="olive-owner-pw")
    return database


@pytest.mark.parametrize("role", [OWNER, TRAINER, FRONT_DESK, None], ids=["owner", "trainer", "front_desk", "nobody"])
def test_each_role_is_refused_every_call_it_may_not_make(studio_with_owner, role):
    database = studio_with_owner
    person = PEOPLE[role]
    before = row_counts(database)
    refused = allowed = 0
    for name, fn in FUNCTIONS:
        permission = fn.permission
        if permission is None:
            continue
        with as_(database, person) as s:
            if person.may(permission):
                assert access.require(s, permission) is person
                allowed += 1
                continue
            args, kwargs = dummy_arguments(fn)
            with pytest.raises(AccessRefused) as refusal:
                fn(s, *args, **kwargs)
            assert refusal.value.permission == permission, name
            assert not (s.new or s.dirty or s.deleted), f"{name} changed something before refusing"
            s.rollback()
            refused += 1
    assert row_counts(database) == before
    if role == OWNER:
        assert refused == 0
    elif role is None:
        assert allowed == 0
    else:
        assert refused and allowed


def test_the_roles_have_what_the_issue_gives_them():
    desk, trainer, owner = PEOPLE[FRONT_DESK], PEOPLE[TRAINER], PEOPLE[OWNER]
    for permission in ("clients.contact", "clinicians", "referrals.track", "documents.reprint", "studio.read"):
        assert desk.may(permission) and trainer.may(permission)
    for permission in ("clinical.read", "clinical.write", "referrals.write", "documents.make", "clients.notes"):
        assert trainer.may(permission) and not desk.may(permission)
    for permission in ("staff.manage", "studio.settings", "backups", "audit.read", "client_data"):
        assert owner.may(permission) and not trainer.may(permission) and not desk.may(permission)
    assert all(owner.may(p) for p in PERMISSIONS) and not any(NOBODY.may(p) for p in PERMISSIONS)
    assert all(access.TOOLS.may(p) for p in PERMISSIONS)


def test_a_refusal_says_which_role_it_needs(database):
    with as_(database, PEOPLE[FRONT_DESK]) as s, pytest.raises(AccessRefused) as refusal:
        assessments.list_for_client(s, 1)
    message = str(refusal.value)
    assert message.startswith("Only an owner or a trainer can see assessments")
    assert "Dee Desk (front desk)" in message
    with as_(database, PEOPLE[TRAINER]) as s, pytest.raises(AccessRefused) as refusal:
        staff.create(s, staff.StaffDetails("New", "Person", TRAINER))
    assert str(refusal.value).startswith("Only an owner can add staff")
    with as_(database, NOBODY) as s, pytest.raises(AccessRefused) as refusal:
        clients.search(s, "")
    assert str(refusal.value).startswith("Sign in first")


def test_a_trainer_cannot_add_staff_or_touch_backups(database, tmp_path):
    tmp_path = tmp_path / "backups"
    with as_(database, PEOPLE[TRAINER]) as s:
        for call in (
            lambda: staff.create(s, staff.StaffDetails("New", "Person", TRAINER)),
            lambda: accounts.reset_password(s, 1, "a-new-password"),
            lambda: backups.make(s, tmp_path / "studio.sqlite", folder=tmp_path),
            lambda: backups.restore(s, tmp_path / "backup.sqlite", tmp_path / "studio.sqlite", folder=tmp_path),
            lambda: backups.list_backups(s, tmp_path / "studio.sqlite", tmp_path),
            lambda: studio_profile.save(s, studio_profile.StudioDetails(name="Mine now")),
        ):
            with pytest.raises(AccessRefused, match="^Only an owner can"):
                call()
    assert not tmp_path.exists()
    assert row_counts(database)["staff"] == 0


def test_granting_lets_a_service_read_through_and_then_stops(database):
    with as_(database, PEOPLE[FRONT_DESK]) as s:
        assert not access.may(s, "clinical.read")
        with access.granting(s, "clinical.read"):
            assert access.may(s, "clinical.read") and assessments.list_for_client(s, 1) == []
            with access.granting(s, "documents.make"):
                assert access.may(s, "clinical.read") and access.may(s, "documents.make")
            assert not access.may(s, "documents.make")
        assert not access.may(s, "clinical.read")
        assert access.current(s) is PEOPLE[FRONT_DESK]


def test_act_as_puts_the_person_on_every_new_session(database):
    factory = database.session_factory
    try:
        access.act_as(factory, PEOPLE[FRONT_DESK])
        with factory() as s, pytest.raises(AccessRefused):
            assessments.list_for_client(s, 1)
        access.act_as(factory, NOBODY)
        with factory() as s:
            assert access.current(s) is NOBODY
    finally:
        factory.configure(info={})
    with factory() as s:
        assert access.current(s) is access.TOOLS


# --- what the front desk sees --------------------------------------------------------------------

NOTE = "Pain worse after long drives; hearing aid in left ear."
URGENT = AssessmentData(red_flags=("night_pain",), pain=PainHistory(workup_status="none"))


@pytest.fixture
def desk_studio(database):
    """A client with notes, a signed urgent assessment, a sent referral, an active program whose
    handout was handed out, and a second program that never was."""
    from reports.documents import make_and_record

    with database.session_factory.begin() as s:
        studio_profile.save(s, studio_profile.StudioDetails(name="Upright Studio"))
        trainer = staff.create(s, staff.StaffDetails("Kai", "Berg", TRAINER)).id
        gp = clinicians.create(s, clinicians.parse({"first_name": "Ben", "last_name": "Baker", "specialty": "primary_care",
                                                     "credentials": "MD", "accepting_new": True})).id  # fmt: skip
        client = clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund", "phone": "07700 900123",
                                                  "email": "ana@example.com", "trainer_id": trainer,
                                                  "physician_id": gp, "notes": NOTE})).id  # fmt: skip
        record = assessments.start(s, client, assessed_on=TODAY - timedelta(days=10))
        record = assessments.save(s, record.id, record.version, URGENT)
        assessments.sign(s, record.id, record.version, trainer)
        referral = referrals.draft_from_assessment(s, record.id, gp, created_by_id=trainer)
        referral = referrals.mark_sent(s, referral.id, referral.version, TODAY - timedelta(days=3))
        handed = programs.create_draft(s, client, title="Home program", created_by_id=trainer)
        programs.add_item(s, handed.id, None, "cat_camel")
        other = programs.create_draft(s, client, title="Next program", created_by_id=trainer)
        programs.add_item(s, other.id, None, "cat_camel")
        _, handout = make_and_record(s, documents.Request(documents.HANDOUT, client_id=client, program_id=handed.id))
    return database, {"client": client, "referral": referral.id, "trainer": trainer, "handed": handed.id,
                      "other": other.id, "handout": handout.id}  # fmt: skip


def test_the_front_desk_gets_contact_details_but_not_the_notes(desk_studio):
    database, ids = desk_studio
    with as_(database, PEOPLE[FRONT_DESK]) as s:
        record = clients.get(s, ids["client"])
        assert record.details.phone == "07700 900123" and record.details.email == "ana@example.com"
        assert record.trainer_name == "Kai Berg" and record.physician_name == "Ben Baker"
        assert record.details.notes is None and record.notes_withheld
        assert all(r.details.notes is None for r in clients.all_records(s))
        assert [row.id for row in clients.search(s, "ana")] == [ids["client"]]
    with as_(database, PEOPLE[TRAINER]) as s:
        record = clients.get(s, ids["client"])
        assert record.details.notes == NOTE and not record.notes_withheld


def test_a_front_desk_save_keeps_the_notes_it_never_saw_and_cannot_write_one(desk_studio):
    database, ids = desk_studio
    with as_(database, PEOPLE[FRONT_DESK]) as s, s.begin():
        record = clients.get(s, ids["client"])
        changed = clients.update(s, record.id, record.version, record.details.__class__(
            **{**record.details.__dict__, "phone": "07700 900999"}))  # fmt: skip
        assert changed.details.phone == "07700 900999" and changed.details.notes is None
    with database.session_factory() as s:
        assert clients.get(s, ids["client"]).details.notes == NOTE
    with as_(database, PEOPLE[FRONT_DESK]) as s:
        record = clients.get(s, ids["client"])
        details = clients.ClientDetails(**{**record.details.__dict__, "notes": "Seems anxious about her back"})
        with pytest.raises(AccessRefused, match="^Only an owner or a trainer can see and write the notes"):
            clients.update(s, record.id, record.version, details)
        with pytest.raises(AccessRefused):
            clients.create(s, clients.ClientDetails("New", "Client", notes="Bad knees"))
        s.rollback()
    with as_(database, PEOPLE[FRONT_DESK]) as s, s.begin():
        assert clients.create(s, clients.ClientDetails("New", "Client", phone="07700 900555")).details.notes is None


def test_the_front_desk_cannot_list_assessments_programs_or_clearances(desk_studio):
    database, ids = desk_studio
    with as_(database, PEOPLE[FRONT_DESK]) as s:
        for call in (
            lambda: assessments.list_for_client(s, ids["client"]),
            lambda: assessments.latest(s, ids["client"]),
            lambda: programs.list_for_client(s, ids["client"]),
            lambda: programs.get(s, ids["handed"]),
            lambda: clearances.list_for_client(s, ids["client"]),
            lambda: safety.gate(s, ids["client"]),
        ):
            with pytest.raises(AccessRefused, match="^Only an owner or a trainer can see assessments"):
                call()


def test_the_front_desk_tracks_referrals_without_reading_them(desk_studio):
    database, ids = desk_studio
    with as_(database, PEOPLE[FRONT_DESK]) as s, s.begin():
        (row,) = referrals.list_all(s)
        assert row.client_name == "Ana Lund" and row.status == referrals.SENT and row.follow_up_on is not None
        assert not hasattr(row, "reason")
        record = referrals.get(s, ids["referral"])
        assert record.withheld and record.reason == "" and record.request == ""
        assert record.clinician_name.startswith("Ben Baker") and record.sent_on == TODAY - timedelta(days=3)
        assert [r.id for r in referrals.list_for_client(s, ids["client"])] == [ids["referral"]]
        assert all(r.reason == "" for r in referrals.list_for_client(s, ids["client"]))
        later = referrals.set_follow_up(s, record.id, record.version, TODAY + timedelta(days=5))
        assert later.follow_up_on == TODAY + timedelta(days=5) and later.withheld
        acknowledged = referrals.set_status(s, later.id, later.version, referrals.ACKNOWLEDGED, notes="Clinic called back")
        assert acknowledged.status == referrals.ACKNOWLEDGED and acknowledged.notes == "Clinic called back"
        for call in (
            lambda: referrals.letter_data(s, ids["referral"]),
            lambda: referrals.update_draft(s, ids["referral"], None, reason="x"),
            lambda: referrals.record_reply(s, ids["referral"], None, decision="cleared", reply_on=TODAY),
        ):
            with pytest.raises(AccessRefused):
                call()
    with as_(database, PEOPLE[TRAINER]) as s:
        record = referrals.get(s, ids["referral"])
        assert not record.withheld and record.reason and record.status == referrals.ACKNOWLEDGED
        assert "Ana" in referrals.letter_data(s, ids["referral"]).client_name


def test_the_front_desk_prints_again_a_handout_that_was_handed_out(desk_studio):
    from reports.documents import make, make_and_record

    database, ids = desk_studio
    with as_(database, PEOPLE[FRONT_DESK]) as s, s.begin():
        (listed,) = [d for d in documents.list_for_client(s, ids["client"]) if d.kind == documents.HANDOUT]
        made, again = make_and_record(s, listed.request, today=documents.prepared_on(listed))
        assert made.fingerprint == listed.fingerprint and again.id != listed.id
        assert make(s, documents.Request(documents.QUESTIONNAIRE, questionnaire="odi")).pages >= 1
        # Granted only inside the printing: afterwards the program is closed to them again.
        with pytest.raises(AccessRefused):
            programs.get(s, ids["handed"])
        for request in (
            documents.Request(documents.HANDOUT, client_id=ids["client"], program_id=ids["other"]),  # never handed out
            documents.Request(documents.HANDOUT, client_id=ids["client"]),  # "the active one": a new handout
            documents.Request(documents.PROGRESS, client_id=ids["client"]),
            documents.Request(documents.LETTER, referral_id=ids["referral"]),
        ):
            with pytest.raises(AccessRefused, match="^Only an owner or a trainer can make handouts"):
                make(s, request)
        with pytest.raises(AccessRefused):
            documents.record(s, documents.Request(documents.PROGRESS, client_id=ids["client"]),
                             title="x", content=b"%PDF-1.4", pages=1)  # fmt: skip
        with pytest.raises(AccessRefused):
            documents.clients_seen(s, TODAY - timedelta(days=7), TODAY)
