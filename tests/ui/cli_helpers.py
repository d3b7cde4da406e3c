"""`upright-admin` run in-process, and copies of the demo studio its tests start from (the
`demo_file` fixture, in conftest.py)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from ui import cli


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """The command as a person would type it: its exit code, what it printed and what it complained."""
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def copy_studio(source: Path, target: Path) -> Path:
    """A copy of the studio file `source` at `target` (its folder made if need be)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
        original.backup(copy)
    return target
