"""Outcome trend chart as renderer-neutral geometry.

The Qt painter and the PDF renderer draw the same `Chart`: plain lines, polylines, markers and
texts in a y-down space with (0, 0) at the top left, in the units of the width and height given
(pixels on screen, points on paper). Nothing here knows a painter, so the chart on screen and
the chart in a letter are the same drawing.

Two scales share the plot: pain (NPRS 0–10) on the left; disability on the right as a percent,
ODI as scored and RMDQ as a percent of its 24 items, so both questionnaires read "higher is
worse" on one axis. Each series has its own marker shape and dash so it reads in black and
white. Dates are spaced by real time, so a gap between visits looks like a gap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final, Protocol

from studio.clinical.measures import RMDQ_ITEM_COUNT

EMPTY_MESSAGE: Final = "No signed assessments yet"


class TrendPointLike(Protocol):
    assessed_on: date
    nprs_now: float | None
    odi_percent: float | None
    rmdq: float | None


@dataclass(frozen=True)
class SeriesStyle:
    label: str
    shape: str  # circle / square / triangle
    dash: tuple[float, ...]  # on/off lengths; () = solid
    axis: str  # left / right


SERIES: Final[Mapping[str, SeriesStyle]] = MappingProxyType(
    {
        "nprs": SeriesStyle("Pain now (NPRS 0–10)", "circle", (), "left"),
        "odi": SeriesStyle("ODI %", "square", (6.0, 3.0), "right"),
        "rmdq": SeriesStyle("RMDQ (% of 24)", "triangle", (2.0, 2.0), "right"),
    }
)
"""How each series is drawn; painters look the style up by `series`."""

LINE_STYLES: Final = ("axis", "grid", "tick")


@dataclass(frozen=True)
class Rect:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def contains(self, x: float, y: float, tolerance: float = 1e-6) -> bool:
        return (self.left - tolerance <= x <= self.right + tolerance) and (
            self.top - tolerance <= y <= self.bottom + tolerance
        )


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    style: str  # axis / grid / tick


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    series: str


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    series: str
    shape: str  # circle / square / triangle
    size: float = 3.5  # from the centre to the edge (a circle's radius)


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    anchor: str  # start / middle / end
    size: float
    series: str | None = None


@dataclass(frozen=True)
class LegendItem:
    """A legend entry: the series' marker centred at (x, y), its label starting at
    (text_x, text_y), in the chart's font size scaled like the axis labels."""

    series: str
    label: str
    shape: str
    x: float
    y: float
    text_x: float
    text_y: float
    size: float  # marker radius, as Marker.size


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    plot: Rect
    lines: tuple[Line, ...]
    polylines: tuple[Polyline, ...]
    markers: tuple[Marker, ...]
    texts: tuple[Text, ...]
    legend: tuple[LegendItem, ...]


# Layout, in the caller's units, for a chart around 480 x 260; scaled down for small charts.
_MARGIN_LEFT = 34.0
_MARGIN_RIGHT = 40.0
_MARGIN_TOP = 36.0
_MARGIN_BOTTOM = 34.0
_INSET = 12.0  # keeps the first and last marker off the axes
_FONT = 8.0
_MARKER = 3.5  # marker radius
_DATE_GAP = 44.0  # least distance between two date labels
_NPRS_TOP = 10.0
_PERCENT_TOP = 100.0


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _series_values(point: TrendPointLike) -> dict[str, float | None]:
    """The value of each series as a fraction of its axis (0 bottom, 1 top), or None."""
    rmdq = point.rmdq
    odi = point.odi_percent
    nprs = point.nprs_now
    return {
        "nprs": None if nprs is None else _clamp(nprs / _NPRS_TOP, 0, 1),
        "odi": None if odi is None else _clamp(odi / _PERCENT_TOP, 0, 1),
        "rmdq": None if rmdq is None else _clamp(rmdq / RMDQ_ITEM_COUNT, 0, 1),
    }


def _x_positions(days: Sequence[date], plot: Rect) -> list[float]:
    inset = min(_INSET, plot.width / 4)
    left, right = plot.left + inset, plot.right - inset
    first, last = min(days), max(days)
    span = (last - first).days
    if span == 0:
        return [(left + right) / 2] * len(days)
    return [left + (day - first).days / span * (right - left) for day in days]


def _frame(plot: Rect, scale: float) -> tuple[list[Line], list[Text]]:
    lines: list[Line] = []
    texts: list[Text] = []
    font = _FONT * scale
    for step in range(6):  # NPRS 0, 2, … 10 meets percent 0, 20, … 100 on the same gridline
        y = plot.bottom - step / 5 * plot.height
        lines.append(Line(plot.left, y, plot.right, y, "axis" if step == 0 else "grid"))
        texts.append(Text(plot.left - 4 * scale, y + font / 3, str(step * 2), "end", font))
        texts.append(Text(plot.right + 4 * scale, y + font / 3, f"{step * 20}%", "start", font))
    lines.append(Line(plot.left, plot.top, plot.left, plot.bottom, "axis"))
    lines.append(Line(plot.right, plot.top, plot.right, plot.bottom, "axis"))
    texts.append(Text(plot.left, plot.top - 6 * scale, "Pain (NPRS)", "middle", font, "nprs"))
    texts.append(Text(plot.right, plot.top - 6 * scale, "Disability %", "middle", font))
    return lines, texts


def _legend(plot: Rect, scale: float) -> tuple[LegendItem, ...]:
    items = []
    x = plot.left + 10 * scale
    y = 10 * scale
    font = _FONT * scale
    for name, style in SERIES.items():
        items.append(LegendItem(name, style.label, style.shape, x, y, x + 12 * scale, y + font / 3, _MARKER * scale))
        x += 24 * scale + len(style.label) * font * 0.75  # a generous label width: no font metrics here
    return tuple(items)


def _date_labels(days: Sequence[date], xs: Sequence[float], plot: Rect, scale: float) -> list[Text]:
    """Labels under the dates that fit; the first and the last always, the year when it changes."""
    font = _FONT * scale
    gap = _DATE_GAP * scale
    chosen: list[int] = []
    for i, x in enumerate(xs):
        if not chosen or x - xs[chosen[-1]] >= gap:
            chosen.append(i)
    last = len(xs) - 1
    if chosen[-1] != last:
        if len(chosen) > 1 and xs[last] - xs[chosen[-2]] >= gap:
            chosen[-1] = last
        elif xs[last] - xs[chosen[0]] >= gap:
            chosen = [chosen[0], last]
    texts: list[Text] = []
    year = None
    for i in chosen:
        day = days[i]
        texts.append(Text(xs[i], plot.bottom + 4 * scale + font, f"{day.day} {day:%b}", "middle", font))
        if day.year != year:
            texts.append(Text(xs[i], plot.bottom + 6 * scale + 2 * font, str(day.year), "middle", font))
            year = day.year
    return texts


def trend_chart(points: Sequence[TrendPointLike], width: float, height: float) -> Chart:
    """The chart of a client's signed assessments (oldest first, as `progress().trend` gives).

    Points may arrive in any order; they are drawn by date. A missing value leaves a gap in
    its series: the line stops at the last value before it and starts again after it.
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"a chart needs a positive size, not {width} x {height}")
    scale = _clamp(min(width / 480, height / 260), 0.5, 2.0)
    plot = Rect(
        _MARGIN_LEFT * scale,
        _MARGIN_TOP * scale,
        max(_MARGIN_LEFT * scale + 1, width - _MARGIN_RIGHT * scale),
        max(_MARGIN_TOP * scale + 1, height - _MARGIN_BOTTOM * scale),
    )
    lines, texts = _frame(plot, scale)
    legend = _legend(plot, scale)
    ordered = sorted(points, key=lambda p: p.assessed_on)
    if not ordered:
        centre = ((plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2)
        texts.append(Text(*centre, EMPTY_MESSAGE, "middle", _FONT * scale * 1.25))
        return Chart(width, height, plot, tuple(lines), (), (), tuple(texts), legend)

    days = [p.assessed_on for p in ordered]
    xs = _x_positions(days, plot)
    for x in dict.fromkeys(xs):
        lines.append(Line(x, plot.bottom, x, plot.bottom + 3 * scale, "tick"))
    texts.extend(_date_labels(days, xs, plot, scale))

    polylines: list[Polyline] = []
    markers: list[Marker] = []
    values = [_series_values(p) for p in ordered]
    for name, style in SERIES.items():
        run: list[tuple[float, float]] = []
        for x, value in zip(xs, values):
            if value[name] is None:
                if len(run) > 1:
                    polylines.append(Polyline(tuple(run), name))
                run = []
                continue
            y = plot.bottom - value[name] * plot.height
            run.append((x, y))
            markers.append(Marker(x, y, name, style.shape, _MARKER * scale))
        if len(run) > 1:
            polylines.append(Polyline(tuple(run), name))
    return Chart(width, height, plot, tuple(lines), tuple(polylines), tuple(markers), tuple(texts), legend)
