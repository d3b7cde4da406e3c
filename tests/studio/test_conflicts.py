"""No lost updates: two desks saving the same record get one save and one explicit conflict that
says who, when and what they saved — in one process, in two threads and in two processes."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import textwrap
import threading
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.errors import NotFound, StaleEdit
from studio.models import Client
from studio.models.base import desk_name
from studio.services import assessments, clients, programs, records

THEM, US = "TRAINING-ROOM (kai)", "FRONT-DESK (maria)"


@pytest.fixture(autouse=True)
def desk():
    """This process is the front desk; each test says when it plays the other desk."""
    records.set_actor(US)
    yield
    records.set_actor(None)


def details(**values):
    return clients.parse({"first_name": "Mia", "last_name": "Silva", **values})


def as_form(record, **changes):
    """What a desk's form would save: the record as it was read, with this desk's changes."""
    raw = {name: getattr(record.details, name) for name in clients.ClientDetails.__dataclass_fields__}
    raw.update(changes)
    return clients.ClientDetails(**raw)


@pytest.fixture
def mia(database):
    with database.session_factory.begin() as s:
        return clients.create(s, details(phone="555 123 4567"))


# --- who changed it -----------------------------------------------------------------------------


def test_the_desk_is_named_by_computer_and_account_until_someone_is_set():
    records.set_actor(None)
    assert records.actor() == desk_name()
    assert desk_name().endswith(")") and "(" in desk_name()
    records.set_actor("  TRAINING-ROOM   (kai) ")
    assert records.actor() == THEM
    records.set_actor("x" * 500)
    assert len(records.actor()) == 120


def test_every_insert_and_update_records_who_saved_it(database, mia):
    with database.session_factory() as s:
        assert s.get(Client, mia.id).changed_by == US
    records.set_actor(THEM)
    with database.session_factory.begin() as s:
        clients.update(s, mia.id, mia.version, details(occupation="nurse"))
    with database.session_factory() as s:
        assert s.get(Client, mia.id).changed_by == THEM


def test_a_change_to_a_program_item_names_the_desk_on_the_program(database, mia):
    with database.session_factory.begin() as s:
        allowed = next(r.exercise.code for r in programs.screen_for_client(s, mia.id) if r.allowed)
        program = programs.create_draft(s, mia.id, title="Home program")
        program = programs.add_item(s, program.id, program.version, allowed)
    records.set_actor(THEM)
    with database.session_factory.begin() as s:
        programs.update_item_dose(s, program.id, program.version, program.items[0].id, sets=3)
    with database.session_factory.begin() as s, pytest.raises(StaleEdit) as refused:
        programs.update_item_dose(s, program.id, program.version, program.items[0].id, reps=12)
    assert refused.value.who == THEM


# --- the second save is refused with their version -----------------------------------------------


def test_two_sessions_the_second_save_says_who_when_and_what_they_saved(database, mia):
    factory = database.session_factory
    with factory() as front, factory() as training:
        seen_here = clients.get(front, mia.id)
        seen_there = clients.get(training, mia.id)
        records.set_actor(THEM)
        theirs = clients.update(training, mia.id, seen_there.version, as_form(seen_there, occupation="nurse", phone="555 999 0000"))
        training.commit()
        records.set_actor(US)
        before = datetime.now(timezone.utc)
        with pytest.raises(StaleEdit) as refused:
            clients.update(front, mia.id, seen_here.version, as_form(seen_here, email="mia@example.com"))
        front.rollback()

    error = refused.value
    assert error.who == THEM
    assert error.when.tzinfo is not None and error.when.utcoffset() == timedelta(0)
    assert abs(error.when - before) < timedelta(minutes=1)
    assert error.version == theirs.version == mia.version + 1
    assert error.record_id == mia.id
    assert error.theirs["occupation"] == "nurse" and error.theirs["phone"] == "555 999 0000"
    assert error.theirs["email"] is None
    assert str(error).startswith(f"Changed by {THEM} at {error.when.astimezone():%H:%M} — ")
    assert "changed at another desk" in str(error) and "your changes are still in the form" in str(error)

    # Keep mine: saved deliberately over their version, their fields kept by whoever merged them.
    with factory.begin() as s:
        kept = clients.update(s, mia.id, error.version, as_form(theirs, email="mia@example.com"))
    assert kept.version == theirs.version + 1
    assert (kept.details.email, kept.details.occupation, kept.details.phone) == ("mia@example.com", "nurse", "555 999 0000")


def test_archiving_what_another_desk_just_changed_is_caught(database, mia):
    records.set_actor(THEM)
    with database.session_factory.begin() as s:
        clients.update(s, mia.id, mia.version, details(occupation="nurse"))
    records.set_actor(US)
    with pytest.raises(StaleEdit, match=re.escape(f"Changed by {THEM}")) as refused, database.session_factory.begin() as s:
        clients.set_archived(s, mia.id, mia.version, True)
    assert refused.value.theirs["archived_at"] is None
    with database.session_factory() as s:
        assert not clients.get(s, mia.id).archived


def test_deleting_a_draft_another_desk_saved_is_caught(database, mia):
    with database.session_factory.begin() as s:
        draft = assessments.start(s, mia.id)
    records.set_actor(THEM)
    with database.session_factory.begin() as s:
        assessments.save(s, draft.id, draft.version, dataclasses.replace(draft.data, notes="seen at the mat"))
    records.set_actor(US)
    with pytest.raises(StaleEdit) as refused, database.session_factory.begin() as s:
        assessments.delete_draft(s, draft.id, draft.version)
    assert refused.value.who == THEM and "data" in refused.value.theirs
    with database.session_factory() as s:
        assert assessments.get(s, draft.id).id == draft.id


def test_a_record_deleted_at_the_other_desk_is_a_clear_not_found(database, mia):
    with database.session_factory.begin() as s:
        s.delete(s.get(Client, mia.id))
    with pytest.raises(NotFound, match="deleted at another desk after you opened it") as refused, database.session_factory.begin() as s:
        clients.update(s, mia.id, mia.version, details(occupation="nurse"))
    assert "no longer exists" in str(refused.value)


# --- every interleaving ends with both changes or an explicit conflict --------------------------

FIELDS = ("phone", "email", "occupation", "referral_source")
VALUES = {"phone": ("555 000 1111", "555 000 2222"), "email": ("a@example.com", "b@example.com"),
          "occupation": ("nurse", "welder"), "referral_source": ("friend", "web")}


@st.composite
def two_desks(draw):
    """Each desk reads, then saves its changes; any order that keeps each desk's read first."""
    order = draw(st.permutations(["A read", "A save", "B read", "B save"]).filter(
        lambda steps: steps.index("A read") < steps.index("A save") and steps.index("B read") < steps.index("B save")
    ))
    changes = {}
    for desk, pick in (("A", 0), ("B", 1)):
        names = draw(st.sets(st.sampled_from(FIELDS), min_size=1, max_size=3))
        changes[desk] = {name: VALUES[name][pick] for name in names}
    return order, changes


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=two_desks())
def test_every_interleaving_of_two_edits_keeps_both_or_says_conflict(database, case):
    order, changes = case
    factory = database.session_factory
    with factory.begin() as s:
        start = clients.create(s, details())
    seen, saved, conflicts = {}, [], []
    for step in order:
        desk, action = step.split()
        records.set_actor(f"DESK-{desk}")
        with factory.begin() as s:
            if action == "read":
                seen[desk] = clients.get(s, start.id)
                continue
            try:
                clients.update(s, start.id, seen[desk].version, as_form(seen[desk], **changes[desk]))
                saved.append(desk)
            except StaleEdit as error:
                conflicts.append((desk, error))

    saves = [step[0] for step in order if step.endswith("save")]
    first, second = saves
    if order.index(f"{second} read") > order.index(f"{first} save"):
        # The second desk read after the first save: no conflict, both changes in.
        assert conflicts == [] and saved == [first, second]
    else:
        # The second desk's copy was stale: refused, with the first desk's values attached.
        assert saved == [first] and [desk for desk, _ in conflicts] == [second]
        error = conflicts[0][1]
        assert error.who == f"DESK-{first}" and error.version == start.version + 1
        assert {name: error.theirs[name] for name in changes[first]} == changes[first]
        # Keep mine, merged the way the dialog merges: their version, my changed fields on top.
        records.set_actor(f"DESK-{second}")
        with factory.begin() as s:
            theirs = clients.get(s, start.id)
            clients.update(s, start.id, error.version, as_form(theirs, **changes[second]))
    with factory() as s:
        final = clients.get(s, start.id)
    assert final.version == start.version + 2
    expected = {**changes[first], **changes[second]}  # where both changed a field, the later save
    assert {name: getattr(final.details, name) for name in expected} == expected


# --- real concurrency: threads and processes ------------------------------------------------------

ROUNDS = 25


def save_token(session_factory, client_id: int, record, token: str) -> bool:
    """Save the notes as read plus one token; False when another desk saved first."""
    try:
        with session_factory.begin() as s:
            notes = ((record.details.notes or "") + f" {token}").strip()
            clients.update(s, client_id, record.version, as_form(record, notes=notes))
        return True
    except StaleEdit:
        return False


def tokens_in(database, client_id):
    with database.session_factory() as s:
        return clients.get(s, client_id).details.notes.split()


def test_two_threads_saving_at_once_lose_nothing(database, mia):
    """Both desks read the same version, then both save at once, ROUNDS times: each time one
    save goes in and the other is refused with StaleEdit — never both, never a lost token."""
    barrier = threading.Barrier(2, timeout=30)
    saved, refused, failures = [], [], []

    def desk(tag):
        try:
            for attempt in range(ROUNDS):
                with database.session_factory() as s:
                    record = clients.get(s, mia.id)
                barrier.wait()
                token = f"{tag}{attempt}"
                try:
                    with database.session_factory.begin() as s:
                        notes = ((record.details.notes or "") + f" {token}").strip()
                        clients.update(s, mia.id, record.version, as_form(record, notes=notes))
                    saved.append(token)
                except StaleEdit as error:
                    refused.append(error)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=desk, args=(tag,)) for tag in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    assert len(saved) == len(refused) == ROUNDS
    assert sorted(tokens_in(database, mia.id)) == sorted(saved)
    assert {error.who for error in refused} == {US}
    with database.session_factory() as s:
        assert clients.get(s, mia.id).version == mia.version + ROUNDS


CHILD = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{root!r}, {tests!r}]
    from studio.db import open_database
    from studio.services import clients, records
    from test_conflicts import save_token
    records.set_actor("TRAINING-ROOM (kai)")
    db = open_database({url!r})
    for attempt in range({rounds}):
        with db.session_factory() as s:
            record = clients.get(s, {client_id})
        print("read", flush=True)
        sys.stdin.readline()
        print("saved" if save_token(db.session_factory, {client_id}, record, f"t{{attempt}}") else "refused", flush=True)
    db.close()
    """
)


def test_two_processes_saving_the_same_client_lose_nothing(database, mia):
    """Another process (another desk) and this one read the same version, then save at once."""
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    code = CHILD.format(root=root, tests=here, url=database.url, client_id=mia.id, rounds=ROUNDS)
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    saved = []
    try:
        for attempt in range(ROUNDS):
            with database.session_factory() as s:
                record = clients.get(s, mia.id)
            assert child.stdout.readline().strip() == "read", child.stderr.read() if child.poll() is not None else ""
            child.stdin.write("go\n")
            child.stdin.flush()
            if save_token(database.session_factory, mia.id, record, f"f{attempt}"):
                saved.append(f"f{attempt}")
            theirs = child.stdout.readline().strip()
            assert theirs in ("saved", "refused"), child.stderr.read() if child.poll() is not None else theirs
            if theirs == "saved":
                saved.append(f"t{attempt}")
            assert len(saved) == attempt + 1  # one save per round, the other desk told
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert sorted(tokens_in(database, mia.id)) == sorted(saved)
    with database.session_factory() as s:
        assert clients.get(s, mia.id).version == mia.version + ROUNDS
