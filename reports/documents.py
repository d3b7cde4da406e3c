"""Make any of the studio's documents from a `studio.services.documents.Request`.

The window's preview, the batch printer and `upright-admin render` all come through `make`, so
the same request always gives the same document.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from studio.errors import NotFound
from studio.services import clients, documents, handouts, programs, referrals
from studio.services.documents import Request


@dataclass(frozen=True)
class Made:
    """A finished PDF. `request` names exactly what was printed (a handout's program filled in)."""

    request: Request
    title: str
    content: bytes
    pages: int
    client_id: int | None
    author_id: int | None = None  # the staff member the document speaks for (its trainer)

    @property
    def fingerprint(self) -> str:
        return documents.fingerprint(self.content)

    def file_name(self) -> str:
        """A file name for "Save as": the title in safe characters, with .pdf."""
        stem = re.sub(r"[^\w\- ]+", "", self.title, flags=re.UNICODE).strip()
        stem = re.sub(r"\s+", " ", stem)[:80].strip() or "document"
        return f"{stem}.pdf"


def _client_of_program(session: Session, request: Request) -> Request:
    if request.program_id is not None:
        program = programs.get(session, request.program_id)
        if request.client_id is not None and program.client_id != request.client_id:
            raise NotFound(f"Program {request.program_id} is not a program of client {request.client_id}.")
        return replace(request, client_id=program.client_id)
    active = programs.active_for_client(session, request.client_id)
    if active is None:
        raise NotFound("This client has no active program, so there is no home program to print yet.")
    return replace(request, program_id=active.id)


def make(session: Session, request: Request, *, today: date | None = None) -> Made:
    """Render `request` to PDF bytes. Raises ValidationError for a request that names nothing,
    NotFound when the client, program or referral is not there, and AccessRefused when the
    signed-in person may not make it (the front desk prints only blank questionnaires and
    handouts already handed out: `documents.making`)."""
    documents.check(request)
    with documents.making(session, request):
        return _make(session, request, today=today)


def _make(session: Session, request: Request, *, today: date | None) -> Made:
    # ReportLab (and PIL under it) is loaded with the first document, not with the window: a
    # desk that makes none keeps about 15 MB less (benchmarks: the `memory` figure).
    from reports import handout, progress_report, questionnaires, referral_letter

    out = io.BytesIO()
    if request.kind == documents.HANDOUT:
        request = _client_of_program(session, request)
        data = handouts.handout_data(session, request.program_id, large_print=request.large_print, today=today)
        pages = handout.render(data, out)
        author = programs.get(session, request.program_id).created_by_id or clients.get(session, request.client_id).details.trainer_id
        title = f"Home program — {data.client_name} — {data.prepared_on.isoformat()}"
    elif request.kind == documents.PROGRESS:
        data = handouts.progress_data(session, request.client_id, audience=request.audience, today=today)
        pages = progress_report.render(data, out, large_print=request.large_print)
        author = clients.get(session, request.client_id).details.trainer_id
        whom = "for a clinician" if request.audience == "clinician" else "for the client"
        title = f"Progress report {whom} — {data.client_name} — {data.prepared_on.isoformat()}"
    elif request.kind == documents.LETTER:
        letter = referrals.letter_data(session, request.referral_id, today=today)
        referral = referrals.get(session, request.referral_id)
        request = replace(request, client_id=referral.client_id)
        author = referral.created_by_id
        pages = referral_letter.render(letter, out)
        title = f"Referral letter — {letter.client_name} to {letter.clinician_name} — {letter.letter_date.isoformat()}"
    else:
        head = handouts.letterhead(session)
        pages = questionnaires.render(request.questionnaire, out, paper=head.paper, studio_name=head.name or None)
        author = None
        title = f"Blank questionnaire — {documents.QUESTIONNAIRE_LABELS[request.questionnaire]}"
    return Made(request=request, title=title, content=out.getvalue(), pages=pages, client_id=request.client_id, author_id=author)


def make_and_record(
    session: Session,
    request: Request,
    *,
    handed: str = documents.PRINTED,
    made_by_id: int | None = None,
    today: date | None = None,
) -> tuple[Made, documents.DocumentRecord]:
    """Make the document and add it to the Documents list (the caller commits). Who made it is
    `made_by_id`, or else the trainer the document speaks for (until staff sign in)."""
    made = make(session, request, today=today)
    who = made_by_id if made_by_id is not None else made.author_id
    record = documents.record(
        session, made.request, title=made.title, content=made.content, pages=made.pages, handed=handed, made_by_id=who
    )
    return made, record
