"""The figure painter: paints every base pose without error, and the trunk comes out dark."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from studio.figures import BASE_POSES, pose_figure, pose_figures
from ui.widgets.figure_view import FigureView, paint_drawing


def darkness(image: QImage, x: float, y: float) -> int:
    return 255 - QColor(image.pixel(round(x), round(y))).value()


def test_figure_view_paints_the_trunk_dark(qtbot):
    drawing = pose_figure({"base": "standing"}, 160, 120)
    view = FigureView(drawing)
    qtbot.addWidget(view)
    view.show()
    assert view.size().width() == 160 and view.size().height() == 120
    image = view.grab().toImage()
    (hx, hy), (sx, sy) = drawing.joint("hip"), drawing.joint("shoulder")
    middle = ((hx + sx) / 2, (hy + sy) / 2)
    assert darkness(image, *middle) > 200  # near tone #111 on the trunk
    assert darkness(image, 3, 3) == 0  # white background in the margin


def test_figure_view_shows_start_and_end_with_an_arrow(qtbot):
    start, end = pose_figures([{"base": "standing"}, {"base": "hinge"}], 120, 100)
    view = FigureView([start, end])
    qtbot.addWidget(view)
    assert view.sizeHint().width() > 240
    image = view.grab().toImage()
    (hx, hy), (sx, sy) = end.joint("hip"), end.joint("shoulder")
    offset = view.sizeHint().width() - end.width
    assert darkness(image, offset + (hx + sx) / 2, (hy + sy) / 2) > 200
    assert darkness(image, 120 + 14, 50) > 60  # the arrow between


def test_every_base_pose_and_prop_paints_into_an_image(qtbot):
    image = QImage(200, 150, QImage.Format.Format_RGB32)
    props = [{"kind": k} for k in ("mat", "wall", "box")] + [{"kind": "kettlebell", "hand": "near"}, {"kind": "band", "hand": "near"}]
    for name in BASE_POSES:
        image.fill(QColor("white"))
        painter = QPainter(image)
        paint_drawing(painter, pose_figure({"base": name, "props": props}, 100, 75), QRectF(0, 0, 200, 150))
        painter.end()
        dark = sum(darkness(image, x, y) > 128 for x in range(0, 200, 2) for y in range(0, 150, 2))
        assert dark > 30, name


def test_contact_sheet_skips_bad_library_entries_with_a_warning(qtbot, tmp_path):
    import json

    from ui.contact_sheet import library_cells, render_sheet

    good = {"code": "bird_dog", "name": "Bird dog", "poses": {"start": {"base": "quadruped"}, "end": {"base": "quadruped", "angles": {"thigh_far": 180}}}}
    bad = {"code": "odd_one", "name": "Odd", "poses": {"start": {"base": "plank"}, "end": {"base": "standing"}}}
    half = {"code": "half_done", "name": "Half"}
    (tmp_path / "a.json").write_text(json.dumps([good, bad, half]), encoding="utf-8")
    (tmp_path / "b.json").write_text("[{", encoding="utf-8")
    warnings: list[str] = []
    cells = library_cells(tmp_path, warn=warnings.append)
    assert [label for label, _d in cells] == ["bird_dog: Bird dog"]
    assert any("odd_one" in w and "plank" in w for w in warnings)
    assert any("half_done" in w for w in warnings)
    assert any("b.json" in w for w in warnings)
    out = render_sheet(cells, tmp_path / "sheet.png")
    assert QImage(str(out)).width() > 400
