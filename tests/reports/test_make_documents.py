"""reports.documents.make: one request in, the right document out, on a real studio database."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from reports.documents import make, make_and_record
from studio.errors import NotFound, ValidationError
from studio.services import clinicians, documents, programs, referrals
from studio.services.documents import HANDOUT, LETTER, PROGRESS, QUESTIONNAIRE, Request
from test_handout import TODAY, make_client, make_program, make_studio, sign_assessment, squash


@pytest.fixture
def studio(database):
    """Zoë with a signed assessment, an active program and a draft referral to her GP; Bo, a
    second client with an active program of his own; Cy, registered but without a program."""
    with database.session_factory.begin() as s:
        make_studio(s)
        zoe, trainer = make_client(s, notes="Prefers <morning> sessions")
        assessment = sign_assessment(s, zoe, trainer, on=TODAY - timedelta(days=20))
        draft = make_program(s, zoe, trainer)
        active = programs.activate(s, draft.id, draft.version, by_id=trainer)
        gp = clinicians.create(s, clinicians.parse({"first_name": "Ines", "last_name": "Oyelaran", "specialty": "primary_care",
                                                   "credentials": "MBChB", "practice": "Leith Walk Surgery"})).id  # fmt: skip
        referral = referrals.draft_from_assessment(s, assessment, gp, created_by_id=trainer, force=True).id
        bo, bo_trainer = make_client(s, first="Bo", last="Ek")
        sign_assessment(s, bo, bo_trainer, on=TODAY - timedelta(days=5))
        bo_draft = make_program(s, bo, bo_trainer, codes=("bird_dog",), title="Bo's program")
        bo_program = programs.activate(s, bo_draft.id, bo_draft.version, by_id=bo_trainer)
        cy, _ = make_client(s, first="Cy", last="Ng")
        names = [item.exercise.name for item in active.items]
    return {"zoe": zoe, "trainer": trainer, "program": active.id, "names": names, "referral": referral,
            "bo": bo, "bo_program": bo_program.id, "cy": cy}  # fmt: skip


def texts(made) -> list[str]:
    return [squash(page.extract_text()) for page in PdfReader(io.BytesIO(made.content)).pages]


def made_with(database, request: Request):
    with database.session_factory() as s:
        return make(s, request, today=TODAY)


def check_pages(made) -> list[str]:
    pages = texts(made)
    assert made.content.startswith(b"%PDF")
    assert made.pages == len(pages) >= 1
    assert f"Page 1 of {made.pages}" in pages[0] and f"Page {made.pages} of {made.pages}" in pages[-1]
    return pages


# --- each kind ------------------------------------------------------------------------------


def test_a_handout_for_a_client_prints_their_active_program(database, studio):
    made = made_with(database, Request(HANDOUT, client_id=studio["zoe"]))
    assert made.request == Request(HANDOUT, client_id=studio["zoe"], program_id=studio["program"])  # filled in
    assert (made.client_id, made.author_id) == (studio["zoe"], studio["trainer"])
    whole = " ".join(check_pages(made))
    assert "Zoë Łukasiewicz-Ødegård" in whole and "Core & Spine Studio" in whole
    for name in studio["names"]:
        assert squash(name) in whole, name
    assert made.title == "Home program — Zoë Łukasiewicz-Ødegård — 2026-03-02"
    assert made.file_name() == "Home program Zoë Łukasiewicz-Ødegård 2026-03-02.pdf"
    assert made.fingerprint == hashlib.sha256(made.content).hexdigest()


def test_a_handout_by_program_names_the_programs_client(database, studio):
    made = made_with(database, Request(HANDOUT, program_id=studio["bo_program"]))
    assert made.request.client_id == studio["bo"] and made.client_id == studio["bo"]
    whole = " ".join(check_pages(made))
    assert "Bo Ek" in whole and "Bird dog" in whole and "Zoë" not in whole


def test_a_handout_in_large_print_takes_more_pages(database, studio):
    normal = made_with(database, Request(HANDOUT, client_id=studio["zoe"]))
    large = made_with(database, Request(HANDOUT, client_id=studio["zoe"], large_print=True))
    check_pages(large)
    assert large.pages > normal.pages
    assert large.request.large_print


def test_a_program_of_another_client_is_refused(database, studio):
    with pytest.raises(NotFound) as caught:
        made_with(database, Request(HANDOUT, client_id=studio["zoe"], program_id=studio["bo_program"]))
    assert f"Program {studio['bo_program']} is not a program of client {studio['zoe']}" in str(caught.value)


def test_a_client_without_an_active_program_has_no_handout(database, studio):
    with pytest.raises(NotFound) as caught:
        made_with(database, Request(HANDOUT, client_id=studio["cy"]))
    assert "no active program" in str(caught.value)


@pytest.mark.parametrize("audience", ["client", "clinician"])
def test_a_progress_report(database, studio, audience):
    made = made_with(database, Request(PROGRESS, client_id=studio["zoe"], audience=audience))
    whole = " ".join(check_pages(made))
    assert "Progress report" in whole and "Zoë Łukasiewicz-Ødegård" in whole
    assert "Pain and disability over time" in whole
    if audience == "clinician":
        assert "Summary for the client’s clinician" in whole and "4 May 1961" in whole
        assert "Prefers <morning> sessions" in whole  # the client's notes, escaped, for the clinician only
        assert made.title == "Progress report for a clinician — Zoë Łukasiewicz-Ødegård — 2026-03-02"
    else:
        assert "How your back has been doing" in whole and "1961" not in whole and "Prefers" not in whole
        assert made.title == "Progress report for the client — Zoë Łukasiewicz-Ødegård — 2026-03-02"
    assert made.author_id == studio["trainer"]


def test_a_referral_letter_names_its_client(database, studio):
    made = made_with(database, Request(LETTER, referral_id=studio["referral"]))
    assert made.request.client_id == studio["zoe"] and made.client_id == studio["zoe"]
    assert made.author_id == studio["trainer"]
    pages = check_pages(made)
    whole = " ".join(pages)
    assert "Ines Oyelaran" in whole and "Leith Walk Surgery" in whole and "Zoë Łukasiewicz-Ødegård" in whole
    assert "Reply slip" in pages[-1]
    assert made.title == "Referral letter — Zoë Łukasiewicz-Ødegård to Ines Oyelaran — 2026-03-02"


@pytest.mark.parametrize("kind", ["odi", "rmdq", "startback", "psfs"])
def test_a_blank_questionnaire(database, studio, kind):
    made = made_with(database, Request(QUESTIONNAIRE, questionnaire=kind))
    whole = " ".join(check_pages(made))
    assert documents.QUESTIONNAIRE_LABELS[kind] in whole
    assert "Core & Spine Studio" in whole  # the studio's letterhead, from the database
    assert (made.client_id, made.author_id) == (None, None)
    assert made.title == f"Blank questionnaire — {documents.QUESTIONNAIRE_LABELS[kind]}"


@pytest.mark.parametrize(
    ("request_", "error"),
    [
        (Request(HANDOUT, client_id=9999), NotFound),
        (Request(HANDOUT, program_id=9999), NotFound),
        (Request(PROGRESS, client_id=9999), NotFound),
        (Request(LETTER, referral_id=9999), NotFound),
        (Request(LETTER), ValidationError),
        (Request(QUESTIONNAIRE, questionnaire="sf36"), ValidationError),
        (Request("brochure", client_id=1), ValidationError),
    ],
)
def test_requests_for_nothing_are_refused(database, studio, request_, error):
    with pytest.raises(error):
        made_with(database, request_)


# --- make_and_record ------------------------------------------------------------------------


def test_make_and_record_adds_what_was_printed_to_the_list(database, studio):
    with database.session_factory.begin() as s:
        made, record = make_and_record(s, Request(HANDOUT, client_id=studio["zoe"]), handed=documents.SAVED, today=TODAY)
    assert record.fingerprint == hashlib.sha256(made.content).hexdigest()
    assert (record.pages, record.size_bytes) == (made.pages, len(made.content))
    assert (record.program_id, record.handed, record.made_by_id) == (studio["program"], documents.SAVED, studio["trainer"])
    assert record.title == made.title
    with database.session_factory.begin() as s:
        listed = documents.list_for_client(s, studio["zoe"])
        assert [d.id for d in listed] == [record.id]
        assert listed[0].request == made.request
        # Regenerating from the record makes the program that was printed, even after another
        # program has replaced it.
        newer = make_program(s, studio["zoe"], studio["trainer"], codes=("glute_bridge",), title="Newer program")
        programs.activate(s, newer.id, newer.version, by_id=studio["trainer"])
        again = make(s, listed[0].request, today=TODAY)
        current = make(s, Request(HANDOUT, client_id=studio["zoe"]), today=TODAY)
    assert again.request.program_id == studio["program"] and current.request.program_id == newer.id
    assert again.pages == made.pages and texts(again) == texts(made)
    assert texts(current) != texts(made)


def test_make_and_record_says_who_made_it_when_told(database, studio):
    with database.session_factory.begin() as s:
        _made, record = make_and_record(s, Request(QUESTIONNAIRE, questionnaire="odi"), made_by_id=studio["trainer"], today=TODAY)
    assert (record.made_by_id, record.made_by, record.handed) == (studio["trainer"], "Kai Berg", documents.PRINTED)
    with database.session_factory() as s:
        assert documents.find_by_fingerprint(s, record.fingerprint) == [record]


def test_nothing_is_recorded_when_the_document_cannot_be_made(database, studio):
    with database.session_factory() as s:
        with pytest.raises(NotFound):
            make_and_record(s, Request(HANDOUT, client_id=studio["cy"]), today=TODAY)
        assert documents.list_for_client(s, studio["cy"]) == []


def test_a_document_made_again_unchanged_has_the_same_fingerprint(database, studio):
    """A paper copy can be matched to its record: the same content on the same day gives the same
    bytes; any change in what prints gives a different fingerprint."""
    request = Request(HANDOUT, client_id=studio["zoe"])
    with database.session_factory.begin() as s:
        _made, first = make_and_record(s, request, today=TODAY)
    with database.session_factory() as s:
        again = make(s, first.request, today=TODAY)
        next_day = make(s, first.request, today=TODAY + timedelta(days=1))
    assert again.fingerprint == first.fingerprint
    assert next_day.fingerprint != first.fingerprint  # the date printed on it changed
    with database.session_factory.begin() as s:
        program = programs.get(s, studio["program"])
        item = program.items[0]
        programs.update_item_dose(s, program.id, program.version, item.id, reps=(item.reps or 0) + 2)
    with database.session_factory() as s:
        assert make(s, first.request, today=TODAY).fingerprint != first.fingerprint
