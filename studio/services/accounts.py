"""Staff accounts: passwords (or PINs), signing in, the lock-out, and the first owner.

Passwords are kept only as scrypt hashes ("scrypt$n$r$p$salt$hash", base64), each with its
own random salt; the parameters travel with the hash, so raising them later (`SCRYPT_N`)
rehashes each password the next time its owner signs in.

Signing in never raises for a wrong password: the failure has to be counted and audited, and
an exception would roll that back with the caller's transaction. `sign_in` returns a
`SignInAttempt` instead; the caller commits it, then looks at `attempt.person` (None when
refused, with `attempt.refusal` saying why in words for the screen). `raise_if_refused()`
turns a refusal into `SignInRefused` for callers that prefer the exception — after committing.

The counters live on `StaffCredential`, never on the staff row: a wrong try at one desk must
not make the staff form open at another desk stale.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studio import access, audit
from studio.access import Person
from studio.errors import UprightError, ValidationError
from studio.models import StaffCredential, StaffMember
from studio.models.base import utcnow
from studio.services import staff
from studio.services.staff import StaffDetails

# --- hashing ---------------------------------------------------------------------------------

SCRYPT_N = 2**15  # CPU/memory cost: 32 MiB and ~0.1 s per hash on a desk computer
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
_MAX_N = 2**20  # a stored hash asking for more (1 GiB) is refused, not computed
_SCHEME = "scrypt"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _normal(password: str) -> bytes:
    # The same typed text is the same password whatever the keyboard or system composed it as.
    return unicodedata.normalize("NFC", password).encode("utf-8", "surrogatepass")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        _normal(password), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES, maxmem=128 * r * (n + p + 2) + 2**20
    )


def hash_password(password: str, *, n: int | None = None, r: int | None = None, p: int | None = None) -> str:
    """A new salted scrypt hash of `password`, as stored in StaffCredential.password_hash
    (today's parameters unless others are given)."""
    n, r, p = n or SCRYPT_N, r or SCRYPT_R, p or SCRYPT_P
    salt = secrets.token_bytes(SALT_BYTES)
    return f"{_SCHEME}${n}${r}${p}${_b64(salt)}${_b64(_scrypt(password, salt, n, r, p))}"


def hash_parameters(stored: str) -> tuple[int, int, int]:
    """(n, r, p) of a stored hash; ValueError when it is not one of ours."""
    return _parts(stored)[:3]


def _parts(stored: str) -> tuple[int, int, int, bytes, bytes]:
    fields = stored.split("$")
    if len(fields) != 6 or fields[0] != _SCHEME:
        raise ValueError("not an scrypt password hash")
    n, r, p = (int(x) for x in fields[1:4])
    if not (1 < n <= _MAX_N and n & (n - 1) == 0 and 0 < r <= 64 and 0 < p <= 16):
        raise ValueError("scrypt parameters out of range")
    return n, r, p, base64.b64decode(fields[4], validate=True), base64.b64decode(fields[5], validate=True)


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` is the one `stored` was made from (False for a damaged hash)."""
    try:
        n, r, p, salt, key = _parts(stored)
    except ValueError:
        return False
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), key)


def needs_rehash(stored: str) -> bool:
    """True when `stored` was made with weaker parameters than today's."""
    try:
        n, r, p = hash_parameters(stored)
    except ValueError:
        return True
    return n < SCRYPT_N or r < SCRYPT_R or p < SCRYPT_P


# --- the rules -------------------------------------------------------------------------------

MIN_PASSWORD = 8
MIN_PIN = 6
MAX_PASSWORD = 256
_DIGITS = frozenset("0123456789")


def password_problem(password: object, *, names: tuple[str | None, ...] = ()) -> str | None:
    """Why `password` can't be used (words for the form), or None. `names` are the person's
    first and last names: their own name is the first thing anyone would guess."""
    if not isinstance(password, str) or not password:
        return f"Choose a password of at least {MIN_PASSWORD} characters, or a PIN of at least {MIN_PIN} digits."
    text = unicodedata.normalize("NFC", password)
    if len(text) > MAX_PASSWORD:
        return f"A password can be at most {MAX_PASSWORD} characters."
    if set(text) <= _DIGITS:
        if len(text) < MIN_PIN:
            return f"A PIN needs at least {MIN_PIN} digits (or use a password of at least {MIN_PASSWORD} characters)."
    elif len(text) < MIN_PASSWORD:
        return f"A password needs at least {MIN_PASSWORD} characters (or use a PIN of at least {MIN_PIN} digits)."
    if len(set(text)) == 1:
        return "A password can't be one character repeated; choose something harder to guess."
    squeezed = "".join(text.split()).casefold()
    parts = [("".join((n or "").split())).casefold() for n in names]
    guesses = {p for p in parts if p}
    if len(parts) >= 2 and all(parts[:2]):
        guesses |= {parts[0] + parts[1], parts[1] + parts[0]}
    if squeezed in guesses:
        return "A password can't be your own name; choose something others can't guess."
    return None


def check_password(password: object, *, names: tuple[str | None, ...] = ()) -> None:
    """Raise ValidationError({"password": why}) when `password_problem` finds one."""
    problem = password_problem(password, names=names)
    if problem:
        raise ValidationError({"password": problem})


# --- results ---------------------------------------------------------------------------------


class SignInRefused(UprightError):
    """Signing in (or creating the first owner) was refused; the message says why."""


@dataclass(frozen=True)
class SignInChoice:
    """One name on the sign-in screen."""

    staff_id: int
    name: str
    role: str
    role_label: str
    has_password: bool


@dataclass(frozen=True)
class SignInAttempt:
    """What `sign_in` decided. Signed in: `person` (put it on the sessions with
    `access.act_as`), and `must_change` when the owner reset the password and the person must
    choose their own now (`change_own_password`). Refused: `person` is None, `refusal` says
    why, and `retry_after` is the seconds left of a lock-out (0 when not locked)."""

    person: Person | None
    must_change: bool = False
    refusal: str | None = None
    retry_after: int = 0

    @property
    def signed_in(self) -> bool:
        return self.person is not None

    def raise_if_refused(self) -> Person:
        if self.person is None:
            raise SignInRefused(self.refusal or "Signing in was refused.")
        return self.person


# --- lock-out --------------------------------------------------------------------------------

FREE_TRIES = 5  # wrong tries in a row before the first wait
FIRST_WAIT = timedelta(seconds=30)  # doubling with each further wrong try
LONGEST_WAIT = timedelta(minutes=15)


def wait_after(failures: int) -> timedelta | None:
    """The lock-out after `failures` wrong tries in a row (None: no wait yet)."""
    if failures < FREE_TRIES:
        return None
    return min(FIRST_WAIT * 2 ** min(failures - FREE_TRIES, 20), LONGEST_WAIT)


def wait_words(seconds: float) -> str:
    """"30 seconds", "1 minute", "15 minutes"."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


# --- helpers ---------------------------------------------------------------------------------


def _name(member: StaffMember) -> str:
    return f"{member.first_name} {member.last_name}"


def _person(member: StaffMember) -> Person:
    return Person(member.id, _name(member), member.role)


def _now(now: datetime | None) -> datetime:
    now = now or utcnow()
    if now.tzinfo is None:
        raise ValueError("`now` must be an aware datetime")
    return now


def _set_hash(cred: StaffCredential, password: str, now: datetime) -> None:
    cred.password_hash = hash_password(password)
    cred.changed_at = now
    cred.failed_sign_ins = 0
    cred.locked_until = None


# --- the first owner -------------------------------------------------------------------------


@access.open_to_all
def needs_owner(session: Session) -> bool:
    """True while no active staff member has a password: the first start, or a database from
    before sign-in existed. The window then asks for the owner's account (`create_owner`)."""
    query = (
        select(func.count())
        .select_from(StaffCredential)
        .join(StaffMember, StaffMember.id == StaffCredential.staff_id)
        .where(StaffMember.archived_at.is_(None))
    )
    return session.scalar(query) == 0


@access.open_to_all
def create_owner(
    session: Session, *, staff_id: int | None = None, details: StaffDetails | None = None, password: str
) -> Person:
    """The owner's account, while `needs_owner()`: a new owner (`details`; the role is made
    "owner") or an existing owner-role staff member (`staff_id`) given `password`. Returns the
    owner, signed in (audited as such). Refused with SignInRefused once any account exists."""
    if not needs_owner(session):
        raise SignInRefused("This studio already has accounts: the owner signs in and adds staff in Studio ▸ Staff.")
    if (staff_id is None) == (details is None):
        raise ValidationError({"staff_id": "Choose the owner from the staff list, or enter the owner's details."})
    now = utcnow()
    if staff_id is not None:
        member = session.get(StaffMember, staff_id)
        if member is None or member.archived_at is not None or member.role != access.OWNER:
            raise ValidationError({"staff_id": "Choose a current staff member whose role is owner."})
        check_password(password, names=(member.first_name, member.last_name))
    else:
        details = replace(details, role=access.OWNER)
        check_password(password, names=(details.first_name, details.last_name))
        with access.granting(session, "staff.manage"):
            record = staff.create(session, details)
        member = session.get(StaffMember, record.id)
    cred = session.get(StaffCredential, member.id)
    if cred is None:
        cred = StaffCredential(staff_id=member.id, failed_sign_ins=0, must_change=False)
        session.add(cred)
    _set_hash(cred, password, now)
    cred.must_change = False
    cred.last_sign_in_at = now
    owner = _person(member)
    audit.record(session, "password_set", f"Owner's account created for {owner.name}",
                 record_type="staff", record_id=member.id, person=owner)  # fmt: skip
    audit.record(session, "sign_in", f"{owner.name} signed in (owner)", record_type="staff", record_id=member.id, person=owner)
    session.flush()
    return owner


# --- signing in ------------------------------------------------------------------------------


@access.open_to_all
def sign_in_choices(session: Session) -> list[SignInChoice]:
    """The current staff in name order, for the sign-in screen (before anyone signs in)."""
    with_password = set(session.scalars(select(StaffCredential.staff_id)))
    labels = dict(staff.ROLES)
    current = session.scalars(select(StaffMember).where(StaffMember.archived_at.is_(None)))
    return [
        SignInChoice(m.id, _name(m), m.role, labels.get(m.role, m.role), m.id in with_password)
        for m in staff.in_name_order(current)
    ]


@access.open_to_all
def sign_in(session: Session, staff_id: int, password: str, *, now: datetime | None = None) -> SignInAttempt:
    """Check `password` for `staff_id` and record the try (commit it, whatever the outcome).

    Five wrong tries in a row lock the account for 30 seconds, doubling with each further
    wrong try up to 15 minutes; while locked even the right password is refused (and not
    counted). A right password clears the count. Archived staff can't sign in."""
    now = _now(now)
    member = session.get(StaffMember, staff_id)
    if member is None:
        audit.record(session, "sign_in_failed", f"Sign-in refused: no staff member {staff_id}",
                     record_type="staff", record_id=staff_id, person=Person(staff_id, "unknown", None))  # fmt: skip
        return SignInAttempt(None, refusal="That person is not on the staff list; choose your name again.")
    who = _person(member)

    def refused(summary: str, refusal: str, **details) -> SignInAttempt:
        audit.record(session, "sign_in_failed", summary, record_type="staff", record_id=member.id, person=who,
                     details=details or None)  # fmt: skip
        session.flush()
        return SignInAttempt(None, refusal=refusal, retry_after=details.get("retry_after", 0))

    if member.archived_at is not None:
        return refused(f"Sign-in refused for {who.name}: archived",
                       f"{who.name} is no longer on the staff list, so can't sign in. Ask the studio's owner.")  # fmt: skip
    cred = session.get(StaffCredential, member.id)
    if cred is None:
        return refused(f"Sign-in refused for {who.name}: no password yet",
                       f"{who.name} has no password yet: the studio's owner sets one in Studio ▸ Staff.")  # fmt: skip
    if cred.locked_until is not None and now < cred.locked_until:
        left = (cred.locked_until - now).total_seconds()
        return refused(f"Sign-in refused for {who.name}: locked after wrong tries",
                       f"Too many wrong tries: try again in {wait_words(left)}.", retry_after=math.ceil(left))  # fmt: skip
    if not verify_password(password if isinstance(password, str) else "", cred.password_hash):
        # Counted in SQL, so two desks guessing at once both count.
        cred.failed_sign_ins = StaffCredential.failed_sign_ins + 1
        session.flush()
        session.refresh(cred, ["failed_sign_ins"])
        failures = cred.failed_sign_ins
        wait = wait_after(failures)
        if wait is None:
            left = FREE_TRIES - failures
            return refused(
                f"Wrong password for {who.name} ({failures} in a row)",
                f"That password is not right. {left} more wrong tr{'y' if left == 1 else 'ies'} and signing in "
                "will have to wait.",
                failures=failures,
            )
        cred.locked_until = now + wait
        return refused(
            f"Wrong password for {who.name} ({failures} in a row): locked out for {wait_words(wait.total_seconds())}",
            f"That password is not right. Too many wrong tries: try again in {wait_words(wait.total_seconds())}.",
            failures=failures, retry_after=math.ceil(wait.total_seconds()),
        )  # fmt: skip
    if needs_rehash(cred.password_hash):
        cred.password_hash = hash_password(password)
    cred.failed_sign_ins = 0
    cred.locked_until = None
    cred.last_sign_in_at = now
    audit.record(session, "sign_in", f"{who.name} signed in ({who.role_label})", record_type="staff", record_id=member.id, person=who)
    session.flush()
    return SignInAttempt(who, must_change=bool(cred.must_change))


def _record_leaving(session: Session, action: str, did: str, reason: str | None) -> None:
    """The audit entry "<name> <did> (<reason>)" about the signed-in person; nothing when nobody is."""
    person = access.current(session)
    if person.staff_id is None:
        return
    said = f"{person.name} {did}" + (f" ({reason})" if reason else "")
    audit.record(session, action, said, record_type="staff", record_id=person.staff_id, person=person)
    session.flush()


@access.open_to_all
def sign_out(session: Session, *, reason: str | None = None) -> None:
    """Record that the signed-in person left (the window then puts NOBODY on its sessions).
    `reason` e.g. "locked the desk" or "idle for 10 minutes"."""
    _record_leaving(session, "sign_out", "signed out", reason)


@access.open_to_all
def lock_desk(session: Session, *, reason: str | None = None) -> None:
    """Record that the desk was locked on the signed-in person (they sign in again to go on);
    `reason` e.g. "idle for 10 minutes" when it locked itself."""
    _record_leaving(session, "lock", "locked the desk", reason)


# --- passwords -------------------------------------------------------------------------------


@access.guarded("studio.read")
def has_password(session: Session, staff_id: int) -> bool:
    return session.get(StaffCredential, staff_id) is not None


@access.open_to_all
def change_own_password(session: Session, old: str, new: str, *, now: datetime | None = None) -> None:
    """The signed-in person chooses a new password (also after the owner reset theirs).
    ValidationError on "old_password" when the current one is wrong, on "password" for the rules."""
    person = access.current(session)
    if person.staff_id is None:
        raise SignInRefused("Sign in first: only a signed-in person can change their own password.")
    member = session.get(StaffMember, person.staff_id)
    cred = session.get(StaffCredential, person.staff_id)
    if member is None or cred is None or member.archived_at is not None:
        raise SignInRefused("Your account can't be changed here; ask the studio's owner.")
    if not verify_password(old if isinstance(old, str) else "", cred.password_hash):
        raise ValidationError({"old_password": "That is not your current password."})
    check_password(new, names=(member.first_name, member.last_name))
    if verify_password(new, cred.password_hash):
        raise ValidationError({"password": "Choose a new password, not the one you have now."})
    _set_hash(cred, new, _now(now))
    cred.must_change = False
    audit.record(session, "password_set", f"{person.name} changed their password",
                 record_type="staff", record_id=member.id, person=person)  # fmt: skip
    session.flush()


@access.guarded("staff.manage")
def reset_password(
    session: Session, staff_id: int, new: str, *, must_change: bool | None = None, now: datetime | None = None
) -> None:
    """The owner gives a staff member a password (a first one, or after they forgot theirs).
    The person must choose their own at their next sign-in (not when the owner sets their own;
    `must_change` overrides, e.g. False for the demo's published passwords). Clears any lock-out."""
    member = session.get(StaffMember, staff_id)
    if member is None:
        raise ValidationError({"staff_id": "That staff member is not on the staff list."})
    if member.archived_at is not None:
        raise ValidationError({"staff_id": f"{_name(member)} is archived: restore them on the staff list first."})
    check_password(new, names=(member.first_name, member.last_name))
    person = access.current(session)
    cred = session.get(StaffCredential, staff_id)
    first = cred is None
    if first:
        cred = StaffCredential(staff_id=staff_id, failed_sign_ins=0, must_change=False)
        session.add(cred)
    _set_hash(cred, new, _now(now))
    cred.must_change = (staff_id != person.staff_id) if must_change is None else must_change
    if first:
        audit.record(session, "password_set", f"{person.name} set a first password for {_name(member)}",
                     record_type="staff", record_id=staff_id)  # fmt: skip
    else:
        audit.record(session, "password_reset", f"{person.name} reset the password of {_name(member)}",
                     record_type="staff", record_id=staff_id)  # fmt: skip
    session.flush()
