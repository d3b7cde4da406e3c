"""Errors a user can read: each says what happened and what to do next."""

from __future__ import annotations

from datetime import datetime


class UprightError(Exception):
    """Base for errors meant to be shown to the person at the desk."""


class ValidationError(UprightError):
    """One or more fields were not acceptable; `errors` maps field name to the reason."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        detail = "; ".join(f"{name}: {reason}" for name, reason in self.errors.items())
        super().__init__(f"Please check these fields — {detail}")


class NotFound(UprightError):
    pass


class StaleEdit(UprightError):
    """Someone saved the same record since it was opened here."""

    def __init__(self, what: str, changed_at: datetime | None):
        self.what = what
        self.changed_at = changed_at
        when = f" at {changed_at.astimezone():%H:%M on %d %b %Y}" if changed_at else ""
        super().__init__(
            f"This {what} was changed at another desk{when}, after you opened it. "
            "Nothing was saved; your changes are still in the form. "
            "Copy what you need, then reload to see the other desk's version."
        )
