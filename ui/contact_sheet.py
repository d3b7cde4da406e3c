"""A PNG contact sheet of exercise figures, to look at every pose at once.

    uv run python -m ui.contact_sheet OUT.png            # every base pose, labelled
    uv run python -m ui.contact_sheet OUT.png --library  # every exercise: start -> end, named

The library may be half written: a file or an entry that does not draw is skipped with a
warning naming the exercise code and the error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

CELL_W, CELL_H, LABEL_H, PAD = 200, 150, 18, 6
_APP = None
EXERCISES = Path(__file__).resolve().parent.parent / "resources" / "exercises"


def base_pose_cells() -> list[tuple[str, tuple]]:
    from studio.figures import BASE_POSES, pose_figure

    return [(name, (pose_figure({"base": name}, CELL_W, CELL_H),)) for name in BASE_POSES]


def library_cells(folder: Path = EXERCISES, warn=print) -> list[tuple[str, tuple]]:
    from studio.figures import pose_figures

    cells = []
    for path in sorted(folder.glob("*.json")):
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(entries, list):
                raise ValueError("the file is not a JSON list")
        except (OSError, ValueError) as error:
            warn(f"warning: {path.name}: {error}")
            continue
        for entry in entries:
            code = entry.get("code", "?") if isinstance(entry, dict) else "?"
            try:
                poses = entry["poses"]
                drawings = pose_figures([poses["start"], poses["end"]], CELL_W, CELL_H)
            except (KeyError, TypeError, ValueError) as error:
                warn(f"warning: {code}: {type(error).__name__}: {error}")
                continue
            cells.append((f"{code}: {entry.get('name', '')}", drawings))
    return cells


def render_sheet(cells: Sequence[tuple[str, tuple]], out: Path, columns: int | None = None) -> Path:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

    from ui.widgets.figure_view import ARROW_GAP, paint_arrow, paint_drawing

    widest = max((len(d) for _label, d in cells), default=1)
    cell_w = CELL_W * widest + ARROW_GAP * (widest - 1) + 2 * PAD
    cell_h = CELL_H + LABEL_H + 2 * PAD
    columns = columns or max(1, min(len(cells), 5 if widest == 1 else 3))
    rows = max(1, -(-len(cells) // columns))
    image = QImage(int(cell_w * columns), int(cell_h * rows), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    font = QFont()
    font.setPixelSize(12)
    painter.setFont(font)
    for i, (label, drawings) in enumerate(cells):
        x0, y0 = (i % columns) * cell_w + PAD, (i // columns) * cell_h + PAD
        painter.setPen(QPen(QColor("#dddddd"), 1))
        painter.drawRect(QRectF(x0 - PAD / 2, y0 - PAD / 2, cell_w - PAD, cell_h - PAD))
        x = x0
        for j, drawing in enumerate(drawings):
            if j:
                paint_arrow(painter, x + 6, x + ARROW_GAP - 6, y0 + CELL_H / 2)
                x += ARROW_GAP
            paint_drawing(painter, drawing, QRectF(x, y0, CELL_W, CELL_H))
            x += CELL_W
        painter.setPen(QColor("#222222"))
        text = painter.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight, int(cell_w - 2 * PAD))
        painter.drawText(QRectF(x0, y0 + CELL_H, cell_w - 2 * PAD, LABEL_H), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    if not image.save(str(out)):
        raise OSError(f"could not write {out}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.contact_sheet", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the PNG to write")
    parser.add_argument("--library", action="store_true", help="every exercise in resources/exercises instead of the base poses")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    global _APP
    _APP = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    cells = library_cells() if args.library else base_pose_cells()
    if not cells:
        print("nothing to draw", file=sys.stderr)
        return 1
    render_sheet(cells, args.out)
    print(f"{len(cells)} figures -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
