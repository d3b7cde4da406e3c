"""The Program tab: the client's exercise program, built from the assessment and kept moving.

A program is a draft until it is made active (refused while the safety gate is not passed);
making another active archives the old one, so the history of programs stays. Every change to
an item — dose, swap, progression, regression — is recorded with its reason. A dose change
refused because another desk changed the program meanwhile opens the conflict dialog; Keep
mine applies the change again on their version.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from studio.db import ConnectionLost
from studio.errors import StaleEdit, UprightError
from studio.exercises import load_library
from studio.services import programs, safety
from ui import messages
from ui.program.item_card import DOSE_FIELDS, SIDES, ItemCard
from ui.widgets.conflict_dialog import MINE, THEIRS, YOURS, ConflictDialog, ConflictRow
from ui.widgets.tables import side_by_side

STATUS_WORDS = {"active": "Active", "draft": "Draft", "archived": "Archived"}
CHANGE_WORDS = {
    "added": "added", "removed": "removed", "progressed": "progressed", "regressed": "regressed",
    "declined": "declined a change to", "dose_changed": "changed the dose of", "activated": "made the program active",
    "archived": "archived the program",
}
DOSE_LABELS = {field: label for field, label, *_ in DOSE_FIELDS} | {"side": "Side", "load": "Load", "notes": "Notes"}
DOSE_SUFFIXES = {field: suffix for field, _label, _low, _high, suffix in DOSE_FIELDS}


def _clear(layout, keep: int = 0) -> None:
    """Take the widgets out of a layout now (not at the next event loop turn) and delete them."""
    while layout.count() > keep:
        widget = layout.takeAt(0).widget()
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()


class ProgramTab(QWidget):
    tab_title = "Program"
    unsaved_what = "the program"
    saves_drafts = True

    print_requested = Signal(int)  # a program id: preview and print its handout

    def __init__(self, runner, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.client_id: int | None = None
        self.program: programs.ProgramRecord | None = None
        self._dose_pending: dict[int, dict] = {}
        self._dose_saving = False
        self._after_doses: list = []
        self.conflict: ConflictDialog | None = None  # open while the person compares doses

        self.picker = QComboBox()
        self.picker.setObjectName("programPicker")
        self.picker.setMinimumWidth(260)
        self.suggest_button = QPushButton("Suggest from assessment")
        self.new_button = QPushButton("New empty program")
        self.add_button = QPushButton("Add exercise…")
        self.activate_button = QPushButton("Make active")
        self.archive_button = QPushButton("Archive")
        self.log_button = QPushButton("Log a session…")
        self.print_button = QPushButton("Print handout…")
        self.print_button.setObjectName("printHandout")
        self.print_button.setToolTip("Preview and print this program as the client's home-program handout (Ctrl+P)")
        # Two rows: which program (pick one or make one), then what to do with the open one. In
        # one row they were some 1,000 px wide, and the Client list gave up a fifth of its width.
        choose = QHBoxLayout()
        choose.addWidget(self.picker, 1)
        choose.addWidget(self.suggest_button)
        choose.addWidget(self.new_button)
        act = QHBoxLayout()
        for button in (self.add_button, self.activate_button, self.archive_button, self.log_button, self.print_button):
            act.addWidget(button)
        act.addStretch(1)
        self.state = QLabel()
        self.state.setObjectName("programState")
        self.state.setWordWrap(True)
        self.gate = QLabel()
        self.gate.setObjectName("programGate")
        self.gate.setWordWrap(True)
        self.gate.setStyleSheet("background:#fdecea; border:1px solid #b00020; border-radius:4px; padding:6px;")
        self.gate.setVisible(False)

        self.items_body = QWidget()
        self.items_layout = QVBoxLayout(self.items_body)
        self.items_layout.addStretch(1)
        items_scroll = QScrollArea()
        items_scroll.setWidgetResizable(True)
        items_scroll.setWidget(self.items_body)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.proposals = QVBoxLayout()
        self.proposals.setAlignment(Qt.AlignmentFlag.AlignTop)
        proposals_box = QWidget()
        proposals_box.setLayout(self.proposals)
        # Scrolled, so a week of logs with a proposal for every exercise shows each reason whole.
        proposals_scroll = QScrollArea()
        proposals_scroll.setObjectName("programProposals")
        proposals_scroll.setWidgetResizable(True)
        proposals_scroll.setFrameShape(QFrame.Shape.NoFrame)
        proposals_scroll.setWidget(proposals_box)
        proposals_scroll.viewport().setAutoFillBackground(False)  # the tab's own background
        proposals_box.setAutoFillBackground(False)
        self.history = QListWidget()
        self.history.setObjectName("programHistory")
        self.history.setWordWrap(True)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel("<b>Suggested changes from the session log</b>"))
        side_layout.addWidget(proposals_scroll, 1)
        side_layout.addWidget(QLabel("<b>History</b> — every change and why"))
        side_layout.addWidget(self.history, 1)
        main = QWidget()
        main_layout = QVBoxLayout(main)
        main_layout.setContentsMargins(0, 0, 0, 0)
        main_layout.addWidget(self.empty)
        main_layout.addWidget(items_scroll, 1)
        self.items_scroll = items_scroll

        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addLayout(act)
        layout.addWidget(self.state)
        layout.addWidget(self.gate)
        layout.addWidget(side_by_side(main, side, (640, 300), (3, 1)), 1)

        self.picker.activated.connect(lambda i: self.open(self.picker.itemData(i)))
        self.suggest_button.clicked.connect(self.suggest)
        self.new_button.clicked.connect(self.new_program)
        self.add_button.clicked.connect(self.add_exercise)
        self.activate_button.clicked.connect(self.activate)
        self.archive_button.clicked.connect(self.archive)
        self.log_button.clicked.connect(self.log_session)
        self.print_button.clicked.connect(self.print_handout)
        self._show(None)

    # --- the workspace tab protocol ---------------------------------------------------------

    def show_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.reload()

    def start_new(self) -> None:
        self.show_client(None)

    def has_unsaved_changes(self) -> bool:
        return bool(self._dose_pending) or self._dose_saving  # doses save as they are changed

    def save(self, then=None) -> bool:
        """Let the queued dose changes finish, then run `then`."""
        if then is not None:
            self._after_doses.append(then)
        if not self._dose_saving and self.conflict is None:
            self._save_next_dose()
        return True

    def discard_changes(self) -> None:
        pass

    # --- loading ----------------------------------------------------------------------------

    def reload(self, open_id: int | None = None) -> None:
        client_id = self.client_id
        if client_id is None:
            self.picker.clear()
            self._show(None)
            return

        def done(summaries) -> None:
            self.picker.clear()
            for summary in summaries:
                when = f" · {summary.activated_at:%d %b %Y}" if summary.activated_at else ""
                self.picker.addItem(f"{STATUS_WORDS[summary.status]} — {summary.title}{when}", summary.id)
            wanted = open_id if open_id is not None else (summaries[0].id if summaries else None)
            if wanted is None:
                self._show(None)
            else:
                self.picker.setCurrentIndex(max(self.picker.findData(wanted), 0))
                self.open(wanted)

        self.runner.run(lambda s: programs.list_for_client(s, client_id), done, owner=self)

    def open(self, program_id: int) -> None:
        def work(session):
            return programs.get(session, program_id), programs.proposals(session, program_id), safety.gate(session, self.client_id)

        self.runner.run(work, lambda result: self._show(*result), owner=self)

    def _show(self, program, proposals=(), gate=None) -> None:
        self.program = program
        _clear(self.items_layout, keep=1)
        has_client = self.client_id is not None
        for button in (self.suggest_button, self.new_button):
            button.setEnabled(has_client)
        editable = program is not None and program.status != "archived"
        self.add_button.setEnabled(editable)
        self.activate_button.setVisible(program is not None and program.status == "draft")
        self.archive_button.setVisible(program is not None and program.status != "archived")
        self.log_button.setEnabled(program is not None and program.status == "active")
        self.print_button.setEnabled(program is not None and bool(program.items))
        self.gate.setVisible(False)
        if program is None:
            self.state.setText("")
            self.empty.setText(
                "<h3>No program yet</h3><p><b>Suggest from assessment</b> builds a starter program from the latest signed "
                "assessment — breathing and bracing, the McGill Big 3 at a suitable level, hip mobility, a hinge, walking "
                "and the client's directional preference — screened against what provokes their pain.</p>"
                if has_client else "<p>Save the new client first, then build their program here.</p>"
            )
            self.empty.setVisible(True)
            self.items_scroll.setVisible(False)
            self._show_proposals(())
            self.history.clear()
            return
        self.empty.setVisible(not program.items)
        self.empty.setText("<p>This program has no exercises yet. Use <b>Add exercise…</b>.</p>")
        self.items_scroll.setVisible(True)
        for item in program.items:
            card = ItemCard(item, editable=editable)
            card.dose_changed.connect(self.change_dose)
            card.remove_requested.connect(self.remove_item)
            self.items_layout.insertWidget(self.items_layout.count() - 1, card)
        words = {"draft": "Draft — not yet given to the client.", "active": "Active — the client's current home program.",
                 "archived": "Archived — kept for the record; it can't be changed."}[program.status]
        self.state.setText(f"<b>{escape(program.title)}</b> · {len(program.items)} exercises · {words}")
        if gate is not None and not gate.passed and program.status == "draft":
            self.gate.setText("<b>Not cleared for training — this program can't be made active yet.</b> " + escape(" ".join(gate.reasons)))
            self.gate.setVisible(True)
        self._show_proposals(proposals)
        self._show_history(program)

    def _show_history(self, program) -> None:
        self.history.clear()
        names = {exercise.code: exercise.name for exercise in load_library()}  # past exercises too
        names.update({item.exercise_code: item.exercise.name for item in program.items if item.exercise})
        for change in reversed(program.history):
            what = CHANGE_WORDS.get(change.change, change.change)
            subject = ""
            if change.from_code and change.to_code:
                subject = f" {names.get(change.from_code, change.from_code)} → {names.get(change.to_code, change.to_code)}"
            elif change.exercise_code:
                subject = f" {names.get(change.exercise_code, change.exercise_code.replace('_', ' '))}"
            who = f" by {change.by_name}" if change.by_name else ""
            reason = f" — {change.reason}" if change.reason else ""
            self.history.addItem(f"{change.at.astimezone():%d %b %Y}{who}: {what}{subject}{reason}")

    def _show_proposals(self, proposals) -> None:
        _clear(self.proposals)
        shown = [p for p in proposals if p.proposal.action != "hold"]
        if not shown:
            note = QLabel("None right now. Log sessions and Upright proposes progressions and regressions by the studio's rule.")
            note.setWordWrap(True)
            note.setStyleSheet("color: #555;")
            self.proposals.addWidget(note)
            return
        for proposal in shown:
            self.proposals.addWidget(self._proposal_row(proposal))

    def _proposal_row(self, proposal) -> QWidget:
        row = QWidget()
        row.setObjectName(f"proposal_{proposal.item.id}")
        layout = QVBoxLayout(row)
        layout.setContentsMargins(0, 4, 0, 4)
        name = proposal.item.exercise.name if proposal.item.exercise else proposal.item.exercise_code
        verb = "Progress" if proposal.proposal.action == "progress" else "Regress"
        text = QLabel(f"<b>{verb} {escape(name)}</b>: {escape(proposal.proposal.reason)}")
        text.setWordWrap(True)
        accept = QPushButton("Accept")
        decline = QPushButton("Decline…")
        accept.setEnabled(proposal.target_code is not None)
        accept.clicked.connect(lambda: self.decide(proposal, True))
        decline.clicked.connect(lambda: self.decide(proposal, False))
        buttons = QHBoxLayout()
        buttons.addWidget(accept)
        buttons.addWidget(decline)
        buttons.addStretch(1)
        layout.addWidget(text)
        layout.addLayout(buttons)
        return row

    # --- actions ----------------------------------------------------------------------------

    def _run(self, work, title: str, then=None) -> None:
        program = self.program

        def failed(error: BaseException) -> None:
            if isinstance(error, StaleEdit):
                # Archiving, activating or changing what another desk just changed: say so and
                # offer their version rather than acting on one nobody sees any more.
                if messages.confirm(
                    self, "Changed at another desk",
                    f"{error.changed_words}, after you opened it here. {title}.\n\n"
                    "Reload to see their version, then try again if you still want to.",
                    yes="Reload",
                ) and program is not None:
                    self.open(program.id)
                return
            messages.warn(self, title, str(error) if isinstance(error, UprightError) else repr(error))
            if self.program is not None:
                self.open(self.program.id)

        self.runner.run(work, then or (lambda record: self.reload(open_id=record.id)), failed, owner=self)

    def print_handout(self) -> None:
        """Let queued dose changes land, then ask for the handout of the program on screen."""
        program = self.program
        if program is None or not program.items:
            return
        self.save(then=lambda: self.print_requested.emit(program.id))

    def suggest(self) -> None:
        client_id = self.client_id
        self._run(lambda s: programs.suggest_from_assessment(s, client_id), "No program was suggested")

    def new_program(self) -> None:
        title, ok = QInputDialog.getText(self, "New program", "Title", text="Home program")
        if ok:
            client_id = self.client_id
            self._run(lambda s: programs.create_draft(s, client_id, title=title), "The program was not created")

    def change_dose(self, item_id: int, values: dict) -> None:
        """Queue a dose change. One save is in flight at a time, and each carries the version the
        previous one returned, so quick clicks on a spin box never look like another desk's edit."""
        self._dose_pending.setdefault(item_id, {}).update(values)
        if not self._dose_saving and self.conflict is None:
            self._save_next_dose()

    def _save_next_dose(self) -> None:
        if not self._dose_pending:
            self._dose_saving = False
            waiting, self._after_doses = self._after_doses, []
            for then in waiting:
                then()
            return
        item_id = next(iter(self._dose_pending))
        values = self._dose_pending.pop(item_id)
        program = self.program
        self._dose_saving = True

        def done(record) -> None:
            self.program = record  # keep the cards as they are: the person may still be typing
            self._show_history(record)
            self._save_next_dose()

        def failed(error: BaseException) -> None:
            if isinstance(error, StaleEdit):
                # Still "saving" while their program is fetched: changes made meanwhile queue up
                # behind this one and are compared with it.
                later, self._dose_pending = self._dose_pending, {item_id: dict(values)}
                for other_id, other in later.items():
                    self._dose_pending.setdefault(other_id, {}).update(other)
                self.runner.run(lambda s: programs.get(s, program.id),
                                lambda theirs: self.resolve_conflict(error, program, theirs),
                                self._dose_failed(program), owner=self)
                return
            if isinstance(error, ConnectionLost):
                self._keep_doses(item_id, values)
                return
            self._dose_failed(program)(error)

        self.runner.run(lambda s: programs.update_item_dose(s, program.id, program.version, item_id, **values),
                        done, failed, owner=self)

    def _keep_doses(self, item_id: int, values: dict) -> None:
        """The studio database isn't answering (the window's banner says so): the change stays
        queued and on the cards, unsaved, until the next change or Ctrl+S."""
        later, self._dose_pending = self._dose_pending, {item_id: dict(values)}
        for other_id, other in later.items():
            self._dose_pending.setdefault(other_id, {}).update(other)
        self._dose_saving = False
        self._after_doses.clear()
        self.state.setText("<b>Not saved</b> — the studio database isn't answering. Your dose changes are kept "
                           "here; press Ctrl+S (or change a dose) once it is back.")

    def _dose_failed(self, program):
        def failed(error: BaseException) -> None:
            self._dose_saving = False
            self._dose_pending.clear()
            self._after_doses.clear()
            messages.warn(self, "The dose was not saved", str(error) if isinstance(error, UprightError) else repr(error))
            self.open(program.id)

        return failed

    # --- another desk changed the program -----------------------------------------------------

    def resolve_conflict(self, error: StaleEdit, opened, theirs) -> ConflictDialog:
        """The doses changed here beside the program as the other desk left it. Keep mine applies
        the ticked changes again on their version; Take theirs shows their program; Cancel
        keeps the changes waiting (unsaved) in the cards."""
        mine, self._dose_pending = self._dose_pending, {}
        waiting, self._after_doses = self._after_doses, []
        self._dose_saving = False
        rows = []
        for item_id, values in mine.items():
            was = _find_item(opened, item_id)
            now = _find_item(theirs, item_id)
            name = (was.exercise.name if was and was.exercise else was.exercise_code if was else f"Exercise {item_id}")
            for field, value in values.items():
                their = _dose_words(field, getattr(now, field)) if now else "removed from the program at the other desk"
                before = _dose_words(field, getattr(was, field)) if was else ""
                rows.append(ConflictRow(f"{item_id}:{field}", DOSE_LABELS.get(field, field), _dose_words(field, value),
                                        their, changed_here=True, changed_there=their != before, group=name))
        can_keep = any(_find_item(theirs, item_id) for item_id in mine) and theirs.status != "archived"
        note = "Anything else they changed in the program stays as they left it either way."
        if theirs.status == "archived":
            note = "They archived the program at the other desk, so it can no longer be changed: Take theirs to see it."
        dialog = ConflictDialog(error, rows, what="program", note=note, can_keep_mine=can_keep, parent=self)
        self.conflict = dialog

        def decided(outcome: str) -> None:
            self.conflict = None
            dialog.deleteLater()
            if outcome == MINE:
                chosen = {
                    item_id: {field: value for field, value in values.items() if dialog.choice(f"{item_id}:{field}") == YOURS}
                    for item_id, values in mine.items()
                    if _find_item(theirs, item_id) is not None
                }
                self.program = theirs  # their version is the one these changes now apply to
                self._dose_pending = {item_id: values for item_id, values in chosen.items() if values}
                self._after_doses = [lambda: self.open(theirs.id), *waiting, *self._after_doses]
                self._save_next_dose()
            elif outcome == THEIRS:
                self.open(theirs.id)
                waiting.extend(self._after_doses)
                self._after_doses = []
                for then in waiting:
                    then()
            else:
                for item_id, values in mine.items():  # still unsaved: asked again on the next save
                    self._dose_pending.setdefault(item_id, {}).update(values)
                said = error.changed_words[0].lower() + error.changed_words[1:]
                self.state.setText(f"<b>Not saved</b> — {escape(said)}. Your dose changes are kept "
                                   "here; change a dose or press Ctrl+S to compare again.")

        dialog.decided.connect(decided)
        dialog.open()
        return dialog

    def remove_item(self, item_id: int) -> None:
        program = self.program
        reason, ok = QInputDialog.getText(self, "Remove exercise", "Why is it coming out? (kept in the history)")
        if ok:
            self._run(lambda s: programs.remove_item(s, program.id, program.version, item_id, reason=reason or None),
                      "The exercise was not removed")

    def add_exercise(self) -> None:

        program, client_id = self.program, self.client_id
        self.runner.run(lambda s: programs.screen_for_client(s, client_id), lambda results: self._pick(program, results), owner=self)

    def _pick(self, program, results) -> None:
        from ui.program.library_dialog import LibraryDialog

        dialog = LibraryDialog(results, self)
        if not dialog.exec() or dialog.chosen is None:
            return
        chosen, reason = dialog.chosen, dialog.override_reason
        self._run(lambda s: programs.add_item(s, program.id, program.version, chosen, override_reason=reason),
                  "The exercise was not added")

    def activate(self) -> None:
        program = self.program
        self._run(lambda s: programs.activate(s, program.id, program.version), "The program can't be made active")

    def archive(self) -> None:
        program = self.program
        if messages.confirm(self, "Archive this program?", "It stays in the history but can no longer be changed.", yes="Archive"):
            self._run(lambda s: programs.archive(s, program.id, program.version), "The program was not archived")

    def decide(self, proposal, accept: bool) -> None:
        program = self.program
        reason = None
        if not accept:
            reason, ok = QInputDialog.getText(self, "Decline", "Why not now? (kept in the history)")
            if not ok:
                return
        self._run(lambda s: programs.apply_proposal(s, program.id, proposal.item.id, proposal.proposal.action,
                                                    accept=accept, reason=reason or None, expected_version=program.version),
                  "The change was not made")

    def log_session(self) -> None:
        from ui.program.log_dialog import SessionLogDialog

        program, client_id = self.program, self.client_id
        dialog = SessionLogDialog(program, self)
        if dialog.exec():
            logged_on, entries = dialog.values()
            self._run(lambda s: programs.log_session(s, client_id, program.id, logged_on, entries),
                      "The session was not logged", lambda _record: self.open(program.id))


def _find_item(program, item_id: int):
    return next((item for item in program.items if item.id == item_id), None) if program is not None else None


def _dose_words(field: str, value) -> str:
    if value is None or value == "":
        return "—"
    if field == "side":
        return dict(SIDES).get(value, value)
    return f"{value}{DOSE_SUFFIXES.get(field, '')}"
