"""Medical clearances and the safety gate (DOMAIN.md section 2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete

from studio.clinical.assessment import AssessmentData
from studio.errors import NotFound, StaleEdit, ValidationError
from studio.models import Clinician
from studio.services import assessments, clearances, clients, clinicians, demo, safety, staff

TODAY = date.today()
ASSESSED = TODAY - timedelta(days=20)


@pytest.fixture
def people(database):
    with database.session_factory.begin() as s:
        trainer = staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"})).id
        gp = clinicians.create(
            s,
            clinicians.parse(
                {"first_name": "Sarah", "last_name": "Whitfield", "credentials": "MBBS, MRCGP", "specialty": "primary_care"}
            ),
        ).id
        ana = clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund"})).id
    return {"trainer": trainer, "gp": gp, "ana": ana}


def assess(database, people, flags=(), *, on=ASSESSED, sign=True) -> int:
    with database.session_factory.begin() as s:
        record = assessments.start(s, people["ana"], assessed_on=on)
        record = assessments.save(s, record.id, record.version, AssessmentData(red_flags=tuple(flags)))
        if sign:
            assessments.sign(s, record.id, record.version, people["trainer"])
    return record.id


def clear(database, people, status="cleared", *, on=ASSESSED, **extra) -> clearances.ClearanceRecord:
    extra.setdefault("clinician_id", people["gp"])
    with database.session_factory.begin() as s:
        return clearances.record(s, people["ana"], cleared_on=on, status=status, **extra)


def gate(database, people, **options) -> safety.SafetyGate:
    with database.session_factory() as s:
        return safety.gate(s, people["ana"], **options)


# --- clearances -------------------------------------------------------------------------------


def test_statuses_and_labels():
    assert clearances.STATUSES == (
        ("cleared", "Cleared for exercise"),
        ("cleared_with_restrictions", "Cleared with restrictions"),
        ("not_cleared", "Not cleared"),
    )


def test_recording_with_a_network_clinician_or_a_typed_name(database, people):
    network = clear(database, people, "cleared_with_restrictions", on=TODAY - timedelta(days=3),
                    restrictions="  No running for 4 weeks ", notes="Letter scanned")  # fmt: skip
    typed = clear(database, people, "not_cleared", on=TODAY - timedelta(days=1), clinician_id=None,
                  clinician_name="  Dr Ana Ruiz, City Hospital A&E  ")  # fmt: skip
    assert network.clinician_name == "Sarah Whitfield, MBBS, MRCGP" and network.clinician_id == people["gp"]
    assert network.status_label == "Cleared with restrictions" and network.restrictions == "No running for 4 weeks"
    assert network.notes == "Letter scanned" and network.clears
    assert typed.clinician_name == "Dr Ana Ruiz, City Hospital A&E" and typed.clinician_id is None
    assert typed.status_label == "Not cleared" and not typed.clears
    with database.session_factory() as s:
        listed = clearances.list_for_client(s, people["ana"])
        assert [c.id for c in listed] == [typed.id, network.id]  # newest first
        assert clearances.list_for_client(s, people["ana"], since=TODAY - timedelta(days=2)) == [typed]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "maybe"}, "status"),
        ({"status": None}, "status"),
        ({"cleared_on": TODAY + timedelta(days=1)}, "cleared_on"),
        ({"cleared_on": None}, "cleared_on"),
        ({"clinician_id": None, "clinician_name": "   "}, "clinician_name"),
        ({"clinician_id": 9999}, "clinician_id"),
        ({"clinician_id": None, "clinician_name": "x" * 201}, "clinician_name"),
        ({"status": "cleared_with_restrictions", "restrictions": "  "}, "restrictions"),
    ],
)
def test_recording_refuses_what_a_clearance_cannot_be(database, people, changes, field):
    values = {"cleared_on": TODAY, "status": "cleared", "clinician_id": people["gp"]} | changes
    with database.session_factory.begin() as s:
        with pytest.raises(ValidationError) as caught:
            clearances.record(s, people["ana"], **values)
        assert field in caught.value.errors
        assert clearances.list_for_client(s, people["ana"]) == []


def test_recording_for_a_missing_client_is_not_found(database, people):
    with database.session_factory.begin() as s:
        with pytest.raises(NotFound):
            clearances.record(s, 9999, cleared_on=TODAY, status="cleared", clinician_id=people["gp"])


def test_update_and_stale_update(database, people):
    first = clear(database, people)
    with database.session_factory.begin() as s:
        changed = clearances.update(s, first.id, first.version, cleared_on=TODAY, status="cleared_with_restrictions",
                                    clinician_id=people["gp"], restrictions="Avoid heavy lifting")  # fmt: skip
    assert changed.version == first.version + 1 and changed.restrictions == "Avoid heavy lifting"
    with database.session_factory.begin() as s:
        with pytest.raises(StaleEdit):
            clearances.update(s, first.id, first.version, cleared_on=TODAY, status="cleared", clinician_id=people["gp"])
    with database.session_factory() as s:
        assert clearances.get(s, first.id) == changed


def test_the_clinicians_name_stays_when_they_leave_the_network(database, people):
    record = clear(database, people)
    with database.session_factory.begin() as s:
        s.execute(delete(Clinician).where(Clinician.id == people["gp"]))
    with database.session_factory() as s:
        kept = clearances.get(s, record.id)
    assert kept.clinician_id is None and kept.clinician_name == "Sarah Whitfield, MBBS, MRCGP"


# --- the gate ---------------------------------------------------------------------------------


def test_no_signed_assessment_passes_but_says_nothing_was_screened(database, people):
    result = gate(database, people)
    assert result.passed and result.tier is None and result.flags == () and result.assessment_id is None
    assert result.reasons[0].startswith("No signed assessment yet")
    # A draft is not a screening: even one with a flag typed in does not count until signed.
    assess(database, people, ["saddle_numbness"], sign=False)
    assert gate(database, people).reasons == result.reasons


def test_a_signed_assessment_without_flags_passes(database, people):
    assessment_id = assess(database, people)
    assert gate(database, people) == safety.SafetyGate(True, None, (), (), assessment_id)


@pytest.mark.parametrize(
    ("flags", "tier", "action"),
    [
        (["cancer_history"], "urgent", "See a doctor within days"),
        (["night_pain", "thoracic_pain"], "urgent", "See a doctor within days"),
        (["bladder_dysfunction"], "emergency", "Emergency department today"),
        (["cancer_history", "progressive_weakness"], "emergency", "Emergency department today"),
    ],
)
def test_a_red_flag_blocks_until_cleared(database, people, flags, tier, action):
    assessment_id = assess(database, people, flags)
    blocked = gate(database, people)
    assert not blocked.passed and blocked.tier == tier and blocked.assessment_id == assessment_id
    assert {f.code for f in blocked.flags} == set(flags)
    text = " ".join(blocked.reasons)
    assert action in text and "Not cleared for training" in text
    assert all(f.wording in text for f in blocked.flags)

    cleared = clear(database, people, on=ASSESSED + timedelta(days=2))
    passed = gate(database, people)
    assert passed.passed and passed.tier == tier and passed.clearance_id == cleared.id
    assert "Cleared for exercise by Sarah Whitfield" in " ".join(passed.reasons)


def test_a_clearance_from_before_the_assessment_does_not_count(database, people):
    clear(database, people, on=ASSESSED - timedelta(days=1))
    assess(database, people, ["unexplained_weight_loss"])
    assert not gate(database, people).passed
    clear(database, people, "cleared_with_restrictions", on=ASSESSED, restrictions="No loaded flexion")
    same_day = gate(database, people)
    assert same_day.passed and "Restrictions: No loaded flexion" in " ".join(same_day.reasons)


def test_not_cleared_never_passes_and_the_latest_decision_counts(database, people):
    assess(database, people, ["fever_or_infection"])
    refused = clear(database, people, "not_cleared", on=ASSESSED + timedelta(days=1))
    blocked = gate(database, people)
    assert not blocked.passed and blocked.clearance_id == refused.id
    assert "did not clear the client" in " ".join(blocked.reasons)

    later = clear(database, people, "cleared", on=ASSESSED + timedelta(days=5))
    assert gate(database, people).passed and gate(database, people).clearance_id == later.id
    clear(database, people, "not_cleared", on=ASSESSED + timedelta(days=9), clinician_id=None, clinician_name="Dr Ruiz")
    assert not gate(database, people).passed


def test_only_the_latest_signed_assessment_counts(database, people):
    assess(database, people, ["bowel_incontinence"], on=ASSESSED - timedelta(days=30))
    assert gate(database, people).tier == "emergency"
    latest = assess(database, people, [])
    assert gate(database, people) == safety.SafetyGate(True, None, (), (), latest)
    # A flag found again at a re-assessment needs a clearance dated after that assessment.
    clear(database, people, on=ASSESSED + timedelta(days=1))
    assess(database, people, ["cancer_history"], on=ASSESSED + timedelta(days=4))
    assert not gate(database, people).passed


def test_the_referral_hook(database, people):
    assert safety.no_referral_recorded(None, people["ana"], TODAY) is False
    assess(database, people, ["iv_drug_use"])
    asked = []

    def referral_recorded(session, client_id, since):
        asked.append((client_id, since))
        return True

    result = gate(database, people, referral_recorded=referral_recorded)
    assert result.passed and asked == [(people["ana"], ASSESSED)]
    assert "referral has been recorded" in " ".join(result.reasons)
    # The clinician's "not cleared" outweighs a referral.
    clear(database, people, "not_cleared", on=ASSESSED + timedelta(days=1))
    assert not gate(database, people, referral_recorded=referral_recorded).passed


# --- the demo studio's stories ----------------------------------------------------------------


def test_demo_gate_outcomes_match_the_stories(database):
    day = date(2026, 5, 1)
    with database.session_factory.begin() as s:
        demo.fill_demo_studio(s, today=day)
    with database.session_factory() as s:
        ids = {r.name: r.id for r in clients.all_records(s)}
        gates = {name: safety.gate(s, cid) for name, cid in ids.items()}
        cleared = clearances.list_for_client(s, ids["Ingrid Bergström"])
        refused = clearances.list_for_client(s, ids["Kofi Boateng"])
        assert clearances.list_for_client(s, ids["Dmitri Sokolov"]) == []
        dmitri = assessments.latest(s, ids["Dmitri Sokolov"], signed_only=True)
        dmitri_first = assessments.list_for_client(s, ids["Dmitri Sokolov"])[-1]

    urgent_cleared = gates["Ingrid Bergström"]
    assert urgent_cleared.passed and urgent_cleared.tier == "urgent"
    assert [f.code for f in urgent_cleared.flags] == ["cancer_history"]
    assert cleared[0].status == "cleared_with_restrictions" and cleared[0].restrictions
    assert cleared[0].clinician_name.startswith("Sarah Whitfield")

    emergency = gates["Dmitri Sokolov"]
    assert not emergency.passed and emergency.tier == "emergency" and emergency.assessment_id == dmitri.id
    assert dmitri.kind == "reassessment" and dmitri_first.top_tier is None  # the flag is new at the latest visit

    urgent_refused = gates["Kofi Boateng"]
    assert not urgent_refused.passed and urgent_refused.tier == "urgent"
    assert refused[0].status == "not_cleared" and refused[0].clinician_id is None

    not_assessed = [name for name, g in gates.items() if g.assessment_id is None]
    assert {"Aoife Ní Bhriain", "Ji-woo Park", "Amara Okonkwo", "花子 佐藤"} <= set(not_assessed)
    assert all(gates[name].passed and gates[name].reasons for name in not_assessed)
    blocked = {name for name, g in gates.items() if not g.passed}
    assert blocked == {"Dmitri Sokolov", "Kofi Boateng"}


def test_a_clearance_holds_while_the_same_flag_is_re_recorded_but_not_for_a_new_flag(database, people):
    assess(database, people, ["cancer_history"], on=ASSESSED - timedelta(days=60))
    clear(database, people, on=ASSESSED - timedelta(days=55))
    assess(database, people, ["cancer_history"], on=ASSESSED - timedelta(days=30))
    assess(database, people, ["cancer_history"], on=ASSESSED)
    still_cleared = gate(database, people)
    assert still_cleared.passed, still_cleared.reasons

    assess(database, people, ["cancer_history", "night_pain"], on=ASSESSED + timedelta(days=5))
    blocked = gate(database, people)
    assert not blocked.passed
    assert f"since {assessments.day_label(ASSESSED + timedelta(days=5))}" in " ".join(blocked.reasons)


def test_a_break_in_the_flag_restarts_its_clock(database, people):
    assess(database, people, ["cancer_history"], on=ASSESSED - timedelta(days=60))
    clear(database, people, on=ASSESSED - timedelta(days=55))
    assess(database, people, [], on=ASSESSED - timedelta(days=30))  # not reported this time
    assess(database, people, ["cancer_history"], on=ASSESSED)
    assert not gate(database, people).passed
