"""The progress report: trend chart, comparison, endurance, program changes and attendance."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader

from reports import progress_report
from studio.exercises import SessionEntry
from studio.services import handouts, programs
from test_handout import TODAY, make_client, make_program, make_studio, page_texts, png_is_not_blank, sign_assessment, squash


def build(database):
    with database.session_factory.begin() as s:
        make_studio(s)
        client_id, trainer = make_client(s, notes="Prefers <morning> sessions & short walks")
        sign_assessment(s, client_id, trainer, on=TODAY - timedelta(days=70), nprs=7, odi=(4, 3, 4, 3, 3, 4, 2, 2, 3, 3),
                        rmdq=tuple(range(1, 15)), endurance=(30, 50, 25, 30))  # fmt: skip
        sign_assessment(s, client_id, trainer, on=TODAY - timedelta(days=10), nprs=3, odi=(1, 1, 1, 1, 1, 1, 0, 0, 1, 1),
                        rmdq=(1, 2, 3), endurance=(60, 90, 50, 52))  # fmt: skip
        program = make_program(s, client_id, trainer)
        program = programs.activate(s, program.id, program.version, by_id=trainer)
        program = programs.update_item_dose(s, program.id, program.version, program.items[2].id, reps=12,
                                            reason="Easy at 10 reps", by_id=trainer)  # fmt: skip
        item = program.items[1].id
        for days_ago in (20, 16, 13, 9, 6, 2):
            programs.log_session(s, client_id, program.id, TODAY - timedelta(days=days_ago),
                                 {item: SessionEntry(True, sets_done=1, reps_done=5, pain_before=2, pain_after=2)}, trainer, today=TODAY)  # fmt: skip
    return client_id


def render(database, client_id, audience, out):
    with database.session_factory() as s:
        data = handouts.progress_data(s, client_id, audience=audience, today=TODAY)
    progress_report.render(data, out)
    return data


def test_progress_report_for_a_clinician(database, tmp_path):
    client_id = build(database)
    path = tmp_path / "progress.pdf"
    data = render(database, client_id, "clinician", path)
    assert len(data.trend) == 2 and data.attendance.sessions == 6
    whole = squash(" ".join(page_texts(path.read_bytes())))
    assert progress_report.CHART_TITLE in whole
    assert "Pain now (NPRS 0–10)" in whole and "Disability %" in whole  # the chart's own texts
    assert "Latest compared with previous" in whole
    nprs = next(row for row in data.comparison if row.measure == "Pain now (NPRS)")
    assert (nprs.before, nprs.after, nprs.change) == ("7", "3", "−4") and nprs.important and nprs.better
    assert "Pain now (NPRS) 7 3 −4" in whole and "★ Improved — important change" in whole
    assert "Trunk endurance, then and now" in whole and "30 s" in whole and "60 s" in whole
    assert "6 sessions logged" in whole
    assert "Easy at 10 reps" in whole and "Program started" in whole
    assert "Zoë Łukasiewicz-Ødegård" in whole and "4 May 1961" in whole  # date of birth, for the clinician
    assert "Prefers <morning> sessions & short walks" in whole
    assert "not a diagnosis" in whole
    assert "Page 1 of" in page_texts(path.read_bytes())[0]
    png_is_not_blank(path, tmp_path)


def test_progress_report_for_the_client_leaves_out_clinical_details(database):
    client_id = build(database)
    out = io.BytesIO()
    data = render(database, client_id, "client", out)
    assert data.date_of_birth is None and data.notes is None
    whole = squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.getvalue())).pages))
    assert progress_report.CHART_TITLE in whole and "1961" not in whole and "Prefers" not in whole


def test_progress_report_without_any_assessment(database):
    with database.session_factory.begin() as s:
        client_id, _trainer = make_client(s, first="Bo", last="Ek")
    out = io.BytesIO()
    render(database, client_id, "client", out)
    whole = squash(" ".join(page_texts(out.getvalue())))
    assert "No signed assessments yet" in whole and "No training sessions have been logged yet" in whole
