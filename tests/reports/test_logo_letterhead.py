"""The studio logo on the letterhead: drawn, scaled to its box, and never a reason for a
document to fail."""

from __future__ import annotations

import dataclasses
import io
import subprocess
from datetime import timedelta

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from reportlab.lib.units import mm

from reports import handout, pages, referral_letter
from studio.services import handouts, studio_profile
from studio.services.handouts import Letterhead
from test_handout import TODAY, data_for, make_client, make_program, make_studio, sign_assessment
from test_referral_letter import BASE

RED = (200, 40, 20)
BROKEN_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"this is not a picture" * 40


def picture(size=(600, 200), fmt="PNG", colour=RED) -> bytes:
    image = Image.new("RGB", size, (255, 255, 255))
    ImageDraw.Draw(image).rectangle((0, 0, size[0] - 1, size[1] - 1), fill=colour)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def images_per_page(raw: bytes) -> list[list]:
    return [list(page.images) for page in PdfReader(io.BytesIO(raw)).pages]


def build(letterhead: Letterhead) -> bytes:
    out = io.BytesIO()
    pages.build(out, [], paper="a4", title="Test", letterhead=letterhead)
    return out.getvalue()


@pytest.mark.parametrize(
    ("size", "expected_mm"),
    [((600, 200), (50, 50 / 3)), ((100, 400), (4.5, 18)), ((16, 16), (18, 18)), ((5000, 100), (50, 1))],
    ids=["wide", "tall", "tiny-square", "banner"],
)
def test_the_logo_is_scaled_to_fit_its_box_keeping_its_proportions(size, expected_mm):
    logo = pages.logo_flowable(picture(size))
    width, height = logo.drawWidth / mm, logo.drawHeight / mm
    assert (width, height) == pytest.approx(expected_mm, rel=0.01)
    assert width <= 50.01 and height <= 18.01
    assert width / height == pytest.approx(size[0] / size[1], rel=0.01)


def test_no_logo_or_an_unreadable_one_gives_no_flowable():
    assert pages.logo_flowable(None) is None
    assert pages.logo_flowable(BROKEN_PNG) is None
    assert pages.logo_flowable(picture(fmt="GIF")) is None


@pytest.fixture
def studio_with_logo(database):
    with database.session_factory.begin() as s:
        make_studio(s)
        client_id, trainer = make_client(s)
        sign_assessment(s, client_id, trainer, on=TODAY - timedelta(days=40))
        program = make_program(s, client_id, trainer)
    return program.id


def _set_logo(database, data):
    with database.session_factory.begin() as s:
        studio_profile.set_logo(s, data)


def test_a_handout_prints_the_logo_top_right_on_its_first_page_only(database, studio_with_logo, tmp_path):
    plain = io.BytesIO()
    handout.render(data_for(database, studio_with_logo), plain)
    _set_logo(database, picture())
    data = data_for(database, studio_with_logo)
    assert data.letterhead.logo == picture()
    path = tmp_path / "handout.pdf"
    count = handout.render(data, path)
    raw = path.read_bytes()

    with_logo, without = images_per_page(raw), images_per_page(plain.getvalue())
    assert count == len(with_logo) == len(without)
    assert [len(found) for found in with_logo] == [len(found) + (i == 0) for i, found in enumerate(without)]
    logo = next(img for img in with_logo[0] if img.image.size == (600, 200))
    assert logo.image.convert("RGB").getpixel((300, 100)) == RED

    # Rendered, the logo is red at the top right of the page, and nowhere at the top left.
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    page = Image.open(png).convert("RGB")
    width, height = page.size
    top = page.crop((0, 0, width, height // 6))

    def red(region) -> int:
        px = region.tobytes()
        return sum(1 for i in range(0, len(px), 3) if px[i] > 150 and px[i + 1] < 90 and px[i + 2] < 90)

    right, left = red(top.crop((width // 2, 0, width, top.height))), red(top.crop((0, 0, width // 2, top.height)))
    box_pixels = (50 / 25.4 * 60) * (50 / 3 / 25.4 * 60)  # the logo's area at 60 dpi
    assert right == pytest.approx(box_pixels, rel=0.25) and left == 0


def test_a_referral_letter_prints_the_logo_on_the_letter_not_on_the_reply_slip():
    out = io.BytesIO()
    count = referral_letter.render(dataclasses.replace(BASE, studio_logo=picture((300, 300), "JPEG")), out)
    found = images_per_page(out.getvalue())
    assert count == len(found) >= 2
    assert len(found[0]) == 1 and found[0][0].image.size == (300, 300)
    assert all(not images for images in found[1:])  # the slip is faxed back on its own: no letterhead
    first = PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text()
    assert "Upright Movement Studio" in first and "Re: Ana Lund" in first


def test_a_damaged_logo_is_left_out_and_the_documents_still_print(database, studio_with_logo):
    _set_logo(database, BROKEN_PNG)  # the right signature, garbage inside
    data = data_for(database, studio_with_logo)
    assert data.letterhead.logo == BROKEN_PNG
    out = io.BytesIO()
    handout.render(data, out)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert "Core & Spine Studio" in reader.pages[0].extract_text()
    assert not reader.pages[0].images

    letter = io.BytesIO()
    referral_letter.render(dataclasses.replace(BASE, studio_logo=BROKEN_PNG), letter)
    letter_pages = PdfReader(io.BytesIO(letter.getvalue())).pages
    assert "Upright Movement Studio" in letter_pages[0].extract_text() and not letter_pages[0].images
    with database.session_factory() as s:
        assert handouts.letterhead(s).logo == BROKEN_PNG  # kept: a better file can replace it


def test_a_large_photo_logo_is_scaled_down_before_it_goes_into_the_pdf():
    big = picture((4000, 1500), "JPEG")
    raw = build(Letterhead(name="Core", logo=big))
    (found,) = images_per_page(raw)[0]
    assert max(found.image.size) == pages.LOGO_PIXELS and found.image.size[0] / found.image.size[1] == pytest.approx(4000 / 1500, rel=0.01)
    assert len(raw) < len(big)


def test_a_transparent_logo_keeps_its_transparency():
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((0, 0, 99, 99), fill=(*RED, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    raw = build(Letterhead(name="Core", logo=out.getvalue()))
    page = PdfReader(io.BytesIO(raw)).pages[0]
    (xobject,) = [obj.get_object() for obj in page["/Resources"]["/XObject"].values()]
    assert "/SMask" in xobject  # the paper shows through around the circle
