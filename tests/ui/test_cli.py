"""`upright-admin`, run in-process the way a person would type it."""

from __future__ import annotations

import csv
import dataclasses
import io
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from cli_helpers import run
from studio import schema
from studio.backups import inspect
from studio.db import open_database
from studio.services import clients, clinicians, staff
from studio.services.clients import ClientDetails
from ui import cli

REPO = Path(__file__).resolve().parents[2]


def client_count(path: Path, where: str = "1=1") -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT count(*) FROM client WHERE {where}").fetchone()[0]


@pytest.fixture()
def demo_db(tmp_path, capsys) -> Path:
    path = tmp_path / "studio.sqlite"
    code, out, _ = run(capsys, "demo", "--database", str(path))
    assert code == 0, out
    return path


# --- demo -----------------------------------------------------------------------------------


def test_demo_fills_about_thirty_clients(demo_db):
    assert client_count(demo_db) == 30
    assert client_count(demo_db, "archived_at IS NOT NULL") == 2


def test_demo_refuses_a_studio_that_has_data_but_clients_option_adds_more(demo_db, capsys):
    code, _, err = run(capsys, "demo", "--database", str(demo_db))
    assert code == 1
    assert "already has a studio" in err
    assert client_count(demo_db) == 30

    code, out, _ = run(capsys, "--database", str(demo_db), "demo", "--clients", "120")
    assert code == 0
    assert "120" in out
    assert client_count(demo_db) == 150


def test_demo_clients_only_into_a_new_file_gets_the_studio_too(tmp_path, capsys):
    path = tmp_path / "bench.sqlite"
    assert run(capsys, "demo", "--clients", "40", "--database", str(path))[0] == 0
    assert client_count(path) == 70


def test_database_option_works_before_the_command(demo_db, capsys):
    code, out, _ = run(capsys, "--database", str(demo_db), "check")
    assert code == 0
    assert "Clients: 28 active, 2 archived" in out


# --- check ----------------------------------------------------------------------------------


def test_check_a_good_database(demo_db, capsys):
    code, out, err = run(capsys, "check", "--database", str(demo_db))
    assert code == 0, err
    assert "Integrity check: ok" in out
    assert "Links between records: ok" in out
    assert f"Schema: {schema.head_revision()} (up to date" in out
    assert "Clients: 28 active, 2 archived" in out
    assert "Clinicians: 12" in out
    assert "Staff: 6" in out
    assert "All good." in out


def test_check_a_file_of_garbage(tmp_path, capsys):
    path = tmp_path / "upright.sqlite"
    garbage = b"This is not a database \x00\xff\xfe" * 400
    path.write_bytes(garbage)
    code, _, err = run(capsys, "check", "--database", str(path))
    assert code == 1
    assert "damaged or is not an Upright database" in err
    assert len(err.strip().splitlines()) == 1
    assert path.read_bytes() == garbage


def test_check_reports_records_pointing_nowhere(demo_db, capsys):
    with closing(sqlite3.connect(demo_db)) as conn:  # foreign keys are off in a bare connection
        conn.execute("UPDATE client SET trainer_id = 9999 WHERE id = 3")
        conn.commit()
    code, out, err = run(capsys, "check", "--database", str(demo_db))
    assert code == 1
    assert "1 broken" in out and "client row 3 points to a missing staff" in out
    assert "Problems found" in err


def test_a_missing_database_is_an_error_not_created(tmp_path, capsys, monkeypatch):
    default = tmp_path / "default" / "upright.sqlite"
    monkeypatch.setattr(cli, "default_database_path", lambda: default)
    for command in (["check"], ["backup"], ["export-clients", "-"], ["import-clients", str(tmp_path / "x.csv")]):
        (tmp_path / "x.csv").write_text("first_name,last_name\nA,B\n", encoding="utf-8")
        code, _, err = run(capsys, *command)
        assert code == 1, command
        assert f"There is no studio database at {default}" in err, command
    assert not default.exists()
    missing = tmp_path / "elsewhere.sqlite"
    code, _, err = run(capsys, "check", "--database", str(missing))
    assert (code, missing.exists()) == (1, False)
    assert "There is no studio database at" in err


# --- backup and restore ---------------------------------------------------------------------


def test_backup_change_restore_gives_back_the_backed_up_records(demo_db, tmp_path, capsys):
    target = tmp_path / "saved" / "before-new-client.sqlite"
    code, out, _ = run(capsys, "backup", str(target), "--database", str(demo_db))
    assert code == 0
    assert str(target) in out
    assert inspect(target).counts["client"] == 30

    db = open_database(demo_db)
    with db.session_factory.begin() as s:
        clients.create(s, ClientDetails("Added", "Afterwards", date_of_birth=date(1990, 1, 1)))
    db.close()
    assert client_count(demo_db) == 31

    code, out, _ = run(capsys, "restore", str(target), "--database", str(demo_db))
    assert code == 0
    assert client_count(demo_db) == 30
    assert client_count(demo_db, "last_name = 'Afterwards'") == 0
    safety = Path(out.split("kept in ")[1].strip().rstrip("."))
    assert safety.is_file() and safety != target
    assert client_count(safety, "last_name = 'Afterwards'") == 1
    assert run(capsys, "check", "--database", str(demo_db))[0] == 0


def test_backup_without_a_path_goes_to_the_backups_folder(demo_db, capsys):
    code, out, _ = run(capsys, "backup", "--database", str(demo_db))
    assert code == 0
    written = Path(out.split(": ", 1)[1].strip())
    assert written.parent == demo_db.parent / "backups"
    assert inspect(written).counts["clinician"] == 12


def test_backup_never_overwrites(demo_db, tmp_path, capsys):
    target = tmp_path / "taken.sqlite"
    target.write_bytes(b"precious")
    code, _, err = run(capsys, "backup", str(target), "--database", str(demo_db))
    assert code == 1
    assert "already exists" in err
    assert target.read_bytes() == b"precious"


def test_a_corrupted_backup_is_refused_and_nothing_changes(demo_db, tmp_path, capsys):
    good = tmp_path / "good.sqlite"
    assert run(capsys, "backup", str(good), "--database", str(demo_db))[0] == 0
    damaged = tmp_path / "damaged.sqlite"
    data = bytearray(good.read_bytes())
    data[100:4000] = b"\xde\xad" * 1950  # the page after the header, trampled
    damaged.write_bytes(bytes(data))
    backups_before = sorted((demo_db.parent / "backups").glob("*")) if (demo_db.parent / "backups").exists() else []

    code, _, err = run(capsys, "restore", str(damaged), "--database", str(demo_db))
    assert code == 1
    assert "damaged.sqlite" in err
    assert client_count(demo_db) == 30
    backups_after = sorted((demo_db.parent / "backups").glob("*")) if (demo_db.parent / "backups").exists() else []
    assert backups_after == backups_before  # refused before even the safety copy


def test_an_unreachable_server_is_named_without_its_password(capsys):
    url = "postgresql://desk:secret@db.example.invalid/upright"
    code, _, err = run(capsys, "backup", "--database", url)
    assert code == 1
    assert "db.example.invalid" in err and "secret" not in err
    code, _, err = run(capsys, "restore", "x.dump", "--database", url)
    assert code == 1
    assert "There is no backup at x.dump" in err and "secret" not in err


# --- import and export ----------------------------------------------------------------------


def test_import_with_errors_imports_nothing_and_says_where(demo_db, tmp_path, capsys):
    path = tmp_path / "new.csv"
    path.write_text(
        "first_name,last_name,email,trainer\n"
        "Ana,Silva,ana@example.com,Priya Raman\n"
        "Bo,Berg,bo@,\n"
        '"Cy","Ng","cy@example.com","Nobody Here"\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "import-clients", str(path), "--database", str(demo_db))
    assert code == 1
    assert "line 3, column email: That doesn't look like an email address" in err
    assert "line 4, column trainer: There is no staff member called “Nobody Here”" in err
    assert "Nothing was imported" in err
    assert client_count(demo_db) == 30


def test_import_dry_run_then_for_real(demo_db, tmp_path, capsys):
    path = tmp_path / "new.csv"
    path.write_text(
        "\ufefffirst_name;last_name;date_of_birth;trainer\r\n"
        "Ana;Silva;1984-06-30;priya raman\r\n"
        "Ana;Silva;1984-06-30;\r\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "import-clients", str(path), "--dry-run", "--database", str(demo_db))
    assert code == 0
    assert "2 rows: 1 new, 1 already in Upright or repeated in the file (line 3)" in out
    assert client_count(demo_db) == 30

    code, out, _ = run(capsys, "import-clients", str(path), "--database", str(demo_db))
    assert code == 0
    assert "Imported 1 client; skipped 1 duplicate." in out
    assert client_count(demo_db, "last_name = 'Silva'") == 1


def test_import_from_standard_input_keeps_line_breaks_in_notes(demo_db, capsys, monkeypatch):
    text = 'first_name,last_name,notes\r\nAna,Silva,"Line one\r\nline two"\r\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    code, out, _ = run(capsys, "import-clients", "-", "--database", str(demo_db))
    assert (code, out.strip()) == (
        0,
        "1 row: 1 new, 0 already in Upright or repeated in the file.\nImported 1 client; skipped 0 duplicates.",
    )
    with closing(sqlite3.connect(demo_db)) as conn:
        assert conn.execute("SELECT notes FROM client WHERE last_name = 'Silva'").fetchone() == (
            "Line one\r\nline two",
        )


def test_a_file_that_is_not_utf8_is_refused_with_advice(demo_db, tmp_path, capsys):
    path = tmp_path / "excel.csv"
    path.write_bytes("first_name,last_name\nJosé,García\n".encode("cp1252"))
    code, _, err = run(capsys, "import-clients", str(path), "--database", str(demo_db))
    assert code == 1
    assert "UTF-8" in err
    assert client_count(demo_db) == 30


def test_export_to_standard_output(demo_db, capsys):
    code, out, _ = run(capsys, "export-clinicians", "-", "--database", str(demo_db))
    assert code == 0
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0][:4] == ["first_name", "last_name", "credentials", "specialty"]
    assert len(rows) == 13


def test_export_then_import_into_a_fresh_database_round_trips(demo_db, tmp_path, capsys):
    clinicians_csv, clients_csv = tmp_path / "clinicians.csv", tmp_path / "clients.csv"
    assert run(capsys, "export-clinicians", str(clinicians_csv), "--database", str(demo_db))[0] == 0
    code, out, _ = run(capsys, "export-clients", str(clients_csv), "--database", str(demo_db))
    assert (code, out.strip()) == (0, f"Exported 30 clients to {clients_csv}.")
    assert clients_csv.read_bytes().startswith(b"\xef\xbb\xbf")  # so Excel reads the accents

    fresh = tmp_path / "fresh.sqlite"
    source = open_database(demo_db)
    target = open_database(fresh, create=True)
    with source.session_factory() as s:
        team = [p.details for p in staff.list_staff(s, include_archived=True)]
    with target.session_factory.begin() as s:
        for details in team:
            staff.create(s, details)
    target.close()

    assert run(capsys, "import-clinicians", str(clinicians_csv), "--database", str(fresh))[0] == 0
    code, out, err = run(capsys, "import-clients", str(clients_csv), "--database", str(fresh))
    assert code == 0, err
    assert "Imported 30 clients; skipped 0 duplicates." in out

    def snapshot(db):
        with db.session_factory() as s:
            people = sorted(
                (repr(dataclasses.replace(r.details, trainer_id=0, physician_id=0)),
                 r.archived, r.trainer_name, r.physician_name)
                for r in clients.all_records(s)
            )  # fmt: skip
            network = sorted((repr(r.details), r.archived) for r in clinicians.search(s, include_archived=True))
        return people, network

    target = open_database(fresh)
    try:
        assert snapshot(target) == snapshot(source)
    finally:
        target.close()
        source.close()

    # Importing the same file again finds everyone already there.
    code, out, _ = run(capsys, "import-clients", str(clients_csv), "--database", str(fresh))
    assert code == 0
    assert "Imported 0 clients; skipped 30 duplicates." in out


# --- no Qt, and a real process --------------------------------------------------------------


def test_the_admin_command_never_imports_qt():
    probe = "import sys, ui.cli; assert 'PySide6' not in sys.modules, sorted(m for m in sys.modules if 'PySide' in m)"
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_runs_as_a_program(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "ui.cli", "--help"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    for command in ("check", "backup", "restore", "demo", "import-clients", "export-clinicians"):
        assert command in result.stdout
    result = subprocess.run(
        [sys.executable, "-m", "ui.cli", "check", "--database", str(tmp_path / "none.sqlite")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("There is no studio database at")
    assert "Traceback" not in result.stderr
