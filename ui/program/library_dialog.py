"""Add exercise: the library, screened for this client. Excluded exercises stay visible, greyed,
with the reasons; adding one takes an explicit override and a reason, which the program keeps."""

from __future__ import annotations

import uuid
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.exercises import exercise_to_dict
from ui.program.item_card import exercise_drawings
from ui.widgets.figure_view import FigureView
from ui.widgets.tables import side_by_side

DEMANDS = ("flexion", "extension", "rotation", "lateral", "compression")


def _filter_combo(label: str, values) -> QComboBox:
    combo = QComboBox()
    combo.addItem(label, None)
    for value in sorted(values):
        combo.addItem(value.replace("_", " "), value)
    return combo


class LibraryDialog(QDialog):
    def __init__(self, results, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Add exercise")
        self.resize(1100, 700)
        self.results = list(results)
        self.chosen = None  # an exercise code, or a custom exercise as a dict
        self.override_reason: str | None = None
        exercises = [r.exercise for r in self.results]

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search exercises")
        self.search.setClearButtonEnabled(True)
        self.family = _filter_combo("All families", {e.family for e in exercises})
        self.position = _filter_combo("Any position", {e.position for e in exercises})
        self.equipment = _filter_combo("Any equipment", {q for e in exercises for q in e.equipment})
        self.allowed_only = QCheckBox("Hide excluded")
        self.list = QListWidget()
        self.list.setObjectName("libraryList")
        filters = QHBoxLayout()
        for widget in (self.family, self.position, self.equipment, self.allowed_only):
            filters.addWidget(widget)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.list, 1)

        self.figures = FigureView()
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.override = QCheckBox("Add anyway — I have a reason")
        self.override.setObjectName("override")
        self.reason = QLineEdit()
        self.reason.setObjectName("overrideReason")
        self.reason.setPlaceholderText("why this exercise suits this client despite the screening")
        detail_body = QWidget()
        detail_layout = QVBoxLayout(detail_body)
        detail_layout.addWidget(self.figures, 0, Qt.AlignmentFlag.AlignHCenter)
        detail_layout.addWidget(self.detail)
        detail_layout.addWidget(self.override)
        detail_layout.addWidget(self.reason)
        detail_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(detail_body)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.addButton("Add to program", QDialogButtonBox.ButtonRole.AcceptRole)
        self.copy_button = QPushButton("Make my own from this…")
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.accepted.connect(self._add)
        self.buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self._copy)

        layout = QVBoxLayout(self)
        layout.addWidget(side_by_side(left, scroll, (520, 560)), 1)
        layout.addWidget(self.buttons)

        self.search.textChanged.connect(self.refresh)
        for combo in (self.family, self.position, self.equipment):
            combo.currentIndexChanged.connect(self.refresh)
        self.allowed_only.toggled.connect(self.refresh)
        self.list.currentRowChanged.connect(self._show_current)
        self.override.toggled.connect(self._update_buttons)
        self.reason.textChanged.connect(self._update_buttons)
        self.refresh()

    def visible_results(self):
        words = self.search.text().casefold().split()
        shown = []
        for result in self.results:
            e = result.exercise
            text = f"{e.name} {e.family} {' '.join(e.tags)}".casefold().replace("_", " ")
            if words and not all(w in text for w in words):
                continue
            if self.family.currentData() and e.family != self.family.currentData():
                continue
            if self.position.currentData() and e.position != self.position.currentData():
                continue
            if self.equipment.currentData() and self.equipment.currentData() not in e.equipment:
                continue
            if self.allowed_only.isChecked() and not result.allowed:
                continue
            shown.append(result)
        return shown

    def refresh(self) -> None:
        self.list.clear()
        self._shown = self.visible_results()
        for result in self._shown:
            e = result.exercise
            item = QListWidgetItem(f"{e.name} — {e.family.replace('_', ' ')}, level {e.level}"
                                   + ("" if result.allowed else "  (excluded)"))
            if not result.allowed:
                item.setForeground(QColor("#9a9a9a"))
                item.setToolTip("\n".join(result.reasons))
            self.list.addItem(item)
        if self._shown:
            self.list.setCurrentRow(0)
        else:
            self.detail.setText("No exercises match these filters.")
            self.figures.set_drawings(None)
        self._update_buttons()

    def current(self):
        row = self.list.currentRow()
        return self._shown[row] if 0 <= row < len(getattr(self, "_shown", [])) else None

    def _show_current(self, _row: int) -> None:
        result = self.current()
        if result is None:
            return
        e = result.exercise
        self.figures.set_drawings(exercise_drawings(e, None, 170, 125))
        parts = [f"<h3>{escape(e.name)}</h3>"]
        if not result.allowed:
            parts.append("<p style='color:#b00020'><b>Excluded for this client:</b><br>" + "<br>".join(escape(r) for r in result.reasons) + "</p>")
        if result.note:
            parts.append(f"<p style='color:#8a5a00'>{escape(result.note)}</p>")
        demands = ", ".join(f"{d} {e.demands[d]}" for d in DEMANDS)
        parts.append(f"<p style='color:#555'>Level {e.level} · {e.position} · {', '.join(e.equipment)} · spine demands: {demands}</p>")
        parts.append(f"<p>{escape(e.setup)}</p><ol>" + "".join(f"<li>{escape(s)}</li>" for s in e.steps) + "</ol>")
        parts.append("<p><b>Cues</b></p><ul>" + "".join(f"<li>{escape(c)}</li>" for c in e.cues) + "</ul>")
        parts.append("<p><b>Common mistakes</b></p><ul>" + "".join(f"<li>{escape(m)}</li>" for m in e.mistakes) + "</ul>")
        self.detail.setText("".join(parts))
        self.override.setChecked(False)
        self.reason.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        result = self.current()
        excluded = result is not None and not result.allowed
        self.override.setVisible(excluded)
        self.reason.setVisible(excluded and self.override.isChecked())
        self.add_button.setEnabled(
            result is not None and (not excluded or (self.override.isChecked() and bool(self.reason.text().strip())))
        )
        self.copy_button.setEnabled(result is not None)

    def _add(self) -> None:
        result = self.current()
        if result is None:
            return
        self.chosen = result.exercise.code
        self.override_reason = self.reason.text().strip() if not result.allowed else None
        self.accept()

    def _copy(self) -> None:
        result = self.current()
        if result is None:
            return
        editor = CustomExerciseDialog(result.exercise, self)
        if editor.exec():
            self.chosen = editor.values()
            self.override_reason = None
            self.accept()


class CustomExerciseDialog(QDialog):
    """A trainer's own exercise, starting from a copy of a library one. It is screened like any other."""

    def __init__(self, exercise, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Make my own exercise")
        self.resize(620, 640)
        self.base = exercise_to_dict(exercise)
        self.name = QLineEdit(f"{exercise.name} (studio version)")
        self.level = QSpinBox()
        self.level.setRange(1, 5)
        self.level.setValue(exercise.level)
        self.setup = QPlainTextEdit(exercise.setup)
        self.steps = QPlainTextEdit("\n".join(exercise.steps))
        self.cues = QPlainTextEdit("\n".join(exercise.cues))
        self.mistakes = QPlainTextEdit("\n".join(exercise.mistakes))
        self.demands = {}
        demands_row = QHBoxLayout()
        for name in DEMANDS:
            box = QSpinBox()
            box.setRange(0, 3)
            box.setValue(exercise.demands[name])
            demands_row.addWidget(QLabel(name))
            demands_row.addWidget(box)
            self.demands[name] = box
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Level", self.level)
        form.addRow("Setup", self.setup)
        form.addRow("Steps (one a line)", self.steps)
        form.addRow("Cues (one a line)", self.cues)
        form.addRow("Common mistakes", self.mistakes)
        form.addRow("Spine demands (0–3)", demands_row)
        form.addRow(QLabel("Be honest about the spine demands: the screening uses them."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict:
        def lines(box: QPlainTextEdit) -> list[str]:
            return [line.strip() for line in box.toPlainText().splitlines() if line.strip()]

        custom = dict(self.base)
        custom.update(
            code=f"custom_{self.base['code']}_{uuid.uuid4().hex[:6]}",
            name=self.name.text().strip() or self.base["name"],
            level=self.level.value(),
            setup=self.setup.toPlainText().strip(),
            steps=lines(self.steps),
            cues=lines(self.cues),
            mistakes=lines(self.mistakes),
            demands={name: box.value() for name, box in self.demands.items()},
            regression=None,
            progression=None,
            author="Studio trainer",
        )
        return custom
