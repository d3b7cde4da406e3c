"""Assessments: start a draft, save it as the trainer works, sign it, and follow progress.

A draft can be changed and deleted; a signed assessment is the studio's record of what was
reported and observed that day, so it is changed only after it is reopened, and never deleted.
Scores always come from `studio.clinical.assessment.findings`, so the list, the progress view
and the printed documents can never disagree about a number.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio import access
from studio.clinical import measures, provocation, red_flags
from studio.clinical.assessment import KINDS, AssessmentData, Findings, PainHistory, findings, from_json, to_json
from studio.errors import ValidationError
from studio.models import Assessment, Client, StaffMember
from studio.models.base import utcnow
from studio.services import records, staff
from studio.services.staff import TRAINING_ROLES

INITIAL = "initial"
REASSESSMENT = "reassessment"
_KIND_LABELS = dict(KINDS)


@dataclass(frozen=True)
class AssessmentRecord:
    id: int
    version: int
    client_id: int
    assessed_on: date
    kind: str
    trainer_id: int | None
    trainer_name: str | None
    signed_at: datetime | None
    signed_by_name: str | None
    data: AssessmentData
    updated_at: datetime

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    @property
    def label(self) -> str:
        return f"{_KIND_LABELS.get(self.kind, self.kind)} · {day_label(self.assessed_on)}"


@dataclass(frozen=True)
class AssessmentSummary:
    """One line of a client's assessment list."""

    id: int
    assessed_on: date
    kind: str
    trainer_name: str | None
    signed: bool
    nprs_now: int | None
    nprs_worst: int | None
    odi_percent: float | None
    rmdq: int | None
    top_tier: str | None  # emergency / urgent / None: the worst red flag recorded
    referral_tier: str  # emergency / urgent / routine / none

    @property
    def label(self) -> str:
        return f"{_KIND_LABELS.get(self.kind, self.kind)} · {day_label(self.assessed_on)}"


@dataclass(frozen=True)
class Change:
    """One outcome between the previous and the latest signed assessment.

    important: the improvement reaches the instrument's minimal important change (only when
    both values exist). better: True improved, False worse, None unchanged or not comparable.
    """

    measure: str
    instrument: str
    before: float | None
    after: float | None
    important: bool
    better: bool | None


@dataclass(frozen=True)
class TrendPoint:
    assessed_on: date
    nprs_now: int | None
    odi_percent: float | None
    rmdq: int | None


@dataclass(frozen=True)
class Progress:
    latest: AssessmentRecord | None
    previous: AssessmentRecord | None
    changes: tuple[Change, ...]  # empty until there is a signed assessment
    trend: tuple[TrendPoint, ...]  # every signed assessment, oldest first


def day_label(day: date) -> str:
    """12 Mar 2026: the day first and no leading zero, as people write it on a form."""
    return f"{day.day} {day:%b %Y}"


# --- reading ---------------------------------------------------------------------------------


def _record(session: Session, obj: Assessment) -> AssessmentRecord:
    return AssessmentRecord(
        id=obj.id,
        version=obj.version,
        client_id=obj.client_id,
        assessed_on=obj.assessed_on,
        kind=obj.kind,
        trainer_id=obj.trainer_id,
        trainer_name=staff.name_of(session, obj.trainer_id),
        signed_at=obj.signed_at,
        signed_by_name=staff.name_of(session, obj.signed_by_id),
        data=from_json(obj.data),
        updated_at=obj.updated_at,
    )


def _summary(session: Session, obj: Assessment) -> AssessmentSummary:
    found = findings(from_json(obj.data))
    return AssessmentSummary(
        id=obj.id,
        assessed_on=obj.assessed_on,
        kind=obj.kind,
        trainer_name=staff.name_of(session, obj.trainer_id),
        signed=obj.signed_at is not None,
        nprs_now=found.nprs_now,
        nprs_worst=found.nprs_worst,
        odi_percent=found.odi.percent if found.odi else None,
        rmdq=found.rmdq,
        top_tier=found.top_tier,
        referral_tier=found.referral.tier,
    )


def _newest_first(client_id: int, *, signed_only: bool = False):
    query = select(Assessment).where(Assessment.client_id == client_id)
    if signed_only:
        query = query.where(Assessment.signed_at.is_not(None))
    return query.order_by(Assessment.assessed_on.desc(), Assessment.id.desc())


@access.guarded("clinical.read")
def get(session: Session, assessment_id: int) -> AssessmentRecord:
    return _record(session, records.load_for_edit(session, Assessment, assessment_id, None, "assessment"))


@access.guarded("clinical.read")
def list_for_client(session: Session, client_id: int) -> list[AssessmentSummary]:
    """Every assessment of the client, drafts included, newest first."""
    return [_summary(session, obj) for obj in session.scalars(_newest_first(client_id))]


def _latest(session: Session, client_id: int, *, signed_only: bool = False) -> Assessment | None:
    return session.scalars(_newest_first(client_id, signed_only=signed_only).limit(1)).first()


@access.guarded("clinical.read")
def latest(session: Session, client_id: int, *, signed_only: bool = False) -> AssessmentRecord | None:
    """The most recent assessment by date (then by when it was started), or None."""
    obj = _latest(session, client_id, signed_only=signed_only)
    return _record(session, obj) if obj is not None else None


# --- checking what was recorded --------------------------------------------------------------


def _check_today(day: object, field: str, what: str, today: date | None) -> date:
    if not isinstance(day, date) or isinstance(day, datetime):
        raise ValidationError({field: f"The {what} must be a date"})
    if day > (today or date.today()):
        raise ValidationError({field: f"The {what} cannot be in the future ({day_label(day)})"})
    return day


def _nprs_error(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        return f"Pain ratings are whole numbers from 0 to 10, not {value!r}"
    return None


def data_errors(data: AssessmentData, today: date | None = None) -> dict[str, str]:
    """Reasons, per part of the form, why `data` cannot be stored; empty when it can.

    Everything is optional (a trainer fills what they know), but what is filled must be
    something the scoring rules can read, so a stored assessment never breaks a later view.
    """
    if not isinstance(data, AssessmentData):
        return {"data": "Nothing to save: the assessment form sent no record"}
    errors: dict[str, str] = {}
    pain = data.pain
    for name in ("nprs_now", "nprs_best", "nprs_worst"):
        if reason := _nprs_error(getattr(pain, name)):
            errors[name] = reason
    if pain.onset_date is not None and pain.onset_date > (today or date.today()):
        errors["onset_date"] = "The onset date cannot be in the future"
    q = data.questionnaires
    checks = {
        "red_flags": lambda: red_flags.flags_found(data.red_flags),
        "provocation": lambda: provocation.validate_results({c: r.result for c, r in data.provocation.items()}),
        "odi": lambda: measures.oswestry(q.odi),
        "rmdq": lambda: q.rmdq is None or measures.roland_morris(q.rmdq),
        "start_back": lambda: q.start_back_agree is None
        or not q.start_back_bothersomeness
        or measures.start_back(q.start_back_agree, q.start_back_bothersomeness),
        "psfs": lambda: not q.psfs or measures.psfs([a.rating for a in q.psfs]),
    }
    for name, check in checks.items():
        try:
            check()
        except (ValueError, TypeError) as exc:
            errors[name] = str(exc)
    if any(not (a.activity or "").strip() for a in q.psfs):
        errors["psfs"] = "Name each PSFS activity in the client's words"
    times = dataclasses.asdict(data.endurance).values()
    if any(t is not None and (isinstance(t, bool) or not isinstance(t, (int, float)) or t < 0) for t in times):
        errors["endurance"] = "Endurance times are seconds held, 0 or more"
    weeks = data.weeks_without_improvement
    if weeks is not None and (isinstance(weeks, bool) or not isinstance(weeks, (int, float)) or weeks < 0):
        errors["weeks_without_improvement"] = "Weeks without improvement is a number of weeks, 0 or more"
    if not errors:
        try:  # anything the per-part checks missed still must not reach the database
            findings(data)
        except (ValueError, TypeError) as exc:
            errors["data"] = str(exc)
    return errors


def _check_data(data: AssessmentData, today: date | None = None) -> None:
    if errors := data_errors(data, today):
        raise ValidationError(errors)


def _check_trainer(session: Session, trainer_id: int | None, field: str = "trainer_id") -> None:
    records.require_reference(session, StaffMember, trainer_id, field, "That trainer is no longer on the staff list")


def _refuse_signed(obj: Assessment, doing: str) -> None:
    if obj.signed_at is not None:
        raise ValidationError(
            {"signed": f"This assessment is signed, so it cannot be {doing}. Reopen it first if it must change."}
        )


# --- changing --------------------------------------------------------------------------------


def _carried_over(previous: AssessmentData) -> AssessmentData:
    """What stays true between visits: the history of the pain, the workup and medications
    as reported, lifestyle and goals. Everything measured or screened starts blank, because
    red flags are screened at every assessment (DOMAIN.md section 2) and an old score copied
    forward would look like a new one."""
    p = previous.pain
    pain = PainHistory(
        onset_date=p.onset_date,
        onset=p.onset,
        mechanism=p.mechanism,
        locations=p.locations,
        previous_episodes=p.previous_episodes,
        workup_seen=p.workup_seen,
        workup_status=p.workup_status,
        workup_result=p.workup_result,
        medications=p.medications,
    )
    return AssessmentData(pain=pain, lifestyle=previous.lifestyle)


@access.guarded("clinical.write")
def start(
    session: Session,
    client_id: int,
    *,
    trainer_id: int | None = None,
    assessed_on: date | None = None,
    copy_from_latest: bool = False,
    today: date | None = None,
) -> AssessmentRecord:
    """A new draft for the client, dated today unless another day is given.

    The first assessment a client has is the initial one, every later one a re-assessment.
    copy_from_latest starts from the previous record (the latest signed one, else the latest
    draft) but only with what does not need measuring again; see `_carried_over`.
    `today` (default: the computer's date) is what "in the future" is judged against.
    """
    records.load_for_edit(session, Client, client_id, None, "client")
    day = _check_today(assessed_on or today or date.today(), "assessed_on", "assessment date", today)
    _check_trainer(session, trainer_id)
    previous = _latest(session, client_id, signed_only=True) or _latest(session, client_id)
    data = _carried_over(from_json(previous.data)) if (copy_from_latest and previous) else AssessmentData()
    obj = Assessment(
        client_id=client_id,
        assessed_on=day,
        kind=REASSESSMENT if previous is not None else INITIAL,
        trainer_id=trainer_id,
        data=to_json(data),
    )
    session.add(obj)
    session.flush()
    return _record(session, obj)


@access.guarded("clinical.write")
def save(
    session: Session,
    assessment_id: int,
    expected_version: int | None,
    data: AssessmentData,
    *,
    assessed_on: date | None = None,
    trainer_id: int | None = None,
    today: date | None = None,
) -> AssessmentRecord:
    """Store the draft as it now stands. assessed_on and trainer_id, when None, stay as they were."""
    obj = records.load_for_edit(session, Assessment, assessment_id, expected_version, "assessment")
    _refuse_signed(obj, "changed")
    if assessed_on is not None:
        _check_today(assessed_on, "assessed_on", "assessment date", today)
    _check_trainer(session, trainer_id)
    _check_data(data, today)
    obj.data = to_json(data)
    if assessed_on is not None:
        obj.assessed_on = assessed_on
    if trainer_id is not None:
        obj.trainer_id = trainer_id
    session.flush()
    return _record(session, obj)


@access.guarded("clinical.write")
def sign(session: Session, assessment_id: int, expected_version: int | None, trainer_id: int | None) -> AssessmentRecord:
    """Sign the assessment as `trainer_id`: from now on it is the record of that day."""
    obj = records.load_for_edit(session, Assessment, assessment_id, expected_version, "assessment")
    _refuse_signed(obj, "signed again")
    if trainer_id is None:
        raise ValidationError({"trainer_id": "Choose the trainer who is signing this assessment"})
    signer = session.get(StaffMember, trainer_id)
    if signer is None or signer.archived_at is not None:
        raise ValidationError({"trainer_id": "That trainer is no longer on the staff list"})
    if signer.role not in TRAINING_ROLES:  # the people a client can be assigned to
        raise ValidationError({"trainer_id": "Only a trainer or the owner can sign an assessment"})
    obj.signed_at = utcnow()
    obj.signed_by_id = trainer_id
    if obj.trainer_id is None:
        obj.trainer_id = trainer_id
    session.flush()
    return _record(session, obj)


@access.guarded("clinical.write")
def reopen(session: Session, assessment_id: int, expected_version: int | None) -> AssessmentRecord:
    """Take the signature off so the assessment can be corrected; a draft is left as it is."""
    obj = records.load_for_edit(session, Assessment, assessment_id, expected_version, "assessment")
    if obj.signed_at is not None:
        obj.signed_at = None
        obj.signed_by_id = None
        session.flush()
    return _record(session, obj)


@access.guarded("clinical.write")
def delete_draft(session: Session, assessment_id: int, expected_version: int | None) -> None:
    """Remove a draft started by mistake. Signed assessments are kept: they are the record."""
    obj = records.load_for_edit(session, Assessment, assessment_id, expected_version, "assessment")
    _refuse_signed(obj, "deleted")
    session.delete(obj)
    session.flush()


# --- progress --------------------------------------------------------------------------------

# (label, instrument, how to read the value from the findings)
_MEASURES = (
    ("Pain now (NPRS)", "nprs", lambda f: f.nprs_now),
    ("Worst pain last week (NPRS)", "nprs", lambda f: f.nprs_worst),
    ("Disability (ODI %)", "odi", lambda f: f.odi.percent if f.odi else None),
    ("Disability (RMDQ)", "rmdq", lambda f: f.rmdq),
    ("Function (PSFS mean)", "psfs", lambda f: f.psfs),
)
_HIGHER_IS_BETTER = {"psfs"}


def _change(label: str, instrument: str, before: float | None, after: float | None) -> Change:
    if before is None or after is None or before == after:
        return Change(label, instrument, before, after, False, None)
    improved = after > before if instrument in _HIGHER_IS_BETTER else after < before
    return Change(label, instrument, before, after, measures.important_change(instrument, before, after), improved)


def changes_between(before: Findings | None, after: Findings) -> tuple[Change, ...]:
    """The five outcome changes from one set of findings to another (before may be None)."""
    return tuple(
        _change(label, instrument, read(before) if before else None, read(after))
        for label, instrument, read in _MEASURES
    )


def _trend_point(day: date, found: Findings) -> TrendPoint:
    return TrendPoint(day, found.nprs_now, found.odi.percent if found.odi else None, found.rmdq)


@access.guarded("clinical.read")
def progress(session: Session, client_id: int) -> Progress:
    """How the client's outcomes moved across their signed assessments."""
    query = (
        select(Assessment)
        .where(Assessment.client_id == client_id, Assessment.signed_at.is_not(None))
        .order_by(Assessment.assessed_on, Assessment.id)
    )
    signed: Sequence[Assessment] = session.scalars(query).all()
    rows = [_record(session, obj) for obj in signed]
    found = [findings(r.data) for r in rows]
    trend = tuple(_trend_point(r.assessed_on, f) for r, f in zip(rows, found))
    if not rows:
        return Progress(None, None, (), ())
    latest_record, latest_found = rows[-1], found[-1]
    previous_record, previous_found = (rows[-2], found[-2]) if len(rows) > 1 else (None, None)
    return Progress(latest_record, previous_record, changes_between(previous_found, latest_found), trend)
