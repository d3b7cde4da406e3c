"""Inputs for the structured parts of an assessment: provocation tests, questionnaires, goals."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QVBoxLayout, QWidget

from studio.clinical import measures, provocation
from studio.clinical.assessment import SIDES, Goal, ProvocationResult, PsfsActivity
from ui.assessment.inputs import Check, Choice, DateInput, Score, Text

RESULT_CHOICES = (("provokes", "Provokes"), ("no_change", "No change"), ("eases", "Eases"))


class ProvocationGrid(QWidget):
    """One row per test: what it provokes or eases, on which side, where it was felt."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        for column, title in enumerate(("Test", "Result", "Side", "Where felt")):
            header = QLabel(f"<b>{title}</b>")
            grid.addWidget(header, 0, column)
        self.rows: dict[str, tuple[Choice, Choice, Text]] = {}
        for row, test in enumerate(provocation.PROVOCATION_TESTS.values(), start=1):
            label = QLabel(f"{test.test[0].upper()}{test.test[1:]}<br><span style='color:#666'>loads: {test.loads}</span>")
            result = Choice(RESULT_CHOICES, none_label="not tested")
            result.setObjectName(f"result_{test.code}")
            side = Choice(SIDES)
            where = Text("e.g. left buttock")
            for widget in (result, side, where):
                widget.changed.connect(self.changed)
            grid.addWidget(label, row, 0)
            grid.addWidget(result, row, 1)
            grid.addWidget(side, row, 2)
            grid.addWidget(where, row, 3)
            self.rows[test.code] = (result, side, where)
        grid.setColumnStretch(3, 1)

    def value(self) -> dict[str, ProvocationResult]:
        out = {}
        for code, (result, side, where) in self.rows.items():
            if result.value():
                out[code] = ProvocationResult(result.value(), side.value(), where.value())
        return out

    def set_value(self, value) -> None:
        value = value or {}
        for code, (result, side, where) in self.rows.items():
            recorded = value.get(code)
            result.set_value(recorded.result if recorded else None)
            side.set_value(recorded.side if recorded else None)
            where.set_value(recorded.location if recorded else None)


class OdiInput(QWidget):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        self.answers: list[Choice] = []
        choices = tuple((str(n), f"{n}") for n in range(6))
        for row, section in enumerate(measures.ODI_SECTIONS):
            combo = Choice(choices, none_label="not answered")
            combo.setObjectName(f"odi_{row + 1}")
            combo.changed.connect(self.changed)
            grid.addWidget(QLabel(f"{row + 1}. {section[0].upper()}{section[1:]}"), row, 0)
            grid.addWidget(combo, row, 1)
            self.answers.append(combo)
        hint = QLabel("Each section scored 0 (no difficulty) to 5 (worst statement). At least 8 sections are needed for a score.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        grid.addWidget(hint, len(self.answers), 0, 1, 2)

    def value(self) -> tuple[int | None, ...]:
        return tuple(None if c.value() is None else int(c.value()) for c in self.answers)

    def set_value(self, value) -> None:
        for combo, answer in zip(self.answers, value or (None,) * 10, strict=False):
            combo.set_value(None if answer is None else str(answer))


class RmdqInput(QWidget):
    """24 numbered statements ticked by the client on paper; the trainer ticks the same numbers."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.given = Check("The client filled in the Roland-Morris questionnaire today")
        self.given.changed.connect(self._given_changed)
        layout.addWidget(self.given)
        lead = QLabel(f"{measures.RMDQ_LEAD_IN} Tick the numbers of the statements the client ticked.")
        lead.setWordWrap(True)
        layout.addWidget(lead)
        grid = QGridLayout()
        self.items: dict[int, QCheckBox] = {}
        for index, item in enumerate(measures.RMDQ_ITEMS):
            box = QCheckBox(str(item))
            box.setObjectName(f"rmdq_{item}")
            box.setToolTip(f"Statement {item}")
            box.toggled.connect(self.changed)
            grid.addWidget(box, index // 8, index % 8)
            self.items[item] = box
        layout.addLayout(grid)
        self._given_changed()

    def _given_changed(self) -> None:
        for box in self.items.values():
            box.setEnabled(self.given.isChecked())
        self.changed.emit()

    def value(self):
        if not self.given.isChecked():
            return None
        return tuple(item for item, box in self.items.items() if box.isChecked())

    def set_value(self, value) -> None:
        self.given.set_value(value is not None)
        for item, box in self.items.items():
            box.setChecked(value is not None and item in value)
        self._given_changed()


class StartBackInput(QWidget):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setColumnStretch(0, 1)
        self.given = Check("The client answered the STarT Back questions")
        self.given.changed.connect(self._given_changed)
        grid.addWidget(self.given, 0, 0, 1, 2)
        self.agree: list[QCheckBox] = []
        for index, text in enumerate(measures.START_BACK_ITEMS[:8], start=1):
            statement = QLabel(f"{index}. {text}")
            statement.setWordWrap(True)
            box = QCheckBox("agrees")
            box.setObjectName(f"startback_{index}")
            box.setAccessibleName(f"Item {index}: agrees")
            box.toggled.connect(self.changed)
            grid.addWidget(statement, index, 0)
            grid.addWidget(box, index, 1)
            self.agree.append(box)
        self.bother = Choice(tuple((b, b[0].upper() + b[1:]) for b in measures.START_BACK_BOTHERSOMENESS), none_label="not answered")
        self.bother.changed.connect(self.changed)
        last = QLabel(f"9. {measures.START_BACK_ITEMS[8]}")
        last.setWordWrap(True)
        grid.addWidget(last, 9, 0)
        grid.addWidget(self.bother, 9, 1)
        note = QLabel(f"About {measures.START_BACK_PERIOD}. Tick the statements the client agreed with.")
        note.setStyleSheet("color: #555;")
        grid.addWidget(note, 10, 0, 1, 2)
        self._given_changed()

    def _given_changed(self) -> None:
        for widget in (*self.agree, self.bother):
            widget.setEnabled(self.given.isChecked())
        self.changed.emit()

    def value(self) -> tuple[tuple[bool, ...] | None, str | None]:
        if not self.given.isChecked():
            return None, None
        return tuple(box.isChecked() for box in self.agree), self.bother.value()

    def set_value(self, value) -> None:
        agree, bother = value if value else (None, None)
        self.given.set_value(agree is not None)
        for index, box in enumerate(self.agree):
            box.setChecked(bool(agree and agree[index]))
        self.bother.set_value(bother)
        self._given_changed()


class RowsInput(QWidget):
    """A few rows of (text, second value): PSFS activities with ratings, goals with dates."""

    changed = Signal()

    def __init__(self, count: int, text_hint: str, second, headers: tuple[str, str], parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.addWidget(QLabel(f"<b>{headers[0]}</b>"), 0, 0)
        grid.addWidget(QLabel(f"<b>{headers[1]}</b>"), 0, 1)
        self.rows = []
        for row in range(1, count + 1):
            text, other = Text(text_hint), second()
            text.changed.connect(self.changed)
            other.changed.connect(self.changed)
            grid.addWidget(text, row, 0)
            grid.addWidget(other, row, 1)
            self.rows.append((text, other))
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 1)


class PsfsInput(RowsInput):
    def __init__(self, parent=None):
        super().__init__(measures.PSFS_MAX_ACTIVITIES, "an activity the client finds hard, in their words",
                         Score, ("Activity", "Rating 0 (unable) – 10 (as before)"), parent)

    def value(self) -> tuple[PsfsActivity, ...]:
        return tuple(PsfsActivity(t.value(), s.value()) for t, s in self.rows if t.value() and s.value() is not None)

    def set_value(self, value) -> None:
        items = list(value or ())
        for index, (text, score) in enumerate(self.rows):
            text.set_value(items[index].activity if index < len(items) else None)
            score.set_value(items[index].rating if index < len(items) else None)


class GoalsInput(RowsInput):
    def __init__(self, parent=None):
        super().__init__(4, "what the client wants to do again, in their words",
                         lambda: DateInput(future_ok=True), ("Goal", "Target date"), parent)

    def value(self) -> tuple[Goal, ...]:
        return tuple(Goal(t.value(), d.value()) for t, d in self.rows if t.value())

    def set_value(self, value) -> None:
        items = list(value or ())
        for index, (text, when) in enumerate(self.rows):
            text.set_value(items[index].text if index < len(items) else None)
            when.set_value(items[index].target_date if index < len(items) else None)


def attribution(instrument: str) -> QLabel:
    label = QLabel(measures.ATTRIBUTION[instrument])
    label.setWordWrap(True)
    label.setStyleSheet("color: #666; font-size: 9pt;")
    label.setAlignment(Qt.AlignmentFlag.AlignLeft)
    return label
