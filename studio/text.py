"""Folding text the way the front desk searches: case, accents and punctuation don't matter."""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter plus accent.
_SPECIAL = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "þ": "th", "æ": "ae", "œ": "oe", "ß": "ss"}
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, accent-free form of `text`: "Zoë Łukasiewicz" -> "zoe lukasiewicz"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_SPECIAL)


def words(text: str) -> list[str]:
    """The folded words of `text`, split at anything that is not a letter or digit."""
    return _WORD.findall(fold(text))


def joined(text: str) -> str:
    """Folded text with separators removed, so "O'Brien" is found by typing "obrien"."""
    return "".join(words(text))


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit() and ch.isascii())


def sort_key(*parts: str | None) -> str:
    return " ".join(fold(p).strip() for p in parts if p)
