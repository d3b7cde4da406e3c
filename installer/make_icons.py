"""Render Upright's icon (resources/icons/upright.svg, and upright-small.svg below 40 px) into the
files the program and the installers use:

    resources/icons/upright.png             256 px: the window icon (with the sized ones below)
    resources/icons/upright-SIZE.png        16, 24, 32, 48, 64 and 128 px
    resources/icons/upright.ico             Windows: upright.exe and the installer (16–256 px)
    resources/icons/upright.icns            macOS: Upright.app (16–1024 px)

    uv run python installer/make_icons.py

A build-time tool: it uses QtSvg, which the shipped program neither imports nor bundles. The ICO
and ICNS containers are written here (both are simple formats): the ICO holds 32-bit BMP images
up to 64 px and PNG images at 128 and 256 px (as Windows Vista and later read them); the ICNS
holds PNG images. The output is
the same bytes every run, so the generated files are committed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
LARGE = ICONS / "upright.svg"
SMALL = ICONS / "upright-small.svg"
SMALL_UP_TO = 40  # px: below this the simplified drawing is rendered

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)  # upright-SIZE.png; upright.png is the 256
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_PNG_FROM = 128  # entries this size and up are PNG inside the ICO (Windows Vista and later), smaller ones BMP
# ICNS element type → pixel size (the PNG-holding types; "@2x" ones are the retina variants).
ICNS_TYPES = {
    "icp4": 16, "icp5": 32, "ic11": 32, "ic12": 64, "ic07": 128,
    "ic13": 256, "ic08": 256, "ic14": 512, "ic09": 512, "ic10": 1024,
}  # fmt: skip


def _application():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication(sys.argv[:1])


def render(size: int):
    """The icon at `size` px as a QImage (ARGB32, straight alpha)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SMALL if size < SMALL_UP_TO else LARGE))
    if not renderer.isValid():
        raise SystemExit(f"can't read {SMALL if size < SMALL_UP_TO else LARGE}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit("Qt could not write a PNG")
    buffer.close()
    return bytes(data.data())


def bmp_icon_bytes(image) -> bytes:
    """An ICO entry as a DIB: BITMAPINFOHEADER (height doubled: image plus mask), 32-bit BGRA rows
    bottom-up, then the 1-bit AND mask (all zero: the alpha channel decides)."""
    width, height = image.width(), image.height()
    header = struct.pack("<IiiHHIIiiII", 40, width, height * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    rows = []
    for y in range(height - 1, -1, -1):
        row = bytearray()
        for x in range(width):
            argb = image.pixel(x, y)
            row += struct.pack("<I", argb)  # little-endian 0xAARRGGBB is B, G, R, A
        rows.append(bytes(row))
    mask_row = ((width + 31) // 32) * 4
    return header + b"".join(rows) + bytes(mask_row * height)


def ico_bytes(images: dict[int, object]) -> bytes:
    """An ICO file: ICONDIR, one ICONDIRENTRY per size, then the images."""
    entries, blobs = [], []
    offset = 6 + 16 * len(images)
    for size in sorted(images):
        blob = png_bytes(images[size]) if size >= ICO_PNG_FROM else bmp_icon_bytes(images[size])
        side = 0 if size >= 256 else size  # 0 means 256
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return struct.pack("<HHH", 0, 1, len(images)) + b"".join(entries) + b"".join(blobs)


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICNS file: 'icns' and the total length, then (type, length, PNG) elements."""
    elements = b"".join(
        kind.encode("ascii") + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES.items()
    )
    return b"icns" + struct.pack(">I", 8 + len(elements)) + elements


def make(folder: Path = ICONS) -> list[Path]:
    _application()
    sizes = sorted(set(PNG_SIZES) | set(ICO_SIZES) | set(ICNS_TYPES.values()))
    images = {size: render(size) for size in sizes}
    pngs = {size: png_bytes(image) for size, image in images.items()}
    written = {
        folder / "upright.png": pngs[256],
        **{folder / f"upright-{size}.png": pngs[size] for size in PNG_SIZES if size != 256},
        folder / "upright.ico": ico_bytes({size: images[size] for size in ICO_SIZES}),
        folder / "upright.icns": icns_bytes(pngs),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for path, data in written.items():
        path.write_bytes(data)
    return list(written)


def main() -> int:
    for path in make():
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
