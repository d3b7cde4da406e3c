"""ReportLab painters for the renderer-neutral drawings of studio.figures and studio.charts.

They mirror ui/widgets/figure_view.py and ui/widgets/chart_view.py primitive for primitive, so
the figure on screen, the chart on the Assessment tab and the printed page agree.

    from reports.drawing import DrawingFlowable, FigureRow, ChartFlowable
    start, end = figures.pose_figures([ex.start_pose, ex.end_pose], 160, 120)
    story.append(FigureRow([start, end], height=110))            # start → end, with an arrow
    story.append(ChartFlowable(charts.trend_chart(points, 480, 240)))

Both work in the drawings' y-down space and convert to PDF points (y up) themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from reportlab.lib import colors
from reportlab.platypus import Flowable

from reports import fonts
from studio.charts import SERIES, Chart
from studio.figures import Circle, Drawing, Poly, Rect, Segment

TONE_COLOURS: Final = {
    "near": colors.HexColor("#111111"),
    "far": colors.HexColor("#8a8a8a"),
    "prop": colors.HexColor("#444444"),
    "floor": colors.HexColor("#666666"),
}
PROP_FILL: Final = colors.HexColor("#eeeeee")
OUTLINE: Final = 1.2  # drawing units, for circles, rects and polygons (as on screen)
ARROW_GAP: Final = 28.0  # points between a start and an end figure

SERIES_GREY: Final = {"nprs": colors.HexColor("#111111"), "odi": colors.HexColor("#4a4a4a"), "rmdq": colors.HexColor("#7a7a7a")}
SERIES_WIDTH: Final = 2.0
LINE_PENS: Final = {
    "axis": (colors.HexColor("#222222"), (), 0.9),
    "grid": (colors.HexColor("#cccccc"), (3, 2), 0.6),
}
DEFAULT_PEN: Final = (colors.HexColor("#444444"), (), 0.9)


def _tone(tone: str):
    return TONE_COLOURS.get(tone, TONE_COLOURS["prop"])


def paint_drawing(canvas, drawing: Drawing, x: float, y: float, width: float, height: float) -> None:
    """Paint `drawing` into the box whose bottom-left corner is (x, y), `width` x `height`
    points, scaled uniformly and centred."""
    s = min(width / drawing.width, height / drawing.height)
    ox = x + (width - s * drawing.width) / 2
    oy = y + (height - s * drawing.height) / 2
    h = drawing.height
    canvas.saveState()
    canvas.translate(ox, oy)
    canvas.scale(s, s)
    canvas.setLineCap(1)
    canvas.setLineJoin(1)
    # The pen is set only when it changes: a figure's limbs mostly share a colour, and every
    # setting is written out as numbers into the page.
    stroke = line_width = fill_colour = None
    for p in drawing.primitives:
        colour = _tone(p.tone)
        if colour is not stroke:
            canvas.setStrokeColor(colour)
            stroke = colour
        width = p.width if isinstance(p, Segment) else OUTLINE
        if width != line_width:
            canvas.setLineWidth(width)
            line_width = width
        if isinstance(p, Segment):
            canvas.line(p.x1, h - p.y1, p.x2, h - p.y2)
            continue
        fill = 1 if p.filled else 0
        paint = PROP_FILL if p.tone in ("prop", "floor") else colour
        if paint is not fill_colour:
            canvas.setFillColor(paint)
            fill_colour = paint
        if isinstance(p, Circle):
            canvas.circle(p.x, h - p.y, p.r, stroke=1, fill=fill)
        elif isinstance(p, Rect):
            canvas.rect(p.x, h - p.y - p.h, p.w, p.h, stroke=1, fill=fill)
        elif isinstance(p, Poly) and p.points:
            path = canvas.beginPath()
            first, *rest = p.points
            path.moveTo(first[0], h - first[1])
            for px, py in rest:
                path.lineTo(px, h - py)
            if p.filled:
                path.close()
            canvas.drawPath(path, stroke=1, fill=fill)
    canvas.restoreState()


def paint_arrow(canvas, x1: float, x2: float, y: float) -> None:
    """A small grey arrow from x1 to x2 at height y (PDF points, y up)."""
    canvas.saveState()
    canvas.setStrokeColor(TONE_COLOURS["floor"])
    canvas.setFillColor(TONE_COLOURS["floor"])
    canvas.setLineWidth(1.6)
    canvas.setLineCap(1)
    canvas.line(x1, y, x2 - 4, y)
    path = canvas.beginPath()
    path.moveTo(x2, y)
    path.lineTo(x2 - 7, y + 4)
    path.lineTo(x2 - 7, y - 4)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class DrawingFlowable(Flowable):
    """One studio.figures Drawing as a flowable of `width` x `height` points (the drawing's own
    size when omitted), scaled uniformly and centred."""

    def __init__(self, drawing: Drawing, width: float | None = None, height: float | None = None):
        super().__init__()
        self.drawing = drawing
        self.width = float(width if width is not None else drawing.width)
        self.height = float(height if height is not None else drawing.height)

    def wrap(self, availWidth, availHeight):  # noqa: N803 - ReportLab API
        return self.width, self.height

    def draw(self) -> None:
        paint_drawing(self.canv, self.drawing, 0, 0, self.width, self.height)


class FigureRow(Flowable):
    """One or two drawings side by side (an exercise's start and end) with an arrow between,
    as the FigureView shows them; `height` in points, widths follow the drawings' proportions.
    `labels` (plain text, e.g. ("Start", "End")) are printed small under each figure."""

    LABEL_SIZE: Final = 8.0

    def __init__(self, drawings: Sequence[Drawing], height: float, labels: Sequence[str] | None = None):
        super().__init__()
        self.drawings = tuple(drawings)
        self.figure_height = float(height)
        self.labels = tuple(labels or ())
        self.scales = [height / d.height for d in self.drawings]
        widths = [d.width * s for d, s in zip(self.drawings, self.scales)]
        self.widths = widths
        self.width = sum(widths) + ARROW_GAP * max(0, len(widths) - 1)
        self.height = self.figure_height + (self.LABEL_SIZE + 3 if self.labels else 0)

    def wrap(self, availWidth, availHeight):  # noqa: N803 - ReportLab API
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        base = self.height - self.figure_height
        x = 0.0
        for i, (drawing, w) in enumerate(zip(self.drawings, self.widths)):
            if i:
                paint_arrow(canvas, x + 6, x + ARROW_GAP - 6, base + self.figure_height / 2)
                x += ARROW_GAP
            canvas.saveState()
            canvas.setStrokeColor(colors.HexColor("#cfcfcf"))
            canvas.setLineWidth(0.5)
            canvas.roundRect(x, base, w, self.figure_height, 4, stroke=1, fill=0)
            canvas.restoreState()
            paint_drawing(canvas, drawing, x, base, w, self.figure_height)
            if i < len(self.labels) and self.labels[i]:
                canvas.saveState()
                canvas.setFont(fonts.REGULAR, self.LABEL_SIZE)
                canvas.setFillColor(colors.HexColor("#555555"))
                canvas.drawCentredString(x + w / 2, 1, self.labels[i])
                canvas.restoreState()
            x += w


# --- charts -------------------------------------------------------------------------------------


def _marker(canvas, series: str, shape: str, x: float, y: float, size: float) -> None:
    """(x, y) in PDF points, y up."""
    colour = SERIES_GREY.get(series, colors.HexColor("#222222"))
    canvas.setStrokeColor(colour)
    canvas.setLineWidth(1.3)
    canvas.setFillColor(colour if shape == "circle" else colors.white)
    if shape == "square":
        canvas.rect(x - size, y - size, 2 * size, 2 * size, stroke=1, fill=1)
    elif shape == "triangle":
        path = canvas.beginPath()
        path.moveTo(x, y + size * 1.2)
        path.lineTo(x + size * 1.1, y - size * 0.8)
        path.lineTo(x - size * 1.1, y - size * 0.8)
        path.close()
        canvas.drawPath(path, stroke=1, fill=1)
    else:
        canvas.circle(x, y, size, stroke=1, fill=1)


def paint_chart(canvas, chart: Chart, x: float = 0, y: float = 0) -> None:
    """Paint a studio.charts Chart with its bottom-left corner at (x, y) (PDF points)."""
    fonts.register()
    h = chart.height
    canvas.saveState()
    canvas.translate(x, y)
    for line in chart.lines:
        colour, dash, width = LINE_PENS.get(line.style, DEFAULT_PEN)
        canvas.setStrokeColor(colour)
        canvas.setLineWidth(width)
        canvas.setDash(list(dash), 0) if dash else canvas.setDash()
        canvas.line(line.x1, h - line.y1, line.x2, h - line.y2)
    canvas.setDash()
    canvas.setLineCap(0)
    canvas.setLineJoin(1)
    for poly in chart.polylines:
        canvas.setStrokeColor(SERIES_GREY.get(poly.series, colors.HexColor("#444444")))
        canvas.setLineWidth(SERIES_WIDTH)
        dash = SERIES[poly.series].dash if poly.series in SERIES else ()
        canvas.setDash(list(dash), 0) if dash else canvas.setDash()
        path = canvas.beginPath()
        (x0, y0), *rest = poly.points
        path.moveTo(x0, h - y0)
        for px, py in rest:
            path.lineTo(px, h - py)
        canvas.drawPath(path, stroke=1, fill=0)
    canvas.setDash()
    for marker in chart.markers:
        _marker(canvas, marker.series, marker.shape, marker.x, h - marker.y, marker.size)
    for item in chart.legend:
        _marker(canvas, item.series, item.shape, item.x, h - item.y, item.size)
        _text(canvas, item.text_x, h - item.text_y, item.label, "start", max(7.0, item.size * 2.4), item.series)
    for t in chart.texts:
        _text(canvas, t.x, h - t.y, t.text, t.anchor, t.size, t.series)
    canvas.restoreState()


def _text(canvas, x: float, y: float, words: str, anchor: str, size: float, series: str | None) -> None:
    canvas.setFont(fonts.REGULAR, max(6.5, size))
    canvas.setFillColor(SERIES_GREY.get(series or "", colors.HexColor("#222222")))
    if anchor == "middle":
        canvas.drawCentredString(x, y, words)
    elif anchor == "end":
        canvas.drawRightString(x, y, words)
    else:
        canvas.drawString(x, y, words)


class ChartFlowable(Flowable):
    """A studio.charts Chart as a flowable of the chart's own size (compute the chart for the
    width you want: `trend_chart(points, width, height)`)."""

    def __init__(self, chart: Chart):
        super().__init__()
        self.chart = chart
        self.width = chart.width
        self.height = chart.height

    def wrap(self, availWidth, availHeight):  # noqa: N803 - ReportLab API
        return self.width, self.height

    def draw(self) -> None:
        paint_chart(self.canv, self.chart)
