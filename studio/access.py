"""Who may do what: the roles, and the check every service call makes.

The person working is carried by the session (`session.info["person"]`). The window puts the
signed-in person on every session it hands out (`act_as`); before anyone signs in, and while the
desk is locked, it puts `NOBODY`, who may do nothing but sign in. A session without a person is
one of Upright's own tools at the computer's command line (`upright-admin`, the demo, the
benchmarks): whoever can run those can read the studio's file or server directly anyway, so
they act with the owner's rights, and the audit trail names them as "Upright tools".

Services declare what they need with `@guarded(permission)` (or `@open_to_all` for the sign-in
screen's own calls); the UI only hides what the service would refuse. A refusal says which role
the action needs. Where a role may see a record but not all of it (the front desk and a client's
notes, a referral's letter), the service blanks those fields and says so on the record.
`granting` lets a service that made a narrower check read through other services (the front
desk printing again a handout already handed out). tests/studio/test_access.py walks every
service function and calls it as every role that may not.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from studio.errors import UprightError

OWNER, TRAINER, FRONT_DESK = "owner", "trainer", "front_desk"
ROLE_LABELS = {OWNER: "owner", TRAINER: "trainer", FRONT_DESK: "front desk"}
ROLE_NOUNS = {OWNER: "an owner", TRAINER: "a trainer", FRONT_DESK: "the front desk"}
EVERYONE = (OWNER, TRAINER, FRONT_DESK)
TRAINING = (OWNER, TRAINER)

# What each permission lets a person do, and which roles have it. A service function names one.
PERMISSIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    # The front desk's work.
    "clients.contact": ("see and change clients' contact details", EVERYONE),
    "clients.notes": ("see and write the notes on a client's record", TRAINING),
    "clinicians": ("see and change the clinician network", EVERYONE),
    "referrals.track": ("see referrals' statuses and follow-ups and record them", EVERYONE),
    "documents.reprint": ("print existing handouts and blank questionnaires", EVERYONE),
    "studio.read": ("see the studio's name, address and staff list", EVERYONE),
    # The trainers' work: health information.
    "clinical.read": ("see assessments, findings, notes, questionnaire answers and programs", TRAINING),
    "clinical.write": ("record assessments and change programs", TRAINING),
    "referrals.write": ("write, send and answer referral letters", TRAINING),
    "documents.make": ("make handouts, letters and progress reports", TRAINING),
    "clients.import": ("import and export clients and clinicians as CSV files", TRAINING),
    # The owner's.
    "staff.manage": ("add staff, set their roles and reset their passwords", (OWNER,)),
    "studio.settings": ("change the studio's settings", (OWNER,)),
    "backups": ("make and restore backups", (OWNER,)),
    "audit.read": ("see and export the audit trail", (OWNER,)),
    "client_data": ("export or erase everything about a client", (OWNER,)),
}


def roles_wording(roles: tuple[str, ...]) -> str:
    """"an owner", "an owner or a trainer", "anyone signed in"."""
    if set(roles) >= set(EVERYONE):
        return "anyone signed in"
    names = [ROLE_NOUNS[r] for r in EVERYONE if r in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


class AccessRefused(UprightError):
    """The signed-in person's role does not allow this; says which role would.

    "Only an owner or a trainer can see assessments, … You are signed in as Grace Okafor
    (front desk)." — or, before anyone has signed in, "Sign in first: …"."""

    def __init__(self, permission: str, person: Person):
        self.permission = permission
        self.person = person
        doing, roles = PERMISSIONS[permission]
        self.roles = roles
        if person.role is None:
            if set(roles) >= set(EVERYONE):
                super().__init__(f"Sign in first: you need to be signed in to {doing}.")
            else:
                super().__init__(f"Sign in first: only {roles_wording(roles)} can {doing}.")
        else:
            super().__init__(
                f"Only {roles_wording(roles)} can {doing}. You are signed in as {person.name} ({ROLE_LABELS[person.role]})."
            )


@dataclass(frozen=True)
class Person:
    """Who is working: a staff member, NOBODY (not signed in / locked) or TOOLS."""

    staff_id: int | None
    name: str
    role: str | None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role or "", "not signed in")

    def may(self, permission: str) -> bool:
        return self.role is not None and self.role in PERMISSIONS[permission][1]


NOBODY = Person(None, "Nobody signed in", None)
TOOLS = Person(None, "Upright tools", OWNER)


def current(session) -> Person:
    """The person this session works for (TOOLS when none was set)."""
    return session.info.get("person", TOOLS)


def act_as(session_factory, person: Person) -> None:
    """Every session the factory makes from now on works for `person`."""
    session_factory.configure(info={"person": person})


def _granted(session) -> frozenset[str]:
    return session.info.get("granted", frozenset())


def may(session, permission: str) -> bool:
    return current(session).may(permission) or permission in _granted(session)


def require(session, permission: str) -> Person:
    """The session's person, when they may; else AccessRefused naming the roles that may."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    person = current(session)
    if not (person.may(permission) or permission in _granted(session)):
        raise AccessRefused(permission, person)
    return person


def require_person(person: Person, permission: str) -> Person:
    """The same check for work that runs without a session (backups work on files)."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if not person.may(permission):
        raise AccessRefused(permission, person)
    return person


@contextmanager
def granting(session, *permissions: str) -> Iterator[None]:
    """Within the block, this session's work may also use `permissions`.

    For a service that has made a narrower check of its own and then reads through other
    services: reprinting a handout that was already handed out reads the program it prints
    (`documents.making`), creating the first owner adds a staff member before anyone can have
    "staff.manage" (`accounts.create_owner`). The person (and so the audit trail) is unchanged.
    """
    for permission in permissions:
        if permission not in PERMISSIONS:
            raise KeyError(f"unknown permission {permission!r}")
    before = session.info.get("granted")
    session.info["granted"] = _granted(session) | frozenset(permissions)
    try:
        yield
    finally:
        if before is None:
            session.info.pop("granted", None)
        else:
            session.info["granted"] = before


F = TypeVar("F", bound=Callable)


def guarded(permission: str, *, or_if: Callable[..., bool] | None = None) -> Callable[[F], F]:
    """Decorator for a service function whose first argument is the session.

    `or_if(session)` lets the call through anyway when it returns True (checked only for a
    person who lacks the permission): the demo can be loaded at the very first start, before
    anyone has an account to sign in with."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def checked(session, *args, **kwargs):
            if not (or_if is not None and not may(session, permission) and or_if(session)):
                require(session, permission)
            return fn(session, *args, **kwargs)

        checked.permission = permission  # type: ignore[attr-defined]
        checked.unless = or_if  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate


def open_to_all(fn: F) -> F:
    """Marks a service function every signed-in person (and sign-in itself) may call."""
    fn.permission = None  # type: ignore[attr-defined]
    return fn
