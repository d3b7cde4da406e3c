"""Inputs for the assessment form. Every one has `value()`, `set_value(v)` and `changed`, and
"not recorded" (None) is always a choice: a trainer fills what they know, nothing is required."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from studio.fields import parse_date

NOT_RECORDED = "—"


class Choice(QComboBox):
    changed = Signal()

    def __init__(self, choices: Sequence[tuple[str, str]], *, none_label: str = NOT_RECORDED, parent=None):
        super().__init__(parent)
        self.addItem(none_label, None)
        for code, label in choices:
            self.addItem(label, code)
        self.currentIndexChanged.connect(self.changed)

    def value(self):
        return self.currentData()

    def set_value(self, value) -> None:
        self.setCurrentIndex(max(self.findData(value), 0))


class Number(QDoubleSpinBox):
    """A number or nothing: the lowest position reads "—" and means not recorded."""

    changed = Signal()

    def __init__(self, low: float, high: float, *, decimals: int = 0, step: float = 1, suffix: str = "", parent=None):
        super().__init__(parent)
        self.setDecimals(decimals)
        self.setSingleStep(step)
        self.setRange(low - step, high)
        self.setSpecialValueText(NOT_RECORDED)
        self.setSuffix(suffix)
        self.setValue(self.minimum())
        self.setKeyboardTracking(False)
        self.valueChanged.connect(self.changed)

    def value(self):  # type: ignore[override]
        raw = super().value()
        if raw <= self.minimum():
            return None
        return int(raw) if self.decimals() == 0 else raw

    def set_value(self, value) -> None:
        self.setValue(self.minimum() if value is None else float(value))


class Score(QSpinBox):
    """A 0–10 pain score or nothing."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setRange(-1, 10)
        self.setSpecialValueText(NOT_RECORDED)
        self.setValue(-1)
        self.valueChanged.connect(self.changed)

    def value(self):  # type: ignore[override]
        raw = super().value()
        return None if raw < 0 else raw

    def set_value(self, value) -> None:
        self.setValue(-1 if value is None else int(value))


class Check(QCheckBox):
    changed = Signal()

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self.toggled.connect(self.changed)

    def value(self) -> bool:
        return self.isChecked()

    def set_value(self, value) -> None:
        self.setChecked(bool(value))


class _ClickLabel(QLabel):
    def __init__(self, text: str, box: QCheckBox):
        super().__init__(text)
        self.box = box
        self.setWordWrap(True)
        self.setBuddy(box)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.box.isEnabled():
            self.box.toggle()
        super().mousePressEvent(event)


class Checks(QWidget):
    """Several codes at once (locations, activities), laid out in columns."""

    changed = Signal()

    def __init__(self, choices: Sequence[tuple[str, str]], *, columns: int = 2, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for index, (code, label) in enumerate(choices):
            box = QCheckBox("" if columns == 1 else label)
            box.setObjectName(code)
            box.setAccessibleName(label)
            box.toggled.connect(self.changed)
            row, column = index // columns, index % columns
            if columns == 1:  # long statements: a label that wraps, and toggles the box when clicked
                text = _ClickLabel(label, box)
                grid.addWidget(box, row, 0)
                grid.addWidget(text, row, 1)
                grid.setColumnStretch(1, 1)
            else:
                grid.addWidget(box, row, column)
            self.boxes[code] = box

    def value(self) -> tuple[str, ...]:
        return tuple(code for code, box in self.boxes.items() if box.isChecked())

    def set_value(self, value) -> None:
        chosen = set(value or ())
        for code, box in self.boxes.items():
            box.setChecked(code in chosen)


class Text(QLineEdit):
    changed = Signal()

    def __init__(self, placeholder: str = "", parent=None):
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.textEdited.connect(self.changed)

    def value(self):
        text = " ".join(self.text().split())
        return text or None

    def set_value(self, value) -> None:
        self.setText(value or "")
        self.setCursorPosition(0)


class Notes(QPlainTextEdit):
    changed = Signal()

    def __init__(self, placeholder: str = "", parent=None):
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)
        self.setMaximumHeight(64)
        self.textChanged.connect(self.changed)

    def value(self):
        return self.toPlainText().strip() or None

    def set_value(self, value) -> None:
        if (value or "") != self.toPlainText():
            self.setPlainText(value or "")


class DateInput(QWidget):
    """A typed date with its reason shown beside it; an unreadable date counts as not recorded
    until it is fixed, and `problem` says why."""

    changed = Signal()

    def __init__(self, *, future_ok: bool = False, parent=None):
        super().__init__(parent)
        self.future_ok = future_ok
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("e.g. 2026-03-12 or 12 Mar 2026")
        self.reason = QLabel()
        self.reason.setStyleSheet("color: #b00020;")
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 0, 0)
        layout.addWidget(self.reason, 1, 0)
        self.reason.setVisible(False)
        self.edit.textEdited.connect(self._edited)

    @property
    def problem(self) -> str:
        text = self.edit.text().strip()
        if not text:
            return ""
        try:
            value = parse_date(text)
        except ValueError as exc:
            return str(exc)
        if not self.future_ok and value > date.today():
            return "This date is in the future"
        return ""

    def _edited(self) -> None:
        problem = self.problem
        self.reason.setText(problem)
        self.reason.setVisible(bool(problem))
        self.changed.emit()

    def value(self):
        if self.problem or not self.edit.text().strip():
            return None
        return parse_date(self.edit.text().strip())

    def set_value(self, value) -> None:
        self.edit.setText(value.isoformat() if value else "")
        self.reason.setVisible(False)
