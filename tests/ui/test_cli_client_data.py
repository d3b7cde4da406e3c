"""`upright-admin export-client` and `erase-client`, and the files the admin writes being private."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import zipfile
from contextlib import closing
from pathlib import Path

import pytest

from cli_helpers import copy_studio, run

POSIX = os.name != "nt"  # Windows has only "read-only", no owner-only mode


@pytest.fixture()
def studio(demo_file, tmp_path) -> Path:
    return copy_studio(demo_file, tmp_path / "db" / "studio.sqlite")


def first_client(path: Path) -> tuple[int, str]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT id, first_name || ' ' || last_name FROM client ORDER BY id").fetchone()


def count(path: Path, table: str, where: str = "1=1") -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_export_client_writes_a_private_zip(studio, tmp_path, capsys):
    cid, name = first_client(studio)
    target = tmp_path / "export.zip"
    code, out, err = run(capsys, "export-client", str(cid), "--out", str(target), "--database", str(studio))
    assert code == 0, err
    assert out.startswith(f"Wrote {target}: ") and "records" in out and "as PDF" in out
    with zipfile.ZipFile(target) as archive:
        data = json.loads(archive.read("client.json"))
    assert f"{data['tables']['client'][0]['first_name']} {data['tables']['client'][0]['last_name']}" == name
    if POSIX:
        assert mode(target) == 0o600


def test_export_client_of_nobody_says_so(studio, tmp_path, capsys):
    code, out, err = run(capsys, "export-client", "9999", "--out", str(tmp_path / "x.zip"), "--database", str(studio))
    assert code == 1 and "There is no client 9999" in err and not (tmp_path / "x.zip").exists()


def test_erase_client_without_yes_only_says_what_would_go(studio, capsys):
    cid, name = first_client(studio)
    code, out, err = run(capsys, "erase-client", str(cid), "--database", str(studio))
    assert code == 1
    assert f"Erasing client {cid} ({name}) would remove" in out and "1 client record" in out and "backups" in out
    assert "--yes" in err and "Nothing was erased" in err
    assert count(studio, "client", f"id = {cid}") == 1


def test_erase_client_with_yes_erases_and_records_it(studio, capsys):
    cid, name = first_client(studio)
    clients_before = count(studio, "client")
    code, out, err = run(capsys, "erase-client", str(cid), "--yes", "--database", str(studio))
    assert code == 0, err
    assert out.startswith(f"Erased client {cid} ({name}): ") and "without their details" in out
    assert count(studio, "client") == clients_before - 1
    for table in ("assessment", "program", "session_log", "referral", "document", "medical_clearance"):
        assert count(studio, table, f"client_id = {cid}") == 0, table
    assert count(studio, "audit_entry", "action = 'erase'") == 1
    code, _, err = run(capsys, "erase-client", str(cid), "--yes", "--database", str(studio))
    assert code == 1 and f"There is no client {cid}" in err


@pytest.mark.skipif(not POSIX, reason="Windows has only read-only, no owner-only mode")
def test_render_and_csv_exports_are_readable_by_their_user_only(studio, tmp_path, capsys):
    cid, _ = first_client(studio)
    old = os.umask(0o022)  # a desk whose new files anyone may read
    try:
        pdf = tmp_path / "progress.pdf"
        assert run(capsys, "render", "progress", "--client", str(cid), "--out", str(pdf), "--database", str(studio))[0] == 0
        csv = tmp_path / "clients.csv"
        csv.write_text("an older export anyone could read")
        csv.chmod(0o644)
        assert run(capsys, "export-clients", str(csv), "--database", str(studio))[0] == 0
    finally:
        os.umask(old)
    assert mode(pdf) == 0o600 and pdf.read_bytes().startswith(b"%PDF")
    assert mode(csv) == 0o600 and csv.read_bytes().startswith("\ufeff".encode())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clients.csv", "db", "progress.pdf"]


@pytest.mark.skipif(not POSIX, reason="Windows has only read-only, no owner-only mode")
def test_csv_export_file_service_writes_privately(tmp_path):
    from studio.db import open_database
    from studio.services import clients, csv_transfer

    db = open_database(tmp_path / "s.sqlite", create=True)
    try:
        with db.session_factory.begin() as s:
            clients.create(s, clients.parse({"first_name": "Zoë", "last_name": "Ødegård"}))
            written = csv_transfer.export_csv_file(s, "clients", tmp_path / "out.csv")
    finally:
        db.close()
    assert written == 1 and mode(tmp_path / "out.csv") == 0o600
    assert "Ødegård" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
