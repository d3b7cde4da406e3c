"""The benchmark plumbing (`python -m benchmarks`), at tiny sizes. The fixes its figures led to
are tested in tests/studio/test_lean_loading.py."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from benchmarks.figures import Figure


def _positive(figure: Figure, name: str) -> None:
    assert figure.name == name
    assert figure.value > 0 and figure.baseline > 0, figure
    assert figure.budget_on == "ratio" and figure.budget == 2.0
    assert figure.note


# --- the client with 10 years of history -----------------------------------------------------


def test_the_history_builder_makes_a_decade_through_the_services(tmp_path):
    from benchmarks.history import build_studio

    studio = build_studio(tmp_path)
    assert (studio.history.assessments, studio.history.programs, studio.history.session_logs) == (40, 30, 500)
    assert (studio.new.assessments, studio.new.programs, studio.new.session_logs) == (1, 1, 0)
    with closing(sqlite3.connect(studio.path)) as db:
        def count(sql: str, client_id: int) -> int:
            return db.execute(sql, (client_id,)).fetchone()[0]

        history = studio.history.client_id
        assert count("SELECT count(*) FROM assessment WHERE client_id = ? AND signed_at IS NOT NULL", history) == 40
        assert count("SELECT count(*) FROM program WHERE client_id = ?", history) == 30
        assert count("SELECT count(*) FROM program WHERE client_id = ? AND status = 'active'", history) == 1
        assert count("SELECT count(*) FROM program WHERE client_id = ? AND status = 'archived'", history) == 29
        assert count("SELECT count(*) FROM session_log WHERE client_id = ?", history) == 500
        # Every program was trained on, and the sessions span the decade.
        assert count("SELECT count(DISTINCT program_id) FROM session_log WHERE client_id = ?", history) == 30
        first, last = db.execute("SELECT min(logged_on), max(logged_on) FROM session_log WHERE client_id = ?",
                                 (history,)).fetchone()  # fmt: skip
        assert int(last[:4]) - int(first[:4]) >= 9
        # Realistic records: questionnaires and provocation tests in every assessment.
        latest = "SELECT data FROM assessment WHERE client_id = ? ORDER BY assessed_on DESC"
        data = db.execute(latest, (history,)).fetchone()[0]
        assert '"odi"' in data and '"provocation"' in data and '"provokes"' in data


def test_history_figures_come_from_the_real_window(tmp_path):
    from benchmarks import history

    figures = history.measure(repeats=1, assessments_n=3, programs_n=2, logs_n=4, years=1)
    assert [f.name for f in figures] == ["history_client_list", "history_assessment_tab", "history_program_tab"]
    for figure in figures:
        _positive(figure, figure.name)
        assert " ms vs " in figure.note


# --- the week's handouts -----------------------------------------------------------------------


def test_handout_batch_figure_at_two_clients():
    from benchmarks import handout_batch

    figure = handout_batch.measure(runs=1, clients_n=2)
    _positive(figure, "handout_batch")
    assert figure.note.startswith("2 handouts")


# --- memory ------------------------------------------------------------------------------------


def test_memory_figure_pages_the_list():
    from benchmarks import memory

    figure = memory.measure(runs=1, count=500, scrolls=1)
    _positive(figure, "memory")
    assert figure.unit == "MB"
    assert "rows held 100 → 200 after scrolling" in figure.note
    assert "then a client opened (their 5 tabs built and loaded): peak" in figure.note


def test_peak_memory_is_read():
    from benchmarks.qt_harness import peak_rss_kib, rss_kib

    assert peak_rss_kib() >= rss_kib() > 1000


# --- the table and the profiles ------------------------------------------------------------------


def test_the_table_keeps_long_names_in_their_column():
    from benchmarks.__main__ import MEASURES, PROFILES, table

    assert set(MEASURES) == set(PROFILES) >= {"history", "handout_batch", "memory"}
    figures = [Figure("history_assessment_tab", 22.5, "ms", 17.0, 2.0, "ratio", "note"),
               Figure("memory", 153.2, "MB", 54.1, 2.0, "ratio", "peak")]  # fmt: skip
    lines = table(figures).splitlines()
    assert lines[0].startswith("figure" + " " * 18 + "      value")
    columns = [line[24:35] for line in lines[1:]]
    assert columns == ["   22.500ms", "  153.200MB"]
    assert "NO" in lines[2] and "yes" in lines[1]


def test_a_profile_is_summarised_and_kept(tmp_path, monkeypatch):
    from benchmarks import profiles

    monkeypatch.setattr(profiles, "FOLDER", tmp_path)
    text = profiles.run(lambda: sorted(str(n) for n in range(20000)), "tiny", "tiny: sorting")
    assert "tiny: sorting" in text and "cum ms" in text
    assert (tmp_path / "tiny.prof").exists() and (tmp_path / "tiny.txt").exists()
