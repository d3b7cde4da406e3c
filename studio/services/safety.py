"""The safety gate (DOMAIN.md section 2, product rule).

While an emergency or urgent red flag is recorded on the client's latest signed assessment and
neither a referral nor a medical clearance has been recorded since, a program cannot be made
active and a home-program handout prints only under a "not cleared for training" banner.

A clearance counts when it is dated on or after the day the newest of those flags was first
reported, in the unbroken run of signed assessments that still record it: a clearance given
before a flag was found cannot have considered it, but a client cleared for a cancer history
in March need not be cleared again at every re-assessment that records the same history.
Among the clearances that count, the most recent decides, so "not cleared" followed by
"cleared" passes, and "cleared" followed by "not cleared" does not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from studio import access
from studio.clinical.assessment import FlagFound, findings
from studio.clinical.red_flags import TIER_ACTIONS
from studio.services import assessments, clearances
from studio.services.assessments import day_label

NO_ASSESSMENT = "No signed assessment yet: red flags have not been screened."

ReferralCheck = Callable[[Session, int, date], bool]
"""(session, client_id, flagged_on) -> whether a referral for this client was recorded on or
after `flagged_on`."""


@access.open_to_all  # reveals nothing: always False
def no_referral_recorded(session: Session, client_id: int, since: date) -> bool:
    """Hook for referrals: until the referral letters arrive, none can have been recorded.

    The referrals service will supply the real check ("or a referral is recorded"), and callers
    pass it as `gate(..., referral_recorded=referrals.recorded_since)`.
    """
    return False


@dataclass(frozen=True)
class SafetyGate:
    passed: bool
    tier: str | None  # emergency / urgent / None: the worst flag on the latest signed assessment
    flags: tuple[FlagFound, ...]
    reasons: tuple[str, ...]  # plain sentences for a banner
    assessment_id: int | None
    clearance_id: int | None = None  # the clearance that decided, when one did


@access.guarded("referrals.track")
def referral_sent_since(session: Session, client_id: int, since: date) -> bool:
    """The default check: a referral letter was sent for this client on or after `since`."""
    from studio.services import referrals  # referrals reads assessments and clearances itself

    return referrals.recorded_since(session, client_id, since)


@access.guarded("clinical.read")
def gate(session: Session, client_id: int, *, referral_recorded: ReferralCheck = referral_sent_since) -> SafetyGate:
    """Whether the client may be trained on a program, and why, in words for a banner."""
    latest = assessments.latest(session, client_id, signed_only=True)
    if latest is None:
        return SafetyGate(True, None, (), (NO_ASSESSMENT,), None)
    found = findings(latest.data)
    if not found.red_flags:
        return SafetyGate(True, None, (), (), latest.id)

    tier = found.top_tier
    flagged_on = _flagged_since(session, client_id, latest)
    day = day_label(latest.assessed_on)
    reported = "; ".join(flag.wording for flag in found.red_flags)
    reasons = [f"At the assessment on {day} the client reported {reported}."]
    since = clearances.list_for_client(session, client_id, since=flagged_on)
    deciding = since[0] if since else None
    if deciding is not None and deciding.clears:
        said = f"{deciding.status_label} by {deciding.clinician_name} on {day_label(deciding.cleared_on)}."
        if deciding.restrictions:
            said += f" Restrictions: {deciding.restrictions}"
        return SafetyGate(True, tier, found.red_flags, (*reasons, said), latest.id, deciding.id)
    if deciding is None and referral_recorded(session, client_id, flagged_on):
        reasons.append("A referral has been recorded since; follow the clinician's advice.")
        return SafetyGate(True, tier, found.red_flags, tuple(reasons), latest.id)

    reasons.append(TIER_ACTIONS[tier])
    if deciding is not None:
        when = day_label(deciding.cleared_on)
        reasons.append(f"{deciding.clinician_name} did not clear the client for exercise on {when}.")
    else:
        reasons.append(
            f"Not cleared for training: no medical clearance or referral has been recorded since {day_label(flagged_on)}."
        )
    return SafetyGate(False, tier, found.red_flags, tuple(reasons), latest.id, deciding.id if deciding else None)


def _flagged_since(session: Session, client_id: int, latest: assessments.AssessmentRecord) -> date:
    """The day the newest of the latest assessment's flags was first reported, following each
    flag back through the signed assessments that record it without a break."""
    first_seen = {code: latest.assessed_on for code in latest.data.red_flags}
    still = set(first_seen)
    for summary in assessments.list_for_client(session, client_id):  # newest first
        if not still:
            break
        if not summary.signed or summary.id == latest.id or summary.assessed_on > latest.assessed_on:
            continue
        earlier = assessments.get(session, summary.id)
        still &= set(earlier.data.red_flags)
        for code in still:
            first_seen[code] = earlier.assessed_on
    return max(first_seen.values())
