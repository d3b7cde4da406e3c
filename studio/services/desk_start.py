"""What the sign-in screen needs before anyone has signed in: the studio's name, whether the
database is still empty (the first start), whether the owner's account has to be created, and
the names to choose from. Read-only and open to all: it is the studio's front door, where the
name on the sign and the staff's names (`accounts.sign_in_choices`) are no secret."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio import access
from studio.models import Client, StaffMember, StudioProfile
from studio.services import accounts
from studio.services.demo_studio import DEMO_PASSWORDS, STUDIO


@dataclass(frozen=True)
class StartState:
    studio_name: str | None  # None before the studio profile is saved
    empty: bool  # no studio profile, clients or staff: the first start (welcome, then the owner)
    needs_owner: bool  # nobody has a password yet: the owner's account comes first
    choices: tuple[accounts.SignInChoice, ...]
    demo_note: str | None = None  # the demo studio's sign-in names and passwords, to show

    @property
    def owners_without_password(self) -> tuple[accounts.SignInChoice, ...]:
        return tuple(c for c in self.choices if c.role == access.OWNER and not c.has_password)


@access.open_to_all
def start_state(session: Session) -> StartState:
    name = session.scalar(select(StudioProfile.name).order_by(StudioProfile.id).limit(1))
    # Whether there is anyone at all: the first row answers (a count would read every client's
    # row of the index, at every start of a studio with 100,000 of them).
    has_clients = session.scalar(select(Client.id).limit(1)) is not None
    has_staff = session.scalar(select(StaffMember.id).limit(1)) is not None
    choices = tuple(accounts.sign_in_choices(session))
    return StartState(
        studio_name=name,
        empty=name is None and not has_clients and not has_staff,
        needs_owner=accounts.needs_owner(session),
        choices=choices,
        demo_note=_demo_note(name, choices),
    )


def _demo_note(studio_name: str | None, choices) -> str | None:
    """The demo studio's made-up people and their passwords, for its sign-in screen."""
    if studio_name != STUDIO["name"]:
        return None
    lines = []
    for role in (access.OWNER, access.TRAINER, access.FRONT_DESK):
        names = [c.name for c in choices if c.role == role and c.has_password]
        if names and role in DEMO_PASSWORDS:
            lines.append(f"{access.ROLE_LABELS[role].capitalize()}: {', '.join(names)} — password {DEMO_PASSWORDS[role]}")
    return ("Demo studio, made-up people. Sign in as\n" + "\n".join(lines)) if lines else None
