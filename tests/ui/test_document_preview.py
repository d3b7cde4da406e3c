"""The document preview: the PDF is made on the database worker, shown page by page, and
printed, saved or opened from there — and the Documents list says which."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import date

import pypdf
import pytest
from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QDesktopServices, QImage, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog
from sqlalchemy import select

from studio.models import Client
from studio.services import clients, demo, documents, programs
from ui.documents import preview
from ui.documents.preview import show_preview

TODAY = date(2026, 3, 2)


@dataclass(frozen=True)
class Studio:
    with_program: int  # a client with an active program
    name: str
    without_program: int  # a client with none


@pytest.fixture
def studio(database) -> Studio:
    with database.session_factory.begin() as s:
        demo.fill_demo_studio(s, today=TODAY)
    with database.session_factory() as s:
        ids = s.scalars(select(Client.id).where(Client.archived_at.is_(None)).order_by(Client.id)).all()
        with_program = next(c for c in ids if programs.active_for_client(s, c) is not None)
        without_program = next(c for c in ids if programs.active_for_client(s, c) is None)
        return Studio(with_program, clients.get(s, with_program).name, without_program)


def open_preview(qtbot, runner, client_id: int, *, timeout: int = 10_000):
    dialog = show_preview(None, runner, documents.Request(kind=documents.HANDOUT, client_id=client_id), today=TODAY)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.ready, timeout=timeout) as shown:
        pass
    return dialog, shown.args[0]


def the_record(database, client_id: int) -> documents.DocumentRecord:
    with database.session_factory() as s:
        (record,) = documents.list_for_client(s, client_id)
        return record


def pdf_printer(path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


class Loaded:
    """A QPdfDocument on bytes, keeping its buffer alive."""

    def __init__(self, content: bytes):
        from PySide6.QtCore import QBuffer, QIODevice

        self.buffer = QBuffer()
        self.buffer.setData(QByteArray(content))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument()
        self.document.load(self.buffer)
        assert self.document.status() == QPdfDocument.Status.Ready

    def grey(self, index: int) -> QImage:
        size = QSize(413, 585)  # about 50 dpi on A4
        page = self.document.render(index, size)
        paper = QImage(size, QImage.Format.Format_Grayscale8)
        paper.fill(Qt.GlobalColor.white)
        painter = QPainter(paper)
        painter.drawImage(0, 0, page)
        painter.end()
        return paper


def difference(a: QImage, b: QImage) -> float:
    """Mean difference in grey level (0–255): the same page printed is ~3, another page ~18."""
    total = 0
    for y in range(a.height()):
        row_a, row_b = bytes(a.constScanLine(y))[: a.width()], bytes(b.constScanLine(y))[: b.width()]
        total += sum(abs(p - q) for p, q in zip(row_a, row_b))
    return total / (a.width() * a.height())


def test_the_preview_shows_every_page_of_the_handout_it_made(qtbot, database, runner, studio):
    dialog, made = open_preview(qtbot, runner, studio.with_program)
    assert made.pages > 1
    assert dialog.pdf.pageCount() == made.pages
    assert dialog.windowTitle() == made.title and studio.name in made.title
    assert dialog.view.pageMode() == QPdfView.PageMode.MultiPage
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert dialog.page_label.text() == f"Page 1 of {made.pages}"
    assert all(b.isEnabled() for b in (dialog.print_button, dialog.save_button, dialog.open_button))
    record = the_record(database, studio.with_program)
    assert (record.handed, record.fingerprint, record.pages) == (documents.PREVIEWED, made.fingerprint, made.pages)

    fitted = dialog.zoom_label.text()
    qtbot.mouseClick(dialog.zoom_in_button, Qt.MouseButton.LeftButton)
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert int(dialog.zoom_label.text().split()[0]) > int(fitted.split()[0])
    assert not dialog.fit_button.isChecked()
    qtbot.mouseClick(dialog.fit_button, Qt.MouseButton.LeftButton)
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert dialog.zoom_label.text() == fitted

    bar = dialog.view.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: dialog.page_label.text() == f"Page {made.pages} of {made.pages}")


def test_save_as_writes_the_pdf_and_the_documents_list_says_saved(qtbot, database, runner, studio, monkeypatch, tmp_path):
    dialog, made = open_preview(qtbot, runner, studio.with_program)
    asked = []

    def choose(parent, caption, suggested, filters):
        asked.append(suggested)
        return str(tmp_path / "for the client"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    with qtbot.waitSignal(dialog.handed) as handed:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert handed.args == [documents.SAVED]
    assert asked[0].endswith(made.file_name())
    saved = tmp_path / "for the client.pdf"
    text = pypdf.PdfReader(saved).pages[0].extract_text()
    assert studio.name in text
    record = the_record(database, studio.with_program)
    assert record.handed == documents.SAVED
    assert record.fingerprint == hashlib.sha256(saved.read_bytes()).hexdigest()
    assert dialog.status.text() == f"Saved to {saved}"

    # The next Save as starts in the folder used last.
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert asked[1] == str(tmp_path / made.file_name())


def test_a_file_that_cannot_be_written_is_said_plainly_and_nothing_is_marked(qtbot, database, runner, studio, monkeypatch, tmp_path, answers):
    dialog, _ = open_preview(qtbot, runner, studio.with_program)
    target = tmp_path / "no such folder" / "handout.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    (said,) = answers.said
    assert said[0] == "warn" and "handout.pdf could not be saved in" in said[1] and "Traceback" not in said[1]
    assert not target.exists()
    assert dialog.status.text() == "Not saved"
    assert the_record(database, studio.with_program).handed == documents.PREVIEWED


def test_print_prints_every_page_and_the_documents_list_says_printed(qtbot, database, runner, studio, monkeypatch, tmp_path):
    dialog, made = open_preview(qtbot, runner, studio.with_program)
    out = tmp_path / "printed.pdf"
    dialog.make_printer = lambda: pdf_printer(out)
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    with qtbot.waitSignal(dialog.handed) as handed:
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)

    assert handed.args == [documents.PRINTED]
    printed = pypdf.PdfReader(out)
    assert len(printed.pages) == made.pages
    assert [round(float(v)) for v in printed.pages[0].mediabox[2:]] == [595, 842]  # A4, the demo studio's paper
    original, paper = Loaded(made.content), Loaded(out.read_bytes())
    for index in (0, made.pages - 1):
        assert difference(original.grey(index), paper.grey(index)) < 8
    assert dialog.status.text() == f"Printed {made.pages} pages"
    assert the_record(database, studio.with_program).handed == documents.PRINTED


def test_pages_chosen_in_the_print_dialog_are_the_pages_printed(qtbot, database, runner, studio, monkeypatch, tmp_path):
    dialog, made = open_preview(qtbot, runner, studio.with_program)
    out = tmp_path / "pages.pdf"

    def high_resolution_file():
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return printer

    def pages_two_and_three(print_dialog):
        print_dialog.printer().setPrintRange(QPrinter.PrintRange.PageRange)
        print_dialog.printer().setFromTo(2, 3)
        return QDialog.DialogCode.Accepted

    dialog.make_printer = high_resolution_file
    monkeypatch.setattr(QPrintDialog, "exec", pages_two_and_three)
    with qtbot.waitSignal(dialog.handed):
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)

    original, paper = Loaded(made.content), Loaded(out.read_bytes())
    assert paper.document.pageCount() == 2
    assert difference(original.grey(1), paper.grey(0)) < 8
    assert difference(original.grey(2), paper.grey(1)) < 8
    assert dialog.status.text() == "Printed 2 pages"


def test_keyboard_ctrl_p_asks_the_printer_ctrl_s_asks_where_and_escape_closes(qtbot, database, runner, studio, monkeypatch, tmp_path):
    dialog, _ = open_preview(qtbot, runner, studio.with_program)
    dialog.make_printer = lambda: pdf_printer(tmp_path / "never.pdf")
    asked = []
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: asked.append("print") or QDialog.DialogCode.Rejected)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: asked.append("save") or ("", ""))
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)

    qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["print", "save"]
    assert not (tmp_path / "never.pdf").exists()
    assert the_record(database, studio.with_program).handed == documents.PREVIEWED  # both cancelled

    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)


def test_open_in_pdf_viewer_hands_the_viewer_a_file_with_the_same_bytes(qtbot, database, runner, studio, monkeypatch, answers):
    dialog, made = open_preview(qtbot, runner, studio.with_program)
    opened = []
    viewer_there = False

    def open_url(url):
        opened.append(url.toLocalFile())
        return viewer_there

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    (said,) = answers.said
    assert said[0] == "warn" and opened[0] in said[1]  # no viewer: says where the file is
    assert the_record(database, studio.with_program).handed == documents.PREVIEWED

    viewer_there = True
    with qtbot.waitSignal(dialog.handed) as handed:
        qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert handed.args == [documents.OPENED]
    with open(opened[1], "rb") as f:
        assert f.read() == made.content
    assert opened[1].endswith(made.file_name())
    assert the_record(database, studio.with_program).handed == documents.OPENED


def test_a_client_without_an_active_program_gets_a_plain_message_and_no_buttons(qtbot, database, runner, studio):
    dialog = show_preview(None, runner, documents.Request(kind=documents.HANDOUT, client_id=studio.without_program), today=TODAY)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.failed) as failed:
        pass
    assert "no active program" in failed.args[0]
    assert "no active program" in dialog.message.text() and "Traceback" not in dialog.message.text()
    assert dialog.message.isVisible() and not dialog.view.isVisible()
    assert not any(b.isEnabled() for b in (dialog.print_button, dialog.save_button, dialog.open_button))
    assert dialog.close_button.isEnabled()
    with database.session_factory() as s:
        assert documents.list_for_client(s, studio.without_program) == []


def test_an_unexpected_failure_is_a_sentence_not_a_traceback(qtbot, runner, monkeypatch):
    def broken(session, request, **kwargs):
        raise KeyError("program_items")

    monkeypatch.setattr(preview, "make_and_record", broken)
    dialog = show_preview(None, runner, documents.Request(kind=documents.HANDOUT, client_id=1))
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.failed) as failed:
        pass
    assert failed.args[0].startswith("Something unexpected went wrong while making it (KeyError")
    assert "Traceback" not in dialog.message.text()
    assert not dialog.print_button.isEnabled()


def test_with_the_threaded_runner_the_document_is_made_off_the_gui_thread(qtbot, database, studio, monkeypatch, tmp_path):
    from ui.tasks import TaskRunner

    threads = []
    real = preview.make_and_record

    def watched(session, request, **kwargs):
        threads.append(threading.current_thread())
        return real(session, request, **kwargs)

    monkeypatch.setattr(preview, "make_and_record", watched)
    runner = TaskRunner(session_factory=database.session_factory)
    dialog, made = open_preview(qtbot, runner, studio.with_program, timeout=30_000)
    assert threads and threads[0] is not threading.main_thread()
    assert dialog.pdf.pageCount() == made.pages

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "threaded.pdf"), ""))
    with qtbot.waitSignal(dialog.handed, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    runner.wait()
    assert the_record(database, studio.with_program).handed == documents.SAVED


def test_a_batch_puts_several_documents_in_one_print_job_through_a_shared_painter(qtbot, database, tmp_path):
    from reports.documents import make
    from ui.documents.printing import print_pdf

    with database.session_factory() as s:
        forms = [make(s, documents.Request(kind=documents.QUESTIONNAIRE, questionnaire=q)).content for q in ("odi", "rmdq")]
    out = tmp_path / "batch.pdf"
    printer = pdf_printer(out)
    printer.setFullPage(True)
    printer.setPageSize(QPageSize(Loaded(forms[0]).document.pagePointSize(0).toSize(), "", QPageSize.SizeMatchPolicy.FuzzyMatch))
    painter = QPainter()
    assert painter.begin(printer)
    assert print_pdf(forms[0], printer, painter=painter) == 1
    printer.newPage()
    assert print_pdf(forms[1], printer, painter=painter) == 1
    painter.end()

    paper = Loaded(out.read_bytes())
    assert paper.document.pageCount() == 2
    for index, form in enumerate(forms):
        assert difference(Loaded(form).grey(0), paper.grey(index)) < 8
    assert difference(Loaded(forms[0]).grey(0), paper.grey(1)) > 8  # the forms differ, so the check can tell


def test_closing_the_preview_while_the_document_is_made_lets_it_go_quietly(qtbot, database, monkeypatch):
    from ui.tasks import TaskRunner

    entered, release = threading.Event(), threading.Event()
    real = preview.make_and_record

    def slow(session, request, **kwargs):
        entered.set()
        release.wait(10)
        return real(session, request, **kwargs)

    monkeypatch.setattr(preview, "make_and_record", slow)
    runner = TaskRunner(session_factory=database.session_factory)
    dialog = show_preview(None, runner, documents.Request(kind=documents.QUESTIONNAIRE, questionnaire="odi"))
    qtbot.addWidget(dialog)
    shown = []
    dialog.ready.connect(shown.append)
    qtbot.waitUntil(entered.is_set)
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    release.set()
    runner.wait()
    qtbot.wait(50)  # let the finished work reach the GUI thread

    assert shown == []
    assert not dialog.isVisible()  # still a live object for callers that kept it
    assert dialog.pdf.pageCount() == 0


def _finished_pid() -> int:
    """The number of a process that has ended (and is, for a moment at least, nobody's)."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_at_start_up_every_viewer_copy_is_cleared_but_a_running_uprights(tmp_path):
    import os
    import time

    from ui.documents.preview import VIEWER_PREFIX, clear_viewer_copies

    running = os.getppid()  # another process that is running now, as a second Upright window would be
    folders = {
        "older Upright's, old": tmp_path / f"{VIEWER_PREFIX}old",
        "older Upright's, recent": tmp_path / f"{VIEWER_PREFIX}new",
        "ended Upright's": tmp_path / f"{VIEWER_PREFIX}{_finished_pid()}-c1-abc",
        "running Upright's": tmp_path / f"{VIEWER_PREFIX}{running}-c2-def",
        "running Upright's, 13 h old": tmp_path / f"{VIEWER_PREFIX}{running}-x-ghi",
        "someone else's": tmp_path / "someone-else",
    }
    for folder in folders.values():
        folder.mkdir()
        (folder / "Home program.pdf").write_bytes(b"%PDF-1.4")
    long_ago = time.time() - 13 * 3600
    for name in ("older Upright's, old", "running Upright's, 13 h old", "someone else's"):
        os.utime(folders[name], (long_ago, long_ago))

    assert clear_viewer_copies(folder=str(tmp_path)) == 4
    assert {name for name, folder in folders.items() if folder.exists()} == {"running Upright's", "someone else's"}


@pytest.fixture
def copy_left_behind(tmp_path, monkeypatch):
    """A viewer copy an Upright that has ended left in the temporary folder."""
    from studio import files

    monkeypatch.setattr(files.tempfile, "tempdir", str(tmp_path))
    left = tmp_path / f"{files.VIEWER_PREFIX}{_finished_pid()}-c3-xyz"
    left.mkdir()
    (left / "Home program.pdf").write_bytes(b"%PDF-1.4")
    return left


def test_the_window_clears_viewer_copies_when_it_starts(copy_left_behind, window):
    assert not copy_left_behind.exists()  # the window attached the studio database: start-up


def opened_in_viewer(qtbot, runner, client_id: int, monkeypatch, tmp_path):
    """The client's handout previewed and opened in the PDF viewer (which opens nothing here); the
    viewer's copy goes into `tmp_path`. Returns the dialog, the document and the copy."""
    from studio import files

    monkeypatch.setattr(files.tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)
    dialog, made = open_preview(qtbot, runner, client_id)
    with qtbot.waitSignal(dialog.handed):
        qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    (copy,) = dialog.viewer_copies
    return dialog, made, copy


def test_the_viewer_copy_is_private_and_removed_when_the_preview_closes(qtbot, database, runner, studio, monkeypatch, tmp_path):
    import os
    import stat

    from studio import files

    dialog, made, copy = opened_in_viewer(qtbot, runner, studio.with_program, monkeypatch, tmp_path)
    assert copy.read_bytes() == made.content and copy.parent.parent == tmp_path
    assert copy.parent.name.startswith(f"{files.VIEWER_PREFIX}{os.getpid()}-c{studio.with_program}-")
    if os.name != "nt":  # Windows knows only "read-only"
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700

    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not copy.exists() and not copy.parent.exists()
    assert dialog.viewer_copies == []


def test_a_viewer_copy_the_viewer_holds_open_is_left_for_start_up(qtbot, database, runner, studio, monkeypatch, tmp_path):
    import shutil

    dialog, _, copy = opened_in_viewer(qtbot, runner, studio.with_program, monkeypatch, tmp_path)

    def locked(path, ignore_errors=False, **kwargs):  # as Windows refuses a file open in a viewer
        if not ignore_errors:
            raise PermissionError(32, "The process cannot access the file", str(path))

    monkeypatch.setattr(shutil, "rmtree", locked)
    dialog.reject()  # closing doesn't fail or complain
    assert copy.exists() and dialog.viewer_copies == [copy]


@pytest.mark.skipif(__import__("os").name == "nt", reason="Windows has only read-only, no owner-only mode")
def test_save_as_writes_a_file_only_its_user_can_read(qtbot, database, runner, studio, monkeypatch, tmp_path):
    import stat

    dialog, made = open_preview(qtbot, runner, studio.with_program)
    (tmp_path / "saved").mkdir()
    target = tmp_path / "saved" / "handout.pdf"
    target.write_bytes(b"an older file anyone could read")
    target.chmod(0o644)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(dialog.handed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes() == made.content
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["handout.pdf"]  # no temporary file left beside it
