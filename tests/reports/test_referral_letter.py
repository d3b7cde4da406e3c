"""The referral letter read back from the PDF: what a clinician must find, and the reply slip."""

from __future__ import annotations

import dataclasses
import io
import re
import unicodedata
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from reports import fonts, referral_letter
from reports.styles import clean
from studio.services.referrals import CONSENT_MISSING, LetterData, ObservationGroup

BASE = LetterData(
    referral_id=7,
    reference="R-00007",
    status="sent",
    studio_name="Upright Movement Studio",
    studio_address="14 Harbour Street\nBristol BS1 4QA",
    studio_phone="0117 496 0000",
    studio_email="desk@upright.example",
    paper="a4",
    letter_date=date(2026, 3, 4),
    clinician_name="Sarah Whitfield",
    clinician_credentials="MBBS, MRCGP",
    clinician_practice="Harbourside Medical Centre",
    clinician_address="2 Quay Road\nBristol BS1 5AA",
    clinician_fax="0117 496 0999",
    clinician_email=None,
    salutation="Dear Dr Whitfield,",
    client_name="Ana Lund",
    client_date_of_birth=date(1961, 3, 12),
    tier="urgent",
    urgency="Urgent: please see the client within the next few days.",
    destination_label="Primary care physician",
    reason="At our assessment on 2 Mar 2026 the client reported constant pain at night.",
    assessment_date=date(2026, 3, 2),
    observations=(
        ObservationGroup("Pain history (as reported by the client)", ("Pain rating (NPRS 0–10): now 4/10.",)),
        ObservationGroup("Outcome measures", ("Oswestry Disability Index (ODI): 30% — moderate disability.",)),
    ),
    program_title="Home program – weeks 1–4",
    current_training=("Cat-camel", "Bird dog"),
    request="Please evaluate and advise whether exercise may continue, and any restrictions.",
    consent_date=date(2026, 1, 5),
    consent_line="The client consented on 5 Jan 2026 to the studio sharing this information with you.",
    trainer_name="Kai Berg",
    trainer_credentials="NSCA-CSCS",
    trainer_phone="0117 496 0001",
    trainer_email="kai@upright.example",
)


def pages_of(data: LetterData) -> list[str]:
    out = io.BytesIO()
    referral_letter.render(data, out)
    return [page.extract_text() for page in PdfReader(io.BytesIO(out.getvalue())).pages]


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_the_letter_says_what_a_clinician_needs():
    pages = pages_of(BASE)
    letter = "\n".join(pages[:-1])
    for expected in (
        "Sarah Whitfield, MBBS, MRCGP", "Harbourside Medical Centre", "Re: Ana Lund, date of birth 12 Mar 1961",
        "Dear Dr Whitfield,", "Urgent: please see the client", "client reported constant pain at night",
        "Please evaluate and advise whether exercise may continue, and any restrictions.",
        "consented on 5 Jan 2026", "Cat-camel", "Bird dog", "30% — moderate disability", "Kai Berg, NSCA-CSCS",
        "kai@upright.example", "4 Mar 2026", "Upright Movement Studio",
    ):  # fmt: skip
        assert squash(expected) in squash(letter), expected
    assert "diagnos" not in letter.lower()
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, 1))


def test_the_reply_slip_is_the_last_page_and_stands_alone():
    pages = pages_of(BASE)
    slip = pages[-1]
    assert len(pages) >= 2 and "Reply slip" in slip and "Reply slip" not in "".join(pages[:-1]).replace("reply slip", "")
    for expected in (
        "Ana Lund", "12 Mar 1961", "4 Mar 2026", "R-00007", "Cleared for exercise", "Cleared with restrictions",
        "Not cleared for exercise", "Restrictions or advice", "Signature", "Date", "Clinician's name",
        "desk@upright.example", "14 Harbour Street", "0117 496 0000",
    ):  # fmt: skip
        assert squash(expected) in squash(slip), expected
    assert "Yours sincerely" not in slip


def test_missing_consent_is_flagged_not_refused():
    pages = pages_of(dataclasses.replace(BASE, consent_date=None, consent_line=CONSENT_MISSING, current_training=()))
    assert "CONSENT NOT RECORDED" in pages[0] + pages[1]
    assert "not on an active exercise program" in "".join(pages)


def test_an_emergency_letter_without_a_named_clinician():
    data = dataclasses.replace(
        BASE, tier="emergency", urgency="EMERGENCY: the client has been advised to attend the emergency department today.",
        clinician_name="The duty doctor", clinician_credentials=None, clinician_practice="Emergency department",
        clinician_address=None, clinician_fax=None, salutation="Dear Doctor,", client_date_of_birth=None, paper="letter",
    )  # fmt: skip
    pages = pages_of(data)
    text = squash("".join(pages))
    assert squash("The duty doctor") in text and squash("EMERGENCY: the client") in text and "notrecorded" in text


# --- anything typed prints as typed -----------------------------------------------------------

MARKUP = ["<b>", "</para>", "&amp;", "<img src=x>", "a & b", "<br/>", "]]>", "<<>>"]
typed = st.one_of(
    st.sampled_from(MARKUP),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40),
    st.sampled_from(["Zoë Łukasiewicz-Ødegård", "Ольга Петрова", "Ελένη Παπαδοπούλου", "O'Brien-Núñez"]),
)


def _runs(s: str) -> list[str]:
    """What must read back: the cleaned text in runs of characters the embedded font has a
    glyph for (others print as a box, which is honest, but cannot be extracted as typed).
    Spaces are ignored: lines wrap where the page needs. An invisible format character (soft
    hyphen, joiner, a tag character) ends a run: the text extractor may drop it or keep it. So
    does a right-to-left character (Arabic, Hebrew): the extractor reorders it with the
    punctuation beside it, though the page prints it where it was typed."""
    runs, run = [], ""
    for ch in clean(s):
        if ch.isspace():
            continue
        readable = unicodedata.category(ch) != "Cf" and unicodedata.bidirectional(ch) not in ("R", "AL", "AN")
        if fonts.covers(ch) and readable:
            run += ch
        elif run:
            runs.append(run)
            run = ""
    return [*runs, run] if run else runs


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reason=typed, notes=typed, client=typed, clinician=typed)
def test_any_typed_text_builds_and_reads_back(reason, notes, client, clinician):
    data = dataclasses.replace(
        BASE,
        reason=reason,
        client_name=client,
        clinician_name=clinician,
        observations=(ObservationGroup("Red-flag screening", (f"Trainer's note: {notes}",)),),
    )
    pages = pages_of(data)
    letter, slip = squash("".join(pages[:-1])), squash(pages[-1])
    for value in (reason, notes, client, clinician):
        assert all(run in letter for run in _runs(value)), value
    for value in (client, clinician):
        assert all(run in slip for run in _runs(value)), value
    assert "Reply slip" in pages[-1]
