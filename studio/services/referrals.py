"""Referrals: from the assessment's recommendation to a letter, and on to the clinician's reply.

The life of a referral, forward only (a referral can be closed at any point, and nothing
reopens a closed one):

    draft -> sent -> acknowledged -> appointment_made -> reply_received -> closed

acknowledged and appointment_made are optional steps; the reply can be recorded from sent,
acknowledged or appointment_made. Recording the reply also records the medical clearance the
safety gate reads (`studio.services.clearances`), so a clinician's "cleared" lifts the gate
and "not cleared" keeps it shut. `recorded_since` is the safety gate's referral hook.

The letter asks the clinician to evaluate; it reports what the client said and what the
trainer observed, never what is wrong (DOMAIN.md section 1).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from studio import access
from studio.clinical import provocation
from studio.clinical.assessment import (
    ACTIVITIES,
    LOCATIONS,
    MECHANISMS,
    ONSETS,
    PATTERNS,
    SIDES,
    WORKUP_SEEN,
    WORKUP_STATUS,
    WORSE_TIMES,
    AssessmentData,
    findings,
    from_json,
)
from studio.clinical.measures import ODI_BAND_LABELS
from studio.errors import ValidationError
from studio.models import Assessment, Client, Clinician, StaffMember
from studio.models.referral import DEFAULT_REQUEST, Referral
from studio.services import clearances, programs, records, studio_profile
from studio.services.assessments import day_label
from studio.services.clinicians import SPECIALTIES

# --- vocabulary ------------------------------------------------------------------------------

DRAFT, SENT, ACKNOWLEDGED, APPOINTMENT_MADE, REPLY_RECEIVED, CLOSED = (
    "draft", "sent", "acknowledged", "appointment_made", "reply_received", "closed",
)  # fmt: skip
STATUSES = (
    (DRAFT, "Draft"),
    (SENT, "Sent"),
    (ACKNOWLEDGED, "Acknowledged"),
    (APPOINTMENT_MADE, "Appointment made"),
    (REPLY_RECEIVED, "Reply received"),
    (CLOSED, "Closed"),
)
_STATUS_LABELS = dict(STATUSES)
_ORDER = {code: position for position, (code, _) in enumerate(STATUSES)}
WAITING = (SENT, ACKNOWLEDGED, APPOINTMENT_MADE)  # sent, no reply yet

DECISIONS = clearances.STATUSES  # cleared / cleared_with_restrictions / not_cleared
_DECISION_LABELS = dict(DECISIONS)

EMERGENCY_DEPARTMENT = "emergency_department"
DESTINATIONS = (
    (EMERGENCY_DEPARTMENT, "Emergency department"),
    ("primary_care", "Primary care physician"),
    ("pain_specialist", "Pain specialist"),
)
_DESTINATION_LABELS = {**dict(SPECIALTIES), **dict(DESTINATIONS)}
TIER_LABELS = {"emergency": "Emergency", "urgent": "Urgent", "routine": "Routine"}
FOLLOW_UP_DAYS = {"emergency": 1, "urgent": 7, "routine": 14}
"""Days after sending to check on a referral (product rule): the next day after an emergency
referral (did the client go?), a week when urgent, a fortnight when routine."""

NO_CLINICIAN_NEEDED = (
    "The emergency department needs no named clinician: the client takes the letter with them today."
)
_PHYSICIAN_SPECIALTIES = frozenset({"primary_care", "pain_specialist", "orthopaedic_surgeon", "sports_medicine"})
_TEXT_LENGTH = 5000
_KEEP: Any = object()


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClinicianSnapshot:
    """Who the letter is addressed to, as they were when it was written."""

    first_name: str
    last_name: str
    credentials: str | None = None
    specialty: str | None = None
    practice: str | None = None
    address: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None

    @property
    def name(self) -> str:
        name = f"{self.first_name} {self.last_name}"
        return f"{name}, {self.credentials}" if self.credentials else name


@dataclass(frozen=True)
class ReferralRecord:
    id: int
    version: int
    client_id: int
    assessment_id: int | None
    clinician_id: int | None
    clinician: ClinicianSnapshot | None
    tier: str
    destination: str
    status: str
    reason: str
    request: str
    sent_on: date | None
    follow_up_on: date | None
    reply_decision: str | None
    reply_restrictions: str | None
    reply_on: date | None
    clearance_id: int | None
    created_by_id: int | None
    notes: str | None
    updated_at: datetime
    # True for a person who may not read the letter (the front desk): `reason` and `request`
    # are "" and the reply's decision and restrictions None; statuses, dates and notes are real.
    withheld: bool = False

    @property
    def status_label(self) -> str:
        return _STATUS_LABELS.get(self.status, self.status)

    @property
    def tier_label(self) -> str:
        return TIER_LABELS.get(self.tier, self.tier)

    @property
    def destination_label(self) -> str:
        return _DESTINATION_LABELS.get(self.destination, self.destination)

    @property
    def clinician_name(self) -> str:
        if self.clinician is not None:
            return self.clinician.name
        return self.destination_label if self.destination == EMERGENCY_DEPARTMENT else "No clinician chosen yet"

    @property
    def waiting_for_reply(self) -> bool:
        return self.status in WAITING

    def overdue(self, today: date | None = None) -> bool:
        return _overdue(self.status, self.follow_up_on, today or date.today())


@dataclass(frozen=True)
class ReferralRow:
    """One line of the studio-wide Referrals view."""

    id: int
    client_id: int
    client_name: str
    clinician_name: str
    tier: str
    destination: str
    status: str
    status_label: str
    sent_on: date | None
    follow_up_on: date | None
    overdue: bool  # follow-up date passed and no reply yet
    waiting_for_reply: bool


@dataclass(frozen=True)
class ClinicianChoice:
    """One entry of the clinician picker for a referral."""

    id: int
    name: str  # "First Last, credentials"
    specialty: str
    specialty_label: str
    practice: str | None
    phone: str | None
    fax: str | None
    email: str | None
    preferred_contact: str | None
    accepting_new: bool
    own_physician: bool


def _overdue(status: str, follow_up_on: date | None, today: date) -> bool:
    return status in WAITING and follow_up_on is not None and follow_up_on < today


def _snapshot_of(clinician: Clinician) -> ClinicianSnapshot:
    return ClinicianSnapshot(
        first_name=clinician.first_name,
        last_name=clinician.last_name,
        credentials=clinician.credentials,
        specialty=clinician.specialty,
        practice=clinician.practice,
        address=clinician.address,
        phone=clinician.phone,
        fax=clinician.fax,
        email=clinician.email,
    )


def _dump_snapshot(snapshot: ClinicianSnapshot | None) -> str | None:
    if snapshot is None:
        return None
    return json.dumps(snapshot.__dict__, ensure_ascii=False, sort_keys=True)


def _load_snapshot(text: str | None) -> ClinicianSnapshot | None:
    if not text:
        return None
    raw = json.loads(text)
    known = ClinicianSnapshot.__dataclass_fields__
    return ClinicianSnapshot(**{k: v for k, v in raw.items() if k in known})


def _record(obj: Referral) -> ReferralRecord:
    return ReferralRecord(
        id=obj.id,
        version=obj.version,
        client_id=obj.client_id,
        assessment_id=obj.assessment_id,
        clinician_id=obj.clinician_id,
        clinician=_load_snapshot(obj.clinician_snapshot),
        tier=obj.tier,
        destination=obj.destination,
        status=obj.status,
        reason=obj.reason,
        request=obj.request,
        sent_on=obj.sent_on,
        follow_up_on=obj.follow_up_on,
        reply_decision=obj.reply_decision,
        reply_restrictions=obj.reply_restrictions,
        reply_on=obj.reply_on,
        clearance_id=obj.clearance_id,
        created_by_id=obj.created_by_id,
        notes=obj.notes,
        updated_at=obj.updated_at,
    )


def _shown(session: Session, record: ReferralRecord) -> ReferralRecord:
    """The record as this person may see it: without "clinical.read" (the front desk) the
    letter's words and the clinician's decision are withheld; tracking needs neither."""
    if access.may(session, "clinical.read"):
        return record
    return dataclasses.replace(
        record, reason="", request="", reply_decision=None, reply_restrictions=None, withheld=True
    )


def _load(session: Session, referral_id: int, expected_version: int | None) -> Referral:
    return records.load_for_edit(session, Referral, referral_id, expected_version, "referral")


@access.guarded("referrals.track")
def get(session: Session, referral_id: int) -> ReferralRecord:
    return _shown(session, _record(_load(session, referral_id, None)))


# --- the clinician picker --------------------------------------------------------------------


def _specialty_for(destination: str) -> str | None:
    if destination == EMERGENCY_DEPARTMENT:
        return None
    if destination in dict(SPECIALTIES):
        return destination
    raise ValidationError({"destination": f"Unknown referral destination {destination!r}"})


def choice_note(destination: str) -> str | None:
    """What the picker says instead of a list, when no clinician is needed."""
    return NO_CLINICIAN_NEEDED if destination == EMERGENCY_DEPARTMENT else None


@access.guarded("clinicians")
def clinician_choices(session: Session, client_id: int, destination: str) -> list[ClinicianChoice]:
    """The network for this referral: clinicians of the destination's specialty, those
    accepting new referrals first, then by name. For primary care the client's own physician
    comes first whatever else is true (an existing patient needs no new-patient place).
    The emergency department needs no clinician: [] (see `choice_note`)."""
    specialty = _specialty_for(destination)
    client = records.load_for_edit(session, Client, client_id, None, "client")
    if specialty is None:
        return []
    own = client.physician_id if specialty == "primary_care" else None
    query = select(Clinician).where(Clinician.archived_at.is_(None))
    query = query.where(or_(Clinician.specialty == specialty, Clinician.id == own) if own else Clinician.specialty == specialty)
    found = list(session.scalars(query.order_by(Clinician.sort_key, Clinician.id)))
    found.sort(key=lambda c: (c.id != own, not c.accepting_new))  # stable: name order within
    labels = dict(SPECIALTIES)
    return [
        ClinicianChoice(
            id=c.id,
            name=clearances.network_name(c),
            specialty=c.specialty,
            specialty_label=labels.get(c.specialty, c.specialty),
            practice=c.practice,
            phone=c.phone,
            fax=c.fax,
            email=c.email,
            preferred_contact=c.preferred_contact,
            accepting_new=bool(c.accepting_new),
            own_physician=c.id == own,
        )
        for c in found
    ]


# --- drafting --------------------------------------------------------------------------------


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def prefilled_reason(data: AssessmentData, assessed_on: date) -> str:
    """The recommendation's reasons rewritten for a clinician: what was reported and why the
    studio asks for an evaluation, in plain words, never a diagnosis."""
    found = findings(data)
    rec = found.referral
    day = day_label(assessed_on)
    if found.red_flags:
        reported = "; ".join(flag.wording for flag in found.red_flags)
        said = f"At our assessment on {day} the client reported {reported}."
        if rec.tier == "emergency":
            return (
                f"{said} Our screening asks that these signs are evaluated at an emergency department "
                "the same day. The client has been advised to attend today and will not train until "
                "a doctor has cleared them."
            )
        return (
            f"{said} Our screening asks that a doctor evaluates these within the next few days. "
            "We will not train the painful area until the client has been seen."
        )
    workup = data.pain.workup_status or "none"
    if rec.destination == "primary_care":
        return (
            f"The client reports back pain for which they have not yet had a medical evaluation "
            f"(assessment on {day}). We would be grateful if you would evaluate it before their "
            "exercise program progresses."
        )
    if rec.destination == "pain_specialist":
        parts = []
        if workup == "complete_unresolved":
            parts.append("The client reports that their medical workup for this pain is complete, but the symptoms have not resolved.")
        weeks = data.weeks_without_improvement or 0
        if weeks >= 6:
            parts.append(f"There has been no meaningful improvement after {weeks:g} weeks of training with us.")
        parts.append("We would be grateful for your further evaluation.")
        return " ".join(parts)
    return (
        f"The client's symptoms were reviewed at our assessment on {day}. We would value your "
        "evaluation and advice on their exercise program."
    )


def _text(value: str | None, field: str, errors: dict[str, str], *, required: str | None = None) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            errors[field] = required
        return None
    if len(value) > _TEXT_LENGTH:
        errors[field] = f"At most {_TEXT_LENGTH} characters"
    return value


def _clinician(session: Session, clinician_id: int | None) -> Clinician | None:
    if clinician_id is None:
        return None
    clinician = session.get(Clinician, clinician_id)
    if clinician is None or clinician.archived_at is not None:
        raise ValidationError({"clinician_id": "That clinician is no longer in the network"})
    return clinician


@access.guarded("referrals.write")
def draft_from_assessment(
    session: Session,
    assessment_id: int,
    clinician_id: int | None,
    *,
    created_by_id: int | None = None,
    force: bool = False,
) -> ReferralRecord:
    """A draft referral from a signed assessment's recommendation, reason prefilled.

    Refused when the pathway recommends no referral, unless `force` (the trainer chose to refer
    anyway, e.g. on an advisory): the draft is then routine, to the chosen clinician's specialty.
    clinician_id may be None while the trainer has not chosen; sending needs one (except for the
    emergency department).
    """
    assessment = records.load_for_edit(session, Assessment, assessment_id, None, "assessment")
    if assessment.signed_at is None:
        raise ValidationError(
            {"assessment_id": "Sign the assessment first: the letter quotes the studio's signed record."}
        )
    records.require_reference(session, StaffMember, created_by_id, "created_by_id", "That trainer is no longer on the staff list")
    clinician = _clinician(session, clinician_id)
    data = from_json(assessment.data)
    rec = findings(data).referral
    if rec.tier == "none":
        if not force:
            raise ValidationError(
                {"referral": f"The assessment on {day_label(assessment.assessed_on)} recommends no referral "
                 f"({' '.join(rec.reasons)}). Choose “refer anyway” to write one."}
            )  # fmt: skip
        tier, destination = "routine", (clinician.specialty if clinician else "primary_care")
    else:
        tier, destination = rec.tier, rec.destination
    obj = Referral(
        client_id=assessment.client_id,
        assessment_id=assessment.id,
        clinician_id=clinician.id if clinician else None,
        clinician_snapshot=_dump_snapshot(_snapshot_of(clinician)) if clinician else None,
        tier=tier,
        destination=destination,
        status=DRAFT,
        reason=prefilled_reason(data, assessment.assessed_on),
        request=DEFAULT_REQUEST,
        created_by_id=created_by_id,
    )
    session.add(obj)
    session.flush()
    return _record(obj)


@access.guarded("referrals.write")
def update_draft(
    session: Session,
    referral_id: int,
    expected_version: int | None,
    *,
    reason: str = _KEEP,
    request: str = _KEEP,
    clinician_id: int | None = _KEEP,
    follow_up_on: date | None = _KEEP,
    notes: str | None = _KEEP,
) -> ReferralRecord:
    """Change what the letter says before it is sent. Fields not given stay as they were."""
    obj = _load(session, referral_id, expected_version)
    if obj.status != DRAFT:
        raise ValidationError(
            {"status": f"This referral was {_STATUS_LABELS[obj.status].lower()}, so its letter can no longer be changed."}
        )
    errors: dict[str, str] = {}
    if reason is not _KEEP:
        reason = _text(reason, "reason", errors, required="Write the reason for the referral")
    if request is not _KEEP:
        request = _text(request, "request", errors, required="Write what you are asking the clinician to do")
    if notes is not _KEEP:
        notes = _text(notes, "notes", errors)
    if follow_up_on is not _KEEP and follow_up_on is not None and not _is_day(follow_up_on):
        errors["follow_up_on"] = "The follow-up date must be a date"
    if errors:
        raise ValidationError(errors)
    if clinician_id is not _KEEP:
        clinician = _clinician(session, clinician_id)
        obj.clinician_id = clinician.id if clinician else None
        obj.clinician_snapshot = _dump_snapshot(_snapshot_of(clinician)) if clinician else None
    for name, value in (("reason", reason), ("request", request), ("follow_up_on", follow_up_on), ("notes", notes)):
        if value is not _KEEP:
            setattr(obj, name, value)
    session.flush()
    return _record(obj)


@access.guarded("referrals.write")
def delete_draft(session: Session, referral_id: int, expected_version: int | None) -> None:
    """Remove a draft written by mistake; a sent referral is kept (close it instead)."""
    obj = _load(session, referral_id, expected_version)
    if obj.status != DRAFT:
        raise ValidationError({"status": "Only a draft can be deleted; close a sent referral instead."})
    session.delete(obj)
    session.flush()


# --- moving along ----------------------------------------------------------------------------


def _is_day(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


@access.guarded("referrals.write")
def mark_sent(
    session: Session,
    referral_id: int,
    expected_version: int | None,
    sent_on: date,
    follow_up_on: date | None = None,
    *,
    today: date | None = None,
) -> ReferralRecord:
    """The letter has gone. The follow-up date defaults to FOLLOW_UP_DAYS after sending."""
    obj = _load(session, referral_id, expected_version)
    if obj.status != DRAFT:
        raise ValidationError({"status": f"This referral was already sent ({_STATUS_LABELS[obj.status].lower()})."})
    errors: dict[str, str] = {}
    if not _is_day(sent_on):
        errors["sent_on"] = "Enter the date the letter was sent"
    elif sent_on > (today or date.today()):
        errors["sent_on"] = "The date sent cannot be in the future"
    if follow_up_on is not None and (not _is_day(follow_up_on) or (_is_day(sent_on) and follow_up_on < sent_on)):
        errors["follow_up_on"] = "The follow-up date must be on or after the day the letter was sent"
    if not (obj.reason or "").strip():
        errors["reason"] = "Write the reason for the referral before sending"
    if obj.destination != EMERGENCY_DEPARTMENT:
        if obj.clinician_id is None:
            errors["clinician_id"] = "Choose the clinician the letter goes to"
    if errors:
        raise ValidationError(errors)
    if obj.clinician_id is not None:  # the letter as sent names the clinician as they are today
        obj.clinician_snapshot = _dump_snapshot(_snapshot_of(_clinician(session, obj.clinician_id)))
    obj.status = SENT
    obj.sent_on = sent_on
    obj.follow_up_on = follow_up_on or sent_on + timedelta(days=FOLLOW_UP_DAYS.get(obj.tier, 14))
    session.flush()
    return _record(obj)


@access.guarded("referrals.track")
def set_follow_up(session: Session, referral_id: int, expected_version: int | None, follow_up_on: date) -> ReferralRecord:
    """Move the follow-up date of a referral still waiting for its reply."""
    obj = _load(session, referral_id, expected_version)
    if obj.status not in WAITING:
        raise ValidationError({"follow_up_on": "Only a sent referral waiting for its reply has a follow-up date to move."})
    if not _is_day(follow_up_on) or follow_up_on < obj.sent_on:
        raise ValidationError({"follow_up_on": "The follow-up date must be on or after the day the letter was sent"})
    obj.follow_up_on = follow_up_on
    session.flush()
    return _shown(session, _record(obj))


@access.guarded("referrals.track")
def set_status(
    session: Session, referral_id: int, expected_version: int | None, status: str, *, notes: str | None = _KEEP
) -> ReferralRecord:
    """acknowledged / appointment_made (forward only, after sending) or closed (at any point).
    Sending and the reply have their own steps: `mark_sent` and `record_reply`."""
    obj = _load(session, referral_id, expected_version)
    if status == SENT:
        raise ValidationError({"status": "Use “Mark as sent” with the date the letter went."})
    if status == REPLY_RECEIVED:
        raise ValidationError({"status": "Record the clinician's reply with their decision."})
    if status not in (ACKNOWLEDGED, APPOINTMENT_MADE, CLOSED):
        raise ValidationError({"status": f"Unknown referral status {status!r}"})
    if obj.status == CLOSED:
        raise ValidationError({"status": "This referral is closed; start a new referral if one is needed."})
    if status != CLOSED:
        if obj.status == DRAFT:
            raise ValidationError({"status": "Mark the letter as sent first."})
        if _ORDER[status] < _ORDER[obj.status] or obj.status == REPLY_RECEIVED:
            raise ValidationError(
                {"status": f"This referral is already at “{_STATUS_LABELS[obj.status]}”; it cannot go back "
                 f"to “{_STATUS_LABELS[status]}”."}
            )  # fmt: skip
    if notes is not _KEEP:
        errors: dict[str, str] = {}
        notes = _text(notes, "notes", errors)
        if errors:
            raise ValidationError(errors)
        obj.notes = notes
    obj.status = status
    session.flush()
    return _shown(session, _record(obj))


@access.guarded("referrals.write")
def record_reply(
    session: Session,
    referral_id: int,
    expected_version: int | None,
    *,
    decision: str,
    restrictions: str | None = None,
    reply_on: date,
    notes: str | None = None,
    today: date | None = None,
) -> ReferralRecord:
    """The clinician's answer. Records the medical clearance the safety gate reads and links it."""
    obj = _load(session, referral_id, expected_version)
    if obj.status == DRAFT:
        raise ValidationError({"status": "This referral has not been sent yet, so there is no reply to record."})
    if obj.status not in WAITING:
        raise ValidationError(
            {"status": f"This referral is {_STATUS_LABELS[obj.status].lower()}; its reply cannot be recorded again."}
        )
    if decision not in _DECISION_LABELS:
        raise ValidationError({"decision": "Choose cleared, cleared with restrictions, or not cleared"})
    if _is_day(reply_on) and obj.sent_on is not None and reply_on < obj.sent_on:
        raise ValidationError({"reply_on": "The reply cannot be dated before the letter was sent"})
    snapshot = _load_snapshot(obj.clinician_snapshot)
    in_network = obj.clinician_id is not None and session.get(Clinician, obj.clinician_id) is not None
    said = f"Reply to the referral sent on {day_label(obj.sent_on)}." if obj.sent_on else "Reply to a referral."
    clearance = clearances.record(
        session,
        obj.client_id,
        cleared_on=reply_on,
        status=decision,
        clinician_id=obj.clinician_id if in_network else None,
        clinician_name=None if in_network else (snapshot.name if snapshot else _DESTINATION_LABELS[obj.destination]),
        restrictions=restrictions,
        notes=f"{said} {notes.strip()}" if notes and notes.strip() else said,
        today=today,
    )
    obj.reply_decision = decision
    obj.reply_restrictions = clearance.restrictions
    obj.reply_on = reply_on
    obj.clearance_id = clearance.id
    obj.status = REPLY_RECEIVED
    session.flush()
    return _record(obj)


# --- lists and the safety-gate hook ----------------------------------------------------------


@access.guarded("referrals.track")
def list_for_client(session: Session, client_id: int) -> list[ReferralRecord]:
    """The client's referrals, newest first."""
    query = select(Referral).where(Referral.client_id == client_id).order_by(Referral.created_at.desc(), Referral.id.desc())
    return [_shown(session, _record(obj)) for obj in session.scalars(query)]


@access.guarded("referrals.track")
def list_all(
    session: Session, *, status: str | None = None, overdue_only: bool = False, today: date | None = None
) -> list[ReferralRow]:
    """Every referral for the studio-wide view: those waiting for a reply first, soonest
    follow-up first (overdue ones lead), then drafts, then answered and closed, newest first."""
    today = today or date.today()
    query = select(Referral, Client.first_name, Client.last_name).join(Client, Client.id == Referral.client_id)
    if status is not None:
        if status not in _STATUS_LABELS:
            raise ValidationError({"status": f"Unknown referral status {status!r}"})
        query = query.where(Referral.status == status)
    if overdue_only:
        query = query.where(and_(Referral.status.in_(WAITING), Referral.follow_up_on < today))
    rows = []
    for obj, first, last in session.execute(query):
        record = _record(obj)
        rows.append(
            ReferralRow(
                id=obj.id,
                client_id=obj.client_id,
                client_name=f"{first} {last}",
                clinician_name=record.clinician_name,
                tier=obj.tier,
                destination=obj.destination,
                status=obj.status,
                status_label=record.status_label,
                sent_on=obj.sent_on,
                follow_up_on=obj.follow_up_on,
                overdue=_overdue(obj.status, obj.follow_up_on, today),
                waiting_for_reply=obj.status in WAITING,
            )
        )
    def order(row: ReferralRow) -> tuple:
        if row.waiting_for_reply:
            return (0, row.follow_up_on or date.max, row.id)
        return (1 if row.status == DRAFT else 2, date.max, -row.id)

    return sorted(rows, key=order)


@access.guarded("referrals.track")
def recorded_since(session: Session, client_id: int, since: date) -> bool:
    """Whether a referral for the client was sent on or after `since`: the safety gate's hook,
    `safety.gate(session, client_id, referral_recorded=referrals.recorded_since)`."""
    query = select(Referral.id).where(
        Referral.client_id == client_id, Referral.sent_on.is_not(None), Referral.sent_on >= since
    )
    return session.scalars(query.limit(1)).first() is not None


# --- the letter ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObservationGroup:
    """One block of the letter's observations: a heading and its lines."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class LetterData:
    """Everything the referral letter and its reply slip print, as plain values
    (DOMAIN.md section 6). Texts are as typed; the renderer escapes them."""

    referral_id: int
    reference: str  # quoted on the reply slip so a returned slip finds its referral
    status: str
    # letterhead and the studio's return contact
    studio_name: str
    studio_address: str | None
    studio_phone: str | None
    studio_email: str | None
    paper: str  # a4 / letter
    letter_date: date
    # addressee
    clinician_name: str  # "Sarah Whitfield" or "The duty doctor"
    clinician_credentials: str | None
    clinician_practice: str | None  # or "Emergency department"
    clinician_address: str | None
    clinician_fax: str | None
    clinician_email: str | None
    salutation: str  # "Dear Dr Whitfield,"
    # about the client
    client_name: str
    client_date_of_birth: date | None
    tier: str
    urgency: str  # the tier in words
    destination_label: str
    reason: str
    assessment_date: date | None
    observations: tuple[ObservationGroup, ...]
    program_title: str | None
    current_training: tuple[str, ...]  # exercise names of the active program
    request: str
    consent_date: date | None
    consent_line: str  # the consent sentence, or the warning that none is recorded
    # who writes
    trainer_name: str | None
    trainer_credentials: str | None
    trainer_phone: str | None
    trainer_email: str | None
    studio_logo: bytes | None = None  # the letterhead logo (PNG or JPEG file), None for the name only

    @property
    def consent_recorded(self) -> bool:
        return self.consent_date is not None

    @property
    def re_line(self) -> str:
        born = f", date of birth {day_label(self.client_date_of_birth)}" if self.client_date_of_birth else ", date of birth not recorded"
        return f"Re: {self.client_name}{born}"


URGENCY_WORDS = {
    "emergency": "EMERGENCY: the client has been advised to attend the emergency department today.",
    "urgent": "Urgent: please see the client within the next few days.",
    "routine": "Routine.",
}
CONSENT_MISSING = (
    "CONSENT NOT RECORDED: the studio has no record of the client's consent to share this "
    "information. Confirm consent with the client before sending this letter."
)


def _labels(codes, choices) -> list[str]:
    table = dict(choices)
    return [table.get(code, code) for code in codes]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _pain_lines(data: AssessmentData) -> tuple[str, ...]:
    p = data.pain
    lines = []
    onset = []
    if p.onset:
        onset.append(_lower_first(dict(ONSETS).get(p.onset, p.onset)))
    if p.mechanism:
        onset.append(f"mechanism reported: {_lower_first(dict(MECHANISMS).get(p.mechanism, p.mechanism))}")
    if p.onset_date:
        onset.append(f"since {day_label(p.onset_date)}")
    if onset:
        lines.append("Onset: " + ", ".join(onset) + ".")
    if p.locations:
        lines.append("Location reported: " + ", ".join(_lower_first(x) for x in _labels(p.locations, LOCATIONS)) + ".")
    sensations = [word for flag, word in ((p.pins_and_needles, "pins and needles"), (p.numbness, "numbness")) if flag]
    if sensations:
        lines.append("Also reports " + " and ".join(sensations) + ".")
    scores = [f"{label} {value}/10" for label, value in (("now", p.nprs_now), ("best", p.nprs_best), ("worst in the last week", p.nprs_worst)) if value is not None]
    if scores:
        lines.append("Pain rating (NPRS 0–10): " + ", ".join(scores) + ".")
    pattern = []
    if p.pattern:
        pattern.append(_lower_first(dict(PATTERNS).get(p.pattern, p.pattern)))
    if p.worse_time:
        pattern.append(_lower_first(dict(WORSE_TIMES).get(p.worse_time, p.worse_time)))
    if pattern:
        lines.append("Pattern: " + ", ".join(pattern) + ".")
    if p.aggravating:
        lines.append("Aggravated by: " + ", ".join(_lower_first(x) for x in _labels(p.aggravating, ACTIVITIES)) + ".")
    if p.easing:
        lines.append("Eased by: " + ", ".join(_lower_first(x) for x in _labels(p.easing, ACTIVITIES)) + ".")
    if p.previous_episodes:
        lines.append(f"Previous episodes (reported): {p.previous_episodes}")
    workup = []
    if p.workup_seen:
        workup.append(", ".join(_lower_first(x) for x in _labels(p.workup_seen, WORKUP_SEEN)))
    if p.workup_status:
        workup.append(_lower_first(dict(WORKUP_STATUS).get(p.workup_status, p.workup_status)))
    if workup:
        lines.append("Medical workup (reported): " + "; ".join(workup) + ".")
    if p.workup_result:
        lines.append(f"Workup result (as reported by the client): {p.workup_result}")
    if p.medications:
        lines.append(f"Medications (reported): {p.medications}")
    return tuple(lines)


def _provocation_lines(data: AssessmentData) -> tuple[str, ...]:
    by_result: dict[str, list[str]] = {"provokes": [], "eases": [], "no_change": []}
    for code, result in data.provocation.items():
        test = provocation.PROVOCATION_TESTS.get(code)
        if test is None or result.result not in by_result:
            continue
        words = f"{test.test} ({test.loads})"
        where = [w for w in (dict(SIDES).get(result.side, result.side) if result.side else None, result.location) if w]
        if where and result.result != "no_change":
            words += " — " + ", ".join(_lower_first(w) for w in where)
        by_result[result.result].append(words)
    lines = []
    if by_result["provokes"]:
        lines.append("Symptoms provoked by: " + "; ".join(by_result["provokes"]) + ".")
    if by_result["eases"]:
        lines.append("Symptoms eased by: " + "; ".join(by_result["eases"]) + ".")
    if by_result["no_change"]:
        lines.append("No change with: " + "; ".join(by_result["no_change"]) + ".")
    return tuple(lines)


def _outcome_lines(data: AssessmentData) -> tuple[str, ...]:
    found = findings(data)
    lines = []
    if found.odi is not None:
        if found.odi.percent is not None:
            band = ODI_BAND_LABELS.get(found.odi.band, found.odi.band)
            lines.append(f"Oswestry Disability Index (ODI): {found.odi.percent:.0f}% — {band}.")
        else:
            lines.append(f"Oswestry Disability Index (ODI): not scored ({found.odi.answered} of 10 sections answered).")
    if found.rmdq is not None:
        lines.append(f"Roland-Morris Disability Questionnaire (RMDQ): {found.rmdq}/24.")
    if found.start_back is not None:
        sb = found.start_back
        lines.append(f"STarT Back Screening Tool: {sb.risk} risk (total {sb.total}/9, psychosocial subscore {sb.psychosocial}/5).")
    if found.psfs is not None:
        activities = ", ".join(f"{a.activity} {a.rating}/10" for a in data.questionnaires.psfs)
        lines.append(f"Patient-Specific Functional Scale (PSFS): mean {_number(found.psfs)}/10 ({activities}).")
    return tuple(lines)


def _endurance_lines(data: AssessmentData) -> tuple[str, ...]:
    e, result = data.endurance, findings(data).endurance
    if result is None:
        return ()
    lines = [
        f"Hold times to form failure: trunk flexors {_number(e.flexor)} s, extensors {_number(e.extensor)} s, "
        f"right side bridge {_number(e.side_right)} s, left side bridge {_number(e.side_left)} s."
    ]
    ratios = []
    for label, value, flag, limit in (
        ("flexor/extensor", result.flexor_extensor, "flexor_extensor", "above 1.0"),
        ("right/left side bridge", result.right_left, "right_left", "differs from 1.0 by more than 0.05"),
        ("side bridge/extensor", result.side_extensor, "side_extensor", "above 0.75"),
    ):
        if value is None:
            ratios.append(f"{label} not calculable (a zero time)")
        else:
            ratios.append(f"{label} {value:.2f}" + (f" ({limit})" if flag in result.flags else ""))
    lines.append("Endurance ratios: " + "; ".join(ratios) + ".")
    return tuple(lines)


def _observations(data: AssessmentData) -> tuple[ObservationGroup, ...]:
    found = findings(data)
    if found.red_flags:
        flag_lines = tuple(f"Reported: {flag.wording}." for flag in found.red_flags)
    else:
        flag_lines = ("None of the screened warning signs were reported.",)
    if data.red_flag_notes:
        flag_lines += (f"Trainer's note: {data.red_flag_notes}",)
    groups = (
        ObservationGroup("Pain history (as reported by the client)", _pain_lines(data)),
        ObservationGroup("Red-flag screening", flag_lines),
        ObservationGroup("Provocation tests (observed)", _provocation_lines(data)),
        ObservationGroup("Outcome measures", _outcome_lines(data)),
        ObservationGroup("Trunk endurance (McGill battery)", _endurance_lines(data)),
    )
    return tuple(group for group in groups if group.lines)


def _salutation(snapshot: ClinicianSnapshot | None) -> str:
    if snapshot is None:
        return "Dear Doctor,"
    creds = (snapshot.credentials or "").upper().replace(".", "")
    doctor = snapshot.specialty in _PHYSICIAN_SPECIALTIES or any(
        token in creds.replace(",", " ").split() for token in ("MD", "DO", "MBBS", "MBCHB", "MB", "BM", "PHD", "DC", "DPT")
    )
    return f"Dear Dr {snapshot.last_name}," if doctor else f"Dear {snapshot.first_name} {snapshot.last_name},"


@access.guarded("clinical.read")
def letter_data(session: Session, referral_id: int, *, today: date | None = None) -> LetterData:
    """What the referral letter prints. The date is the day it was sent, or `today` for a draft."""
    obj = _load(session, referral_id, None)
    record = _record(obj)
    client = records.load_for_edit(session, Client, obj.client_id, None, "client")
    studio = studio_profile.get(session)
    assessment = session.get(Assessment, obj.assessment_id) if obj.assessment_id is not None else None
    data = from_json(assessment.data) if assessment is not None else None
    writer_id = obj.created_by_id or (assessment.trainer_id if assessment else None) or client.trainer_id
    writer = session.get(StaffMember, writer_id) if writer_id is not None else None
    program = programs.active_for_client(session, obj.client_id)
    training = tuple(item.exercise.name if item.exercise else item.exercise_code for item in program.items) if program else ()
    snapshot = record.clinician
    if snapshot is not None:
        clinician_name, practice, address = f"{snapshot.first_name} {snapshot.last_name}", snapshot.practice, snapshot.address
    elif obj.destination == EMERGENCY_DEPARTMENT:
        clinician_name, practice, address = "The duty doctor", "Emergency department", None
    else:
        clinician_name, practice, address = "The treating clinician", None, None
    consent = client.consent_to_share_date
    consent_line = (
        f"The client consented on {day_label(consent)} to the studio sharing this information with you."
        if consent
        else CONSENT_MISSING
    )
    return LetterData(
        referral_id=obj.id,
        reference=f"R-{obj.id:05d}",
        status=obj.status,
        studio_name=studio.details.name if studio else "Upright studio",
        studio_address=studio.details.address if studio else None,
        studio_phone=studio.details.phone if studio else None,
        studio_email=studio.details.email if studio else None,
        paper=studio.details.paper if studio else "a4",
        letter_date=obj.sent_on or today or date.today(),
        clinician_name=clinician_name,
        clinician_credentials=snapshot.credentials if snapshot else None,
        clinician_practice=practice,
        clinician_address=address,
        clinician_fax=snapshot.fax if snapshot else None,
        clinician_email=snapshot.email if snapshot else None,
        salutation=_salutation(snapshot),
        client_name=f"{client.first_name} {client.last_name}",
        client_date_of_birth=client.date_of_birth,
        tier=obj.tier,
        urgency=URGENCY_WORDS.get(obj.tier, record.tier_label),
        destination_label=record.destination_label,
        reason=obj.reason,
        assessment_date=assessment.assessed_on if assessment else None,
        observations=_observations(data) if data is not None else (),
        program_title=program.title if program else None,
        current_training=training,
        request=obj.request,
        consent_date=consent,
        consent_line=consent_line,
        trainer_name=f"{writer.first_name} {writer.last_name}" if writer else None,
        trainer_credentials=writer.credentials if writer else None,
        trainer_phone=writer.phone if writer else None,
        trainer_email=writer.email if writer else None,
        studio_logo=studio_profile.logo(session),
    )
