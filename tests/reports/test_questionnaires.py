"""Blank waiting-room questionnaires, each with its attribution."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from reports import questionnaires
from studio.clinical import measures
from test_handout import png_is_not_blank, squash


def texts(kind, **options) -> str:
    out = io.BytesIO()
    questionnaires.render(kind, out, **options)
    return squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.getvalue())).pages))


@pytest.mark.parametrize(("kind", "key"), [("odi", "odi"), ("rmdq", "rmdq"), ("startback", "start_back"), ("psfs", "psfs")])
def test_each_questionnaire_builds_with_its_attribution(kind, key):
    whole = texts(kind, studio_name="Core & Spine <Studio>")
    assert squash(measures.ATTRIBUTION[key]) in whole
    assert questionnaires.TITLES[kind] in whole and "Core & Spine <Studio>" in whole and "Page 1 of 1" in whole


def test_rmdq_prints_numbered_boxes_not_statements():
    whole = texts("rmdq")
    assert squash(measures.RMDQ_LEAD_IN) in whole and "licensed form" in whole
    for n in measures.RMDQ_ITEMS:
        assert f" {n}" in whole
    assert "because of my back" in whole


def test_odi_and_startback_list_their_sections():
    odi = texts("odi")
    for section in measures.ODI_SECTIONS:
        assert section.capitalize() in odi
    start = texts("startback", paper="letter")
    assert "Extremely" in start and "Agree" in start


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        questionnaires.render("sf36", io.BytesIO())


def test_a_form_renders_to_a_visible_page(tmp_path):
    path = tmp_path / "odi.pdf"
    questionnaires.render("odi", path, paper="letter")
    png_is_not_blank(path, tmp_path)
