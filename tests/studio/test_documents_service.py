"""The Documents list (studio.services.documents): what a record keeps, how a document's fate is
ranked, finding a paper by its fingerprint, and the clients a week's batch prints for."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from studio.clinical.assessment import AssessmentData, PainHistory
from studio.errors import NotFound, ValidationError
from studio.exercises import SessionEntry
from studio.models import Document
from studio.services import assessments, clients, documents, programs, staff
from studio.services.documents import HANDOUT, LETTER, PROGRESS, QUESTIONNAIRE, Request

TODAY = date(2026, 3, 11)  # a Wednesday
MONDAY, SUNDAY = date(2026, 3, 9), date(2026, 3, 15)


def pdf(tag: str) -> bytes:
    return b"%PDF-1.4\n% a stand-in for a real document: " + tag.encode()


def count(s) -> int:
    return s.scalar(select(func.count()).select_from(Document))


@pytest.fixture
def people(session):
    trainer = staff.create(session, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"})).id

    def client(first: str, last: str) -> int:
        return clients.create(session, clients.parse({"first_name": first, "last_name": last, "trainer_id": trainer}, today=TODAY)).id

    return {"trainer": trainer, "ana": client("Ana", "Silva"), "bo": client("Bo", "Ek"), "zoe": client("Zoë", "Ødegård")}


def active_program(s, client_id: int, trainer: int, *, title: str = "Home program") -> programs.ProgramRecord:
    """A signed, flag-free assessment (so the safety gate passes) and an active two-exercise program."""
    record = assessments.start(s, client_id, assessed_on=TODAY - timedelta(days=30), today=TODAY)
    record = assessments.save(s, record.id, record.version, AssessmentData(pain=PainHistory(nprs_now=3, workup_status="complete_resolved")), today=TODAY)
    assessments.sign(s, record.id, record.version, trainer)
    program = programs.create_draft(s, client_id, title=title, created_by_id=trainer)
    for code in ("bird_dog", "glute_bridge"):
        program = programs.add_item(s, program.id, program.version, code, override_reason="Chosen for the test")
    return programs.activate(s, program.id, program.version, by_id=trainer)


def log(s, client_id: int, program: programs.ProgramRecord, on: date, trainer: int) -> None:
    programs.log_session(s, client_id, program.id, on, {program.items[0].id: SessionEntry(True, sets_done=2)}, trainer, today=TODAY)


# --- check and options ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (Request("brochure", client_id=1), "kind"),
        (Request(QUESTIONNAIRE), "questionnaire"),
        (Request(QUESTIONNAIRE, questionnaire="sf36"), "questionnaire"),
        (Request(LETTER, client_id=1), "referral_id"),
        (Request(HANDOUT), "client_id"),
        (Request(PROGRESS), "client_id"),
        (Request(PROGRESS, client_id=1, audience="insurer"), "audience"),
    ],
)
def test_check_names_the_field_that_is_wrong(request_, field):
    with pytest.raises(ValidationError) as caught:
        documents.check(request_)
    assert list(caught.value.errors) == [field]


@pytest.mark.parametrize(
    "request_",
    [
        Request(QUESTIONNAIRE, questionnaire="psfs"),
        Request(LETTER, referral_id=4),
        Request(HANDOUT, client_id=1),
        Request(HANDOUT, program_id=7),  # the program says whose it is
        Request(PROGRESS, client_id=1, audience="clinician", large_print=True),
    ],
)
def test_check_accepts_a_request_that_names_a_document(request_):
    documents.check(request_)


def test_options_keep_only_what_changes_the_document():
    assert Request(HANDOUT, client_id=1).options() == {}
    assert Request(HANDOUT, client_id=1, large_print=True).options() == {"large_print": True}
    assert Request(HANDOUT, client_id=1, audience="clinician").options() == {}  # audience is for progress reports
    assert Request(PROGRESS, client_id=1).options() == {"audience": "client"}
    assert Request(QUESTIONNAIRE, questionnaire="odi", large_print=True).options() == {"large_print": True, "questionnaire": "odi"}


def test_short_fingerprint_is_twelve_digits_in_threes_of_four():
    assert documents.short_fingerprint("0123456789abcdef" * 4) == "0123 4567 89ab"


# --- record ---------------------------------------------------------------------------------


def test_record_keeps_what_makes_the_document_again(session, people):
    content = pdf("progress")
    request = Request(PROGRESS, client_id=people["ana"], audience="clinician", large_print=True)
    made = documents.record(session, request, title="  Progress report — Ana Silva  ", content=content, pages=3,
                            handed=documents.SAVED, made_by_id=people["trainer"])  # fmt: skip
    assert made.fingerprint == hashlib.sha256(content).hexdigest()
    assert (made.kind, made.client_id, made.pages, made.size_bytes) == (PROGRESS, people["ana"], 3, len(content))
    assert made.title == "Progress report — Ana Silva"
    assert made.options == {"audience": "clinician", "large_print": True}
    assert made.request == request  # what regenerating it asks for
    assert (made.made_by_id, made.made_by) == (people["trainer"], "Kai Berg")
    assert (made.kind_label, made.handed_label) == ("Progress report", "Saved as PDF")
    assert made.made_at.tzinfo is not None
    again = documents.get(session, made.id)
    assert again == made and again.request == request


def test_record_titles_are_trimmed_to_fit_and_never_empty(session, people):
    long = documents.record(session, Request(HANDOUT, client_id=people["ana"]), title="x" * 400, content=pdf("a"), pages=1)
    assert long.title == "x" * 300
    blank = documents.record(session, Request(QUESTIONNAIRE, questionnaire="odi"), title="   ", content=pdf("b"), pages=1)
    assert blank.title == "Blank questionnaire"
    assert blank.client_id is None and blank.made_by is None and blank.handed == documents.PRINTED


@pytest.mark.parametrize(
    ("request_", "content", "handed", "field"),
    [
        (Request(HANDOUT), pdf("x"), documents.PRINTED, "client_id"),
        (Request(HANDOUT, client_id=1), b"<html>not a pdf</html>", documents.PRINTED, "content"),
        (Request(HANDOUT, client_id=1), b"", documents.PRINTED, "content"),
        (Request(HANDOUT, client_id=1), pdf("x"), "faxed", "handed"),
    ],
)
def test_record_refuses_what_is_not_a_document_and_adds_nothing(session, people, request_, content, handed, field):
    with pytest.raises(ValidationError) as caught:
        documents.record(session, request_, title="T", content=content, pages=1, handed=handed)
    assert field in caught.value.errors
    assert count(session) == 0


# --- mark_handed ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "shown"),
    [
        ([documents.PRINTED], documents.PRINTED),
        ([documents.OPENED], documents.OPENED),
        ([documents.SAVED, documents.PRINTED], documents.PRINTED),  # printed after saving: the paper copy shows
        ([documents.PRINTED, documents.SAVED], documents.PRINTED),  # saving after printing does not hide the paper
        ([documents.SAVED, documents.OPENED], documents.SAVED),
        ([documents.OPENED, documents.SAVED], documents.SAVED),
        ([documents.PRINTED, documents.PREVIEWED], documents.PRINTED),
        ([documents.BATCH, documents.PRINTED], documents.BATCH),  # both paper: the first one stays
        ([documents.OPENED, documents.BATCH], documents.BATCH),
    ],
)
def test_mark_handed_keeps_the_strongest_fate(session, people, steps, shown):
    made = documents.record(session, Request(HANDOUT, client_id=people["ana"]), title="H", content=pdf("h"), pages=1,
                            handed=documents.PREVIEWED)  # fmt: skip
    for step in steps:
        result = documents.mark_handed(session, made.id, step)
    assert result.handed == shown
    assert documents.get(session, made.id).handed == shown


def test_mark_handed_refuses_unknown_fates_and_documents(session, people):
    made = documents.record(session, Request(HANDOUT, client_id=people["ana"]), title="H", content=pdf("h"), pages=1,
                            handed=documents.PREVIEWED)  # fmt: skip
    with pytest.raises(ValidationError):
        documents.mark_handed(session, made.id, "shredded")
    with pytest.raises(NotFound):
        documents.mark_handed(session, made.id + 100, documents.PRINTED)
    with pytest.raises(NotFound):
        documents.get(session, made.id + 100)
    assert documents.get(session, made.id).handed == documents.PREVIEWED


# --- listing and finding --------------------------------------------------------------------


def test_list_for_client_is_newest_first_and_only_theirs(session, people):
    def made(client: int | None, title: str, at: datetime) -> int:
        request = Request(HANDOUT, client_id=client) if client else Request(QUESTIONNAIRE, questionnaire="odi")
        return documents.record(session, request, title=title, content=pdf(title), pages=1, made_at=at).id

    day = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
    middle = made(people["ana"], "middle", day)
    oldest = made(people["ana"], "oldest", day - timedelta(days=20))
    newest = made(people["ana"], "newest", day + timedelta(hours=3))
    same_time_later_id = made(people["ana"], "same time, made second", day)
    made(people["bo"], "Bo's", day + timedelta(days=1))
    made(None, "blank form", day + timedelta(days=2))

    listed = documents.list_for_client(session, people["ana"])
    assert [d.id for d in listed] == [newest, same_time_later_id, middle, oldest]
    assert [d.title for d in documents.list_for_client(session, people["bo"])] == ["Bo's"]
    assert documents.list_for_client(session, people["zoe"]) == []
    assert documents.prepared_on(listed[-1]) == (day - timedelta(days=20)).astimezone().date()


def test_find_by_fingerprint_as_typed_from_the_paper(session, people):
    first = documents.record(session, Request(HANDOUT, client_id=people["ana"]), title="A", content=pdf("one"), pages=1)
    second = documents.record(session, Request(HANDOUT, client_id=people["bo"]), title="B", content=pdf("two"), pages=2)

    printed = documents.short_fingerprint(first.fingerprint)  # "1a2b 3c4d 5e6f", as on the page
    assert [d.id for d in documents.find_by_fingerprint(session, printed)] == [first.id]
    assert [d.id for d in documents.find_by_fingerprint(session, printed.upper())] == [first.id]
    assert [d.id for d in documents.find_by_fingerprint(session, " " + second.fingerprint + " ")] == [second.id]
    assert documents.find_by_fingerprint(session, first.fingerprint[:8]) == [first]

    third = documents.record(session, Request(HANDOUT, client_id=people["zoe"]), title="C", content=pdf("one"), pages=1)
    assert [d.id for d in documents.find_by_fingerprint(session, printed)] == [first.id, third.id]  # the same bytes twice

    unused = next(p for p in ("0000", "1111", "2222", "3333") if not first.fingerprint.startswith(p) and not second.fingerprint.startswith(p))
    assert documents.find_by_fingerprint(session, unused) == []


@pytest.mark.parametrize("typed", ["", "12", "abc", "12 3", "xyz123", "12345g", "1a2b-3c4d"])
def test_find_by_fingerprint_needs_four_hex_digits(session, typed):
    with pytest.raises(ValidationError) as caught:
        documents.find_by_fingerprint(session, typed)
    assert "fingerprint" in caught.value.errors


# --- the week's batch -----------------------------------------------------------------------


@pytest.mark.parametrize("offset", range(7))
def test_week_of_is_monday_to_sunday(offset):
    assert documents.week_of(MONDAY + timedelta(days=offset)) == (MONDAY, SUNDAY)


def test_week_of_at_the_edges():
    assert documents.week_of(SUNDAY + timedelta(days=1)) == (SUNDAY + timedelta(days=1), SUNDAY + timedelta(days=7))
    assert documents.week_of(date(2026, 1, 1)) == (date(2025, 12, 29), date(2026, 1, 4))  # across the new year
    assert documents.week_of(date(2024, 2, 29)) == (date(2024, 2, 26), date(2024, 3, 3))


def test_clients_seen_in_a_week(session, people):
    trainer = people["trainer"]
    ana = active_program(session, people["ana"], trainer, title="Ana's program")
    bo = active_program(session, people["bo"], trainer, title="Bo's program")
    zoe = active_program(session, people["zoe"], trainer, title="Zoë's program")
    archived = clients.create(session, clients.parse({"first_name": "Aaron", "last_name": "Archived", "trainer_id": trainer}, today=TODAY)).id
    gone = active_program(session, archived, trainer)
    outside = clients.create(session, clients.parse({"first_name": "Olle", "last_name": "Outside", "trainer_id": trainer}, today=TODAY)).id
    outside_program = active_program(session, outside, trainer)

    log(session, people["ana"], ana, MONDAY, trainer)  # the first day counts
    log(session, people["ana"], ana, MONDAY + timedelta(days=1), trainer)
    log(session, people["ana"], ana, TODAY, trainer)  # Wednesday
    log(session, people["bo"], bo, TODAY, trainer)
    log(session, people["zoe"], zoe, MONDAY - timedelta(days=1), trainer)  # the Sunday before: not this week
    log(session, people["zoe"], zoe, TODAY, trainer)
    log(session, archived, gone, MONDAY, trainer)
    log(session, outside, outside_program, MONDAY - timedelta(days=3), trainer)
    clients.set_archived(session, archived, None, True)
    programs.archive(session, bo.id, None, reason="Taking a break")  # seen, but no handout to print now

    week = documents.clients_seen(session, MONDAY, SUNDAY)
    assert [(c.client_name, c.program_title, c.last_seen) for c in week] == [
        ("Ana Silva", "Ana's program", TODAY),
        ("Bo Ek", None, TODAY),
        ("Zoë Ødegård", "Zoë's program", TODAY),
    ]
    assert [c.program_id for c in week] == [ana.id, None, zoe.id]
    assert [c.client_id for c in week] == [people["ana"], people["bo"], people["zoe"]]

    # The last day counts too, and a session after the range does not move last_seen.
    monday_only = documents.clients_seen(session, MONDAY, MONDAY)
    assert [(c.client_name, c.last_seen) for c in monday_only] == [("Ana Silva", MONDAY)]
    sunday_before = documents.clients_seen(session, MONDAY - timedelta(days=7), MONDAY - timedelta(days=1))
    assert [c.client_name for c in sunday_before] == ["Olle Outside", "Zoë Ødegård"]
    assert documents.clients_seen(session, SUNDAY + timedelta(days=1), SUNDAY + timedelta(days=7)) == []


def test_clients_seen_sorts_by_name_regardless_of_case(session, people):
    trainer = people["trainer"]
    for first, last in (("émile", "zola"), ("Eva", "Adams"), ("adam", "Berg")):
        cid = clients.create(session, clients.parse({"first_name": first, "last_name": last, "trainer_id": trainer}, today=TODAY)).id
        log(session, cid, active_program(session, cid, trainer), TODAY, trainer)
    assert [c.client_name for c in documents.clients_seen(session, MONDAY, SUNDAY)] == ["adam Berg", "Eva Adams", "émile zola"]


def test_clients_seen_refuses_a_backwards_range(session):
    with pytest.raises(ValidationError) as caught:
        documents.clients_seen(session, SUNDAY, MONDAY)
    assert "last" in caught.value.errors
