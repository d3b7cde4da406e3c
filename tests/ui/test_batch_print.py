"""Batch printing: the handouts of the clients seen this week go out in one print job, with
progress, Cancel, and each one added to the client's Documents list."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from pypdf import PdfReader

from studio.services import clients, documents, programs, staff, studio_profile
from studio.services.programs import SessionEntry
from ui.documents.batch import BatchPrintDialog

TODAY = date(2026, 11, 25)  # a Wednesday
MONDAY = date(2026, 11, 23)
CODES = ("bird_dog", "glute_bridge")


def client_with_program(s, first, last, trainer, *, seen_on=None, active=True):
    client_id = clients.create(s, clients.parse({"first_name": first, "last_name": last, "trainer_id": trainer})).id
    program = programs.create_draft(s, client_id, title=f"{first}'s program", created_by_id=trainer)
    for code in CODES:
        program = programs.add_item(s, program.id, program.version, code, override_reason="test")
    if active:
        program = programs.activate(s, program.id, program.version)
        if seen_on is not None:
            entries = {item.id: SessionEntry(done=True) for item in program.items}
            programs.log_session(s, client_id, program.id, seen_on, entries, trainer, today=TODAY)
    return client_id


@pytest.fixture
def week(database):
    with database.session_factory.begin() as s:
        studio_profile.save(s, studio_profile.StudioDetails(name="Core Studio", paper="letter"))
        trainer = staff.create(s, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"})).id
        ids = {
            "ana": client_with_program(s, "Ana", "Lund", trainer, seen_on=MONDAY),
            "bo": client_with_program(s, "Bo", "Dahl", trainer, seen_on=TODAY),
            "cy": client_with_program(s, "Cy", "Moss", trainer, seen_on=MONDAY - timedelta(days=2)),  # last week
            "di": client_with_program(s, "Di", "Nash", trainer, seen_on=TODAY),
        }
        # Eve was seen this week on a program since archived in favour of a draft: nothing to print.
        eve = client_with_program(s, "Eve", "Olsen", trainer, seen_on=MONDAY)
        active = programs.active_for_client(s, eve)
        programs.archive(s, active.id, active.version)
        ids["eve"] = eve
    return ids


@pytest.fixture
def dialog(qtbot, runner, week, tmp_path):
    dialog = BatchPrintDialog(runner, None, today=TODAY)
    qtbot.addWidget(dialog)
    out = tmp_path / "batch.pdf"

    def printer():
        p = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        p.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        p.setOutputFileName(str(out))
        return p

    dialog.make_printer = printer
    dialog.asked = []
    dialog.ask_printer = lambda p: dialog.asked.append(p) or True
    dialog.out = out
    dialog.show()
    return dialog


def rows(dialog):
    return [dialog.clients.item(i) for i in range(dialog.clients.count())]


def test_the_week_lists_who_was_seen_and_what_can_print(dialog):
    assert "Mon 23 Nov – Sun 29 Nov 2026" in dialog.week.text()
    texts = [item.text() for item in rows(dialog)]
    assert [t.split(" — ")[0] for t in texts] == ["Ana Lund", "Bo Dahl", "Di Nash", "Eve Olsen"]  # not Cy: last week
    assert "no active program" in texts[3]
    assert not rows(dialog)[3].flags() & Qt.ItemFlag.ItemIsEnabled
    assert dialog.state.text() == "3 handouts to print."
    assert not dialog.next_week.isEnabled()  # next week has not happened
    dialog.previous_week.click()
    assert [item.text().split(" — ")[0] for item in rows(dialog)] == ["Cy Moss"]
    dialog.previous_week.click()
    assert dialog.clients.count() == 0
    assert "No sessions were logged this week" in dialog.state.text()
    assert not dialog.print_button.isEnabled()


def test_printing_puts_every_ticked_handout_in_one_job_and_lists_it(dialog, database, week):
    rows(dialog)[2].setCheckState(Qt.CheckState.Unchecked)  # not Di this time
    assert dialog.state.text() == "2 handouts to print."
    dialog.print_button.click()
    assert len(dialog.asked) == 1  # one print dialog for the whole batch
    reader = PdfReader(io.BytesIO(dialog.out.read_bytes()))  # printed pages are pictures of the handouts
    assert f"Printed 2 handouts ({len(reader.pages)} pages)." == dialog.state.text()
    assert dialog.progress.value() == 2 and dialog.cancel_button.text() == "Close"
    letter = reader.pages[0].mediabox
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)  # the studio prints on Letter
    with database.session_factory() as s:
        listed = {who: documents.list_for_client(s, week[who]) for who in ("ana", "bo", "di")}
    assert listed["di"] == []
    made = [listed["ana"][0], listed["bo"][0]]
    assert all(d.kind == documents.HANDOUT and d.handed == documents.BATCH for d in made)
    assert [d.title.split(" — ")[1] for d in made] == ["Ana Lund", "Bo Dahl"]
    assert sum(d.pages for d in made) == len(reader.pages)  # every page of both, nothing else


def test_cancel_stops_after_the_handout_being_printed(dialog, database, week, monkeypatch):
    from ui.documents import printing

    real = printing.print_pdf

    def print_then_cancel(*args, **kwargs):
        pages = real(*args, **kwargs)
        dialog.cancel_button.click()  # pressed while the first handout prints
        return pages

    monkeypatch.setattr(printing, "print_pdf", print_then_cancel)
    dialog.print_button.click()
    assert dialog.state.text().startswith("Printed 1 handout (") and dialog.state.text().endswith("stopped by Cancel.")
    with database.session_factory() as s:
        printed = [who for who in ("ana", "bo", "di") if documents.list_for_client(s, week[who])]
    assert printed == ["ana"]
    assert dialog.isVisible()  # Cancel stopped the printing, not the dialog
    dialog.cancel_button.click()
    assert not dialog.isVisible()
