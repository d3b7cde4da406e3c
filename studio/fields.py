"""Field descriptions shared by the forms on screen and the CSV columns.

One description per field means the Client form, the clinician form and a CSV import all accept
and refuse exactly the same things, with the same words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from studio.text import digits

OLDEST_BIRTH_YEAR = 1900


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # text, name, multiline, date, birth_date, email, phone, choice, bool, staff, clinician
    required: bool = False
    max_length: int = 200
    choices: tuple[tuple[str, str], ...] = ()  # (code, label)
    hint: str = ""

    def choice_label(self, code: str | None) -> str:
        return dict(self.choices).get(code or "", "")


# --- single-value checks --------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%b %d, %Y", "%B %d, %Y")
_EMAIL = re.compile(r"^[^@\s<>\",;]+@[^@\s<>\",;]+\.[^@\s<>\",;.]{2,}$")
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()\-./]+(?:\s*(?:x|ext\.?)\s*[0-9]{1,6})?$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_date(text: str) -> date:
    """A date typed at the desk: 1985-03-12, 12 Mar 1985, March 12, 1985.

    Purely numeric day/month orders (03/12/1985) are refused on purpose: a studio in London and
    one in Boston would read them differently, and a wrong birth date is worse than a question.
    """
    cleaned = " ".join(text.replace(",", ", ").split()).replace(" ,", ",")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError("Use a date like 1985-03-12 or 12 Mar 1985")


def check_birth_date(value: date, today: date) -> None:
    if value > today:
        raise ValueError("A date of birth can't be in the future")
    if value.year < OLDEST_BIRTH_YEAR:
        raise ValueError(f"That would make the client {today.year - value.year} years old")


def check_email(text: str) -> None:
    if not _EMAIL.match(text):
        raise ValueError("That doesn't look like an email address (name@example.com)")


def check_phone(text: str) -> None:
    if not _PHONE_CHARS.match(text):
        raise ValueError("Use digits, spaces and + ( ) - only, e.g. +1 555 013 4421")
    main = re.split(r"(?i)x|ext", text)[0]
    count = len(digits(main))
    if not 6 <= count <= 15:
        raise ValueError(f"A phone number has 6 to 15 digits; this has {count}")


# --- parsing a whole record -----------------------------------------------------------------

_TRUE = {"yes", "y", "true", "1", "x", "✓"}
_FALSE = {"no", "n", "false", "0", ""}


def parse_value(field: Field, raw: Any, today: date) -> Any:
    """Turn what a person typed (or a CSV cell) into the stored value; ValueError says why not."""
    if field.kind == "bool":
        if isinstance(raw, bool):
            return raw
        word = str(raw or "").strip().casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise ValueError("Use yes or no")
    if field.kind in ("staff", "clinician"):
        if raw in (None, ""):
            if field.required:
                raise ValueError(f"{field.label} is required")
            return None
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError(f"Pick a {field.label.lower()} from the list")
        return raw

    text = "" if raw is None else str(raw)
    if field.kind != "multiline":
        text = " ".join(text.split())
    else:
        text = text.strip()
    if not text:
        if field.required:
            raise ValueError(f"{field.label} is required")
        return None
    if _CONTROL.search(text):
        raise ValueError("Contains invisible control characters; please retype it")
    limit = field.max_length if field.kind != "multiline" else max(field.max_length, 5000)
    if len(text) > limit:
        raise ValueError(f"At most {limit} characters (this has {len(text)})")

    if field.kind in ("date", "birth_date"):
        value = parse_date(text)
        if field.kind == "birth_date":
            check_birth_date(value, today)
        elif value > today:
            raise ValueError("This date is in the future")
        return value
    if field.kind == "email":
        check_email(text)
        return text
    if field.kind == "phone":
        check_phone(text)
        return text
    if field.kind == "choice":
        for code, label in field.choices:
            if text.casefold() in (code.casefold(), label.casefold()):
                return code
        options = ", ".join(label for _, label in field.choices)
        raise ValueError(f"Choose one of: {options}")
    return text


def parse_record(
    fields: tuple[Field, ...], raw: Mapping[str, Any], today: date | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Parse every field; returns (values, errors by field name). Missing keys count as empty."""
    today = today or date.today()
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        try:
            values[field.name] = parse_value(field, raw.get(field.name), today)
        except ValueError as exc:
            errors[field.name] = str(exc)
    return values, errors


def format_value(field: Field, value: Any) -> str:
    """The text a form or a CSV cell shows for a stored value (the inverse of parse_value)."""
    if value is None:
        return ""
    if field.kind == "bool":
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
