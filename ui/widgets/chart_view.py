"""Paints a renderer-neutral chart from studio.charts with QPainter.

The geometry is computed in studio/ for the widget's size; ReportLab draws the same primitives
on paper, so the screen and the printed report agree. Series are told apart by line dash and
marker shape as well as by grey level, so they read in black and white.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from studio.charts import SERIES

# Grey levels only: the dash pattern and marker shape (from studio.charts) tell series apart.
SERIES_GREY = {"nprs": QColor("#111111"), "odi": QColor("#4a4a4a"), "rmdq": QColor("#7a7a7a")}
SERIES_WIDTH = 2.0
LINE_PENS = {
    "axis": (QColor("#222222"), Qt.PenStyle.SolidLine, 1.0),
    "grid": (QColor("#dddddd"), Qt.PenStyle.DashLine, 1.0),
}
DEFAULT_PEN = (QColor("#444444"), Qt.PenStyle.SolidLine, 1.0)


def _pen(spec) -> QPen:
    colour, style, width = spec
    pen = QPen(colour, width, style)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


def _series_pen(series: str) -> QPen:
    pen = QPen(SERIES_GREY.get(series, QColor("#444444")), SERIES_WIDTH)
    dash = SERIES[series].dash if series in SERIES else ()
    if dash:
        pen.setDashPattern([length / SERIES_WIDTH for length in dash])  # Qt counts in pen widths
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def _series_colour(series: str | None) -> QColor:
    return SERIES_GREY.get(series or "", QColor("#222222"))


class ChartView(QWidget):
    """Shows the chart that `make_chart(width, height)` returns, recomputed when resized."""

    def __init__(self, make_chart: Callable[[float, float], object] | None = None, parent=None):
        super().__init__(parent)
        self.make_chart = make_chart
        self.setMinimumHeight(240)

    def set_chart_maker(self, make_chart) -> None:
        self.make_chart = make_chart
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        if self.make_chart is not None:
            paint_chart(painter, self.make_chart(float(self.width()), float(self.height())))
        painter.end()


def paint_chart(painter: QPainter, chart) -> None:
    for line in chart.lines:
        painter.setPen(_pen(LINE_PENS.get(line.style, DEFAULT_PEN)))
        painter.drawLine(QPointF(line.x1, line.y1), QPointF(line.x2, line.y2))
    for poly in chart.polylines:
        painter.setPen(_series_pen(poly.series))
        painter.drawPolyline(QPolygonF([QPointF(x, y) for x, y in poly.points]))
    for marker in chart.markers:
        _marker(painter, marker.series, marker.shape, marker.x, marker.y, marker.size)
    for item in chart.legend:
        _marker(painter, item.series, item.shape, item.x, item.y, item.size)
        _text(painter, item.text_x, item.text_y, item.label, "start", 9.0, item.series)
    for text in chart.texts:
        _text(painter, text.x, text.y, text.text, text.anchor, text.size, text.series)


def _text(painter: QPainter, x: float, y: float, words: str, anchor: str, size: float, series: str | None) -> None:
    font = QFont()
    font.setPixelSize(max(8, round(size * 1.25)))
    painter.setFont(font)
    painter.setPen(_series_colour(series))
    metrics = painter.fontMetrics()
    width = metrics.horizontalAdvance(words)
    left = {"start": x, "middle": x - width / 2, "end": x - width}.get(anchor, x)
    painter.drawText(QPointF(left, y), words)  # y is the baseline, as in studio.charts


def _marker(painter: QPainter, series: str, shape: str, x: float, y: float, size: float) -> None:
    colour = _series_colour(series)
    painter.setPen(QPen(colour, 1.5))
    painter.setBrush(colour if shape == "circle" else QColor("white"))
    if shape == "square":
        painter.drawRect(QRectF(x - size, y - size, 2 * size, 2 * size))
    elif shape == "triangle":
        path = QPainterPath(QPointF(x, y - size * 1.2))
        path.lineTo(x + size * 1.1, y + size * 0.8)
        path.lineTo(x - size * 1.1, y + size * 0.8)
        path.closeSubpath()
        painter.drawPath(path)
    else:
        painter.drawEllipse(QPointF(x, y), size, size)
    painter.setBrush(Qt.BrushStyle.NoBrush)
