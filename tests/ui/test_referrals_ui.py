"""Referrals on screen: write the letter from the assessment, send it, chase it, record the reply."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFont

from studio.clinical.assessment import AssessmentData, PainHistory
from studio.services import assessments, clearances, clients, clinicians, documents, referrals, safety, staff, studio_profile
from ui.documents import preview
from ui.referrals.client_tab import ReferralsTab
from ui.referrals.page import ReferralsPage
from ui.referrals.refer_dialog import ReferDialog
from ui.referrals.reply_dialog import FollowUpDialog, ReplyDialog, StatusDialog

TODAY = date.today()
URGENT = AssessmentData(red_flags=("night_pain",), pain=PainHistory(workup_status="none"))
EMERGENCY = AssessmentData(red_flags=("saddle_numbness",))
NO_WORKUP = AssessmentData(pain=PainHistory(workup_status="none"))
FINE = AssessmentData(pain=PainHistory(workup_status="complete_resolved"))


def clinician(s, first, last, specialty, *, accepting=True, **extra):
    raw = {"first_name": first, "last_name": last, "specialty": specialty, "credentials": "MD",
           "accepting_new": accepting, **extra}  # fmt: skip
    return clinicians.create(s, clinicians.parse(raw)).id


def client(s, first, last, **extra):
    return clients.create(s, clients.parse({"first_name": first, "last_name": last, **extra})).id


@pytest.fixture
def people(database):
    with database.session_factory.begin() as s:
        studio_profile.save(s, studio_profile.StudioDetails(name="Upright Studio"))
        ids = {
            "trainer": staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"})).id,
            "adams": clinician(s, "Amy", "Adams", "primary_care", accepting=False),
            "baker": clinician(s, "Ben", "Baker", "primary_care", phone="555 0101"),
            "own": clinician(s, "Zoe", "Zimmer", "primary_care", accepting=False, practice="Zimmer Family Practice"),
            "cole": clinician(s, "Cara", "Cole", "primary_care"),
            "pain": clinician(s, "Eve", "Young", "pain_specialist"),
            "physio": clinician(s, "Fay", "Ford", "physiotherapist"),
        }
        ids["ana"] = client(s, "Ana", "Lund", physician_id=ids["own"])
        ids["bo"] = client(s, "Bo", "Dahl")
    return ids


def assess(database, people, who: str, data: AssessmentData, *, on: date = TODAY - timedelta(days=30)) -> int:
    with database.session_factory.begin() as s:
        record = assessments.start(s, people[who], assessed_on=on)
        record = assessments.save(s, record.id, record.version, data)
        assessments.sign(s, record.id, record.version, people["trainer"])
    return record.id


def stored(database, client_id):
    with database.session_factory() as s:
        return referrals.list_for_client(s, client_id)


@pytest.fixture
def previews(monkeypatch):
    calls = []
    monkeypatch.setattr(preview, "show_preview", lambda parent, runner, request, **kw: calls.append(request))
    return calls


def open_dialog(qtbot, runner, client_id, assessment_id, **kw) -> ReferDialog:
    dialog = ReferDialog(runner, client_id, assessment_id, None, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def names(dialog):
    return [c.name for c in dialog.choice_model.choices]


def click_row(qtbot, table, row: int) -> None:
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def tick(qtbot, button) -> None:
    """Click a radio button on its indicator: a click in the empty space right of its label misses."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def replace_text(qtbot, typist, box, text: str) -> None:
    box.setFocus()
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Delete)
    typist(box, text)


# --- the Refer dialog -----------------------------------------------------------------------


def test_refer_picks_from_the_recommended_specialty_then_previews_and_sends(qtbot, qtmodeltester, database, runner, people,
                                                                           answers, typist, previews):  # fmt: skip
    assessment = assess(database, people, "ana", URGENT)
    dialog = open_dialog(qtbot, runner, people["ana"], assessment)
    qtmodeltester.check(dialog.choice_model)

    assert dialog.banner.isVisible() and "Urgent" in dialog.banner.text()
    assert "Primary care physician" in dialog.summary.text()
    # Only primary care; the client's own physician first, then accepting, then not accepting.
    assert names(dialog) == ["Zoe Zimmer, MD", "Ben Baker, MD", "Cara Cole, MD", "Amy Adams, MD"]
    model = dialog.choice_model
    assert [model.data(model.index(r, 3)) for r in range(4)] == [
        "Client's own physician", "Accepting", "Accepting", "Not accepting"]  # fmt: skip
    assert model.data(model.index(0, 0), Qt.ItemDataRole.FontRole).bold()
    assert dialog.reason.toPlainText().startswith("At our assessment on")
    assert stored(database, people["ana"]) == []  # looking leaves nothing behind

    click_row(qtbot, dialog.picker, 1)
    assert dialog.clinician_id() == people["baker"]
    assert "Ben Baker" in dialog.chosen.text()
    replace_text(qtbot, typist, dialog.reason, "Ana reports constant night pain — please see her this week.")

    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    [draft] = stored(database, people["ana"])
    assert previews == [documents.Request(kind="letter", referral_id=draft.id)]
    assert draft.status == "draft" and draft.clinician_id == people["baker"]
    assert draft.reason == "Ana reports constant night pain — please see her this week."
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    assert len(stored(database, people["ana"])) == 1 and len(previews) == 2  # the same draft, saved again

    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert answers.said[-1][0] == "confirm" and "Ben Baker, MD" in answers.said[-1][1]
    [sent] = stored(database, people["ana"])
    assert (sent.status, sent.sent_on, sent.follow_up_on) == ("sent", TODAY, TODAY + timedelta(days=7))
    assert dialog.reason.isReadOnly() and not dialog.send_button.isVisible()
    assert "follow up on" in dialog.state.text()


def test_answering_no_to_mark_as_sent_sends_nothing(qtbot, database, runner, people, answers):
    assessment = assess(database, people, "ana", URGENT)
    dialog = open_dialog(qtbot, runner, people["ana"], assessment)
    click_row(qtbot, dialog.picker, 0)
    answers.confirm = False
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert stored(database, people["ana"]) == []


def test_an_existing_draft_is_opened_instead_of_starting_another(qtbot, database, runner, people, answers, typist):
    assessment = assess(database, people, "ana", URGENT)
    first = open_dialog(qtbot, runner, people["ana"], assessment)
    click_row(qtbot, first.picker, 2)
    replace_text(qtbot, typist, first.request, "Please advise on lifting.")
    qtbot.mouseClick(first.save_button, Qt.MouseButton.LeftButton)
    first.close()

    again = open_dialog(qtbot, runner, people["ana"], assessment)
    assert again.record is not None and again.clinician_id() == people["cole"]
    assert again.request.toPlainText() == "Please advise on lifting."
    assert "Draft saved" in again.state.text()
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert len(stored(database, people["ana"])) == 1


def test_reasons_show_beside_the_fields_and_the_typing_stays(qtbot, database, runner, people, answers, typist):
    assessment = assess(database, people, "ana", URGENT)
    dialog = open_dialog(qtbot, runner, people["ana"], assessment)
    replace_text(qtbot, typist, dialog.reason, "")
    assert dialog.errors["reason"].isVisible() and "reason" in dialog.errors["reason"].text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert stored(database, people["ana"]) == []
    typist(dialog.reason, "Night pain.")
    assert not dialog.errors["reason"].isVisible()

    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)  # no clinician chosen
    assert "Choose the primary care physician" in dialog.clinician_error.text()
    click_row(qtbot, dialog.picker, 1)
    dialog.sent_on.edit.clear()
    typist(dialog.sent_on.edit, (TODAY + timedelta(days=2)).isoformat())
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["sent_on"].text() == "The date sent cannot be in the future"
    assert stored(database, people["ana"]) == [] and not any(kind == "confirm" for kind, _ in answers.said)

    # A reason only the service knows (another desk sent it meanwhile) lands in the dialog too.
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with database.session_factory.begin() as s:
        referrals.mark_sent(s, dialog.record.id, dialog.record.version, TODAY)
    typist(dialog.reason, " More.")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.reason.toPlainText() == "Night pain. More."
    assert answers.said and answers.said[-1][0] == "warn" and "another desk" in answers.said[-1][1]


def test_emergency_says_today_and_needs_no_clinician(qtbot, database, runner, people, answers):
    assessment = assess(database, people, "bo", EMERGENCY)
    dialog = open_dialog(qtbot, runner, people["bo"], assessment)
    assert dialog.banner.isVisible() and "emergency department TODAY" in dialog.banner.text()
    assert "#b00020" in dialog.banner.styleSheet()
    assert dialog.picker_stack.currentWidget() is dialog.picker_note
    assert "no named clinician" in dialog.picker_note.text()
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    [sent] = stored(database, people["bo"])
    assert (sent.destination, sent.clinician_id, sent.status) == ("emergency_department", None, "sent")
    assert sent.follow_up_on == TODAY + timedelta(days=1)
    assert "given to the client" in answers.said[-1][1]


def test_refer_anyway_when_the_assessment_recommends_no_referral(qtbot, database, runner, people, answers):
    assessment = assess(database, people, "bo", FINE)
    dialog = open_dialog(qtbot, runner, people["bo"], assessment)
    assert dialog.destination_row.isVisible() and "recommends no referral" in dialog.summary.text()
    combo = dialog.destination_choice
    combo.setCurrentIndex(combo.findData("physiotherapist"))
    combo.activated.emit(combo.currentIndex())
    assert names(dialog) == ["Fay Ford, MD"]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Choose the physiotherapist" in dialog.clinician_error.text() and stored(database, people["bo"]) == []
    click_row(qtbot, dialog.picker, 0)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [draft] = stored(database, people["bo"])
    assert (draft.tier, draft.destination, draft.clinician_id) == ("routine", "physiotherapist", people["physio"])
    assert not combo.isEnabled()  # the draft's destination is fixed now


# --- the studio-wide page -------------------------------------------------------------------


@pytest.fixture
def four(database, people):
    """Ana: urgent letter sent 20 days ago (overdue) and answered one; Bo: routine letter sent
    yesterday (waiting) and a draft."""
    ana = assess(database, people, "ana", URGENT)
    bo = assess(database, people, "bo", NO_WORKUP)
    with database.session_factory.begin() as s:
        overdue = referrals.draft_from_assessment(s, ana, people["baker"])
        overdue = referrals.mark_sent(s, overdue.id, overdue.version, TODAY - timedelta(days=20))
        answered = referrals.draft_from_assessment(s, ana, people["cole"])
        answered = referrals.mark_sent(s, answered.id, answered.version, TODAY - timedelta(days=25))
        referrals.record_reply(s, answered.id, answered.version, decision="cleared", reply_on=TODAY - timedelta(days=22))
        waiting = referrals.draft_from_assessment(s, bo, people["adams"])
        waiting = referrals.mark_sent(s, waiting.id, waiting.version, TODAY - timedelta(days=1))
        draft = referrals.draft_from_assessment(s, bo, None)
    return {"overdue": overdue.id, "answered": answered.id, "waiting": waiting.id, "draft": draft.id}


@pytest.fixture
def page(qtbot, runner, answers):
    page = ReferralsPage(runner)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    page.refresh()
    return page


def row_of(page, referral_id) -> int:
    row = page.model.row_of(referral_id)
    assert row >= 0
    return row


def test_the_page_counts_filters_and_highlights_the_overdue_letter(qtbot, qtmodeltester, page, four):
    page.refresh()
    qtmodeltester.check(page.model)
    assert page.counts.text() == "2 letters waiting for a reply, 1 overdue · 1 draft not sent yet"
    assert [page.filter.itemText(i) for i in range(4)] == [
        "Waiting for a reply (2)", "Overdue (1)", "Drafts (1)", "All referrals (4)"]  # fmt: skip
    model = page.model
    assert [r.id for r in model.rows] == [four["overdue"], four["waiting"]]  # overdue leads

    follow = model.columns.index("Follow-up")
    overdue, waiting = model.index(0, follow), model.index(1, follow)
    assert model.data(overdue).endswith("— Overdue")
    assert model.data(overdue, Qt.ItemDataRole.FontRole).bold()
    assert model.data(overdue, Qt.ItemDataRole.ForegroundRole) == QColor("#8b0000")
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) == QColor("#8b0000")  # the whole row
    assert "Overdue" not in model.data(waiting)
    assert not isinstance(model.data(waiting, Qt.ItemDataRole.FontRole), QFont)
    assert model.data(model.index(1, model.columns.index("Status"))) == "Sent · waiting for reply"

    for label, expected in (("Overdue", [four["overdue"]]), ("Drafts", [four["draft"]]),
                            ("All", [four["overdue"], four["waiting"], four["draft"], four["answered"]])):  # fmt: skip
        page.filter.setCurrentIndex(next(i for i in range(4) if page.filter.itemText(i).startswith(label)))
        assert [r.id for r in model.rows] == expected
    assert model.data(model.index(0, 0)) == "Ana Lund"
    assert model.data(model.index(2, model.columns.index("Sent on"))) == "not sent"


def test_an_empty_page_says_where_referrals_come_from(page):
    assert page.body.currentWidget() is page.empty
    assert "No letters are waiting for a reply" in page.empty.text() and "Refer…" in page.empty.text()
    assert page.counts.text() == "No letters waiting for a reply"
    assert not page.actions.open_button.isEnabled() and not page.client_button.isEnabled()


def test_page_buttons_follow_the_chosen_letter_and_go_to_the_client(qtbot, page, four, people, previews):
    page.refresh()
    page.table.selectRow(row_of(page, four["overdue"]))
    assert page.actions.reply_button.isEnabled() and page.actions.follow_up_button.isEnabled()
    assert "Ben Baker" in page.detail.text() and "555 0101" in page.detail.text()
    qtbot.mouseClick(page.actions.open_button, Qt.MouseButton.LeftButton)
    assert previews == [documents.Request(kind="letter", referral_id=four["overdue"])]
    with qtbot.waitSignal(page.open_client) as signal:
        qtbot.mouseClick(page.client_button, Qt.MouseButton.LeftButton)
    assert signal.args == [people["ana"]]

    page.filter.setCurrentIndex(2)  # drafts
    page.table.selectRow(0)
    assert not page.actions.reply_button.isEnabled() and not page.actions.follow_up_button.isEnabled()
    assert page.actions.status_button.isEnabled()  # a draft can be closed


def test_recording_a_reply_with_restrictions_records_the_clearance_the_gate_reads(qtbot, database, page, four, people, typist):
    page.refresh()
    page.table.selectRow(row_of(page, four["overdue"]))
    qtbot.mouseClick(page.actions.reply_button, Qt.MouseButton.LeftButton)
    dialog = page.actions.dialog
    assert isinstance(dialog, ReplyDialog)
    tick(qtbot, dialog.decision_buttons["cleared_with_restrictions"])
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["restrictions"].text() == "Write down the restrictions the clinician gave"

    dialog.reply_on.edit.clear()
    typist(dialog.reply_on.edit, (TODAY - timedelta(days=21)).isoformat())  # before the letter went
    typist(dialog.restrictions, "No loaded flexion for 6 weeks; walking as tolerated.")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "before the letter was sent" in dialog.errors["reply_on"].text()
    dialog.reply_on.edit.clear()
    typist(dialog.reply_on.edit, TODAY.isoformat())
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    with database.session_factory() as s:
        record = referrals.get(s, four["overdue"])
        [clearance] = [c for c in clearances.list_for_client(s, people["ana"]) if c.id == record.clearance_id]
        gate = safety.gate(s, people["ana"])
    assert record.status == "reply_received" and record.reply_on == TODAY
    assert clearance.status == "cleared_with_restrictions"
    assert clearance.restrictions == "No loaded flexion for 6 weeks; walking as tolerated."
    assert gate.passed and gate.clearance_id == clearance.id
    assert "No loaded flexion" in " ".join(gate.reasons)
    assert page.counts.text() == "1 letter waiting for a reply, none overdue · 1 draft not sent yet"


def test_a_not_cleared_reply_keeps_the_gate_shut(qtbot, database, page, four, people):
    page.refresh()
    page.table.selectRow(row_of(page, four["overdue"]))
    qtbot.mouseClick(page.actions.reply_button, Qt.MouseButton.LeftButton)
    dialog = page.actions.dialog
    assert not dialog.restrictions.isEnabled()
    tick(qtbot, dialog.decision_buttons["not_cleared"])
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with database.session_factory() as s:
        gate = safety.gate(s, people["ana"])
    assert not gate.passed and "did not clear" in " ".join(gate.reasons)


def test_status_and_follow_up_date(qtbot, database, page, four, answers, typist):
    page.refresh()
    page.table.selectRow(row_of(page, four["waiting"]))
    qtbot.mouseClick(page.actions.status_button, Qt.MouseButton.LeftButton)
    dialog = page.actions.dialog
    assert isinstance(dialog, StatusDialog)
    assert list(dialog.status_buttons) == ["acknowledged", "appointment_made", "closed"]
    tick(qtbot, dialog.status_buttons["appointment_made"])
    typist(dialog.notes, "Seen on Friday at 10:30")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with database.session_factory() as s:
        record = referrals.get(s, four["waiting"])
    assert (record.status, record.notes) == ("appointment_made", "Seen on Friday at 10:30")

    page.table.selectRow(row_of(page, four["overdue"]))
    qtbot.mouseClick(page.actions.follow_up_button, Qt.MouseButton.LeftButton)
    dialog = page.actions.dialog
    assert isinstance(dialog, FollowUpDialog)
    dialog.follow_up.edit.clear()
    typist(dialog.follow_up.edit, (TODAY - timedelta(days=30)).isoformat())
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "on or after the day the letter was sent" in dialog.errors["follow_up_on"].text()
    qtbot.mouseClick(next(b for b in dialog.findChildren(type(dialog.ok_button)) if b.text() == "In a week"),
                     Qt.MouseButton.LeftButton)  # fmt: skip
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with database.session_factory() as s:
        assert referrals.get(s, four["overdue"]).follow_up_on == TODAY + timedelta(days=7)
    assert page.counts.text() == "2 letters waiting for a reply, none overdue · 1 draft not sent yet"

    page.table.selectRow(row_of(page, four["waiting"]))
    qtbot.mouseClick(page.actions.status_button, Qt.MouseButton.LeftButton)
    dialog = page.actions.dialog
    assert list(dialog.status_buttons) == ["closed"]  # forward only
    answers.confirm = False
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with database.session_factory() as s:
        assert referrals.get(s, four["waiting"]).status == "appointment_made"


# --- the client's tab -----------------------------------------------------------------------


@pytest.fixture
def tab(qtbot, runner, answers):
    tab = ReferralsTab(runner)
    qtbot.addWidget(tab)
    tab.resize(900, 600)
    tab.show()
    return tab


def test_the_client_tab_lists_only_that_clients_referrals(qtbot, qtmodeltester, tab, four, people):
    tab.show_client(people["bo"])
    qtmodeltester.check(tab.model)
    assert sorted(r.id for r in tab.model.rows) == sorted([four["waiting"], four["draft"]])
    assert "Client" not in tab.model.columns
    assert "Routine" in tab.recommendation.text()
    tab.show_client(people["ana"])
    assert sorted(r.id for r in tab.model.rows) == sorted([four["overdue"], four["answered"]])
    assert tab.model.data(tab.model.index(tab.model.row_of(four["overdue"]), 4)).endswith("Overdue")
    tab.table.selectRow(tab.model.row_of(four["answered"]))
    assert "Cleared for exercise" in tab.detail.text()
    assert not tab.edit_button.isEnabled()


def test_refer_from_the_tab_uses_the_latest_signed_assessment(qtbot, database, tab, people, answers):
    tab.show_client(people["bo"])
    assert tab.body.currentWidget() is tab.empty and "signed assessment" in tab.empty.text()
    qtbot.mouseClick(tab.refer_button, Qt.MouseButton.LeftButton)
    assert answers.said[-1][0] == "inform" and "Assessment tab" in answers.said[-1][1]
    assert tab.refer_dialog is None

    assess(database, people, "bo", URGENT, on=TODAY - timedelta(days=40))
    latest = assess(database, people, "bo", NO_WORKUP)
    tab.show_client(people["bo"])
    assert "No letter written yet" in tab.recommendation.text()
    qtbot.mouseClick(tab.refer_button, Qt.MouseButton.LeftButton)
    dialog = tab.refer_dialog
    assert dialog is not None and dialog.assessment_id == latest
    click_row(qtbot, dialog.picker, 0)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert [r.status for r in tab.model.rows] == ["draft"]
    assert tab.edit_button.isEnabled() and "draft letter is waiting" in tab.recommendation.text()
    dialog.close()

    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    assert tab.refer_dialog.record.id == tab.model.rows[0].id


def test_a_new_client_has_nothing_to_refer_yet(tab):
    tab.start_new()
    assert not tab.refer_button.isEnabled() and "Save the new client first" in tab.empty.text()
    assert not tab.has_unsaved_changes() and tab.save() is True


def test_closing_the_dialog_with_changes_asks_first(qtbot, database, runner, people, answers, typist):
    assessment = assess(database, people, "ana", URGENT)
    dialog = open_dialog(qtbot, runner, people["ana"], assessment)
    assert not dialog.has_unsaved_changes()
    click_row(qtbot, dialog.picker, 1)
    answers.unsaved = "cancel"
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and answers.said[-1] == ("unsaved", "the referral letter")
    answers.unsaved = "save"
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    [draft] = stored(database, people["ana"])
    assert draft.clinician_id == people["baker"]

