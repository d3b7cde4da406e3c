"""One exercise in a program: its figures, what it is, and its dose — edited in place."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout

from studio.figures import mirror, pose_figures
from ui.assessment.inputs import Choice, Number, Text
from ui.widgets.figure_view import FigureView

SIDES = (("both", "Both sides"), ("left", "Left"), ("right", "Right"))
DOSE_FIELDS = (
    ("sets", "Sets", 0, 20, ""),
    ("reps", "Reps", 0, 100, ""),
    ("hold_seconds", "Hold", 0, 600, " s"),
    ("rest_seconds", "Rest", 0, 600, " s"),
    ("times_per_day", "Times a day", 0, 10, ""),
    ("days_per_week", "Days a week", 0, 7, ""),
)


def exercise_drawings(exercise, side: str | None = None, width: float = 120, height: float = 90):
    """Start and end figures; a left-side variant is the mirror image."""
    if exercise is None or not exercise.poses:
        return ()
    drawings = pose_figures([exercise.poses["start"], exercise.poses["end"]], width, height)
    return tuple(mirror(d) for d in drawings) if side == "left" else drawings


class ItemCard(QFrame):
    """Emits `dose_changed(item_id, {field: value})` and `remove_requested(item_id)`."""

    dose_changed = Signal(int, dict)
    remove_requested = Signal(int)

    def __init__(self, item, *, editable: bool, parent=None):
        super().__init__(parent)
        self.item = item
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(f"item_{item.id}")
        exercise = item.exercise
        self.figures = FigureView(exercise_drawings(exercise, item.side))
        name = exercise.name if exercise else f"{item.exercise_code} (no longer in the library)"
        title = QLabel(f"<b>{item.position}. {name}</b>" + (" <i>(custom)</i>" if exercise and exercise.custom else ""))
        title.setWordWrap(True)
        details = QLabel()
        details.setWordWrap(True)
        details.setStyleSheet("color: #555;")
        if exercise is not None:
            details.setText(f"{exercise.family.replace('_', ' ')} · level {exercise.level} · {exercise.position}"
                            + (f" · {', '.join(exercise.equipment)}" if exercise.equipment and exercise.equipment != ('none',) else ""))
        override = QLabel(f"⚠ Added despite screening: {item.override_reason}" if item.override_reason else "")
        override.setWordWrap(True)
        override.setStyleSheet("color: #b00020;")
        override.setVisible(bool(item.override_reason))

        self.inputs = {}
        dose = QGridLayout()
        for column, (field, label, low, high, suffix) in enumerate(DOSE_FIELDS):
            box = Number(low, high, suffix=suffix)
            box.setObjectName(field)
            box.set_value(getattr(item, field))
            box.setEnabled(editable)
            box.changed.connect(lambda f=field, b=box: self._changed(f, b.value()))
            dose.addWidget(QLabel(label), 0, column)
            dose.addWidget(box, 1, column)
            self.inputs[field] = box
        self.side = Choice(SIDES, none_label="—")
        self.side.set_value(item.side)
        self.side.setEnabled(editable and bool(exercise and exercise.sided))
        self.side.changed.connect(lambda: self._changed("side", self.side.value()))
        self.load = Text("load, e.g. 8 kg")
        self.load.set_value(item.load)
        self.load.setEnabled(editable)
        self.load.editingFinished.connect(lambda: self._changed("load", self.load.value()))
        self.notes = Text("notes for the client")
        self.notes.set_value(item.notes)
        self.notes.setEnabled(editable)
        self.notes.editingFinished.connect(lambda: self._changed("notes", self.notes.value()))
        extra = QHBoxLayout()
        extra.addWidget(QLabel("Side"))
        extra.addWidget(self.side)
        extra.addWidget(self.load, 1)
        extra.addWidget(self.notes, 2)
        self.remove = QPushButton("Remove")
        self.remove.setVisible(editable)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(item.id))
        extra.addWidget(self.remove)

        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(details)
        text.addWidget(override)
        text.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.figures)
        top.addLayout(text, 1)
        card = QVBoxLayout(self)
        card.addLayout(top)
        card.addLayout(dose)
        card.addLayout(extra)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        for box in self.inputs.values():
            box.setKeyboardTracking(False)

    def _changed(self, field: str, value) -> None:
        if value == getattr(self.item, field):
            return
        self.dose_changed.emit(self.item.id, {field: value})
