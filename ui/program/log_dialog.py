"""Log a session: per exercise, done or not, what was done, pain before and after, form."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QGridLayout, QLabel, QVBoxLayout

from studio.exercises.progression import SessionEntry
from ui.assessment.inputs import DateInput, Number, Score

COLUMNS = ("Exercise", "Done", "Sets", "Reps", "Hold (s)", "Pain before", "Pain after", "Next day", "Form OK")


class SessionLogDialog(QDialog):
    def __init__(self, program, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Log a session")
        self.logged_on = DateInput()
        self.logged_on.set_value(date.today())
        grid = QGridLayout()
        for column, title in enumerate(COLUMNS):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        self.rows = {}
        for row, item in enumerate(program.items, start=1):
            name = item.exercise.name if item.exercise else item.exercise_code
            done = QCheckBox()
            done.setChecked(True)
            sets, reps, hold = Number(0, 20), Number(0, 100), Number(0, 600)
            sets.set_value(item.sets)
            reps.set_value(item.reps)
            hold.set_value(item.hold_seconds)
            before, after, next_day = Score(), Score(), Score()
            form_ok = QCheckBox()
            form_ok.setChecked(True)
            for column, widget in enumerate((QLabel(name), done, sets, reps, hold, before, after, next_day, form_ok)):
                grid.addWidget(widget, row, column)
            self.rows[item.id] = (done, sets, reps, hold, before, after, next_day, form_ok)
        hint = QLabel("The dose starts at what was prescribed: change what the client actually did. "
                      "Pain is 0–10; “next day” can be filled in at the next visit.")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Session date"))
        layout.addWidget(self.logged_on)
        layout.addLayout(grid)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def values(self) -> tuple[date, dict[int, SessionEntry]]:
        entries = {}
        for item_id, (done, sets, reps, hold, before, after, next_day, form_ok) in self.rows.items():
            entries[item_id] = SessionEntry(
                done=done.isChecked(), sets_done=sets.value(), reps_done=reps.value(), hold_done=hold.value(),
                pain_before=before.value(), pain_after=after.value(), pain_next_day=next_day.value(),
                form_ok=form_ok.isChecked(),
            )
        return self.logged_on.value() or date.today(), entries
