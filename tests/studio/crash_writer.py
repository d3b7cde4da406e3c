"""The writer the crash tests kill (tests/studio/test_crash_safety.py).

It opens a studio database the way a desk does (`studio.db.open_database`) and, until it is
killed, saves clients through the real service (`studio.services.clients`): registers new ones,
edits them and archives or un-archives them, one change per transaction, as one desk action is.

Every change is written to a journal before and after its transaction:

    {"seq": 7, "op": "create", "raw": {...}}                        before: what it is about to do
    {"seq": 8, "op": "update", "id": 3, "version": 2, "raw": {...}}   (the version it edits)
    {"seq": 9, "op": "archive", "id": 3, "version": 3, "archived": true}
    {"seq": 9, "done": true, "id": 3, "version": 4}                  after the commit returned
    {"seq": 10, "op": "batch", "seed": 77, "count": 312, "tag": "R1x10", "trainers": [1, 2]}
    {"seq": 10, "done": true, "ids": [9, 10, ...], "version": 1}
    {"seq": 11, "op": "bulk", "seed": 78, "tag": "R1x11", "trainers": [1, 2], "targets": [[3, 4], ...]}
    {"seq": 11, "done": true, "ids": [3, ...], "versions": [5, ...]}

A batch registers a few hundred clients with long notes in one transaction, as a CSV import
does; a bulk edit rewrites a few hundred existing clients (id, version) in one transaction. Both
are some megabytes, more than SQLite's page cache holds, so SQLite has to write pages out before
the commit, and a kill in the middle must leave none of them behind: a bulk edit's pages are
existing clients' rows and index entries. Their details are `batch_raws(seed, count, tag,
trainers)`, which the checker calls too.

A change with its "done" line was acknowledged (the desk would have shown it saved), so it must
be in the database after any crash. At most one change (the last "before" line without its
"done") can be in flight when the writer dies: committed or not, never half. Each line goes out
in one write(2) on an O_APPEND file, so the kernel has it the moment the call returns and a
SIGKILL leaves whole lines (the checker ignores a torn last line, which can only be a "done"
or a "before" for a change that then counts as in flight or never started).

The test starts `main` through a multiprocessing forkserver, so each round pays for a fork and
not for importing SQLAlchemy. By hand: `.venv/bin/python tests/studio/crash_writer.py URL
JOURNAL [SEED]` (kill -9 that process itself: under `uv run` a kill reaches only uv).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
import traceback
from datetime import date

if __package__ in (None, "") and __name__ == "__main__":  # run by path: the repository root on sys.path
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from sqlalchemy import select  # noqa: E402

import studio.schema  # noqa: E402,F401 - open_database's migrations check, imported up front
from studio.db import open_database  # noqa: E402
from studio.models import Client, StaffMember  # noqa: E402
from studio.services import clients  # noqa: E402

# Birth dates are checked against "today": a fixed one keeps what the checker parses identical.
TODAY = date(2026, 1, 1)
# The share of changes that are batches, and of bulk edits (each takes a second or more: most
# are killed midway).
BATCH_SHARE = 0.01
# A writer the test forgot to kill stops by itself.
MAX_SECONDS = 120.0

FIRST = ["Zoë", "Łukasz", "Ольга", "Siobhán", "José", "Mei", "Ada", "Øystein", "Amélie", "Tomás", "Nnamdi", "Priya"]
LAST = ["Łukasiewicz-Ødegård", "O'Brien", "García Márquez", "Nguyễn", "Smith", "van der Berg", "Müller", "Kowalska"]
WORDS = "back pain hinge brace walk bird dog curl up side plank ease flexion extension morning desk lift".split()


class Journal:
    """Append-only lines, each in a single write(2)."""

    def __init__(self, path: str):
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(self, entry: dict) -> None:
        data = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        written = os.write(self.fd, data)
        if written != len(data):  # never for a regular file this small; refuse rather than tear
            raise OSError(f"journal write was short ({written} of {len(data)} bytes)")

    def close(self) -> None:
        os.close(self.fd)


def client_raw(rng: random.Random, tag: str, trainers: list[int], *, words: int | None = None) -> dict:
    """What a person might type into the client form; sizes vary so that some transactions
    span several database pages."""
    notes = " ".join(rng.choice(WORDS) for _ in range(rng.choice((0, 3, 40, 600)) if words is None else words))
    return {
        "first_name": rng.choice(FIRST),
        "last_name": f"{rng.choice(LAST)} {tag}",
        "preferred_name": rng.choice(["", "", rng.choice(FIRST)]),
        "date_of_birth": f"{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "phone": f"+1 ({rng.randint(200, 999)}) {rng.randint(0, 999):03d}-{rng.randint(0, 9999):04d}",
        "email": rng.choice(["", f"client.{tag.lower()}@example.org"]),
        "address": rng.choice(["", f"{rng.randint(1, 999)} High Street\nFlat {rng.randint(1, 40)}\nSpringfield"]),
        "occupation": rng.choice(["", "nurse", "software developer", "warehouse picker"]),
        "trainer_id": rng.choice([None, *trainers]),
        "notes": notes,
    }


def batch_raws(seed: int, count: int, tag: str, trainers: list[int]) -> list[dict]:
    """The clients of one batch, each with about 4,500 characters of notes."""
    rng = random.Random(seed)
    return [client_raw(rng, f"{tag}b{i}", trainers, words=700) for i in range(count)]


def run(
    database, journal: Journal, rng: random.Random, tag: str, *, limit: int | None = None, batch_share: float = BATCH_SHARE
) -> int:
    """Commit changes one per transaction until killed (or `limit` changes); returns how many."""
    with database.session_factory() as session:
        trainers = list(session.scalars(select(StaffMember.id).order_by(StaffMember.id)))
        known = {row.id: (row.version, row.archived_at is not None)
                 for row in session.execute(select(Client.id, Client.version, Client.archived_at))}
    deadline = time.monotonic() + MAX_SECONDS
    seq = 0
    while (limit is None or seq < limit) and time.monotonic() < deadline:
        seq += 1
        name = f"{tag}x{seq}"
        choice = rng.random()
        if choice < batch_share:
            batch = {"seed": rng.randrange(2**32), "count": rng.randint(200, 400), "tag": name, "trainers": trainers}
            journal.write({"seq": seq, "op": "batch", **batch})
            with database.session_factory.begin() as session:
                made = [clients.create(session, clients.parse(raw, TODAY)) for raw in batch_raws(**batch)]
            journal.write({"seq": seq, "done": True, "ids": [record.id for record in made], "version": 1})
            known.update((record.id, (record.version, record.archived)) for record in made)
            continue
        if choice < 2 * batch_share and known:
            chosen = rng.sample(sorted(known), min(len(known), rng.randint(200, 400)))
            bulk = {"seed": rng.randrange(2**32), "tag": name, "trainers": trainers,
                    "targets": [[client_id, known[client_id][0]] for client_id in chosen]}
            journal.write({"seq": seq, "op": "bulk", **bulk})
            raws = batch_raws(bulk["seed"], len(chosen), name, trainers)
            with database.session_factory.begin() as session:
                made = [
                    clients.update(session, client_id, version, clients.parse(raw, TODAY))
                    for (client_id, version), raw in zip(bulk["targets"], raws)
                ]
            journal.write({"seq": seq, "done": True, "ids": [r.id for r in made], "versions": [r.version for r in made]})
            known.update((record.id, (record.version, record.archived)) for record in made)
            continue
        if not known or choice < 0.55:
            raw = client_raw(rng, name, trainers)
            journal.write({"seq": seq, "op": "create", "raw": raw})
            with database.session_factory.begin() as session:
                record = clients.create(session, clients.parse(raw, TODAY))
        elif choice < 0.85:
            client_id = rng.choice(list(known))
            version = known[client_id][0]
            raw = client_raw(rng, name, trainers)
            journal.write({"seq": seq, "op": "update", "id": client_id, "version": version, "raw": raw})
            with database.session_factory.begin() as session:
                record = clients.update(session, client_id, version, clients.parse(raw, TODAY))
        else:
            client_id = rng.choice(list(known))
            version, archived = known[client_id]
            journal.write({"seq": seq, "op": "archive", "id": client_id, "version": version, "archived": not archived})
            with database.session_factory.begin() as session:
                record = clients.set_archived(session, client_id, version, not archived)
        # The transaction has committed: from here on the change must survive anything.
        journal.write({"seq": seq, "done": True, "id": record.id, "version": record.version})
        known[record.id] = (record.version, record.archived)
    return seq


def settings(database) -> dict:
    """The connection settings the writer really runs with (the test checks SQLite's)."""
    with database.engine.connect() as connection:
        if database.dialect == "sqlite":
            return {
                "journal_mode": connection.exec_driver_sql("PRAGMA journal_mode").scalar(),
                "synchronous": connection.exec_driver_sql("PRAGMA synchronous").scalar(),
                "foreign_keys": connection.exec_driver_sql("PRAGMA foreign_keys").scalar(),
            }
        return {"synchronous_commit": connection.exec_driver_sql("SHOW synchronous_commit").scalar()}


def main(url: str, journal_path: str, seed: int, tag: str, pipe=None) -> None:
    """The writer process: tells `pipe` it is ready (with its settings), then writes until killed."""
    try:
        database = open_database(url)
        journal = Journal(journal_path)
        ready = {"pid": os.getpid(), "settings": settings(database)}
        if pipe is not None:
            pipe.send(ready)
        else:
            print(json.dumps(ready), flush=True)
        run(database, journal, random.Random(seed), tag)
    except BaseException:
        if pipe is not None:
            pipe.send({"error": traceback.format_exc()})
        raise


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1, "M")
