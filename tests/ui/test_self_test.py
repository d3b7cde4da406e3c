"""`upright --self-test`: the check an installer build runs (ui/self_test.py)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from studio.services import documents
from ui import self_test

ROOT = Path(__file__).resolve().parents[2]


def lines_of(out: io.StringIO) -> list[str]:
    return out.getvalue().splitlines()


def test_every_check_passes_and_every_document_kind_has_its_line(qapp):
    out = io.StringIO()
    assert self_test.run_self_test(out) == 0, out.getvalue()
    lines = lines_of(out)
    ok = [line for line in lines if line.startswith("ok  ")]
    assert ok[0].startswith("ok  migrations: schema ")
    for kind in documents.KIND_LABELS:
        assert any(line.startswith("ok  ") and kind in line.split(":")[0] for line in ok), (kind, lines)
    for code in documents.QUESTIONNAIRE_LABELS:
        assert any(line.startswith(f"ok  questionnaire {code}: 1 page") for line in ok), (code, lines)
    for name in ("handout", "large-print handout", "progress report for the client", "progress report for a clinician",
                 "referral letter", "Qt", "icon", "main window"):  # fmt: skip
        assert any(line.startswith(f"ok  {name}: ") for line in ok), (name, lines)
    assert not [line for line in lines if line.startswith(("FAIL", "--"))]
    assert lines[-1].startswith(self_test.PASSED)


def test_a_renderer_that_fails_is_reported_and_the_rest_still_run(qapp, monkeypatch):
    from reports import handout

    def broken(*args, **kwargs):
        raise RuntimeError("the figures are missing from this build")

    monkeypatch.setattr(handout, "render", broken)
    out = io.StringIO()
    assert self_test.run_self_test(out) == 1
    lines = lines_of(out)
    assert "FAIL handout: RuntimeError: the figures are missing from this build" in lines
    assert "FAIL large-print handout: RuntimeError: the figures are missing from this build" in lines
    assert any(line.startswith("ok  referral letter: ") for line in lines)  # the other documents were still made
    assert any(line.startswith("ok  main window: ") for line in lines)
    assert lines[-1].startswith(f"{self_test.FAILED}: 2 of ")
    assert "(handout, large-print handout)" in lines[-1]


def test_an_icon_size_the_build_left_out_fails_its_check(qapp, tmp_path, monkeypatch):
    import resources

    shipped = Path(resources.__file__).with_name("icons")
    (tmp_path / "icons").mkdir()
    for png in shipped.glob("upright*.png"):
        if png.name != "upright-24.png":
            shutil.copy(png, tmp_path / "icons" / png.name)
    monkeypatch.setattr(resources, "__file__", str(tmp_path / "__init__.py"))
    with pytest.raises(self_test.CheckFailed, match="the Upright icon is missing at 24 px"):
        self_test._icon()
    shutil.copy(shipped / "upright-24.png", tmp_path / "icons")
    assert self_test._icon() == "7 sizes, 16–256 px"


def test_a_pdf_that_is_not_whole_fails_its_check():
    with pytest.raises(self_test.CheckFailed, match="not a PDF"):
        self_test.check_pdf(b"<html>", 1)
    with pytest.raises(self_test.CheckFailed, match="cut short"):
        self_test.check_pdf(b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n", 1)
    with pytest.raises(self_test.CheckFailed, match="reported 2 pages, the PDF holds 1"):
        self_test.check_pdf(b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n2 0 obj << /Type /Pages >>\n%%EOF\n", 2)


def test_the_entry_point_runs_it_and_leaves_nothing_behind(tmp_path):
    """As an installer build runs it: a fresh process, Qt headless. Nothing is written to this
    desk's settings or data folders, and the temporary folder is cleaned up."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), TMPDIR=str(temporary), TEMP=str(temporary),
               TMP=str(temporary))  # fmt: skip
    result = subprocess.run([sys.executable, "-m", "ui.app", "--self-test"], cwd=ROOT, capture_output=True, text=True,
                            env=env, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith(self_test.PASSED)
    assert not (tmp_path / "config").exists()
    assert not (tmp_path / "data").exists()
    assert list(temporary.iterdir()) == []


def test_a_missing_qt_platform_plugin_fails_with_a_plain_line_instead_of_aborting(tmp_path):
    """What a frozen build that left out a plugin meets: Qt would abort the process with its own
    message; the self-test says which platform is missing and what is there, and exits 1."""
    env = dict(os.environ, QT_QPA_PLATFORM="nosuchplatform", XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"))  # fmt: skip
    result = subprocess.run([sys.executable, "-m", "ui.app", "--self-test"], cwd=ROOT, capture_output=True, text=True,
                            env=env, timeout=120)  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("FAIL Qt: no Qt platform plugin for 'nosuchplatform'") and "offscreen" in line
               for line in lines), lines  # fmt: skip
    assert "--  main window: skipped (no QApplication)" in lines
    assert any(line.startswith("ok  referral letter: ") for line in lines)
    assert "--  icon: skipped (no QApplication)" in lines
    assert lines[-1] == f"{self_test.FAILED}: 3 of 14 checks failed (Qt, icon, main window)"
