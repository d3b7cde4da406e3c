"""Assessments: drafts, signing, refusals, stale edits, storage and progress between visits."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, select

from studio.clinical.assessment import (
    AssessmentData,
    EnduranceTimes,
    Goal,
    Lifestyle,
    PainHistory,
    ProvocationResult,
    PsfsActivity,
    Questionnaires,
    RangeOfMotion,
    findings,
)
from studio.errors import NotFound, StaleEdit, ValidationError
from studio.models import Assessment, Client, StaffMember
from studio.services import assessments, clients, demo, staff

TODAY = date.today()


@pytest.fixture
def people(database):
    """A trainer, a front-desk person and two clients."""
    with database.session_factory.begin() as s:
        trainer = staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"})).id
        desk = staff.create(s, staff.parse({"first_name": "Liv", "last_name": "Moe", "role": "front_desk"})).id
        ana = clients.create(s, clients.parse({"first_name": "Ana", "last_name": "Lund"})).id
        bo = clients.create(s, clients.parse({"first_name": "Bo", "last_name": "Falk"})).id
    return {"trainer": trainer, "desk": desk, "ana": ana, "bo": bo}


def odi_answers(percent: int) -> tuple[int, ...]:
    """Ten ODI answers scoring exactly `percent` (an even number): sum = percent / 2."""
    total = percent // 2
    return tuple(total // 10 + (1 if i < total % 10 else 0) for i in range(10))


def measured(nprs_now=None, nprs_worst=None, odi=None, rmdq=None, psfs=(), flags=(), weeks=0) -> AssessmentData:
    return AssessmentData(
        pain=PainHistory(nprs_now=nprs_now, nprs_worst=nprs_worst, workup_status="complete_resolved"),
        red_flags=tuple(flags),
        questionnaires=Questionnaires(
            odi=odi_answers(odi) if odi is not None else (None,) * 10,
            rmdq=tuple(range(1, rmdq + 1)) if rmdq is not None else None,
            psfs=tuple(PsfsActivity(f"activity {i}", r) for i, r in enumerate(psfs)),
        ),
        weeks_without_improvement=weeks,
    )


def full_data() -> AssessmentData:
    """Every field of the record filled with something other than its default."""
    return AssessmentData(
        pain=PainHistory(
            onset_date=date(2025, 11, 3),
            onset="after_event",
            mechanism="lifting",
            locations=("central_low_back", "left_buttock", "left_below_knee"),
            pins_and_needles=True,
            numbness=True,
            nprs_now=6,
            nprs_best=3,
            nprs_worst=8,
            pattern="intermittent",
            worse_time="morning",
            aggravating=("sitting", "bending_forward", "cough_sneeze"),
            easing=("walking", "lying_down"),
            previous_episodes="Two, each settled in a month",
            workup_seen=("primary_care", "imaging"),
            workup_status="complete_unresolved",
            workup_result="Client reports MRI showing L4-5 disc bulge, per Dr Ødegård — <b>& co</b>",
            medications="Naproxen 250 mg (reported)",
        ),
        lifestyle=Lifestyle(
            sitting_hours=9.5,
            water_litres=1.75,
            sleep_hours=6.5,
            sleep_position="side",
            occupation_demands="Desk, long meetings",
            current_activity="Walks the dog",
            goals=(Goal("Run 10 km", date(2026, 9, 1)), Goal("Lift my grandchild", date(2026, 7, 15))),
        ),
        red_flags=("cancer_history", "night_pain"),
        red_flag_notes="Breast cancer 2014, discharged 2019",
        provocation={
            "standing_flexion": ProvocationResult("provokes", "left", "low back"),
            "prone_press_up": ProvocationResult("eases", "central", "buttock"),
            "cough": ProvocationResult("no_change", "right", "leg"),
        },
        rom=RangeOfMotion(4.5, 22.0, 110.0, 105.0, 30.0, 32.0, 40.0, 41.0, "positive", "negative"),
        endurance=EnduranceTimes(90.0, 60.5, 45.0, 50.0),
        questionnaires=Questionnaires(
            odi=(2, 3, 1, 0, 4, 2, 1, None, 2, 3),
            rmdq=(1, 4, 9, 24),
            start_back_agree=(True, False, True, True, False, True, False, True),
            start_back_bothersomeness="very much",
            psfs=(PsfsActivity("Sitting through a meeting", 3), PsfsActivity("Gardening — Zoë's plot", 5)),
        ),
        weeks_without_improvement=3,
        notes="Zoë Łukasiewicz-Ødegård's \"notes\" with unicode 🙂 and\nnew lines",
    )


def _defaults_left(value, path="data") -> list[str]:
    """Paths of fields still at their default value, looking inside nested records."""
    left = []
    for f in dataclasses.fields(value):
        current = getattr(value, f.name)
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        if current == default:
            left.append(f"{path}.{f.name}")
        elif dataclasses.is_dataclass(current):
            left += _defaults_left(current, f"{path}.{f.name}")
    return left


# --- starting ------------------------------------------------------------------------------


def test_the_first_assessment_is_initial_and_later_ones_are_reassessments(database, people):
    with database.session_factory.begin() as s:
        first = assessments.start(s, people["ana"], trainer_id=people["trainer"])
        second = assessments.start(s, people["ana"], assessed_on=TODAY - timedelta(days=1))
        other = assessments.start(s, people["bo"])
    assert (first.kind, second.kind, other.kind) == ("initial", "reassessment", "initial")
    assert first.assessed_on == TODAY and second.assessed_on == TODAY - timedelta(days=1)
    assert first.trainer_name == "Kai Berg" and second.trainer_name is None
    assert not first.signed and first.signed_at is None and first.signed_by_name is None
    assert first.data == AssessmentData()
    assert first.label == f"Initial assessment · {TODAY.day} {TODAY:%b %Y}"
    assert second.label.startswith("Re-assessment · ")
    assert assessments.day_label(date(2026, 3, 2)) == "2 Mar 2026"


def test_start_refuses_a_future_day_an_unknown_trainer_and_a_missing_client(database, people):
    with database.session_factory.begin() as s:
        with pytest.raises(ValidationError) as caught:
            assessments.start(s, people["ana"], assessed_on=TODAY + timedelta(days=1))
        assert "future" in caught.value.errors["assessed_on"]
        with pytest.raises(ValidationError) as caught:
            assessments.start(s, people["ana"], trainer_id=9999)
        assert "trainer_id" in caught.value.errors
        with pytest.raises(NotFound):
            assessments.start(s, 9999)
        assert s.scalar(select(func.count()).select_from(Assessment)) == 0


def test_copy_from_latest_carries_history_and_goals_but_measures_again(database, people):
    data = full_data()
    with database.session_factory.begin() as s:
        first = assessments.start(s, people["ana"], trainer_id=people["trainer"], assessed_on=TODAY - timedelta(days=40))
        first = assessments.save(s, first.id, first.version, data)
        assessments.sign(s, first.id, first.version, people["trainer"])
        copied = assessments.start(s, people["ana"], copy_from_latest=True).data
        fresh = assessments.start(s, people["ana"]).data
    assert fresh == AssessmentData()
    carried = ("onset_date", "onset", "mechanism", "locations", "previous_episodes", "workup_seen",
               "workup_status", "workup_result", "medications")  # fmt: skip
    for name in carried:
        assert getattr(copied.pain, name) == getattr(data.pain, name), name
    assert copied.lifestyle == data.lifestyle and copied.lifestyle.goals
    # Screened and measured again at every assessment (DOMAIN.md section 2).
    assert (copied.pain.nprs_now, copied.pain.nprs_best, copied.pain.nprs_worst) == (None, None, None)
    assert not copied.pain.pins_and_needles and not copied.pain.numbness
    assert copied.red_flags == () and copied.red_flag_notes is None
    assert copied.provocation == {} and copied.rom == RangeOfMotion() and copied.endurance == EnduranceTimes()
    assert copied.questionnaires == Questionnaires()
    assert copied.weeks_without_improvement == 0 and copied.notes is None


def test_copy_prefers_the_latest_signed_assessment_over_a_newer_draft(database, people):
    with database.session_factory.begin() as s:
        signed = assessments.start(s, people["ana"], assessed_on=TODAY - timedelta(days=10))
        signed = assessments.save(s, signed.id, signed.version, AssessmentData(lifestyle=Lifestyle(sleep_hours=7.0)))
        assessments.sign(s, signed.id, signed.version, people["trainer"])
        draft = assessments.start(s, people["ana"], assessed_on=TODAY - timedelta(days=2))
        assessments.save(s, draft.id, draft.version, AssessmentData(lifestyle=Lifestyle(sleep_hours=4.0)))
        assert assessments.start(s, people["ana"], copy_from_latest=True).data.lifestyle.sleep_hours == 7.0


# --- storing -------------------------------------------------------------------------------


def test_every_field_survives_the_round_trip_through_the_database(database, people):
    data = full_data()
    assert _defaults_left(data) == [], "the test record must fill every field"
    with database.session_factory.begin() as s:
        record = assessments.start(s, people["ana"])
        assessments.save(s, record.id, record.version, data)
    with database.session_factory() as s:
        stored = assessments.get(s, record.id)
    assert stored.data == data
    assert isinstance(stored.data.pain.onset_date, date)
    assert isinstance(stored.data.lifestyle.goals[0], Goal)
    assert isinstance(stored.data.provocation["prone_press_up"], ProvocationResult)
    assert stored.version == record.version + 1


def test_save_changes_the_day_and_trainer_and_keeps_them_when_not_given(database, people):
    with database.session_factory.begin() as s:
        record = assessments.start(s, people["ana"])
        record = assessments.save(s, record.id, record.version, measured(nprs_now=4),
                                  assessed_on=TODAY - timedelta(days=3), trainer_id=people["trainer"])  # fmt: skip
        record = assessments.save(s, record.id, record.version, measured(nprs_now=5))
    assert record.assessed_on == TODAY - timedelta(days=3)
    assert record.trainer_name == "Kai Berg"
    assert record.data.pain.nprs_now == 5


def test_save_refuses_a_future_day_and_what_the_rules_cannot_read(database, people):
    with database.session_factory.begin() as s:
        record = assessments.start(s, people["ana"])
    bad = {
        "nprs_now": AssessmentData(pain=PainHistory(nprs_now=11)),
        "red_flags": AssessmentData(red_flags=("feeling_blue",)),
        "provocation": AssessmentData(provocation={"handstand": ProvocationResult("provokes")}),
        "odi": AssessmentData(questionnaires=Questionnaires(odi=(6,) * 10)),
        "rmdq": AssessmentData(questionnaires=Questionnaires(rmdq=(25,))),
        "psfs": AssessmentData(questionnaires=Questionnaires(psfs=(PsfsActivity("Running", 11),))),
        "endurance": AssessmentData(endurance=EnduranceTimes(flexor=-3)),
        "weeks_without_improvement": AssessmentData(weeks_without_improvement=-1),
    }
    for key, data in bad.items():
        with database.session_factory.begin() as s:
            with pytest.raises(ValidationError) as caught:
                assessments.save(s, record.id, record.version, data)
            assert key in caught.value.errors, (key, caught.value.errors)
    with database.session_factory.begin() as s:
        with pytest.raises(ValidationError) as caught:
            assessments.save(s, record.id, record.version, AssessmentData(), assessed_on=TODAY + timedelta(days=2))
        assert "cannot be in the future" in caught.value.errors["assessed_on"]
    with database.session_factory() as s:
        unchanged = assessments.get(s, record.id)
    assert unchanged.version == record.version and unchanged.assessed_on == TODAY


# --- signing, reopening, deleting ------------------------------------------------------------


def test_signing_needs_a_trainer_and_freezes_the_assessment(database, people):
    with database.session_factory.begin() as s:
        record = assessments.start(s, people["ana"])
        record = assessments.save(s, record.id, record.version, measured(nprs_now=6))
        for who, expected in ((None, "Choose the trainer"), (people["desk"], "trainer or the owner"), (9999, "no longer")):
            with pytest.raises(ValidationError) as caught:
                assessments.sign(s, record.id, record.version, who)
            assert expected in caught.value.errors["trainer_id"]
        signed = assessments.sign(s, record.id, record.version, people["trainer"])
    assert signed.signed and signed.signed_at is not None and signed.signed_by_name == "Kai Berg"
    assert signed.trainer_name == "Kai Berg"  # the signer becomes the trainer when none was set

    with database.session_factory.begin() as s:
        with pytest.raises(ValidationError) as caught:
            assessments.save(s, signed.id, signed.version, measured(nprs_now=2))
        assert "signed" in caught.value.errors and "Reopen" in caught.value.errors["signed"]
        with pytest.raises(ValidationError) as caught:
            assessments.delete_draft(s, signed.id, signed.version)
        assert "signed" in caught.value.errors
        with pytest.raises(ValidationError):
            assessments.sign(s, signed.id, signed.version, people["trainer"])
    with database.session_factory() as s:
        assert assessments.get(s, signed.id).data.pain.nprs_now == 6


def test_reopening_clears_the_signature_so_it_can_be_corrected(database, people):
    with database.session_factory.begin() as s:
        record = assessments.start(s, people["ana"])
        record = assessments.sign(s, record.id, record.version, people["trainer"])
        reopened = assessments.reopen(s, record.id, record.version)
        assert not reopened.signed and reopened.signed_by_name is None
        corrected = assessments.save(s, reopened.id, reopened.version, measured(nprs_now=3))
        again = assessments.sign(s, corrected.id, corrected.version, people["trainer"])
        # Reopening a draft is harmless: nothing changes.
        draft = assessments.start(s, people["bo"])
        assert assessments.reopen(s, draft.id, draft.version) == draft
    assert again.signed and again.data.pain.nprs_now == 3


def test_a_draft_can_be_deleted(database, people):
    with database.session_factory.begin() as s:
        record = assessments.start(s, people["ana"])
        assessments.delete_draft(s, record.id, record.version)
    with database.session_factory() as s:
        with pytest.raises(NotFound):
            assessments.get(s, record.id)
        assert assessments.list_for_client(s, people["ana"]) == []


def test_a_stale_save_sign_or_delete_from_another_desk_is_refused(database, people):
    with database.session_factory.begin() as s:
        record = assessments.start(s, people["ana"])
    # Two desks open the same draft; the first one saves.
    with database.session_factory() as desk_a, database.session_factory() as desk_b:
        mine = assessments.get(desk_a, record.id)
        theirs = assessments.get(desk_b, record.id)
        assessments.save(desk_a, mine.id, mine.version, measured(nprs_now=4))
        desk_a.commit()
        for action in (
            lambda: assessments.save(desk_b, theirs.id, theirs.version, measured(nprs_now=8)),
            lambda: assessments.sign(desk_b, theirs.id, theirs.version, people["trainer"]),
            lambda: assessments.delete_draft(desk_b, theirs.id, theirs.version),
            lambda: assessments.reopen(desk_b, theirs.id, theirs.version),
        ):
            with pytest.raises(StaleEdit, match="changed at another desk"):
                action()
            desk_b.rollback()
    with database.session_factory() as s:
        assert assessments.get(s, record.id).data.pain.nprs_now == 4


# --- reading --------------------------------------------------------------------------------


def test_list_for_client_is_newest_first_with_scores(database, people):
    with database.session_factory.begin() as s:
        old = assessments.start(s, people["ana"], assessed_on=TODAY - timedelta(days=60))
        flagged = measured(nprs_now=7, nprs_worst=9, odi=40, rmdq=10, flags=("night_pain",))
        old = assessments.save(s, old.id, old.version, flagged)
        assessments.sign(s, old.id, old.version, people["trainer"])
        new = assessments.start(s, people["ana"], assessed_on=TODAY - timedelta(days=5), trainer_id=people["trainer"])
        assessments.save(s, new.id, new.version, measured(nprs_now=3, odi=20, rmdq=4))
        assessments.start(s, people["bo"])
        rows = assessments.list_for_client(s, people["ana"])
    assert [r.id for r in rows] == [new.id, old.id]
    first, second = rows
    assert (first.signed, first.nprs_now, first.odi_percent, first.rmdq, first.top_tier) == (False, 3, 20.0, 4, None)
    assert first.trainer_name == "Kai Berg" and first.referral_tier == "none" and first.kind == "reassessment"
    assert (second.signed, second.nprs_worst, second.odi_percent, second.top_tier, second.referral_tier) == (
        True, 9, 40.0, "urgent", "urgent",
    )  # fmt: skip


def test_latest_with_and_without_drafts(database, people):
    with database.session_factory.begin() as s:
        assert assessments.latest(s, people["ana"]) is None
        signed = assessments.start(s, people["ana"], assessed_on=TODAY - timedelta(days=9))
        signed = assessments.sign(s, signed.id, signed.version, people["trainer"])
        draft = assessments.start(s, people["ana"])
        assert assessments.latest(s, people["ana"]).id == draft.id
        assert assessments.latest(s, people["ana"], signed_only=True).id == signed.id
        assert assessments.latest(s, people["bo"], signed_only=True) is None


def test_removing_a_client_removes_their_assessments_and_a_removed_trainer_leaves_them(database, people):
    with database.session_factory.begin() as s:
        record = assessments.start(s, people["ana"], trainer_id=people["trainer"])
        assessments.sign(s, record.id, record.version, people["trainer"])
        other = assessments.start(s, people["bo"], trainer_id=people["trainer"])
    with database.session_factory.begin() as s:
        s.execute(delete(StaffMember).where(StaffMember.id == people["trainer"]))
    with database.session_factory() as s:
        kept = assessments.get(s, record.id)
        assert kept.signed and kept.trainer_id is None and kept.signed_by_name is None
    with database.session_factory.begin() as s:
        s.execute(delete(Client).where(Client.id == people["ana"]))
    with database.session_factory() as s:
        assert [a.id for a in s.scalars(select(Assessment))] == [other.id]


# --- progress -------------------------------------------------------------------------------


def _visits(database, client_id, trainer_id, *datas, start_days_ago=100, step=30):
    with database.session_factory.begin() as s:
        for n, data in enumerate(datas):
            record = assessments.start(s, client_id, assessed_on=TODAY - timedelta(days=start_days_ago - n * step))
            record = assessments.save(s, record.id, record.version, data)
            assessments.sign(s, record.id, record.version, trainer_id)
    with database.session_factory() as s:
        return assessments.progress(s, client_id)


def _by_measure(progress):
    return {c.measure: c for c in progress.changes}


@pytest.mark.parametrize(
    ("before", "after", "measure", "important", "better"),
    [
        (measured(nprs_now=7), measured(nprs_now=5), "Pain now (NPRS)", True, True),  # 2 points
        (measured(nprs_now=7), measured(nprs_now=6), "Pain now (NPRS)", False, True),  # 1 point, 14 %
        (measured(nprs_now=3), measured(nprs_now=2), "Pain now (NPRS)", True, True),  # 1 point but 33 %
        (measured(nprs_now=5), measured(nprs_now=7), "Pain now (NPRS)", False, False),  # worse
        (measured(nprs_worst=9), measured(nprs_worst=7), "Worst pain last week (NPRS)", True, True),
        (measured(odi=40), measured(odi=30), "Disability (ODI %)", True, True),  # 10 points
        (measured(odi=40), measured(odi=32), "Disability (ODI %)", False, True),  # 8 points
        # RMDQ: >= 5 points or >= 30 % of the baseline (DOMAIN.md section 4), so 10 -> 6 (4 points,
        # 40 %) is important by the relative rule; 10 -> 8 (2 points, 20 %) and 20 -> 16 are not.
        (measured(rmdq=10), measured(rmdq=6), "Disability (RMDQ)", True, True),
        (measured(rmdq=10), measured(rmdq=8), "Disability (RMDQ)", False, True),
        (measured(rmdq=10), measured(rmdq=5), "Disability (RMDQ)", True, True),  # 5 points
        (measured(rmdq=20), measured(rmdq=16), "Disability (RMDQ)", False, True),  # 4 points, 20 %
        (measured(psfs=(4, 4)), measured(psfs=(6, 6)), "Function (PSFS mean)", True, True),  # +2 on the mean
        (measured(psfs=(4, 4)), measured(psfs=(5, 6)), "Function (PSFS mean)", False, True),  # +1.5
        (measured(psfs=(6, 6)), measured(psfs=(4, 4)), "Function (PSFS mean)", False, False),
        (measured(nprs_now=4), measured(nprs_now=4), "Pain now (NPRS)", False, None),  # unchanged
    ],
)
def test_changes_and_important_flags_match_the_published_thresholds(
    database, people, before, after, measure, important, better
):
    change = _by_measure(_visits(database, people["ana"], people["trainer"], before, after))[measure]
    assert (change.important, change.better) == (important, better)


def test_rmdq_thirty_percent_rule_counts_on_a_low_baseline(database, people):
    # 6 -> 4 is 2 points but 33 % of the baseline: important by the relative rule.
    change = _by_measure(_visits(database, people["ana"], people["trainer"], measured(rmdq=6), measured(rmdq=4)))
    assert change["Disability (RMDQ)"].important


def test_progress_compares_the_two_latest_signed_assessments(database, people):
    progress = _visits(
        database, people["ana"], people["trainer"],
        measured(nprs_now=8, nprs_worst=10, odi=50, rmdq=14, psfs=(2, 3)),
        measured(nprs_now=6, nprs_worst=8, odi=40, rmdq=10, psfs=(4, 4)),
        measured(nprs_now=5, nprs_worst=6, odi=30, rmdq=5, psfs=(6, 6)),
    )  # fmt: skip
    with database.session_factory.begin() as s:  # a newer draft is not part of progress
        assessments.save(s, assessments.start(s, people["ana"]).id, None, measured(nprs_now=0))
        progress_with_draft = assessments.progress(s, people["ana"])
    assert progress_with_draft == progress
    assert progress.latest.assessed_on == TODAY - timedelta(days=40)
    assert progress.previous.assessed_on == TODAY - timedelta(days=70)
    rows = [(c.measure, c.instrument, c.before, c.after, c.important, c.better) for c in progress.changes]
    assert rows == [
        ("Pain now (NPRS)", "nprs", 6, 5, False, True),
        ("Worst pain last week (NPRS)", "nprs", 8, 6, True, True),
        ("Disability (ODI %)", "odi", 40.0, 30.0, True, True),
        ("Disability (RMDQ)", "rmdq", 10, 5, True, True),
        ("Function (PSFS mean)", "psfs", 4.0, 6.0, True, True),
    ]
    assert [(p.assessed_on, p.nprs_now, p.odi_percent, p.rmdq) for p in progress.trend] == [
        (TODAY - timedelta(days=100), 8, 50.0, 14),
        (TODAY - timedelta(days=70), 6, 40.0, 10),
        (TODAY - timedelta(days=40), 5, 30.0, 5),
    ]


def test_progress_with_one_or_no_signed_assessment_or_missing_scores(database, people):
    with database.session_factory() as s:
        assert assessments.progress(s, people["ana"]) == assessments.Progress(None, None, (), ())
    one = _visits(database, people["ana"], people["trainer"], measured(nprs_now=6, odi=30))
    assert one.previous is None and len(one.trend) == 1
    assert all(c.before is None and not c.important and c.better is None for c in one.changes)
    assert _by_measure(one)["Pain now (NPRS)"].after == 6

    # ODI with only 7 sections answered has no percent: the comparison is left blank, not guessed.
    sparse = dataclasses.replace(
        measured(nprs_now=3), questionnaires=Questionnaires(odi=(1,) * 7 + (None,) * 3)
    )
    two = _visits(database, people["bo"], people["trainer"], measured(nprs_now=6, odi=30), sparse)
    odi = _by_measure(two)["Disability (ODI %)"]
    assert (odi.before, odi.after, odi.important, odi.better) == (30.0, None, False, None)
    assert two.trend[-1].odi_percent is None


def test_same_day_assessments_are_ordered_by_when_they_were_started(database, people):
    with database.session_factory.begin() as s:
        for nprs in (7, 4):
            record = assessments.start(s, people["ana"], assessed_on=TODAY)
            record = assessments.save(s, record.id, record.version, measured(nprs_now=nprs))
            assessments.sign(s, record.id, record.version, people["trainer"])
        progress = assessments.progress(s, people["ana"])
    assert (progress.previous.data.pain.nprs_now, progress.latest.data.pain.nprs_now) == (7, 4)


# --- the demo studio's stories ----------------------------------------------------------------

DEMO_DAY = date(2026, 5, 1)


@pytest.fixture
def demo_studio(database):
    with database.session_factory.begin() as s:
        summary = demo.fill_demo_studio(s, today=DEMO_DAY)
    return database, summary


def _by_name(s) -> Mapping[str, int]:
    return {r.name: r.id for r in clients.all_records(s)}


def test_demo_assessments_tell_believable_stories(demo_studio):
    database, summary = demo_studio
    assert summary.assessments >= 60 and summary.clearances == 5  # 2 recorded directly, 3 from referral replies
    with database.session_factory() as s:
        names = _by_name(s)
        assessed = {name: assessments.list_for_client(s, cid) for name, cid in names.items()}
        progress = {name: assessments.progress(s, cid) for name, cid in names.items()}
    assert sum(1 for rows in assessed.values() if rows) >= 0.8 * len(names)
    assert all(not rows or rows[-1].kind == "initial" for rows in assessed.values())
    assert all(r.assessed_on <= DEMO_DAY for rows in assessed.values() for r in rows)
    assert any(not r.signed for rows in assessed.values() for r in rows), "a draft in progress"

    signed_counts = [len(p.trend) for p in progress.values() if p.trend]
    assert max(signed_counts) >= 5 and min(signed_counts) == 1
    improving = [name for name, p in progress.items() if len(p.trend) > 1 and p.trend[-1].nprs_now < p.trend[0].nprs_now]
    assert len(improving) >= 15
    for name in improving:
        first, last = progress[name].trend[0], progress[name].trend[-1]
        assert last.rmdq <= first.rmdq and last.odi_percent <= first.odi_percent, name

    stalled = progress["Αλέξανδρος Παπαδόπουλος"].latest
    stalled_findings = findings(stalled.data)
    assert stalled.data.weeks_without_improvement >= 6
    assert stalled_findings.referral.destination == "pain_specialist"
    stalled_trend = progress["Αλέξανδρος Παπαδόπουλος"].trend
    assert abs(stalled_trend[-1].nprs_now - stalled_trend[0].nprs_now) <= 1


def test_demo_covers_the_intolerance_profiles_and_questionnaires(demo_studio):
    database, _ = demo_studio
    with database.session_factory() as s:
        latest = [assessments.latest(s, cid, signed_only=True) for cid in _by_name(s).values()]
    found = [findings(r.data) for r in latest if r is not None]
    assert any(f.intolerance["flexion"] == "likely" and f.intolerance["extension"] == "none" for f in found)
    assert any(f.intolerance["extension"] == "likely" and f.intolerance["flexion"] == "none" for f in found)
    assert any(sum(level != "none" for level in f.intolerance.values()) >= 3 for f in found), "a mixed profile"
    assert {"flexion", "extension"} <= {d for f in found for d in f.directional_preference}
    assert all(f.endurance is not None and f.start_back is not None and f.psfs is not None for f in found)
    assert any(f.endurance.flags for f in found) and any(not f.endurance.flags for f in found)
    assert any(f.start_back.risk == "high" for f in found)
    assert any("below the knee" in advice for f in found for advice in f.advisories)
    assert all(r.data.lifestyle.goals for r in latest if r is not None)


def test_the_demo_judges_dates_against_its_own_day(database):
    """A demo made for a day after the computer's date (a slow CI clock) is still accepted."""
    later = TODAY + timedelta(days=400)
    with database.session_factory.begin() as s:
        summary = demo.fill_demo_studio(s, today=later)
    assert summary.assessments > 0


def test_today_can_be_given_for_the_future_check(database, people):
    with database.session_factory.begin() as s:
        record = assessments.start(s, people["ana"], assessed_on=date(2030, 1, 2), today=date(2030, 1, 2))
        with pytest.raises(ValidationError):
            assessments.save(s, record.id, record.version, AssessmentData(), assessed_on=date(2030, 1, 3),
                             today=date(2030, 1, 2))  # fmt: skip
