"""Paints an exercise figure from studio.figures with QPainter.

The geometry is computed in studio/ and ReportLab draws the same primitives on paper, so the
figure on screen and the figure in a handout agree. Grey levels only: near limbs black, far
limbs mid-grey and thinner, props outlined with a light fill.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from studio.figures import Circle, Drawing, Poly, Rect, Segment

TONE_COLOURS = {"near": QColor("#111111"), "far": QColor("#8a8a8a"), "prop": QColor("#444444"), "floor": QColor("#666666")}
PROP_FILL = QColor("#eeeeee")
OUTLINE = 1.2  # drawing units, for circles, rects and polygons
ARROW_GAP = 28.0  # between a start and an end figure


def _colour(tone: str) -> QColor:
    return TONE_COLOURS.get(tone, TONE_COLOURS["prop"])


def _pen(tone: str, width: float) -> QPen:
    pen = QPen(_colour(tone), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _brush(tone: str, filled: bool) -> QBrush:
    if not filled:
        return QBrush(Qt.BrushStyle.NoBrush)
    return QBrush(PROP_FILL if tone in ("prop", "floor") else _colour(tone))


def paint_drawing(painter: QPainter, drawing: Drawing, rect: QRectF | None = None) -> None:
    """Paint `drawing` into `rect` (its own size at the origin when None), scaled uniformly and
    centred when the sizes differ."""
    rect = QRectF(0, 0, drawing.width, drawing.height) if rect is None else QRectF(rect)
    s = min(rect.width() / drawing.width, rect.height() / drawing.height)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(rect.x() + (rect.width() - s * drawing.width) / 2, rect.y() + (rect.height() - s * drawing.height) / 2)
    painter.scale(s, s)
    for p in drawing.primitives:
        if isinstance(p, Segment):
            painter.setPen(_pen(p.tone, p.width))
            painter.drawLine(QPointF(p.x1, p.y1), QPointF(p.x2, p.y2))
            continue
        painter.setPen(_pen(p.tone, OUTLINE))
        painter.setBrush(_brush(p.tone, p.filled))
        if isinstance(p, Circle):
            painter.drawEllipse(QPointF(p.x, p.y), p.r, p.r)
        elif isinstance(p, Rect):
            painter.drawRect(QRectF(p.x, p.y, p.w, p.h))
        elif isinstance(p, Poly):
            polygon = QPolygonF([QPointF(x, y) for x, y in p.points])
            if p.filled:
                painter.drawPolygon(polygon)
            else:
                painter.drawPolyline(polygon)
    painter.restore()


def paint_arrow(painter: QPainter, x1: float, x2: float, y: float) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(_pen("floor", 1.6))
    painter.setBrush(_colour("floor"))
    painter.drawLine(QPointF(x1, y), QPointF(x2 - 4, y))
    painter.drawPolygon(QPolygonF([QPointF(x2, y), QPointF(x2 - 7, y - 4), QPointF(x2 - 7, y + 4)]))
    painter.restore()


class FigureView(QWidget):
    """Shows one figure, or a start and an end figure with an arrow between, at their size."""

    def __init__(self, drawings: Sequence[Drawing] | Drawing | None = None, parent=None):
        super().__init__(parent)
        self._drawings: tuple[Drawing, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        if drawings is not None:
            self.set_drawings(drawings)

    def drawings(self) -> tuple[Drawing, ...]:
        return self._drawings

    def set_drawings(self, drawings: Sequence[Drawing] | Drawing | None) -> None:
        if drawings is None:
            drawings = ()
        elif isinstance(drawings, Drawing):
            drawings = (drawings,)
        if len(drawings) > 2:
            raise ValueError(f"a figure view shows one or two drawings, not {len(drawings)}")
        self._drawings = tuple(drawings)
        self.setFixedSize(self.sizeHint())
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        if not self._drawings:
            return QSize(0, 0)
        width = sum(d.width for d in self._drawings) + ARROW_GAP * (len(self._drawings) - 1)
        return QSize(round(width), round(max(d.height for d in self._drawings)))

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        x = 0.0
        for i, drawing in enumerate(self._drawings):
            if i:
                paint_arrow(painter, x + 6, x + ARROW_GAP - 6, self.height() / 2)
                x += ARROW_GAP
            paint_drawing(painter, drawing, QRectF(x, 0, drawing.width, drawing.height))
            x += drawing.width
        painter.end()
