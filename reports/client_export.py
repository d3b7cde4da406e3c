"""Everything about one client in one zip file, for a client who asks for their data.

The zip holds `client.json` (every record of theirs, from studio.services.client_data), every
document the studio handed them made again as PDF under `documents/`, and a README.txt saying
what is what. A document is made again from its request with its original date, so unchanged
records give the very bytes handed out (the fingerprint matches); one whose records have changed
since, or that can't be made any more, is listed in client.json with the reason — never left out
without a word.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from reports.documents import make
from studio import access, audit, files
from studio.errors import UprightError
from studio.services import client_data, documents

README = """\
Everything {studio} holds about client number {client_id}, exported on {when} by Upright.

client.json
    Every record about the client, one list per kind of record ("tables": the client's details,
    assessments, programs and their exercises and history, logged sessions, referrals, medical
    clearances, the list of documents made for them, and the words they can be searched by),
    each record with all of its fields as stored; then "audit_trail", the studio's log of who
    looked at or changed these records and when; then "documents", one line for each document
    below.

documents/
    Every document the studio made for the client (home-program handouts, progress reports,
    referral letters), made again as PDF with the date it was first made:
    <date>-<kind>-<document number>.pdf. Where "fingerprint_matches" is true in client.json,
    the PDF is byte for byte the one handed out (its SHA-256 equals the fingerprint recorded
    when it was made). Where it is false, or where there is no PDF, "reason" says why.

{documents_line}
"""


@dataclass(frozen=True)
class ExportedDocument:
    document_id: int
    kind: str
    title: str
    made_on: str
    fingerprint: str
    file: str | None  # the PDF's name in the zip; None when it could not be made
    fingerprint_matches: bool
    reason: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "kind": self.kind,
            "title": self.title,
            "made_on": self.made_on,
            "recorded_fingerprint": self.fingerprint,
            "file": self.file,
            "fingerprint_matches": self.fingerprint_matches,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ExportResult:
    path: Path
    client_id: int
    records: int  # rows of the client's, all tables together
    counts: dict[str, int]
    audit_entries: int
    documents: tuple[ExportedDocument, ...]
    size_bytes: int

    @property
    def pdfs(self) -> int:
        return sum(d.file is not None for d in self.documents)

    @property
    def not_matching(self) -> tuple[ExportedDocument, ...]:
        return tuple(d for d in self.documents if not d.fingerprint_matches)

    def describe(self) -> str:
        made = f"{self.pdfs} of {len(self.documents)} document{'' if len(self.documents) == 1 else 's'} as PDF"
        off = len(self.not_matching)
        note = f" ({off} not exactly as handed out; client.json says why)" if off else ""
        return f"{self.records} records, {self.audit_entries} audit entries and {made}{note}"


def _remake(session: Session, record: documents.DocumentRecord) -> tuple[ExportedDocument, bytes | None]:
    made_on = documents.prepared_on(record)
    name = f"documents/{made_on.isoformat()}-{record.kind}-{record.id}.pdf"
    base = dict(document_id=record.id, kind=record.kind, title=record.title, made_on=made_on.isoformat(),
                fingerprint=record.fingerprint)  # fmt: skip
    try:
        made = make(session, record.request, today=made_on)  # reads only: a refusal leaves the transaction sound
    except UprightError as error:
        reason = f"Could not be made again: {error}"
        return ExportedDocument(**base, file=None, fingerprint_matches=False, reason=reason), None
    if made.fingerprint == record.fingerprint:
        return ExportedDocument(**base, file=name, fingerprint_matches=True, reason=None), made.content
    reason = (
        "Made again from the records as they are now, this copy differs from the one handed out: what it is "
        "made from (the client's records, the studio's letterhead, or Upright's layout) has changed since "
        f"(this copy's fingerprint is {made.fingerprint}, the one handed out had {record.fingerprint})."
    )
    return ExportedDocument(**base, file=name, fingerprint_matches=False, reason=reason), made.content


def export_client(session: Session, client_id: int, target_zip: Path, *, now: datetime | None = None) -> ExportResult:
    """Write everything about the client into `target_zip` (replaced whole if it exists; readable
    by this computer's user only) and add an "export" entry to the audit trail (the caller
    commits). Owner only, like erasing."""
    access.require(session, "client_data")
    target_zip = Path(target_zip)
    now = (now or datetime.now(timezone.utc)).astimezone()
    data = client_data.records_of(session, client_id)
    exported = [_remake(session, record) for record in reversed(documents.list_for_client(session, client_id))]
    data["exported_at"] = now.isoformat(timespec="seconds")
    data["exported_by"] = access.current(session).name
    data["documents"] = [doc.as_json() for doc, _ in exported]
    counts = {table: len(rows) for table, rows in data["tables"].items()}

    from studio.services import handouts  # the letterhead names the studio in the README

    try:
        studio = handouts.letterhead(session).name or "The studio"
    except UprightError:
        studio = "The studio"
    missing = sum(doc.file is None for doc, _ in exported)
    readme = README.format(
        studio=studio,
        client_id=client_id,
        when=now.strftime("%d %b %Y %H:%M"),
        documents_line=(
            f"{len(exported)} document(s) on record; {len(exported) - missing} made again as PDF"
            + (f", {missing} could not be made (see client.json)." if missing else ".")
        ),
    )
    stamp = now.timetuple()[:6]

    def add(archive: zipfile.ZipFile, name: str, content: bytes) -> None:
        archive.writestr(zipfile.ZipInfo(name, date_time=stamp), content, compress_type=zipfile.ZIP_DEFLATED)

    try:
        with files.writing_privately(target_zip) as temporary:
            with zipfile.ZipFile(temporary, "w") as archive:
                add(archive, "README.txt", readme.encode("utf-8"))
                add(archive, "client.json", json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
                for doc, content in exported:
                    if content is not None:
                        add(archive, doc.file, content)
    except OSError as error:
        raise UprightError(
            f"The export could not be written in {target_zip.parent}: {error.strerror or error}. Nothing was saved; "
            "choose a folder you can write to."
        ) from None
    result = ExportResult(
        path=target_zip,
        client_id=client_id,
        records=sum(counts.values()),
        counts=counts,
        audit_entries=len(data["audit_trail"]),
        documents=tuple(doc for doc, _ in exported),
        size_bytes=target_zip.stat().st_size,
    )
    audit.record(
        session,
        "export",
        f"Exported everything about client {client_id}: {result.describe()}",
        record_type="client",
        record_id=client_id,
        client_id=client_id,
        details={"counts": {k: v for k, v in counts.items() if v}, "documents": len(exported), "pdfs": result.pdfs},
    )
    return result


def suggested_name(client_id: int, today=None) -> str:
    """A file name for the export that says nothing about the client but their number."""
    from datetime import date

    return f"upright-client-{client_id}-{(today or date.today()).isoformat()}.zip"
