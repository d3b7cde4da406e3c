"""Crash safety: a desk killed (SIGKILL) in the middle of a stream of saves, many times over, on
SQLite and on PostgreSQL. Afterwards every save it acknowledged is in the database with exactly
the values it saved, nothing is half-written (a client's search terms, sort key and version
always go with its row), nothing appears that was never saved, and the database passes its
integrity checks.

The writer (tests/studio/crash_writer.py) journals each change before its transaction and again
once the commit has returned; the parent kills it at a random moment (20-300 ms after it began
its first change, seeded), reopens the database with `open_database` and checks it against the journal.
The one change that may be in flight at the kill (begun, not acknowledged) must be either
wholly there or wholly absent; whichever it is becomes the truth for the following rounds.
Now and then the writer registers a few hundred clients in one transaction, as a CSV import
does, or edits a few hundred existing ones in one: more than SQLite's page cache holds, so
pages reach the files before the commit, and a kill in the middle must leave none of them
behind. That is what makes the test fail when the writer's SQLite runs without its journal
(journal_mode=OFF): clients holding an edit that was never committed, or a damaged index.

Two ways: a fresh database every round, and one database that grows across all the rounds (so
each round checks every earlier round's records again, and kills land in SQLite's WAL
checkpoints too). UPRIGHT_CRASH_ROUNDS sets the rounds per test (default 25);
UPRIGHT_CRASH_SEED the seed. Each test prints one summary line (shown even without -s) and
records the figures as properties (--junitxml).

A SIGKILL ends the writer, not the computer: what the kernel was given survives, so this proves
atomic commits and that an acknowledged commit was really made, not that it was flushed to the
disk (that is `synchronous=FULL`, which the test checks the writer runs with).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import delete, exists, func, inspect, select, text, update

import crash_writer
from studio.db import make_engine, open_database
from studio.models import Base, Client, ClientSearchTerm
from studio.services import clients, records, staff
from studio.services.search_terms import client_terms
from studio.text import sort_key

ROUNDS = int(os.environ.get("UPRIGHT_CRASH_ROUNDS", "25"))
SEED = int(os.environ.get("UPRIGHT_CRASH_SEED", "20260101"))
KILL_AFTER_S = (0.02, 0.30)
# A batch or bulk edit under way at that moment gets longer, so the kill may come after SQLite
# has had to write some of its pages out: the moment a journal has to take back.
KILL_IN_BATCH_S = (0.0, 1.5)
START_TIMEOUT_S = 60


# --- what the journal says was saved ---------------------------------------------------------


@dataclass
class Expected:
    """A client as its acknowledged saves left it."""

    raw: dict
    version: int
    archived: bool


class JournalProblem(AssertionError):
    pass


def read_journal(path: Path) -> list[dict]:
    """The journal's whole lines; a torn last line (the kill landed in its write) is left out."""
    if not path.exists():
        return []
    lines = path.read_bytes().split(b"\n")
    lines.pop()  # b"" after the last newline, or a line the kill cut short
    return [json.loads(line) for line in lines]


def batch_raws(change: dict) -> list[dict]:
    count = change["count"] if change["op"] == "batch" else len(change["targets"])
    return crash_writer.batch_raws(change["seed"], count, change["tag"], change["trainers"])


def _apply_bulk(model: dict[int, Expected], change: dict, client_ids: list[int], versions: list[int]) -> None:
    raws = batch_raws(change)
    if [[client_id, version - 1] for client_id, version in zip(client_ids, versions)] != change["targets"]:
        raise JournalProblem(f"bulk edit of {change['targets']} acknowledged as {client_ids} {versions}")
    for (client_id, version), raw in zip(change["targets"], raws):
        before = model.get(client_id)
        if before is None or before.version != version:
            raise JournalProblem(f"bulk edit of client {client_id} version {version}, model has {before}")
        model[client_id] = Expected(raw, version + 1, before.archived)


def _apply_batch(model: dict[int, Expected], change: dict, client_ids: list[int]) -> None:
    raws = batch_raws(change)
    if len(client_ids) != len(raws) or len(set(client_ids)) != len(raws) or set(client_ids) & model.keys():
        raise JournalProblem(f"batch of {len(raws)} acknowledged as clients {client_ids}")
    for client_id, raw in zip(client_ids, raws):
        model[client_id] = Expected(raw, 1, False)


def _apply(model: dict[int, Expected], change: dict, client_id: int, version: int) -> None:
    op = change["op"]
    if op == "create":
        if client_id in model or version != 1:
            raise JournalProblem(f"create acknowledged as client {client_id} version {version}: {change}")
        model[client_id] = Expected(change["raw"], 1, False)
        return
    before = model.get(client_id)
    if client_id != change["id"] or before is None or before.version != change["version"] or version != before.version + 1:
        raise JournalProblem(f"{op} acknowledged as client {client_id} version {version}, model has {before}: {change}")
    if op == "update":
        model[client_id] = Expected(change["raw"], version, before.archived)
    else:
        model[client_id] = Expected(before.raw, version, change["archived"])


def replay(entries: list[dict], model: dict[int, Expected]) -> tuple[int, dict | None]:
    """Apply the acknowledged changes to `model`; returns how many, and the change in flight."""
    in_flight = None
    acknowledged = 0
    last_seq = 0
    for entry in entries:
        if entry.get("done"):
            if in_flight is None or entry["seq"] != in_flight["seq"]:
                raise JournalProblem(f"acknowledgement without its change: {entry}")
            if in_flight["op"] == "batch":
                _apply_batch(model, in_flight, entry["ids"])
            elif in_flight["op"] == "bulk":
                _apply_bulk(model, in_flight, entry["ids"], entry["versions"])
            else:
                _apply(model, in_flight, entry["id"], entry["version"])
            in_flight = None
            acknowledged += 1
        else:
            if in_flight is not None or entry["seq"] != last_seq + 1:
                raise JournalProblem(f"change {entry} began while {in_flight} was unacknowledged")
            in_flight = entry
            last_seq = entry["seq"]
    return acknowledged, in_flight


# --- what the database holds -----------------------------------------------------------------


def differences(row: Client | None, terms: set[str], expected: Expected) -> list[str]:
    """How a client in the database differs from what was saved (empty: exactly as saved)."""
    if row is None:
        return ["missing"]
    details = clients.parse(expected.raw, crash_writer.TODAY)
    stored = records.details_of(clients.ClientDetails, row)
    found = [
        f"{name} is {getattr(stored, name)!r}, saved {getattr(details, name)!r}"
        for name in clients.ClientDetails.__dataclass_fields__
        if getattr(stored, name) != getattr(details, name)
    ]
    if row.version != expected.version:
        found.append(f"version is {row.version}, saved {expected.version}")
    if (row.archived_at is not None) != expected.archived:
        found.append(f"archived is {row.archived_at is not None}, saved {expected.archived}")
    if row.sort_key != sort_key(details.last_name, details.first_name):
        found.append(f"sort key {row.sort_key!r} does not go with the name")
    wanted = client_terms(details)
    if terms != wanted:
        found.append(f"search terms missing {sorted(wanted - terms)}, extra {sorted(terms - wanted)}")
    return found


def integrity_problems(database) -> list[str]:
    """SQLite's own checks; on both backends every foreign key resolved and every table read."""
    problems = []
    with database.engine.connect() as connection:
        if database.dialect == "sqlite":
            result = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
            if result != ["ok"]:
                problems.append(f"PRAGMA integrity_check: {result[:5]}")
            dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if dangling:
                problems.append(f"PRAGMA foreign_key_check: {dangling[:5]}")
        present = set(inspect(connection).get_table_names())
        for table in Base.metadata.sorted_tables:
            if table.name not in present:
                continue  # a model whose migration is not written yet is not this test's business
            connection.execute(select(func.count()).select_from(table)).scalar()
            for fk in table.foreign_key_constraints:
                if fk.referred_table.name not in present:
                    continue
                parent = fk.referred_table.alias()
                pairs = [(element.parent, parent.c[element.column.name]) for element in fk.elements]
                orphans = connection.execute(
                    select(func.count())
                    .select_from(table)
                    .where(*(child.is_not(None) for child, _ in pairs))
                    .where(~exists().where(*(referred == child for child, referred in pairs)))
                ).scalar()
                if orphans:
                    problems.append(f"{orphans} {table.name} rows refer to a missing {fk.referred_table.name}")
    return problems


def check(url: str, model: dict[int, Expected], in_flight: dict | None) -> tuple[list[str], str]:
    """Reopen the database and compare it with `model`. Returns the problems (none: it passed)
    and the fate of the change in flight ("none", "committed" or "not committed"); a committed
    one is applied to `model`, which then describes the database for the next round."""
    database = open_database(url)
    try:
        with database.session_factory() as session:
            rows = {row.id: row for row in session.scalars(select(Client))}
            terms: dict[int, set[str]] = {}
            for client_id, term in session.execute(select(ClientSearchTerm.client_id, ClientSearchTerm.term)):
                terms.setdefault(client_id, set()).add(term)
        fate = "none"
        if in_flight is not None:
            fate = "not committed"
            if in_flight["op"] in ("create", "batch"):
                # All of its clients, in the order they were made, exactly as saved; or none.
                new = sorted(rows.keys() - model.keys())
                raws = [in_flight["raw"]] if in_flight["op"] == "create" else batch_raws(in_flight)
                candidates = {client_id: Expected(raw, 1, False) for client_id, raw in zip(new, raws)}
                if new and len(new) == len(raws) and not any(
                    differences(rows[client_id], terms.get(client_id, set()), expected)
                    for client_id, expected in candidates.items()
                ):
                    model.update(candidates)
                    fate = "committed"
            elif in_flight["op"] == "bulk":
                # Every client it edits at the next version, or none (the values are compared below).
                targets = in_flight["targets"]
                if targets and all(
                    client_id in rows and rows[client_id].version == version + 1 for client_id, version in targets
                ):
                    _apply_bulk(model, in_flight, [t[0] for t in targets], [t[1] + 1 for t in targets])
                    fate = "committed"
            else:
                row = rows.get(in_flight["id"])
                if row is not None and row.version == in_flight["version"] + 1:
                    _apply(model, in_flight, row.id, row.version)
                    fate = "committed"
        problems = []
        for client_id, expected in sorted(model.items()):
            for difference in differences(rows.get(client_id), terms.get(client_id, set()), expected):
                problems.append(f"client {client_id} (acknowledged): {difference}")
        for client_id in sorted(rows.keys() - model.keys()):
            problems.append(f"client {client_id} is in the database but was never saved (or is half-written)")
        for client_id in sorted(terms.keys() - rows.keys()):
            problems.append(f"search terms of client {client_id}, who is not in the database")
        problems += integrity_problems(database)
        return problems, fate
    finally:
        database.close()


# --- killing the writer ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def writers():
    """Writer processes forked from a server that has already imported SQLAlchemy, psycopg and
    Upright, so a round costs a fork, not a second of imports. (Python 3.11's forkserver does
    not put the tests' folder on its own path, so crash_writer itself is imported by each child:
    it is small. Each child also re-runs the parent's __main__, pytest's, as multiprocessing
    does.)"""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        ["pytest", "studio.db", "studio.schema", "studio.models", "studio.services.clients", "psycopg",
         "sqlalchemy.dialects.postgresql.psycopg", "sqlalchemy.dialects.sqlite.pysqlite"]
    )
    return context


def wait_until_writer_gone(url: str) -> None:
    """PostgreSQL: the server finishes what the dead writer's session was doing (a COMMIT it had
    received may still complete) before the check reads, so the check sees the final state."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                others = connection.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                    )
                ).scalar()
                connection.commit()  # pg_stat_activity is a snapshot per transaction
                if not others:
                    return
                if time.monotonic() > deadline:
                    pytest.fail(f"the killed writer's server session is still there after {START_TIMEOUT_S} s")
                time.sleep(0.01)
    finally:
        engine.dispose()


def wait_for_first_change(journal: Path, process) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not (journal.exists() and journal.stat().st_size):
        if not process.is_alive():
            return  # it failed: the caller reports how
        if time.monotonic() > deadline:
            pytest.fail(f"the writer began no change in {START_TIMEOUT_S} s")
        time.sleep(0.002)


def in_a_big_transaction(journal: Path) -> bool:
    entries = read_journal(journal)
    return bool(entries) and entries[-1].get("op") in ("batch", "bulk")


def kill_writer_midstream(writers, url: str, journal: Path, rng: random.Random, tag: str, backend: str) -> None:
    """Start a writer on `url`, let it save for a random moment, SIGKILL it, wait for it."""
    ours, theirs = writers.Pipe(duplex=False)
    process = writers.Process(
        target=crash_writer.main, args=(url, str(journal), rng.randrange(2**32), tag, theirs), daemon=True
    )
    process.start()
    theirs.close()
    try:
        if not ours.poll(START_TIMEOUT_S):
            pytest.fail(f"the writer did not start within {START_TIMEOUT_S} s")
        try:
            ready = ours.recv()
        except EOFError:
            ready = {"error": f"it died (exit code {process.join(5) or process.exitcode})"}
        if "error" in ready:
            pytest.fail(f"the writer failed to start: {ready['error']}")
        if backend == "sqlite":
            # WAL with synchronous=FULL: the settings studio.db promises every desk.
            assert ready["settings"] == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
        # From its first change on, so that a round kills a stream of saves however slow the
        # machine is to get the writer going.
        wait_for_first_change(journal, process)
        time.sleep(rng.uniform(*KILL_AFTER_S))
        if in_a_big_transaction(journal):
            time.sleep(rng.uniform(*KILL_IN_BATCH_S))
        if process.is_alive():  # else it failed, and says why below
            os.kill(process.pid, signal.SIGKILL)
        process.join(START_TIMEOUT_S)
    finally:
        if process.is_alive():
            process.kill()
            process.join()
    if process.exitcode != -signal.SIGKILL:
        said = ours.recv() if ours.poll(0) else {}
        pytest.fail(f"the writer stopped by itself (exit code {process.exitcode}) before the kill: {said.get('error', '')}")
    ours.close()
    if backend == "postgresql":
        wait_until_writer_gone(url)


def add_trainers(url: str) -> None:
    """Staff for the writer to assign clients to, so client rows carry foreign keys."""
    database = open_database(url)
    try:
        with database.session_factory.begin() as session:
            for first, last in (("Maria", "Kowalska"), ("Dev", "Okafor")):
                staff.create(session, staff.parse({"first_name": first, "last_name": last, "role": "trainer"}))
    finally:
        database.close()


@dataclass
class Tally:
    rounds: int = 0
    acknowledged: int = 0
    in_flight_committed: int = 0
    in_flight_not_committed: int = 0
    in_flight_batches: int = 0
    record_checks: int = 0
    clients_at_end: int = 0

    def count(self, acknowledged: int, in_flight: dict | None, fate: str, checked: int) -> None:
        self.rounds += 1
        self.in_flight_batches += in_flight is not None and in_flight["op"] in ("batch", "bulk")
        self.acknowledged += acknowledged
        self.in_flight_committed += fate == "committed"
        self.in_flight_not_committed += fate == "not committed"
        self.record_checks += checked

    def report(self, what: str, backend: str, record_property, capsys) -> None:
        line = (
            f"crash safety, {backend}, {what}: {self.rounds} SIGKILL rounds, {self.acknowledged} acknowledged "
            f"saves, {self.record_checks} client records checked ({self.clients_at_end} in the last database), "
            f"in flight at the kill: {self.in_flight_committed} committed, {self.in_flight_not_committed} not "
            f"({self.in_flight_batches} of them batches or bulk edits of hundreds); "
            f"nothing lost, integrity checks passed (seed {SEED})"
        )
        for name, value in vars(self).items():
            record_property(name, value)
        with capsys.disabled():
            print(f"\n{line}")


def run_round(writers, url, journal, rng, tag, backend, model, tally) -> None:
    kill_writer_midstream(writers, url, journal, rng, tag, backend)
    acknowledged, in_flight = replay(read_journal(journal), model)
    problems, fate = check(url, model, in_flight)
    assert not problems, f"round {tag}, after {acknowledged} acknowledged saves:\n" + "\n".join(problems[:20])
    tally.count(acknowledged, in_flight, fate, len(model))
    tally.clients_at_end = len(model)


# --- the tests -------------------------------------------------------------------------------


def test_a_killed_writer_loses_nothing_on_a_fresh_database(backend, tmp_path, request, writers, record_property, capsys):
    rng = random.Random(f"{SEED}-fresh-{backend}")
    tally = Tally()
    if backend == "sqlite":
        template = tmp_path / "template.sqlite"
        open_database(template, create=True).close()
        assert not template.with_name("template.sqlite-wal").exists()
    else:
        server = request.getfixturevalue("postgres_server")
    for round_number in range(1, ROUNDS + 1):
        if backend == "sqlite":
            path = tmp_path / f"round{round_number}.sqlite"
            shutil.copyfile(template, path)
            url = f"sqlite:///{path}"
        else:
            url = server.create(template=server.migrated_template())
        try:
            add_trainers(url)
            run_round(writers, url, tmp_path / f"journal{round_number}.jsonl", rng, f"R{round_number}", backend, {}, tally)
        finally:
            if backend == "sqlite":
                for leftover in path.parent.glob(f"{path.name}*"):
                    leftover.unlink()
            else:
                server.drop(url)
    tally.report("a fresh database each round", backend, record_property, capsys)
    assert tally.rounds == ROUNDS and tally.acknowledged > 0


def test_a_killed_writer_loses_nothing_as_the_database_grows(database, tmp_path, writers, record_property, capsys):
    backend = database.dialect
    url = database.url
    database.close()  # the writer and the checks open their own
    add_trainers(url)
    rng = random.Random(f"{SEED}-growing-{backend}")
    tally = Tally()
    model: dict[int, Expected] = {}
    for round_number in range(1, ROUNDS + 1):
        run_round(writers, url, tmp_path / f"journal{round_number}.jsonl", rng, f"G{round_number}", backend, model, tally)
    tally.report("one database growing across the rounds", backend, record_property, capsys)
    assert tally.rounds == ROUNDS and tally.clients_at_end > 0


# --- the checker catches what it is there to catch ---------------------------------------------


def test_the_journal_gives_acknowledged_saves_and_the_one_in_flight(tmp_path):
    journal = tmp_path / "journal.jsonl"
    raw = {"first_name": "Ada", "last_name": "Byron"}
    journal.write_bytes(
        b'{"seq": 1, "op": "create", "raw": {"first_name": "Ada", "last_name": "Byron"}}\n'
        b'{"seq": 1, "done": true, "id": 4, "version": 1}\n'
        b'{"seq": 2, "op": "archive", "id": 4, "version": 1, "archived": true}\n'
        b'{"seq": 2, "done": true, "id": 4, "ver'  # the kill cut this one short
    )
    model: dict[int, Expected] = {}
    acknowledged, in_flight = replay(read_journal(journal), model)
    assert acknowledged == 1
    assert model == {4: Expected(raw, 1, False)}
    assert in_flight == {"seq": 2, "op": "archive", "id": 4, "version": 1, "archived": True}
    with pytest.raises(JournalProblem):
        replay([{"seq": 1, "done": True, "id": 1, "version": 1}], {})
    with pytest.raises(JournalProblem):  # a save acknowledged with a version that skips one
        replay([{"seq": 1, "op": "update", "id": 4, "version": 1, "raw": raw}, {"seq": 1, "done": True, "id": 4, "version": 3}],
               {4: Expected(raw, 1, False)})


def _saved_by_the_writer(database, tmp_path) -> dict[int, Expected]:
    url = database.url
    add_trainers(url)
    journal_path = tmp_path / "journal.jsonl"
    journal = crash_writer.Journal(str(journal_path))
    try:
        crash_writer.run(database, journal, random.Random(5), "T", limit=30, batch_share=0)
    finally:
        journal.close()
    model: dict[int, Expected] = {}
    acknowledged, in_flight = replay(read_journal(journal_path), model)
    assert acknowledged == 30 and in_flight is None
    assert check(url, model, None) == ([], "none")
    return model


def test_the_check_finds_lost_changed_half_written_and_unsaved_clients(database, tmp_path):
    model = _saved_by_the_writer(database, tmp_path)
    lost, changed, half, *_ = sorted(model)
    with database.session_factory.begin() as session:
        session.execute(delete(ClientSearchTerm).where(ClientSearchTerm.client_id == lost))
        session.execute(delete(Client).where(Client.id == lost))
        session.execute(update(Client).where(Client.id == changed).values(phone="+1 555 000 0000"))
        one_term = session.scalars(select(ClientSearchTerm.term).where(ClientSearchTerm.client_id == half)).first()
        session.execute(delete(ClientSearchTerm).where(ClientSearchTerm.client_id == half, ClientSearchTerm.term == one_term))
        unsaved = clients.create(session, clients.parse({"first_name": "Never", "last_name": "Acknowledged"})).id
    problems, _ = check(database.url, dict(model), None)
    assert any(p.startswith(f"client {lost} (acknowledged): missing") for p in problems)
    assert any(p.startswith(f"client {changed} (acknowledged): phone is '+1 555 000 0000'") for p in problems)
    assert any(p.startswith(f"client {half} (acknowledged): search terms missing ['{one_term}']") for p in problems)
    assert f"client {unsaved} is in the database but was never saved (or is half-written)" in problems
    assert len(problems) == 4, problems


def test_the_change_in_flight_may_be_there_or_not_but_not_half(database, tmp_path):
    model = _saved_by_the_writer(database, tmp_path)
    raw = {"first_name": "Maybe", "last_name": "Saved", "phone": "+1 555 013 4421"}
    in_flight = {"seq": 31, "op": "create", "raw": raw}
    assert check(database.url, dict(model), in_flight) == ([], "not committed")
    with database.session_factory.begin() as session:
        new_id = clients.create(session, clients.parse(raw, crash_writer.TODAY)).id
    grown = dict(model)
    assert check(database.url, grown, in_flight) == ([], "committed")
    assert grown[new_id] == Expected(raw, 1, False)
    with database.session_factory.begin() as session:  # the row without one of its search terms
        session.execute(delete(ClientSearchTerm).where(ClientSearchTerm.client_id == new_id, ClientSearchTerm.term == "4421"))
    problems, fate = check(database.url, dict(model), in_flight)
    assert fate == "not committed"
    assert problems == [f"client {new_id} is in the database but was never saved (or is half-written)"]


def test_a_batch_in_flight_is_all_there_or_not_at_all(database, tmp_path):
    model = _saved_by_the_writer(database, tmp_path)
    in_flight = {"seq": 31, "op": "batch", "seed": 3, "count": 3, "tag": "B", "trainers": []}
    raws = batch_raws(in_flight)
    with database.session_factory.begin() as session:  # two of its three clients
        made = [clients.create(session, clients.parse(raw, crash_writer.TODAY)).id for raw in raws[:2]]
    problems, fate = check(database.url, dict(model), in_flight)
    assert fate == "not committed"
    assert problems == [f"client {client_id} is in the database but was never saved (or is half-written)" for client_id in made]
    with database.session_factory.begin() as session:
        made.append(clients.create(session, clients.parse(raws[2], crash_writer.TODAY)).id)
    grown = dict(model)
    assert check(database.url, grown, in_flight) == ([], "committed")
    assert [grown[client_id] for client_id in made] == [Expected(raw, 1, False) for raw in raws]


def test_a_bulk_edit_in_flight_is_all_there_or_not_at_all(database, tmp_path):
    model = _saved_by_the_writer(database, tmp_path)
    targets = [[client_id, model[client_id].version] for client_id in sorted(model)[:3]]
    in_flight = {"seq": 31, "op": "bulk", "seed": 4, "tag": "U", "trainers": [], "targets": targets}
    raws = batch_raws(in_flight)
    assert check(database.url, dict(model), in_flight) == ([], "not committed")
    with database.session_factory.begin() as session:  # two of its three edits
        for (client_id, version), raw in zip(targets[:2], raws):
            clients.update(session, client_id, version, clients.parse(raw, crash_writer.TODAY))
    problems, fate = check(database.url, dict(model), in_flight)
    assert fate == "not committed"
    assert {p.split(":")[0] for p in problems} == {f"client {client_id} (acknowledged)" for client_id, _ in targets[:2]}
    with database.session_factory.begin() as session:
        clients.update(session, targets[2][0], targets[2][1], clients.parse(raws[2], crash_writer.TODAY))
    edited = dict(model)
    assert check(database.url, edited, in_flight) == ([], "committed")
    assert [edited[client_id] for client_id, _ in targets] == [
        Expected(raw, version + 1, model[client_id].archived) for (client_id, version), raw in zip(targets, raws)
    ]


def test_the_integrity_check_finds_dangling_references(database, tmp_path):
    model = _saved_by_the_writer(database, tmp_path)
    if database.dialect == "sqlite":
        with closing(sqlite3.connect(database.path)) as raw:  # foreign keys are off unless asked for
            raw.execute("INSERT INTO client_search_term (client_id, term) VALUES (999999, 'orphan')")
            raw.commit()
    else:
        with database.engine.begin() as connection:
            connection.exec_driver_sql(
                "ALTER TABLE client_search_term DROP CONSTRAINT fk_client_search_term_client_id_client"
            )
            connection.execute(ClientSearchTerm.__table__.insert().values(client_id=999_999, term="orphan"))
    problems, _ = check(database.url, model, None)
    assert "1 client_search_term rows refer to a missing client" in problems
    assert "search terms of client 999999, who is not in the database" in problems
    if database.dialect == "sqlite":
        assert any(p.startswith("PRAGMA foreign_key_check") for p in problems)
