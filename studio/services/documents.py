"""The Documents list: every handout, letter, report and blank form the studio made.

A record keeps what is needed to make the document again (its kind, what it was about and its
options) and the SHA-256 fingerprint of the bytes handed out, never the PDF itself.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio import access, audit
from studio.errors import NotFound, ValidationError
from studio.models import Client, Document, Program, SessionLog
from studio.services import staff

HANDOUT = "handout"
LETTER = "letter"
PROGRESS = "progress"
QUESTIONNAIRE = "questionnaire"
KINDS = (
    (HANDOUT, "Home-program handout"),
    (LETTER, "Referral letter"),
    (PROGRESS, "Progress report"),
    (QUESTIONNAIRE, "Blank questionnaire"),
)
KIND_LABELS = dict(KINDS)
QUESTIONNAIRES = (
    ("odi", "Oswestry Disability Index"),
    ("rmdq", "Roland-Morris Disability Questionnaire"),
    ("startback", "STarT Back Screening Tool"),
    ("psfs", "Patient-Specific Functional Scale"),
)
QUESTIONNAIRE_LABELS = dict(QUESTIONNAIRES)
AUDIENCES = ("client", "clinician")

PREVIEWED = "previewed"
PRINTED = "printed"
SAVED = "saved"
OPENED = "opened"
BATCH = "batch"
HANDED = (
    (PREVIEWED, "Previewed only"),
    (PRINTED, "Printed"),
    (SAVED, "Saved as PDF"),
    (OPENED, "Opened in the PDF viewer"),
    (BATCH, "Printed in a batch"),
)
HANDED_LABELS = dict(HANDED)
# What the list shows when one document was handled several ways: a paper copy beats a file.
_RANK = {PREVIEWED: 0, OPENED: 1, SAVED: 2, BATCH: 3, PRINTED: 3}


@dataclass(frozen=True)
class Request:
    """What to make. `client_id` is required for every kind but a blank questionnaire;
    `program_id` picks a program for a handout (the client's active program when None);
    `referral_id` picks the letter."""

    kind: str
    client_id: int | None = None
    program_id: int | None = None
    referral_id: int | None = None
    large_print: bool = False
    audience: str = "client"
    questionnaire: str | None = None

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.large_print:
            out["large_print"] = True
        if self.kind == PROGRESS:
            out["audience"] = self.audience
        if self.kind == QUESTIONNAIRE:
            out["questionnaire"] = self.questionnaire
        return out


def check(request: Request) -> None:
    """Raise ValidationError when `request` cannot name a document."""
    errors: dict[str, str] = {}
    if request.kind not in KIND_LABELS:
        errors["kind"] = f"Unknown document kind {request.kind!r}; expected one of: {', '.join(KIND_LABELS)}."
    elif request.kind == QUESTIONNAIRE:
        if request.questionnaire not in QUESTIONNAIRE_LABELS:
            errors["questionnaire"] = (
                f"Unknown questionnaire {request.questionnaire!r}; expected one of: {', '.join(QUESTIONNAIRE_LABELS)}."
            )
    elif request.kind == LETTER:
        if request.referral_id is None:
            errors["referral_id"] = "A referral letter needs the referral it is for."
    elif request.client_id is None and request.program_id is None:
        errors["client_id"] = "Choose the client this document is for."
    if request.kind == PROGRESS and request.audience not in AUDIENCES:
        errors["audience"] = f"A progress report is for the client or a clinician, not {request.audience!r}."
    if errors:
        raise ValidationError(errors)


def _reprint(session: Session, request: Request) -> bool:
    """A blank questionnaire, or the handout of a program whose handout was already handed out:
    what the front desk may print without making anything new."""
    if request.kind == QUESTIONNAIRE:
        return True
    if request.kind != HANDOUT or request.program_id is None:
        return False
    query = select(Document.id).where(Document.kind == HANDOUT, Document.program_id == request.program_id).limit(1)
    return session.scalar(query) is not None


@access.guarded("documents.reprint")
def making(session: Session, request: Request) -> AbstractContextManager[None]:
    """Check this person may make `request`; the work that makes it goes inside the block.

    Owners and trainers ("documents.make") may make anything. The front desk
    ("documents.reprint") may print a blank questionnaire, or again the handout of a program
    whose handout was handed out before ("Make again…" on the Documents tab, with the program
    the record names): making that reads the program, so within the block they may. Anything
    else raises AccessRefused naming who may. `reports.documents.make` works inside it."""
    if access.may(session, "documents.make"):
        return nullcontext()
    if _reprint(session, request):
        return access.granting(session, "documents.make", "clinical.read")
    access.require(session, "documents.make")
    raise AssertionError("unreachable")  # pragma: no cover - require raised


def fingerprint(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def short_fingerprint(value: str) -> str:
    """The first 12 hex digits in groups of four, as printed in the Documents list."""
    return " ".join(value[i : i + 4] for i in range(0, 12, 4))


@dataclass(frozen=True)
class DocumentRecord:
    id: int
    client_id: int | None
    program_id: int | None
    referral_id: int | None
    kind: str
    title: str
    options: dict[str, Any]
    fingerprint: str
    pages: int
    size_bytes: int
    handed: str
    made_by_id: int | None
    made_by: str | None
    made_at: datetime
    request: Request = field(compare=False)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def handed_label(self) -> str:
        return HANDED_LABELS.get(self.handed, self.handed)


def _record(session: Session, obj: Document) -> DocumentRecord:
    options = json.loads(obj.options or "{}")
    return DocumentRecord(
        id=obj.id,
        client_id=obj.client_id,
        program_id=obj.program_id,
        referral_id=obj.referral_id,
        kind=obj.kind,
        title=obj.title,
        options=options,
        fingerprint=obj.fingerprint,
        pages=obj.pages,
        size_bytes=obj.size_bytes,
        handed=obj.handed,
        made_by_id=obj.made_by_id,
        made_by=staff.name_of(session, obj.made_by_id),
        made_at=obj.created_at,
        request=Request(
            kind=obj.kind,
            client_id=obj.client_id,
            program_id=obj.program_id,
            referral_id=obj.referral_id,
            large_print=bool(options.get("large_print")),
            audience=options.get("audience", "client"),
            questionnaire=options.get("questionnaire"),
        ),
    )


@access.guarded("documents.reprint")
def record(
    session: Session,
    request: Request,
    *,
    title: str,
    content: bytes,
    pages: int,
    handed: str = PRINTED,
    made_by_id: int | None = None,
    made_at: datetime | None = None,
) -> DocumentRecord:
    """Add a document to the list. `request.program_id` should name the program actually
    printed (not None for "the active one"), so regenerating makes the same program again.
    The front desk may record only what `making` lets them print."""
    check(request)
    if not access.may(session, "documents.make") and not _reprint(session, request):
        access.require(session, "documents.make")
    if handed not in HANDED_LABELS:
        raise ValidationError({"handed": f"Unknown way of handing a document out: {handed!r}."})
    if not content.startswith(b"%PDF"):
        raise ValidationError({"content": "Only a PDF can be recorded as a document."})
    obj = Document(
        client_id=request.client_id,
        program_id=request.program_id,
        referral_id=request.referral_id,
        kind=request.kind,
        title=title.strip()[:300] or KIND_LABELS[request.kind],
        options=json.dumps(request.options(), sort_keys=True),
        fingerprint=fingerprint(content),
        pages=pages,
        size_bytes=len(content),
        handed=handed,
        made_by_id=made_by_id,
    )
    if made_at is not None:
        obj.created_at = made_at
        obj.updated_at = made_at
    session.add(obj)
    session.flush()
    audit.document_handed(session, obj, handed)  # "print" or "export"; the flush recorded "create"
    return _record(session, obj)


@access.guarded("documents.reprint")
def mark_handed(session: Session, document_id: int, handed: str) -> DocumentRecord:
    """Say what happened to a previewed document: printed, saved or opened. A later, stronger
    step wins over "previewed"; printing after saving keeps "printed"."""
    if handed not in HANDED_LABELS:
        raise ValidationError({"handed": f"Unknown way of handing a document out: {handed!r}."})
    obj = session.get(Document, document_id)
    if obj is None:
        raise NotFound(f"Document {document_id} is not in this studio's records.")
    if _RANK[handed] > _RANK.get(obj.handed, 0):
        obj.handed = handed
        session.flush()
    audit.document_handed(session, obj, handed)  # every print and export, even of the same copy
    return _record(session, obj)


def prepared_on(record: DocumentRecord) -> date:
    """The date printed on the document: the local day it was made."""
    return record.made_at.astimezone().date()


@access.guarded("documents.reprint")
def get(session: Session, document_id: int) -> DocumentRecord:
    obj = session.get(Document, document_id)
    if obj is None:
        raise NotFound(f"Document {document_id} is not in this studio's records.")
    return _record(session, obj)


@access.guarded("documents.reprint")
def list_for_client(session: Session, client_id: int) -> list[DocumentRecord]:
    """The client's documents, newest first."""
    rows = session.scalars(
        select(Document).where(Document.client_id == client_id).order_by(Document.created_at.desc(), Document.id.desc())
    )
    return [_record(session, obj) for obj in rows]


@access.guarded("documents.reprint")
def find_by_fingerprint(session: Session, value: str) -> list[DocumentRecord]:
    """Documents whose fingerprint starts with `value` (spaces ignored): which record is this paper?"""
    prefix = "".join(value.split()).lower()
    if len(prefix) < 4 or any(ch not in "0123456789abcdef" for ch in prefix):
        raise ValidationError({"fingerprint": "Type at least the first four digits of the fingerprint (0–9, a–f)."})
    rows = session.scalars(select(Document).where(Document.fingerprint.startswith(prefix)).order_by(Document.id))
    return [_record(session, obj) for obj in rows]


# --- batch printing ------------------------------------------------------------------------------


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


@dataclass(frozen=True)
class SeenClient:
    client_id: int
    client_name: str
    program_id: int | None  # the active program, None when there is none to print
    program_title: str | None
    last_seen: date


@access.guarded("documents.make")
def clients_seen(session: Session, first: date, last: date) -> list[SeenClient]:
    """Clients with a logged session between `first` and `last` (inclusive), by name, each with
    their active program (the handout a batch prints)."""
    if last < first:
        raise ValidationError({"last": "The last day comes before the first."})
    seen: dict[int, date] = {}
    for client_id, logged_on in session.execute(
        select(SessionLog.client_id, SessionLog.logged_on).where(SessionLog.logged_on >= first, SessionLog.logged_on <= last)
    ):
        seen[client_id] = max(logged_on, seen.get(client_id, logged_on))
    if not seen:
        return []
    active = {
        p.client_id: p for p in session.scalars(select(Program).where(Program.client_id.in_(seen), Program.status == "active"))
    }
    out = []
    for client in session.scalars(select(Client).where(Client.id.in_(seen), Client.archived_at.is_(None))):
        program = active.get(client.id)
        out.append(
            SeenClient(
                client_id=client.id,
                client_name=f"{client.first_name} {client.last_name}",
                program_id=program.id if program else None,
                program_title=program.title if program else None,
                last_seen=seen[client.id],
            )
        )
    out.sort(key=lambda c: (c.client_name.casefold(), c.client_id))
    return out
