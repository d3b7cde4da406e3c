"""Everything about one client in a zip: every record the erasure would remove, every document
made again as the PDF handed out (or the reason why not), private to the user, written whole."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from demo_studio import demo_database, demo_sources  # noqa: F401 - fixtures
from reports import client_export
from reports.client_export import export_client
from reports.documents import make_and_record
from studio import access
from studio.access import AccessRefused, Person
from studio.errors import ValidationError
from studio.models import AuditEntry, Client
from studio.services import client_data, clients, documents

POSIX = os.name != "nt"  # Windows has only "read-only", no owner-only mode


def private(path: Path) -> bool:
    return not POSIX or stat.S_IMODE(path.stat().st_mode) == 0o600


def read(path: Path) -> tuple[dict, dict[str, bytes], str]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        data = json.loads(archive.read("client.json"))
        pdfs = {name: archive.read(name) for name in names if name.startswith("documents/")}
        readme = archive.read("README.txt").decode("utf-8")
    assert set(names) == {"README.txt", "client.json", *pdfs}
    return data, pdfs, readme


def check_documents(data: dict, pdfs: dict[str, bytes]) -> None:
    """Every document row has its PDF with the recorded fingerprint, or says why not."""
    rows = {row["id"]: row for row in data["tables"]["document"]}
    listed = {doc["document_id"]: doc for doc in data["documents"]}
    assert set(listed) == set(rows)  # none left out without a word
    for doc_id, doc in listed.items():
        assert doc["recorded_fingerprint"] == rows[doc_id]["fingerprint"]
        if doc["fingerprint_matches"]:
            assert doc["reason"] is None
            assert hashlib.sha256(pdfs[doc["file"]]).hexdigest() == rows[doc_id]["fingerprint"]
        else:
            assert doc["reason"]
            if doc["file"] is not None:
                assert hashlib.sha256(pdfs[doc["file"]]).hexdigest() != rows[doc_id]["fingerprint"]
        if doc["file"] is not None:
            assert doc["file"] == f"documents/{doc['made_on']}-{doc['kind']}-{doc_id}.pdf"
            assert pdfs[doc["file"]].startswith(b"%PDF")
    assert len(pdfs) == sum(doc["file"] is not None for doc in listed.values())


@pytest.fixture
def zoe(database) -> int:
    """A client with three documents: one made now (made again, the same bytes), one whose
    recorded bytes are not what the records make now, one that can't be made any more."""
    with database.session_factory.begin() as s:
        cid = clients.create(s, clients.parse({"first_name": "Zoë", "last_name": "Łukasiewicz-Ødegård",
                                               "notes": "Prefers <morning> & <img src='x'> sessions"})).id  # fmt: skip
        make_and_record(s, documents.Request(documents.PROGRESS, client_id=cid))
        documents.record(s, documents.Request(documents.PROGRESS, client_id=cid, audience="clinician"),
                         title="Progress report for a clinician", content=b"%PDF-1.4 other bytes", pages=1)  # fmt: skip
        # A handout of "the active program", which she no longer has.
        documents.record(s, documents.Request(documents.HANDOUT, client_id=cid), title="Home program",
                         content=b"%PDF-1.4 handout", pages=2)  # fmt: skip
    return cid


def test_the_zip_has_the_records_every_document_and_a_readme(database, zoe, tmp_path):
    target = tmp_path / "zoe.zip"
    with database.session_factory.begin() as s:
        result = export_client(s, zoe, target)
        expected = client_data.records_of(s, zoe)
    data, pdfs, readme = read(target)

    assert data["tables"] == expected["tables"] and data["client_id"] == zoe
    assert data["tables"]["client"][0]["notes"] == "Prefers <morning> & <img src='x'> sessions"
    assert data["exported_by"] == "Upright tools" and data["exported_at"]
    check_documents(data, pdfs)
    by_kind = {(d["kind"], d["fingerprint_matches"], d["file"] is not None) for d in data["documents"]}
    assert by_kind == {("progress", True, True), ("progress", False, True), ("handout", False, False)}
    [missing] = [d for d in data["documents"] if d["file"] is None]
    assert "no active program" in missing["reason"]
    [same] = [d for d in data["documents"] if d["fingerprint_matches"]]
    assert "Łukasiewicz-Ødegård" in PdfReader(io.BytesIO(pdfs[same["file"]])).pages[0].extract_text()

    assert "client.json" in readme and "documents/" in readme and "1 could not be made" in readme
    assert (result.records, result.pdfs, len(result.documents)) == (sum(map(len, data["tables"].values())), 2, 3)
    assert result.path == target and result.size_bytes == target.stat().st_size
    assert "2 of 3 documents as PDF" in result.describe() and "2 not exactly as handed out" in result.describe()


def test_the_export_is_private_whole_and_audited(database, zoe, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "zoe.zip"
    target.write_bytes(b"an older export")
    if POSIX:
        target.chmod(0o644)
    with database.session_factory.begin() as s:
        export_client(s, zoe, target)
    assert private(target) and zipfile.is_zipfile(target)
    assert sorted(p.name for p in out.iterdir()) == ["zoe.zip"]  # no temporary file left
    with database.session_factory() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "export", AuditEntry.client_id == zoe)).one()
    assert entry.record_type == "client" and entry.record_id == zoe and "2 of 3 documents" in entry.summary

    # A failure half way leaves the file that was there, and nothing beside it.
    before = target.read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(client_export, "json", SimpleNamespace(dumps=broken))
    with database.session_factory.begin() as s, pytest.raises(RuntimeError):
        export_client(s, zoe, target)
    assert target.read_bytes() == before and sorted(p.name for p in out.iterdir()) == ["zoe.zip"]


@pytest.mark.parametrize("role", [access.TRAINER, access.FRONT_DESK])
def test_only_the_owner_may_export(database, zoe, tmp_path, role):
    with database.session_factory.begin() as s:
        s.info["person"] = Person(2, "Tess", role)
        with pytest.raises(AccessRefused):
            export_client(s, zoe, tmp_path / "x.zip")
    assert not list(tmp_path.glob("*x.zip*"))


def test_every_row_the_erasure_would_remove_is_exported(demo_database, tmp_path):
    """On a demo studio with full histories: the walk's rows, all in client.json; each document
    the PDF handed out or a reason."""
    database = demo_database
    with database.session_factory() as s:
        ids = s.scalars(select(Client.id).order_by(Client.id)).all()
        richest = max(ids, key=lambda cid: client_data.erasure_plan(s, cid).total)
    with database.session_factory.begin() as s:
        result = export_client(s, richest, tmp_path / "richest.zip")
        plan = client_data.erasure_plan(s, richest)
    data, pdfs, _ = read(tmp_path / "richest.zip")
    assert {name: len(rows) for name, rows in data["tables"].items()} == plan.counts == result.counts
    assert data["documents"] and private(tmp_path / "richest.zip")
    check_documents(data, pdfs)
    with database.session_factory.begin() as s:
        erased = client_data.erase(s, richest)
    assert erased.counts == result.counts


ODD = st.sampled_from([
    "<b>", "</para>", "&amp;", "&", "<img src='x'/>", "<font size=40>", "]]>", "\\", '"', "'", "%PDF",
    "\u202e", "\u200b", "e\u0301", "Ø", "ß", "İ", "Ω", "Жанна", "ﬁ", "𝒵", "😀", "中文", "עברית", "\t",
])  # fmt: skip
NAMES = st.lists(st.one_of(ODD, st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=6)),
                 min_size=1, max_size=5).map("".join)  # fmt: skip


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=NAMES, last=NAMES)
def test_any_name_still_exports(database, tmp_path, first, last):
    try:
        details = clients.parse({"first_name": first, "last_name": last, "notes": f"{first} <br/> {last}"})
    except ValidationError:
        assume(False)
    with database.session_factory.begin() as s:
        cid = clients.create(s, details).id
        make_and_record(s, documents.Request(documents.PROGRESS, client_id=cid))
    target = tmp_path / f"client-{cid}.zip"
    with database.session_factory.begin() as s:
        result = export_client(s, cid, target)
    data, pdfs, _ = read(target)
    assert data["tables"]["client"][0]["first_name"] == details.first_name
    assert data["tables"]["client"][0]["last_name"] == details.last_name
    check_documents(data, pdfs)
    assert result.pdfs == 1 and not result.not_matching and private(target)
