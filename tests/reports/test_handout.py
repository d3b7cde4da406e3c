"""The home-program handout, read back from the PDF (DOMAIN.md section 6)."""

from __future__ import annotations

import io
import subprocess
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from reports import handout
from reportlab.lib.pagesizes import A4, LETTER
from studio.clinical.assessment import AssessmentData, EnduranceTimes, PainHistory, ProvocationResult, PsfsActivity, Questionnaires
from studio.exercises import by_code, load_library
from studio.figures import pose_figures
from studio.services import assessments, clients, handouts, programs, staff, studio_profile

TODAY = date(2026, 3, 2)
CODES = ("bird_dog", "side_bridge_knees", "glute_bridge", "wall_tap_hinge", "walking_brisk_15", "cat_camel")
FLEXION_INTOLERANT = {
    "standing_flexion": ProvocationResult("provokes"),
    "slumped_sitting": ProvocationResult("provokes"),
    "prone_press_up": ProvocationResult("eases"),
}
RED_FLAG_WORDS = "numbness in the groin or buttocks"


# --- building a studio (shared with the other report tests) -------------------------------------


def make_studio(s, *, name="Core & Spine Studio", paper="a4", address="12 Harbour Street\nLeith, Edinburgh EH6 6LJ", phone="+44 131 555 0100"):
    studio_profile.save(s, studio_profile.parse({"name": name, "address": address, "phone": phone, "email": "desk@core.example",
                                                 "weight_unit": "kg", "length_unit": "cm", "paper": paper}))  # fmt: skip


def make_client(s, *, first="Zoë", last="Łukasiewicz-Ødegård", notes=None):
    trainer = staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer", "phone": "07700 900123"})).id
    raw = {"first_name": first, "last_name": last, "trainer_id": trainer, "date_of_birth": "1961-05-04"}
    if notes is not None:
        raw["notes"] = notes
    return clients.create(s, clients.parse(raw, today=TODAY)).id, trainer


def sign_assessment(s, client_id, trainer_id, *, on, flags=(), nprs=6, odi=(3, 2, 3, 2, 2, 3, 1, 1, 2, 2), rmdq=(1, 2, 3, 5, 8, 9, 11), endurance=(40, 60, 30, 35)):
    data = AssessmentData(
        pain=PainHistory(nprs_now=nprs, nprs_worst=min(10, nprs + 2)),
        red_flags=tuple(flags),
        provocation=FLEXION_INTOLERANT,
        endurance=EnduranceTimes(*endurance),
        questionnaires=Questionnaires(odi=odi, rmdq=rmdq, start_back_agree=(True, False, False, True, False, False, False, False),
                                      start_back_bothersomeness="moderately", psfs=(PsfsActivity("Gardening", 4), PsfsActivity("Golf", 5))),
    )  # fmt: skip
    record = assessments.start(s, client_id, assessed_on=on, today=TODAY)
    record = assessments.save(s, record.id, record.version, data, today=TODAY)
    return assessments.sign(s, record.id, record.version, trainer_id).id


def make_program(s, client_id, trainer_id, codes=CODES, *, notes=None, title="Home program, March"):
    program = programs.create_draft(s, client_id, title=title, created_by_id=trainer_id, notes=notes)
    for code in codes:
        program = programs.add_item(s, program.id, program.version, code, override_reason="Trainer's choice for the test")
    first = program.items[0]
    program = programs.update_item_dose(s, program.id, program.version, first.id, sets=3, reps=8, hold_seconds=10, rest_seconds=30,
                                        times_per_day=2, days_per_week=5, side="left", load="light band")  # fmt: skip
    return program


@pytest.fixture
def studio(database):
    """A signed, flag-free client with a six-exercise program from the real library."""
    with database.session_factory.begin() as s:
        make_studio(s)
        client_id, trainer = make_client(s)
        sign_assessment(s, client_id, trainer, on=TODAY - timedelta(days=40))
        program = make_program(s, client_id, trainer)
    return {"client": client_id, "trainer": trainer, "program": program.id}


def data_for(database, program_id, **options) -> handouts.HandoutData:
    with database.session_factory() as s:
        return handouts.handout_data(s, program_id, today=TODAY, **options)


def pdf_bytes(data) -> bytes:
    out = io.BytesIO()
    handout.render(data, out)
    return out.getvalue()


def page_texts(raw: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages]


def squash(s: str) -> str:
    return " ".join(s.split())


def png_is_not_blank(pdf_path, tmp_path, page=1) -> None:
    prefix = tmp_path / f"page{page}"
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", str(page), "-l", str(page), str(pdf_path), str(prefix)], check=True)
    from PIL import Image

    (png,) = list(tmp_path.glob(f"page{page}*.png"))
    image = Image.open(png).convert("L")
    lo, hi = image.getextrema()
    dark = sum(image.histogram()[:128])
    assert hi - lo > 100 and dark > 500, "the rendered page is blank"


# --- tests --------------------------------------------------------------------------------------


def test_the_handout_prints_the_program(database, studio, tmp_path):
    data = data_for(database, studio["program"])
    assert data.cleared and data.banner is None
    assert len(data.exercises) == len(CODES) and all(ex.figures for ex in data.exercises)
    path = tmp_path / "handout.pdf"
    handout.render(data, path)
    texts = page_texts(path.read_bytes())
    whole = squash(" ".join(texts))
    assert "Zoë Łukasiewicz-Ødegård" in whole
    assert "Core & Spine Studio" in texts[0] and "Kai Berg" in whole and "2 Mar 2026" in whole
    for ex in data.exercises:
        assert squash(ex.name) in whole
    assert "3 × 8" in whole and "10 s each rep" in whole and "30 s between sets" in whole
    assert "2 times a day, 5 days a week" in whole and "light band" in whole and "Left side" in whole
    assert "Both sides" in whole  # the side bridge is sided
    assert RED_FLAG_WORDS in whole and "new trouble passing urine" in whole and "weakness in both legs" in whole
    assert "Stop and contact us if" in whole
    assert "Break up sitting every 20–30 minutes" in whole  # flexion intolerant
    assert "Weekly tracking" in texts[-1] and "Pain today (0–10)" in texts[-1]
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        assert day in texts[-1]
    assert f"Page 1 of {len(texts)}" in texts[0] and f"Page {len(texts)} of {len(texts)}" in texts[-1]
    assert "NOT CLEARED" not in whole
    png_is_not_blank(path, tmp_path)


def test_left_side_figures_are_mirrored(database, studio):
    data = data_for(database, studio["program"])
    left = data.exercises[0]
    assert left.side == "left"
    plain = pose_figures([by_code(load_library())["bird_dog"].poses["start"]], *handouts.FIGURE_SIZE)[0]
    hip_plain, hip_left = plain.joint("hip")[0], left.figures[0].joint("hip")[0]
    head_plain, head_left = plain.joint("head")[0], left.figures[0].joint("head")[0]
    assert (head_plain - hip_plain) * (head_left - hip_left) < 0  # faces the other way


def test_banner_on_every_page_when_not_cleared(database, tmp_path):
    with database.session_factory.begin() as s:
        make_studio(s)
        client_id, trainer = make_client(s, first="Ana", last="Lund")
        sign_assessment(s, client_id, trainer, on=TODAY - timedelta(days=3), flags=("saddle_numbness",))
        program = make_program(s, client_id, trainer)
    data = data_for(database, program.id)
    assert not data.cleared and data.banner == handouts.NOT_CLEARED
    texts = page_texts(pdf_bytes(data))
    assert len(texts) > 1
    for text in texts:
        assert "NOT CLEARED FOR TRAINING" in text
    assert "Do not start these exercises yet" in squash(texts[0])


def test_paper_size_follows_the_studio(database, studio):
    data = data_for(database, studio["program"])
    a4 = PdfReader(io.BytesIO(pdf_bytes(data))).pages[0].mediabox
    with database.session_factory.begin() as s:
        record = studio_profile.get(s)
        studio_profile.save(s, studio_profile.parse({**record.details.__dict__, "paper": "letter"}), record.version)
    data = data_for(database, studio["program"])
    assert data.paper == "letter"
    letter = PdfReader(io.BytesIO(pdf_bytes(data))).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (round(A4[0]), round(A4[1]))
    assert (round(float(letter.width)), round(float(letter.height))) == (round(LETTER[0]), round(LETTER[1]))


def test_large_print_takes_more_pages(database, studio):
    normal = page_texts(pdf_bytes(data_for(database, studio["program"])))
    large = page_texts(pdf_bytes(data_for(database, studio["program"], large_print=True)))
    assert len(large) > len(normal)
    assert f"Page 1 of {len(large)}" in large[0]
    assert RED_FLAG_WORDS in squash(" ".join(large))


def test_a_program_without_exercises_or_assessment_still_prints(database):
    with database.session_factory.begin() as s:
        client_id, trainer = make_client(s, first="Bo", last="Ek")
        program = programs.create_draft(s, client_id, title="Empty", created_by_id=trainer)
    data = data_for(database, program.id)
    assert data.letterhead.name == "Upright studio" and not data.advice_from_profile
    whole = squash(" ".join(page_texts(pdf_bytes(data))))
    assert "No exercises are in this program yet" in whole and "Walk most days" in whole


def test_the_first_exercise_starts_on_the_first_page(database, studio):
    """The "Your exercises" heading and exercise 1 are kept together, but not pushed off page 1
    (a KeepTogether nested in another once reported an endless height and left page 1 empty)."""
    data = data_for(database, studio["program"])
    first = squash(page_texts(pdf_bytes(data))[0])
    assert "Your exercises" in first
    assert f"1. {squash(data.exercises[0].name)}" in first
