"""The one embedded font family of every printed document, registered once and lazily.

DejaVu Sans ships in resources/fonts/ and covers Latin with accents, Greek and Cyrillic, so
"Zoë Łukasiewicz-Ødegård" prints as typed. Call `register()` before building a document (the
stylesheet and the page templates do it for you); it is cheap after the first call and safe
from several threads.

    from reports import fonts
    fonts.register()
    canvas.setFont(fonts.BOLD, 12)

In Paragraph markup `<b>`/`<i>` pick the bold/oblique faces, because the four faces are
registered as one family named `FAMILY`.
"""

from __future__ import annotations

import threading
from importlib.resources import as_file, files
from typing import Final

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY: Final = "Upright"
REGULAR: Final = "Upright"
BOLD: Final = "Upright-Bold"
ITALIC: Final = "Upright-Oblique"
BOLD_ITALIC: Final = "Upright-BoldOblique"

_FILES: Final = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}

_lock = threading.Lock()
_registered = False


def register() -> None:
    """Register the four faces with ReportLab (embedded, subset) once per process."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        folder = files("resources") / "fonts"
        for name, filename in _FILES.items():
            with as_file(folder / filename) as path:
                pdfmetrics.registerFont(TTFont(name, str(path)))
        pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
        addMapping(FAMILY, 0, 0, REGULAR)
        addMapping(FAMILY, 1, 0, BOLD)
        addMapping(FAMILY, 0, 1, ITALIC)
        addMapping(FAMILY, 1, 1, BOLD_ITALIC)
        _registered = True


def covers(ch: str) -> bool:
    """Whether the regular face has a glyph for the character `ch` (tests use this to decide
    which typed characters must read back from the PDF)."""
    register()
    face = pdfmetrics.getFont(REGULAR).face
    return ord(ch) in face.charToGlyph


def string_width(text: str, font: str = REGULAR, size: float = 10) -> float:
    register()
    return pdfmetrics.stringWidth(text, font, size)
