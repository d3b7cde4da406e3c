"""`upright-admin render …`: documents made from a terminal, read back from the PDF, and the
Documents list that records each one."""

from __future__ import annotations

import hashlib
import io
import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from pypdf import PdfReader

from cli_helpers import copy_studio, run
from studio.db import open_database
from studio.services import assessments, clients, clinicians, documents, programs, referrals
from ui import cli

REPO = Path(__file__).resolve().parents[2]
WROTE = re.compile(r"^Wrote (?P<path>.+) \((?P<pages>\d+) pages?, fingerprint (?P<short>[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4})\)$")


@pytest.fixture()
def studio(demo_file, tmp_path) -> Path:
    """A fresh copy of the demo studio for each test (the commands add records)."""
    return copy_studio(demo_file, tmp_path / "studio.sqlite")


def client_id(path: Path, first_name: str) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT id FROM client WHERE first_name = ?", (first_name,)).fetchone()[0]


def document_count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT count(*) FROM document").fetchone()[0]


def pdf_text(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def render(capsys, studio: Path, *argv: str) -> tuple[Path, re.Match]:
    """Run a render that must succeed; returns the file and the parsed "Wrote …" line."""
    before = document_count(studio)
    code, out, err = run(capsys, "render", *argv, "--database", str(studio))
    assert code == 0, err
    assert err == ""
    line = WROTE.match(out.strip())
    assert line, out
    path = Path(line["path"])
    assert path.is_file()
    assert document_count(studio) == before + 1
    return path, line


def newest_record(studio: Path, sha256: str) -> documents.DocumentRecord:
    """The record just added for that file. An identical earlier copy (the demo's blank ODI,
    made from the same content) has the same fingerprint: the newest one is this run's."""
    db = open_database(studio)
    try:
        with db.session_factory() as s:
            found = documents.find_by_fingerprint(s, sha256)
    finally:
        db.close()
    newest = max(found, key=lambda record: record.id)
    with closing(sqlite3.connect(studio)) as conn:
        assert newest.id == conn.execute("SELECT max(id) FROM document").fetchone()[0]
    return newest


def check_recorded(studio: Path, path: Path, line: re.Match) -> documents.DocumentRecord:
    """The file on disk is the document the list recorded: same SHA-256, same page count."""
    content = path.read_bytes()
    sha256 = hashlib.sha256(content).hexdigest()
    record = newest_record(studio, sha256)
    assert record.fingerprint == sha256
    assert line["short"] == documents.short_fingerprint(sha256)
    assert record.pages == int(line["pages"]) == len(PdfReader(path).pages)
    assert record.size_bytes == len(content)
    assert record.handed == documents.SAVED
    return record


# --- each kind of document ------------------------------------------------------------------


def test_handout_of_the_active_program(studio, tmp_path, capsys):
    zoe = client_id(studio, "Zoë")
    db = open_database(studio)
    with db.session_factory() as s:
        active = programs.active_for_client(s, zoe)
        names = [item.exercise.name for item in active.items]
    db.close()
    out = tmp_path / "handouts" / "zoe.pdf"
    out.parent.mkdir()

    path, line = render(capsys, studio, "handout", "--client", str(zoe), "--out", str(out))
    assert path == out
    texts = pdf_text(out)
    whole = " ".join(texts)
    assert "Zoë Łukasiewicz-Ødegård" in whole
    for name in names:
        assert name in whole, name
    assert f"Page 1 of {len(texts)}" in texts[0]
    assert "seek urgent care" in whole.lower()
    record = check_recorded(studio, out, line)
    assert (record.kind, record.client_id, record.program_id) == (documents.HANDOUT, zoe, active.id)
    assert record.options == {}
    assert "Zoë Łukasiewicz-Ødegård" in record.title
    assert sorted(os.listdir(out.parent)) == ["zoe.pdf"]  # no temporary file left behind


def test_handout_of_a_named_program_in_large_print(studio, tmp_path, capsys):
    zoe = client_id(studio, "Zoë")
    db = open_database(studio)
    with db.session_factory() as s:
        older = next(p for p in programs.list_for_client(s, zoe) if p.status != programs.ACTIVE)
        names = [item.exercise.name for item in programs.get(s, older.id).items]
    db.close()
    out = tmp_path / "older.pdf"
    path, line = render(capsys, studio, "handout", "--client", str(zoe), "--program", str(older.id), "--large-print", "--out", str(out))
    whole = " ".join(pdf_text(path))
    for name in names:
        assert name in whole, name
    record = check_recorded(studio, out, line)
    assert (record.program_id, record.options) == (older.id, {"large_print": True})
    normal = tmp_path / "normal.pdf"
    render(capsys, studio, "handout", "--client", str(zoe), "--program", str(older.id), "--out", str(normal))
    assert len(PdfReader(out).pages) > len(PdfReader(normal).pages)  # the large print takes more paper


def test_referral_letter_with_its_reply_slip(studio, tmp_path, capsys):
    zoe = client_id(studio, "Zoë")
    db = open_database(studio)
    with db.session_factory.begin() as s:
        gp = clinicians.create(s, clinicians.parse({"first_name": "Ines", "last_name": "Oyelaran-Ødum", "specialty": "primary_care",
                                                   "credentials": "MBChB", "practice": "Leith Walk Surgery"})).id  # fmt: skip
        signed = next(a for a in assessments.list_for_client(s, zoe) if a.signed)
        referral = referrals.draft_from_assessment(s, signed.id, gp, force=True).id
    db.close()
    out = tmp_path / "letter.pdf"

    path, line = render(capsys, studio, "letter", "--referral", str(referral), "--out", str(out))
    texts = pdf_text(path)
    whole = " ".join(texts)
    assert "Ines Oyelaran-Ødum" in whole and "Leith Walk Surgery" in whole
    assert "Zoë Łukasiewicz-Ødegård" in whole
    assert f"R-{referral:05d}" in whole
    assert "Reply slip" in texts[-1] and "Cleared with restrictions" in texts[-1]
    assert f"Page {len(texts)} of {len(texts)}" in texts[-1]
    record = check_recorded(studio, out, line)
    assert (record.kind, record.referral_id, record.client_id) == (documents.LETTER, referral, zoe)


@pytest.mark.parametrize("audience", ["client", "clinician"])
def test_progress_report(studio, tmp_path, capsys, audience):
    zoe = client_id(studio, "Zoë")
    out = tmp_path / f"progress-{audience}.pdf"
    argv = ["progress", "--client", str(zoe), "--out", str(out)]
    if audience == "clinician":
        argv[3:3] = ["--audience", "clinician"]
    path, line = render(capsys, studio, *argv)
    texts = pdf_text(path)
    whole = " ".join(texts)
    assert "Progress report" in whole and "Zoë Łukasiewicz-Ødegård" in whole
    assert "Pain and disability over time" in whole
    assert f"Page 1 of {len(texts)}" in texts[0]
    if audience == "clinician":
        assert "Summary for the client’s clinician" in whole and "not a diagnosis" in whole
    else:
        assert "How your back has been doing" in whole and "clinician" not in texts[0]
    record = check_recorded(studio, out, line)
    assert (record.kind, record.client_id, record.options) == (documents.PROGRESS, zoe, {"audience": audience})


@pytest.mark.parametrize("kind", ["odi", "rmdq", "startback", "psfs"])
def test_blank_questionnaire(studio, tmp_path, capsys, kind):
    out = tmp_path / f"{kind}.pdf"
    path, line = render(capsys, studio, "questionnaire", "--kind", kind.upper() if kind == "odi" else kind, "--out", str(out))
    whole = " ".join(pdf_text(path))
    assert documents.QUESTIONNAIRE_LABELS[kind] in whole
    assert "Upright Demo Studio" in whole  # the studio's letterhead
    record = check_recorded(studio, out, line)
    assert (record.kind, record.client_id, record.options) == (documents.QUESTIONNAIRE, None, {"questionnaire": kind})


def test_the_database_option_may_come_anywhere(studio, tmp_path, capsys):
    out = tmp_path / "psfs.pdf"
    query = "SELECT count(*) FROM document WHERE options LIKE '%\"psfs\"%'"
    with closing(sqlite3.connect(studio)) as conn:
        before = conn.execute(query).fetchone()[0]
    for argv in (
        ["--database", str(studio), "render", "questionnaire", "--kind", "psfs", "--out", str(out)],
        ["render", "--database", str(studio), "questionnaire", "--kind", "psfs", "--out", str(out)],
        ["render", "questionnaire", "--database", str(studio), "--kind", "psfs", "--out", str(out)],
    ):
        code, out_text, err = run(capsys, *argv)
        assert code == 0, err
        assert WROTE.match(out_text.strip())
    with closing(sqlite3.connect(studio)) as conn:
        assert conn.execute(query).fetchone()[0] == before + 3


def test_an_existing_file_is_replaced_whole(studio, tmp_path, capsys):
    out = tmp_path / "form.pdf"
    out.write_bytes(b"an older version of the form")
    path, line = render(capsys, studio, "questionnaire", "--kind", "odi", "--out", str(out))
    assert path.read_bytes().startswith(b"%PDF")
    check_recorded(studio, out, line)
    assert sorted(os.listdir(tmp_path)) == ["form.pdf", "studio.sqlite"]


# --- mistakes, each one readable paragraph and nothing written ---------------------------------


def refused(capsys, studio: Path, out: Path, *argv: str, code: int = 1) -> str:
    before = document_count(studio)
    result, stdout, err = run(capsys, "render", *argv, "--out", str(out), "--database", str(studio))
    assert result == code, (stdout, err)
    assert stdout == ""
    assert len(err.strip().splitlines()) == 1, err
    assert document_count(studio) == before
    return err.strip()


def test_unknown_client_program_and_referral(studio, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    assert refused(capsys, studio, out, "handout", "--client", "9999") == (
        f"There is no client 9999 in the studio database at {studio}."
    )
    assert "There is no client 9999" in refused(capsys, studio, out, "progress", "--client", "9999")
    assert "There is no referral 9999" in refused(capsys, studio, out, "letter", "--referral", "9999")
    zoe = client_id(studio, "Zoë")
    assert "There is no program 9999" in refused(capsys, studio, out, "handout", "--client", str(zoe), "--program", "9999")
    jose = client_id(studio, "José")
    db = open_database(studio)
    with db.session_factory() as s:
        joses = programs.active_for_client(s, jose).id
    db.close()
    err = refused(capsys, studio, out, "handout", "--client", str(zoe), "--program", str(joses))
    assert f"Program {joses}" in err and "is not one of Zoë Łukasiewicz-Ødegård's programs" in err
    assert not out.exists()


def test_a_client_without_an_active_program_has_no_handout(studio, tmp_path, capsys):
    aoife = client_id(studio, "Aoife")
    db = open_database(studio)
    with db.session_factory() as s:
        assert programs.active_for_client(s, aoife) is None
        name = clients.get(s, aoife).details.first_name
    db.close()
    out = tmp_path / "x.pdf"
    err = refused(capsys, studio, out, "handout", "--client", str(aoife))
    assert name in err and "has no active program" in err and "--program" in err
    assert not out.exists()


def test_bad_questionnaire_kind_and_audience(studio, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    err = refused(capsys, studio, out, "questionnaire", "--kind", "sf36")
    assert "There is no questionnaire called “sf36”" in err
    for kind in ("odi", "rmdq", "startback", "psfs"):
        assert kind in err
    err = refused(capsys, studio, out, "progress", "--client", str(client_id(studio, "Zoë")), "--audience", "insurer")
    assert "--audience client or --audience clinician" in err
    assert not out.exists()


def test_an_output_folder_that_cannot_be_written(studio, tmp_path, capsys):
    missing = tmp_path / "no such folder" / "x.pdf"
    err = refused(capsys, studio, missing, "questionnaire", "--kind", "odi")
    assert err == f"There is no folder {missing.parent} to write x.pdf into. Create it first, or choose another place with --out."
    assert not missing.parent.exists()

    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    assert "There is no folder" in refused(capsys, studio, a_file / "x.pdf", "questionnaire", "--kind", "odi")

    assert "is a folder" in refused(capsys, studio, tmp_path, "questionnaire", "--kind", "odi")


def test_a_folder_refusing_new_files(studio, tmp_path, capsys, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr(cli.tempfile, "mkstemp", refuse)
    out = tmp_path / "x.pdf"
    err = refused(capsys, studio, out, "questionnaire", "--kind", "odi")
    assert err == f"Could not write in {tmp_path}: Permission denied. Choose a folder you can write to with --out."
    assert not out.exists()


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs a folder this user may not write to")
def test_a_read_only_folder(studio, tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        err = refused(capsys, studio, locked / "x.pdf", "questionnaire", "--kind", "odi")
    finally:
        locked.chmod(0o755)
    assert f"Could not write in {locked}" in err and "--out" in err
    assert os.listdir(locked) == []


def test_a_failed_write_leaves_the_old_file_and_records_nothing(studio, tmp_path, capsys, monkeypatch):
    out = tmp_path / "form.pdf"
    out.write_bytes(b"the previous form")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli.os, "fsync", full_disk)
    err = refused(capsys, studio, out, "questionnaire", "--kind", "odi")
    assert err == f"Could not write {out}: No space left on device. Nothing was saved."
    assert out.read_bytes() == b"the previous form"
    assert sorted(os.listdir(tmp_path)) == ["form.pdf", "studio.sqlite"]


def test_renders_in_a_real_process_without_qt(studio, tmp_path):
    out = tmp_path / "odi.pdf"
    probe = (
        "import sys; from ui import cli; "
        f"code = cli.main(['render', 'questionnaire', '--kind', 'odi', '--out', {str(out)!r}, '--database', {str(studio)!r}]); "
        "assert 'PySide6' not in sys.modules, 'Qt was imported'; sys.exit(code)"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Wrote {out} (1 page, fingerprint ")
    assert PdfReader(io.BytesIO(out.read_bytes())).pages
