"""The trend chart's geometry: what any painter draws, checked without a painter."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from studio.charts import EMPTY_MESSAGE, SERIES, Chart, trend_chart
from studio.services.assessments import TrendPoint

START = date(2025, 11, 3)


def point(days: int, nprs=None, odi=None, rmdq=None) -> TrendPoint:
    return TrendPoint(START + timedelta(days=days), nprs, odi, rmdq)


STORY = [point(0, 7, 48.0, 14), point(28, 6, 40.0, 11), point(91, 4, 28.0, 7), point(120, 3, 20.0, 4)]


def texts(chart: Chart) -> list[str]:
    return [t.text for t in chart.texts]


def markers(chart: Chart, series: str):
    return [m for m in chart.markers if m.series == series]


def lines_of(chart: Chart, series: str):
    return [p for p in chart.polylines if p.series == series]


def test_every_point_and_line_is_inside_the_plot_area():
    chart = trend_chart(STORY, 480, 260)
    plot = chart.plot
    assert 0 < plot.left < plot.right < 480 and 0 < plot.top < plot.bottom < 260
    assert len(chart.markers) == 12
    assert all(plot.contains(m.x, m.y) for m in chart.markers)
    assert all(plot.contains(x, y) for line in chart.polylines for x, y in line.points)
    assert all(0 <= t.x <= 480 and 0 <= t.y <= 260 for t in chart.texts)
    assert all(0 <= item.x <= 480 and 0 <= item.text_y <= plot.top for item in chart.legend)


def test_dates_are_spaced_by_real_time_left_to_right():
    chart = trend_chart(STORY, 480, 260)
    xs = [m.x for m in markers(chart, "nprs")]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    gaps = [b - a for a, b in zip(xs, xs[1:])]
    # 28, 63 and 29 days between visits.
    assert gaps[1] / gaps[0] == pytest.approx(63 / 28)
    assert gaps[2] / gaps[0] == pytest.approx(29 / 28)
    # Points given out of order are drawn by date.
    assert trend_chart(list(reversed(STORY)), 480, 260) == chart


def test_both_scales_put_values_where_they_belong():
    chart = trend_chart([point(0, 10, 50.0, 12), point(30, 0, 100.0, 24), point(60, 5, 0.0, 0)], 400, 300)
    plot = chart.plot
    nprs = [m.y for m in markers(chart, "nprs")]
    odi = [m.y for m in markers(chart, "odi")]
    rmdq = [m.y for m in markers(chart, "rmdq")]
    middle = (plot.top + plot.bottom) / 2
    assert nprs == pytest.approx([plot.top, plot.bottom, middle])  # NPRS 10 at the very top
    assert odi == pytest.approx([middle, plot.top, plot.bottom])
    assert rmdq == pytest.approx([middle, plot.top, plot.bottom])  # 12 of 24 is half-way


def test_series_are_told_apart_without_colour():
    chart = trend_chart(STORY, 480, 260)
    shapes = {m.series: m.shape for m in chart.markers}
    assert shapes == {"nprs": "circle", "odi": "square", "rmdq": "triangle"}
    assert len({style.dash for style in SERIES.values()}) == 3
    assert [(item.series, item.shape) for item in chart.legend] == [(name, s.shape) for name, s in SERIES.items()]
    legend_text = " ".join(item.label for item in chart.legend)
    assert "NPRS" in legend_text and "ODI" in legend_text and "RMDQ" in legend_text


def test_axis_and_date_labels_are_present():
    chart = trend_chart(STORY, 480, 260)
    shown = texts(chart)
    for label in ("0", "2", "4", "6", "8", "10", "0%", "20%", "40%", "60%", "80%", "100%"):
        assert label in shown
    assert "Pain (NPRS)" in shown and "Disability %" in shown
    assert "3 Nov" in shown and "3 Mar" in shown  # the first and last visit are always labelled
    assert "2025" in shown and "2026" in shown  # the year, where it changes
    left_labels = [t for t in chart.texts if t.text == "10"]
    assert left_labels[0].x < chart.plot.left and left_labels[0].anchor == "end"
    assert [t for t in chart.texts if t.text == "100%"][0].x > chart.plot.right
    axes = [line for line in chart.lines if line.style == "axis"]
    assert any(line.x1 == line.x2 == chart.plot.left for line in axes)
    assert any(line.y1 == line.y2 == chart.plot.bottom for line in axes)
    assert sum(line.style == "grid" for line in chart.lines) == 5
    assert sum(line.style == "tick" for line in chart.lines) == 4


def test_date_labels_that_would_collide_are_left_out():
    crowded = [point(day, 5) for day in range(0, 10)] + [point(200, 3)]
    chart = trend_chart(crowded, 480, 260)
    day_labels = [t for t in chart.texts if t.text[0].isdigit() and " " in t.text]
    xs = sorted(t.x for t in day_labels)
    assert len(day_labels) < len(crowded)
    assert all(b - a >= 40 for a, b in zip(xs, xs[1:]))
    assert "22 May" in texts(chart)  # the last visit keeps its label


def test_a_missing_value_breaks_the_line():
    story = [point(0, 7, 40.0, 12), point(30, 6, None, 10), point(60, None, 30.0, 8), point(90, 4, 26.0, None),
             point(120, 3, 20.0, 5)]  # fmt: skip
    chart = trend_chart(story, 480, 260)
    nprs = lines_of(chart, "nprs")
    assert [len(line.points) for line in nprs] == [2, 2]
    assert nprs[0].points[-1][0] < nprs[1].points[0][0]
    # ODI: 40 stands alone (a marker, no line), then 30, 26, 20 are joined.
    assert [len(line.points) for line in lines_of(chart, "odi")] == [3]
    assert len(markers(chart, "odi")) == 4
    assert [len(line.points) for line in lines_of(chart, "rmdq")] == [3]
    assert len(markers(chart, "rmdq")) == 4


def test_a_single_assessment_draws_points_but_no_lines():
    chart = trend_chart([point(0, 6, 34.0, 9)], 480, 260)
    assert chart.polylines == ()
    assert len(chart.markers) == 3
    middle = (chart.plot.left + chart.plot.right) / 2
    assert all(m.x == pytest.approx(middle) for m in chart.markers)
    assert "3 Nov" in texts(chart)
    assert EMPTY_MESSAGE not in texts(chart)


def test_no_points_draws_the_frame_and_says_so():
    chart = trend_chart([], 480, 260)
    assert chart.polylines == () and chart.markers == ()
    assert EMPTY_MESSAGE in texts(chart) and EMPTY_MESSAGE == "No signed assessments yet"
    assert any(line.style == "axis" for line in chart.lines)


def test_small_and_large_sizes_keep_everything_in_bounds():
    for width, height in ((200, 120), (480, 260), (1200, 700)):
        chart = trend_chart(STORY, width, height)
        assert all(chart.plot.contains(m.x, m.y) for m in chart.markers)
        assert all(0 <= t.x <= width and 0 <= t.y <= height for t in chart.texts)
    with pytest.raises(ValueError):
        trend_chart(STORY, 0, 100)


def test_out_of_range_values_are_kept_on_the_plot():
    chart = trend_chart([point(0, 12, 130.0, 30), point(10, -1, -5.0, -2)], 300, 200)
    assert all(chart.plot.contains(m.x, m.y) for m in chart.markers)
