"""Studio files the benchmarks share within one run, made once and removed when the run ends."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ManyClients:
    path: Path
    count: int
    staff_id: int  # a trainer to sign in as
    staff_name: str


_folder: Path | None = None
_made: dict[int, ManyClients] = {}


def _here() -> Path:
    global _folder
    if _folder is None:
        _folder = Path(tempfile.mkdtemp(prefix="upright-bench-studios-"))
        atexit.register(shutil.rmtree, _folder, ignore_errors=True)
    return _folder


def save_profile(session) -> None:
    """The letterhead every benchmark studio has (the handouts print it)."""
    from studio.services import studio_profile

    studio_profile.save(session, studio_profile.parse({
        "name": "Core & Spine Studio", "address": "12 Harbour Street\nLeith, Edinburgh EH6 6LJ",
        "phone": "+44 131 555 0100", "email": "desk@core.example", "weight_unit": "kg", "length_unit": "cm", "paper": "a4",
    }))  # fmt: skip


def many_clients(count: int = 100_000) -> ManyClients:
    """A set-up studio (profile, a trainer) with `count` generated clients
    (`studio.services.demo.generate_clients`); made on first use in this process."""
    if count in _made:
        return _made[count]
    from studio.db import open_database
    from studio.services import staff
    from studio.services.demo import generate_clients

    path = _here() / f"clients-{count}.sqlite"
    database = open_database(path, create=True)
    try:
        with database.session_factory.begin() as s:
            save_profile(s)
            trainer = staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"}))
            generate_clients(s, count)
    finally:
        database.close()
    _made[count] = ManyClients(path, count, trainer.id, trainer.name)
    return _made[count]
