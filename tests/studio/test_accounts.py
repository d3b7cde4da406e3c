"""Staff accounts: hashing (no password anywhere in the database), the rules, signing in, the
lock-out, resets by the owner, the first owner, the last owner, and the audit entries."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import String, Text, func, select, text

from studio import access
from studio.access import FRONT_DESK, NOBODY, OWNER, TRAINER, AccessRefused, Person
from studio.errors import ValidationError
from studio.models import AuditEntry, Base, StaffCredential, StaffMember
from studio.services import accounts, staff
from studio.services.accounts import SignInRefused
from studio.services.staff import StaffDetails

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
OWNER_PW = "Kestrel-Harbour-17"
TRAINER_PW = "Otter-Lantern-42"
NEW_PW = "Quartz-Meadow-93"
WRONG_PW = "Wrong-Guess-Ferret-8"


# These hash at the real cost; the others use a cheaper one (the stored parameters say which).
REAL_COST = {"test_a_hash_is_salted_scrypt_with_its_parameters", "test_the_demo_at_the_first_start_gives_every_role_a_known_password"}


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch, request):
    if request.node.originalname not in REAL_COST:
        monkeypatch.setattr(accounts, "SCRYPT_N", 2**10)


def as_(database, person: Person):
    return database.session_factory(info={"person": person})


@pytest.fixture
def team(database):
    """An owner with an account (created at the first start), a trainer with a password the
    owner set, and a front-desk person without one yet."""
    with database.session_factory.begin() as s:
        owner = accounts.create_owner(s, details=StaffDetails("Helen", "Marsh", OWNER), password=OWNER_PW)
        trainer = staff.create(s, StaffDetails("Tomás", "Ferreira", TRAINER)).id
        desk = staff.create(s, StaffDetails("Grace", "Okafor", FRONT_DESK)).id
    with as_(database, owner) as s, s.begin():
        accounts.reset_password(s, trainer, TRAINER_PW, now=NOW)
    return database, {"owner": owner, "trainer": trainer, "desk": desk}


SIGN_IN_ACTIONS = {"sign_in", "sign_in_failed", "sign_out", "lock", "password_set", "password_reset"}


def sign_in(database, staff_id, password, now=NOW) -> accounts.SignInAttempt:
    with database.session_factory.begin() as s:
        return accounts.sign_in(s, staff_id, password, now=now)


def audit(database, action=None) -> list[AuditEntry]:
    """The sign-in entries of the audit trail (or those of one action), oldest first."""
    with database.session_factory() as s:
        query = select(AuditEntry).order_by(AuditEntry.id)
        query = query.where(AuditEntry.action == action if action else AuditEntry.action.in_(SIGN_IN_ACTIONS))
        return list(s.scalars(query))


# --- hashing -------------------------------------------------------------------------------------


def test_a_hash_is_salted_scrypt_with_its_parameters():
    first, second = accounts.hash_password(OWNER_PW), accounts.hash_password(OWNER_PW)
    assert first != second  # a new salt every time
    scheme, n, r, p, salt, key = first.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", accounts.SCRYPT_N, 8, 1)
    assert int(n) >= 2**14 and len(__import__("base64").b64decode(salt)) == 16
    assert OWNER_PW not in first
    assert accounts.hash_parameters(first) == (accounts.SCRYPT_N, 8, 1) and not accounts.needs_rehash(first)
    assert accounts.verify_password(OWNER_PW, first) and accounts.verify_password(OWNER_PW, second)
    assert not accounts.verify_password(OWNER_PW + " ", first) and not accounts.verify_password("", first)


def test_verifying_reads_the_parameters_from_the_hash_and_survives_damage():
    weak = accounts.hash_password("café-au-lait", n=2**4, r=1, p=1)
    assert accounts.verify_password("café-au-lait", weak) and accounts.needs_rehash(weak)
    # The same text typed as composed or decomposed characters is the same password.
    assert accounts.verify_password("cafe\u0301-au-lait", weak)
    for damaged in ("", "plain", weak.replace("scrypt", "bcrypt"), weak[:-8], "scrypt$99$8$1$AA==$AA==",
                    "scrypt$1073741824$8$1$AAAA$AAAA", weak.rsplit("$", 1)[0] + "$not base64!"):  # fmt: skip
        assert not accounts.verify_password("café-au-lait", damaged)
        assert accounts.needs_rehash(damaged)


def test_signing_in_brings_an_old_hash_up_to_todays_parameters(team):
    database, ids = team
    with database.session_factory.begin() as s:
        s.get(StaffCredential, ids["trainer"]).password_hash = accounts.hash_password(TRAINER_PW, n=2**4)
    assert sign_in(database, ids["trainer"], TRAINER_PW).signed_in
    with database.session_factory() as s:
        stored = s.get(StaffCredential, ids["trainer"]).password_hash
    assert accounts.hash_parameters(stored) == (accounts.SCRYPT_N, 8, 1)
    assert sign_in(database, ids["trainer"], TRAINER_PW).signed_in


def _texts_in_database(database) -> str:
    """Every text value in every table, one string."""
    found = []
    with database.session_factory() as s:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
            if columns:
                for row in s.execute(select(*columns)):
                    found.extend(str(v) for v in row if v is not None)
    return "\n".join(found)


def test_no_password_is_stored_anywhere_in_the_database(team):
    database, ids = team
    assert sign_in(database, ids["owner"].staff_id, OWNER_PW).signed_in
    assert not sign_in(database, ids["trainer"], WRONG_PW).signed_in
    signed = sign_in(database, ids["trainer"], TRAINER_PW)
    with as_(database, signed.person) as s, s.begin():
        accounts.change_own_password(s, TRAINER_PW, NEW_PW, now=NOW)
    with as_(database, ids["owner"]) as s, s.begin():
        accounts.reset_password(s, ids["desk"], "Desk-Reset-5150", now=NOW)
    passwords = (OWNER_PW, TRAINER_PW, NEW_PW, WRONG_PW, "Desk-Reset-5150")
    everything = _texts_in_database(database)
    assert "scrypt$" in everything  # the hashes are there (so the search sees the right tables)
    for password in passwords:
        assert password not in everything
        assert password.encode() not in everything.encode()
    if database.url.startswith("sqlite"):
        database.engine.dispose()  # let go of the file so the WAL is folded in
        raw = b""
        path = database.url.split("///", 1)[1]
        for suffix in ("", "-wal", "-journal"):
            try:
                with open(path + suffix, "rb") as f:
                    raw += f.read()
            except FileNotFoundError:
                pass
        assert b"scrypt$" in raw
        for password in passwords:
            assert password.encode() not in raw and password.encode("utf-16-le") not in raw


# --- the rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, problem",
    [
        ("", "at least 8 characters"),
        ("short", "at least 8 characters"),
        ("1234567", None),
        ("12345", "at least 6 digits"),
        ("123456", None),
        ("aaaaaaaa", "one character repeated"),
        ("00000000", "one character repeated"),
        ("        ", "one character repeated"),
        ("helenmarsh", "your own name"),
        ("Helen Marsh", "your own name"),
        ("MARSHHELEN", "your own name"),
        ("marsh", "at least 8 characters"),
        ("Helen-Marsh-1", None),
        ("correct horse", None),
        ("x" * 257, "at most 256"),
    ],
)
def test_password_rules(password, problem):
    found = accounts.password_problem(password, names=("Helen", "Marsh"))
    if problem is None:
        assert found is None
    else:
        assert problem in found


def test_a_first_name_of_eight_letters_is_not_a_password():
    assert "own name" in accounts.password_problem("Bartholomew", names=("Bartholomew", "Ng"))
    with pytest.raises(ValidationError) as refused:
        accounts.check_password(None)
    assert "password" in refused.value.errors


@given(st.text(max_size=300), st.tuples(st.none() | st.text(max_size=30), st.none() | st.text(max_size=30)))
def test_any_text_is_accepted_or_refused_with_a_message(password, names):
    problem = accounts.password_problem(password, names=names)
    try:
        accounts.check_password(password, names=names)
    except ValidationError as refused:
        assert problem and refused.errors == {"password": problem}
    else:
        assert problem is None
        assert len(password) >= accounts.MIN_PIN and len(set(password)) > 1
        if not password.isascii() or not password.isdigit():
            assert len(password) >= accounts.MIN_PASSWORD or set(password) <= set("0123456789")


# --- signing in ----------------------------------------------------------------------------------


def test_sign_in_choices_are_the_current_staff_in_name_order(team):
    database, ids = team
    with as_(database, NOBODY) as s:
        choices = accounts.sign_in_choices(s)
    assert [(c.name, c.role, c.has_password) for c in choices] == [
        ("Tomás Ferreira", TRAINER, True), ("Helen Marsh", OWNER, True), ("Grace Okafor", FRONT_DESK, False),
    ]  # fmt: skip
    assert choices[2].role_label == "Front desk"


def test_signing_in_with_the_right_and_wrong_password(team):
    database, ids = team
    wrong = sign_in(database, ids["trainer"], WRONG_PW)
    assert not wrong.signed_in and wrong.person is None and "not right" in wrong.refusal and wrong.retry_after == 0
    with pytest.raises(SignInRefused, match="not right"):
        wrong.raise_if_refused()
    right = sign_in(database, ids["trainer"], TRAINER_PW)
    assert right.person == Person(ids["trainer"], "Tomás Ferreira", TRAINER) and right.raise_if_refused() == right.person
    assert right.must_change  # the owner set it: the trainer chooses their own now
    with database.session_factory() as s:
        cred = s.get(StaffCredential, ids["trainer"])
        assert cred.failed_sign_ins == 0 and cred.last_sign_in_at == NOW


def test_who_cannot_sign_in(team):
    database, ids = team
    no_password = sign_in(database, ids["desk"], "anything at all")
    assert "no password yet" in no_password.refusal
    assert "not on the staff list" in sign_in(database, 999, OWNER_PW).refusal
    with as_(database, ids["owner"]) as s, s.begin():
        record = staff.get(s, ids["trainer"])
        staff.set_archived(s, record.id, record.version, True)
    archived = sign_in(database, ids["trainer"], TRAINER_PW)
    assert not archived.signed_in and "no longer on the staff list" in archived.refusal


def test_five_wrong_tries_lock_the_account_and_the_wait_doubles(team):
    database, ids = team
    trainer = ids["trainer"]
    with database.session_factory() as s:
        version = s.get(StaffMember, trainer).version
    for n in range(1, 5):
        attempt = sign_in(database, trainer, WRONG_PW, NOW)
        assert attempt.retry_after == 0 and f"{5 - n} more wrong tr" in attempt.refusal
    fifth = sign_in(database, trainer, WRONG_PW, NOW)
    assert fifth.retry_after == 30 and "try again in 30 seconds" in fifth.refusal
    # Even the right password waits; tries while locked are not counted.
    locked = sign_in(database, trainer, TRAINER_PW, NOW + timedelta(seconds=10))
    assert not locked.signed_in and locked.refusal == "Too many wrong tries: try again in 20 seconds."
    assert sign_in(database, trainer, WRONG_PW, NOW + timedelta(seconds=29)).retry_after == 1
    # The sixth wrong try after the wait: a minute; then two, four, eight, and never over 15.
    later, waits = NOW + timedelta(seconds=30), []
    for _ in range(6):
        attempt = sign_in(database, trainer, WRONG_PW, later)
        waits.append(attempt.retry_after)
        later += timedelta(seconds=attempt.retry_after)
    assert waits == [60, 120, 240, 480, 900, 900]
    assert "try again in 15 minutes" in attempt.refusal
    assert sign_in(database, trainer, TRAINER_PW, later).signed_in
    with database.session_factory() as s:
        cred = s.get(StaffCredential, trainer)
        assert cred.failed_sign_ins == 0 and cred.locked_until is None
        # The counters never touched the staff record a form at another desk may be editing.
        assert s.get(StaffMember, trainer).version == version
    assert not sign_in(database, trainer, WRONG_PW, later).retry_after  # counting starts again


def test_the_wait_in_words():
    assert accounts.wait_words(0.2) == "1 second" and accounts.wait_words(59) == "59 seconds"
    assert accounts.wait_words(59.5) == "1 minute"
    assert accounts.wait_words(61) == "2 minutes" and accounts.wait_words(60) == "1 minute"
    assert [accounts.wait_after(n) for n in (4, 5, 6, 10, 50)] == [
        None, timedelta(seconds=30), timedelta(seconds=60), timedelta(minutes=15), timedelta(minutes=15),
    ]  # fmt: skip


def test_signing_in_and_failing_are_audited_without_the_password(team):
    database, ids = team
    before = len(audit(database))
    for _ in range(5):
        sign_in(database, ids["trainer"], WRONG_PW)
    sign_in(database, ids["trainer"], TRAINER_PW, NOW + timedelta(minutes=1))
    with as_(database, Person(ids["trainer"], "Tomás Ferreira", TRAINER)) as s, s.begin():
        accounts.lock_desk(s)
        accounts.sign_out(s, reason="idle for 10 minutes")
    entries = audit(database)[before:]
    assert [e.action for e in entries] == ["sign_in_failed"] * 5 + ["sign_in", "lock", "sign_out"]
    assert all(e.staff_id == ids["trainer"] and e.record_type == "staff" and e.record_id == ids["trainer"] for e in entries)
    assert entries[0].who == "Tomás Ferreira" and "Wrong password" in entries[0].summary
    assert entries[4].summary == "Wrong password for Tomás Ferreira (5 in a row): locked out for 30 seconds"
    assert entries[-2].summary == "Tomás Ferreira locked the desk"
    assert entries[-1].summary == "Tomás Ferreira signed out (idle for 10 minutes)"
    for e in entries:
        assert WRONG_PW not in (e.summary + (e.details or "")) and TRAINER_PW not in (e.summary + (e.details or ""))
    with as_(database, NOBODY) as s, s.begin():
        accounts.sign_out(s)  # nobody to sign out: nothing recorded
        accounts.lock_desk(s)
    assert len(audit(database)) == before + 8


# --- passwords: changing and resetting -----------------------------------------------------------


def test_only_the_owner_resets_a_password_and_the_person_then_chooses_their_own(team):
    database, ids = team
    trainer = Person(ids["trainer"], "Tomás Ferreira", TRAINER)
    for person in (trainer, Person(ids["desk"], "Grace Okafor", FRONT_DESK), NOBODY):
        with as_(database, person) as s, pytest.raises(AccessRefused, match="nly an owner can add staff"):
            accounts.reset_password(s, ids["trainer"], "Someone-Else-1")
    # Locked out, then reset: the lock goes, the old password stops working.
    for _ in range(5):
        sign_in(database, ids["trainer"], WRONG_PW)
    with as_(database, ids["owner"]) as s, s.begin():
        accounts.reset_password(s, ids["trainer"], "Temporary-Pass-7", now=NOW)
    assert audit(database)[-1].action == "password_reset" and audit(database)[-1].who == "Helen Marsh"
    assert audit(database)[-1].summary == "Helen Marsh reset the password of Tomás Ferreira"
    assert not sign_in(database, ids["trainer"], TRAINER_PW).signed_in
    attempt = sign_in(database, ids["trainer"], "Temporary-Pass-7")
    assert attempt.signed_in and attempt.must_change
    with as_(database, attempt.person) as s, s.begin():
        with pytest.raises(ValidationError) as wrong_old:
            accounts.change_own_password(s, "not-the-old-one", NEW_PW)
        assert set(wrong_old.value.errors) == {"old_password"}
        with pytest.raises(ValidationError) as same:
            accounts.change_own_password(s, "Temporary-Pass-7", "Temporary-Pass-7")
        assert set(same.value.errors) == {"password"}
        with pytest.raises(ValidationError, match="own name"):
            accounts.change_own_password(s, "Temporary-Pass-7", "Tomás Ferreira")
        accounts.change_own_password(s, "Temporary-Pass-7", NEW_PW)
    after = sign_in(database, ids["trainer"], NEW_PW)
    assert after.signed_in and not after.must_change
    assert audit(database, "password_set")[-1].summary == "Tomás Ferreira changed their password"


def test_a_first_password_and_the_owners_own(team):
    database, ids = team
    with as_(database, ids["owner"]) as s, s.begin():
        assert not accounts.has_password(s, ids["desk"])
        accounts.reset_password(s, ids["desk"], "246810")  # a PIN
        assert accounts.has_password(s, ids["desk"])
        accounts.reset_password(s, ids["owner"].staff_id, "Owner-Again-55")
        with pytest.raises(ValidationError, match="at least 6 digits"):
            accounts.reset_password(s, ids["desk"], "1234")
    assert audit(database, "password_set")[-1].summary == "Helen Marsh set a first password for Grace Okafor"
    assert sign_in(database, ids["desk"], "246810").must_change
    assert not sign_in(database, ids["owner"].staff_id, "Owner-Again-55").must_change


def test_changing_your_own_password_needs_someone_signed_in(database):
    for person in (NOBODY, access.TOOLS):
        with as_(database, person) as s, pytest.raises(SignInRefused):
            accounts.change_own_password(s, "anything-1", "anything-2")


# --- the first owner, the last owner -------------------------------------------------------------


def test_the_first_start_creates_the_owners_account(database):
    with as_(database, NOBODY) as s, s.begin():
        assert accounts.needs_owner(s)
        with pytest.raises(ValidationError, match="own name"):
            accounts.create_owner(s, details=StaffDetails("Helen", "Marsh", TRAINER), password="HelenMarsh")
        assert s.scalar(select(func.count()).select_from(StaffMember)) == 0  # nothing written
        owner = accounts.create_owner(s, details=StaffDetails("Helen", "Marsh", TRAINER), password=OWNER_PW)
    assert owner.role == OWNER and owner.name == "Helen Marsh"  # the first account is the owner's, whatever was typed
    with as_(database, NOBODY) as s:
        assert not accounts.needs_owner(s)
        with pytest.raises(SignInRefused, match="already has accounts"):
            accounts.create_owner(s, details=StaffDetails("Mal", "Lory", OWNER), password="Takeover-Pass-1")
    with as_(database, access.TOOLS) as s, pytest.raises(SignInRefused):
        accounts.create_owner(s, details=StaffDetails("Mal", "Lory", OWNER), password="Takeover-Pass-1")
    assert [e.action for e in audit(database)] == ["password_set", "sign_in"]
    assert sign_in(database, owner.staff_id, OWNER_PW).person == owner


def test_a_database_from_before_sign_in_gives_its_owner_a_password(database):
    with database.session_factory.begin() as s:
        owner = staff.create(s, StaffDetails("Helen", "Marsh", OWNER)).id
        trainer = staff.create(s, StaffDetails("Tomás", "Ferreira", TRAINER)).id
    with as_(database, NOBODY) as s, s.begin():
        assert accounts.needs_owner(s)
        assert [(c.name, c.has_password) for c in accounts.sign_in_choices(s)][1] == ("Helen Marsh", False)
        with pytest.raises(ValidationError, match="role is owner"):
            accounts.create_owner(s, staff_id=trainer, password=OWNER_PW)
        with pytest.raises(ValidationError):
            accounts.create_owner(s, password=OWNER_PW)
        person = accounts.create_owner(s, staff_id=owner, password=OWNER_PW)
    assert person == Person(owner, "Helen Marsh", OWNER)
    with database.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(StaffMember)) == 2
        assert not accounts.needs_owner(s)


def test_the_last_owner_keeps_their_access(team):
    database, ids = team
    owner = ids["owner"]
    with as_(database, owner) as s, s.begin():
        record = staff.get(s, owner.staff_id)
        with pytest.raises(ValidationError, match="only owner"):
            staff.set_archived(s, record.id, record.version, True)
        with pytest.raises(ValidationError, match="only owner"):
            staff.update(s, record.id, record.version, dataclasses.replace(record.details, role=TRAINER))
        # A second owner without a password can't sign in, so doesn't count yet.
        second = staff.create(s, StaffDetails("Ada", "Quinn", OWNER))
        with pytest.raises(ValidationError, match="only owner"):
            staff.set_archived(s, record.id, record.version, True)
        accounts.reset_password(s, second.id, "Second-Owner-22")
        changed = staff.update(s, record.id, record.version, dataclasses.replace(record.details, credentials="MSc"))
        demoted = staff.update(s, changed.id, changed.version, dataclasses.replace(changed.details, role=TRAINER))
        assert demoted.details.role == TRAINER
        second = staff.get(s, second.id)
        with pytest.raises(ValidationError, match="Ada Quinn is the studio's only owner"):
            staff.set_archived(s, second.id, second.version, True)


# --- the demo ------------------------------------------------------------------------------------


def test_the_demo_at_the_first_start_gives_every_role_a_known_password(database):
    from studio.services import assessments, demo

    with as_(database, NOBODY) as s, s.begin():  # nobody can sign in yet: the demo may go in
        summary = demo.fill_demo_studio(s)
    roles = {sign.role for sign in summary.sign_ins}
    assert roles == {OWNER, TRAINER, FRONT_DESK} and len(summary.sign_ins) == summary.staff
    assert summary.sign_in_lines()[0] == "Helen Marsh (Owner): owner-demo"
    for sign in summary.sign_ins:
        attempt = sign_in(database, sign.staff_id, sign.password)
        assert attempt.person.role == sign.role and not attempt.must_change
        assert sign.password == demo.DEMO_PASSWORDS[sign.role]
    desk = next(sign for sign in summary.sign_ins if sign.role == FRONT_DESK)
    with as_(database, Person(desk.staff_id, desk.name, FRONT_DESK)) as s, pytest.raises(AccessRefused):
        assessments.list_for_client(s, 1)
    with as_(database, NOBODY) as s, pytest.raises(AccessRefused, match="Sign in first"):
        demo.fill_demo_studio(s)  # not the first start any more
    with database.session_factory() as s:
        assert s.execute(text("SELECT count(*) FROM staff_credential")).scalar() == summary.staff
