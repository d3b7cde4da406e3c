"""The studio's letterhead logo: what is accepted, where it is kept, and who reads it."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from studio.errors import StaleEdit, ValidationError
from studio.services import demo, handouts, referrals, studio_profile

PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"


def _image(fmt: str = "PNG", size=(120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 20)).save(out, fmt)
    return out.getvalue()


@pytest.fixture
def profile(database):
    with database.session_factory.begin() as s:
        return studio_profile.save(s, studio_profile.StudioDetails("Core Studio", phone="+44 20 7946 0100"))


def test_a_png_or_jpeg_is_kept_and_read_back_and_none_removes_it(database, profile):
    png, jpeg = _image("PNG"), _image("JPEG")
    with database.session_factory.begin() as s:
        assert studio_profile.logo(s) is None
        first = studio_profile.set_logo(s, png, profile.version)
        assert first.version == profile.version + 1 and first.details == profile.details
    with database.session_factory.begin() as s:
        assert studio_profile.logo(s) == png
        second = studio_profile.set_logo(s, bytearray(jpeg), first.version)
    with database.session_factory.begin() as s:
        assert studio_profile.logo(s) == jpeg
        studio_profile.set_logo(s, None, second.version)
    with database.session_factory() as s:
        assert studio_profile.logo(s) is None
        assert studio_profile.get(s).details.name == "Core Studio"  # the rest of the profile untouched


def test_a_stale_version_is_refused_and_the_logo_stays(database, profile):
    with database.session_factory.begin() as s:
        studio_profile.set_logo(s, _image(), profile.version)
    with pytest.raises(StaleEdit, match="changed at another desk"):
        with database.session_factory.begin() as s:
            studio_profile.set_logo(s, None, profile.version)
    with database.session_factory() as s:
        assert studio_profile.logo(s) == _image()


def test_no_logo_before_the_studio_has_a_name(database):
    with database.session_factory() as s:
        assert studio_profile.logo(s) is None
        with pytest.raises(ValidationError) as refused:
            studio_profile.set_logo(s, _image())
    assert "name" in refused.value.errors["logo"]


def test_at_most_two_megabytes(database, profile):
    limit = studio_profile.LOGO_MAX_BYTES
    assert limit == 2 * 1024 * 1024
    with database.session_factory() as s:
        studio_profile.set_logo(s, PNG.ljust(limit, b"\0"))  # exactly 2 MB is fine
        with pytest.raises(ValidationError) as refused:
            studio_profile.set_logo(s, PNG.ljust(limit + 1, b"\0"))
    assert refused.value.errors["logo"].startswith("The logo file is 2.0 MB; it can be at most 2 MB.")
    assert studio_profile.logo_size_problem(limit) is None and studio_profile.logo_size_problem(limit + 1)


def test_the_format_is_told_by_the_signature():
    assert studio_profile.logo_format(_image("PNG")) == "PNG"
    assert studio_profile.logo_format(_image("JPEG")) == "JPEG"
    for other in (_image("GIF"), _image("BMP"), b"", PNG[:-1], JPEG[:2], b"<svg xmlns='http://www.w3.org/2000/svg'/>"):
        assert studio_profile.logo_format(other) is None
        assert studio_profile.check_logo(other) == "The logo must be a PNG or JPEG image file."


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=200),
        st.sampled_from((PNG, JPEG, PNG[:5], JPEG[:2])).flatmap(lambda head: st.binary(max_size=100).map(lambda tail: head + tail)),
    )
)
def test_random_bytes_are_refused_unless_they_start_like_a_png_or_jpeg(database, profile, data):
    signed = data.startswith(PNG) or data.startswith(JPEG)
    with database.session_factory() as s:  # never committed: each example starts from no logo
        if signed:
            studio_profile.set_logo(s, data)
            assert studio_profile.logo(s) == data
        else:
            with pytest.raises(ValidationError) as refused:
                studio_profile.set_logo(s, data)
            assert refused.value.errors == {"logo": "The logo must be a PNG or JPEG image file."}
            assert studio_profile.logo(s) is None


def test_not_bytes_is_refused(database, profile):
    with database.session_factory() as s, pytest.raises(ValidationError):
        studio_profile.set_logo(s, "\x89PNG\r\n\x1a\n as text")


def test_the_letterhead_and_the_referral_letter_carry_the_logo(database):
    with database.session_factory.begin() as s:
        demo.fill_demo_studio(s, today=date(2026, 5, 1))
        referral_id = referrals.list_all(s, today=date(2026, 5, 1))[0].id
        assert handouts.letterhead(s).logo is None and referrals.letter_data(s, referral_id).studio_logo is None
        studio_profile.set_logo(s, _image())
    with database.session_factory() as s:
        assert handouts.letterhead(s).logo == _image()
        assert referrals.letter_data(s, referral_id).studio_logo == _image()
