"""Errors a user can read: each says what happened and what to do next."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any


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


class ChangedMeanwhile(UprightError):
    """Another desk saved or removed the record in the moment between reading it and saving it."""

    def __init__(self):
        super().__init__(
            "Another desk changed or removed this record while yours was being saved. Nothing was "
            "saved; what you typed is still on screen. Open the record again to see it as it is now, "
            "then make your change again."
        )


class StaleEdit(UprightError):
    """Someone saved the same record since it was opened here.

    Carries the other desk's version so the person can compare and choose: `who` saved it
    (their `changed_by`), `when` (aware UTC), `theirs` (the record as it now stands, field name →
    value) and `version` (their version: saving again with it as the expected version keeps
    yours over theirs, deliberately).
    """

    def __init__(
        self,
        what: str,
        changed_at: datetime | None = None,
        *,
        who: str | None = None,
        theirs: Mapping[str, Any] | None = None,
        version: int | None = None,
        record_id: int | None = None,
    ):
        self.what = what
        self.when = changed_at
        self.who = who
        self.theirs: Mapping[str, Any] = MappingProxyType(dict(theirs or {}))
        self.version = version
        self.record_id = record_id
        super().__init__(
            f"{self.changed_words} — this {what} was changed at another desk after you opened it. "
            "Nothing was saved; your changes are still in the form."
        )

    @property
    def changed_at(self) -> datetime | None:  # the name before `when`
        return self.when

    @property
    def changed_words(self) -> str:
        """"Changed by FRONT-DESK (maria) at 14:32" (with the date when it wasn't today)."""
        by = f" by {self.who}" if self.who else " at another desk"
        return f"Changed{by}{at_time(self.when)}"


def at_time(moment: datetime | None, today: date | None = None) -> str:
    """" at 14:32" today, " at 14:32 on 3 Mar 2026" another day (local time); "" when unknown."""
    if moment is None:
        return ""
    local = moment.astimezone()
    if local.date() == (today or date.today()):
        return f" at {local:%H:%M}"
    return f" at {local:%H:%M} on {local.day} {local:%b %Y}"
