"""A form built from studio Field descriptions, validating as the person types.

The reasons come from studio.fields, the same code that checks a CSV import, so the screen and
the import never disagree. A field's reason shows once the person has left it (or pressed
Save), not while the form is still blank.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from studio.fields import Field, format_value, parse_record

ERROR_STYLE = "color: #b00020;"
INVALID_STYLE = "border: 1px solid #b00020; border-radius: 3px; padding: 2px;"
REFERENCE_KINDS = ("staff", "clinician")


class _PlainText(QPlainTextEdit):
    """A multi-line box where Tab moves on, as in every other field."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setMaximumHeight(72)


class RecordForm(QWidget):
    changed = Signal()

    def __init__(
        self,
        fields: Sequence[Field],
        *,
        sections: Sequence[tuple[str, Sequence[str]]] | None = None,
        columns: int = 2,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.fields = tuple(fields)
        self._by_name = {f.name: f for f in self.fields}
        self.inputs: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._touched: set[str] = set()
        self._loaded: dict[str, Any] = {}
        self._loading = False
        self._build(sections or [("", [f.name for f in self.fields])], columns)
        self.set_values({})

    # --- building ---------------------------------------------------------------------------

    def _build(self, sections, columns: int) -> None:
        """Sections fill the columns in turn, each column a stack, so no row leaves a gap."""
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        stacks = []
        for _ in range(max(1, min(columns, len(sections)))):
            stack = QVBoxLayout()
            row.addLayout(stack, 1)
            stacks.append(stack)
        for index, (title, names) in enumerate(sections):
            box = QGroupBox(title) if title else QWidget()
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            for name in names:
                field = self._by_name[name]
                editor = self._make_input(field)
                error = QLabel()
                error.setStyleSheet(ERROR_STYLE)
                error.setWordWrap(True)
                error.setVisible(False)
                error.setObjectName(f"error_{name}")
                holder = QWidget()
                column = QVBoxLayout(holder)
                column.setContentsMargins(0, 0, 0, 0)
                column.setSpacing(2)
                column.addWidget(editor)
                column.addWidget(error)
                if len(names) == 1 and title == field.label:
                    form.addRow(holder)  # the section title already says what it is
                else:
                    label = QLabel(field.label + (" *" if field.required else ""))
                    label.setBuddy(editor)
                    form.addRow(label, holder)
                self.inputs[name] = editor
                self.error_labels[name] = error
            stacks[index % len(stacks)].addWidget(box)
        for stack in stacks:
            stack.addStretch(1)

    def _make_input(self, field: Field) -> QWidget:
        if field.kind == "multiline":
            editor = _PlainText()
            editor.textChanged.connect(lambda name=field.name: self._edited(name))
        elif field.kind == "bool":
            editor = QCheckBox()
            editor.toggled.connect(lambda _=None, name=field.name: self._edited(name, touch=True))
        elif field.kind == "choice" or field.kind in REFERENCE_KINDS:
            editor = QComboBox()
            if field.kind == "choice":
                if not field.required:
                    editor.addItem("—", "")
                for code, label in field.choices:
                    editor.addItem(label, code)
            else:
                editor.setEditable(False)
            editor.currentIndexChanged.connect(lambda _=None, name=field.name: self._edited(name, touch=True))
        else:
            editor = QLineEdit()
            editor.setPlaceholderText(field.hint)
            editor.setClearButtonEnabled(field.kind not in ("name",))
            editor.textEdited.connect(lambda _=None, name=field.name: self._edited(name))
            editor.editingFinished.connect(lambda name=field.name: self._touch(name))
        editor.setObjectName(field.name)
        editor.setToolTip(field.hint)
        editor.setAccessibleName(field.label)
        return editor

    # --- values -----------------------------------------------------------------------------

    def set_reference_options(self, name: str, options: Iterable[tuple[int, str]]) -> None:
        """Fill a staff/clinician picker, keeping the current choice if it is still offered."""
        combo: QComboBox = self.inputs[name]
        current = combo.currentData()
        self._loading = True
        try:
            combo.clear()
            combo.addItem("— none —", None)
            for ref_id, label in options:
                combo.addItem(label, ref_id)
            index = combo.findData(current)
            combo.setCurrentIndex(max(index, 0))
        finally:
            self._loading = False

    def raw(self) -> dict[str, Any]:
        """What is in the form now, as the services' parse() takes it."""
        out: dict[str, Any] = {}
        for name, editor in self.inputs.items():
            if isinstance(editor, QPlainTextEdit):
                out[name] = editor.toPlainText()
            elif isinstance(editor, QCheckBox):
                out[name] = editor.isChecked()
            elif isinstance(editor, QComboBox):
                out[name] = editor.currentData()
            else:
                out[name] = editor.text()
        return out

    def set_values(self, values: Any) -> None:
        """Show a record (a details dataclass or a mapping); clears reasons and the dirty flag."""
        if dataclasses.is_dataclass(values):
            values = dataclasses.asdict(values)
        self._loading = True
        try:
            for field in self.fields:
                self._set_input(field, values.get(field.name))
        finally:
            self._loading = False
        self._touched.clear()
        self._loaded = self.raw()
        self.show_errors({})

    def raw_of(self, values: Any) -> dict[str, Any]:
        """What raw() would say with a record shown, without showing it."""
        if dataclasses.is_dataclass(values):
            values = dataclasses.asdict(values)
        out: dict[str, Any] = {}
        for field in self.fields:
            value, editor = values.get(field.name), self.inputs[field.name]
            if isinstance(editor, QPlainTextEdit):
                out[field.name] = value or ""
            elif isinstance(editor, QCheckBox):
                out[field.name] = bool(value) if value is not None else field.name == "accepting_new"
            elif isinstance(editor, QComboBox):
                index = editor.findData(value if value is not None else ("" if field.kind == "choice" else None))
                if index >= 0:
                    out[field.name] = editor.itemData(index)
                elif value is not None:
                    out[field.name] = value  # not offered on this desk's list (yet): kept as it is
                else:
                    out[field.name] = editor.itemData(0) if editor.count() else None
            else:
                out[field.name] = format_value(field, value)
        return out

    def put_raw(self, raw: dict[str, Any]) -> None:
        """Put values into the inputs as if typed: the form stays dirty against what was loaded."""
        self._loading = True
        try:
            for name, value in raw.items():
                editor = self.inputs[name]
                if isinstance(editor, QPlainTextEdit):
                    if editor.toPlainText() != (value or ""):
                        editor.setPlainText(value or "")
                elif isinstance(editor, QCheckBox):
                    editor.setChecked(bool(value))
                elif isinstance(editor, QComboBox):
                    index = editor.findData(value)
                    if index < 0 and value is not None:  # keep a reference this desk can't list
                        editor.addItem(f"#{value}", value)
                        index = editor.count() - 1
                    editor.setCurrentIndex(max(index, 0))
                else:
                    editor.setText(value or "")
                    editor.setCursorPosition(0)
        finally:
            self._loading = False
        self._refresh_errors()
        self.changed.emit()

    def shown(self, name: str, raw_value: Any) -> str:
        """A raw value in the words the form shows it with ("" when empty)."""
        field, editor = self._by_name[name], self.inputs[name]
        if isinstance(editor, QCheckBox):
            return "Yes" if raw_value else "No"
        if isinstance(editor, QComboBox):
            if raw_value in (None, ""):
                return ""
            index = editor.findData(raw_value)
            return editor.itemText(index) if index >= 0 else f"#{raw_value}"
        text = "" if raw_value is None else str(raw_value)
        return text.strip() if field.kind == "multiline" else " ".join(text.split())

    def _set_input(self, field: Field, value: Any) -> None:
        editor = self.inputs[field.name]
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(value or "")
        elif isinstance(editor, QCheckBox):
            editor.setChecked(bool(value) if value is not None else field.name == "accepting_new")
        elif isinstance(editor, QComboBox):
            index = editor.findData(value if value is not None else ("" if field.kind == "choice" else None))
            editor.setCurrentIndex(max(index, 0))
        else:
            editor.setText(format_value(field, value))
            editor.setCursorPosition(0)

    def is_dirty(self) -> bool:
        return self.raw() != self._loaded

    # --- validation -------------------------------------------------------------------------

    def errors(self, today: date | None = None) -> dict[str, str]:
        return parse_record(self.fields, self.raw(), today)[1]

    def validate_all(self) -> dict[str, str]:
        """Show every reason (as on Save) and return them."""
        self._touched = set(self.inputs)
        errors = self.errors()
        self.show_errors(errors)
        return errors

    def show_errors(self, errors: dict[str, str]) -> None:
        for name, label in self.error_labels.items():
            reason = errors.get(name, "")
            label.setText(reason)
            label.setVisible(bool(reason))
            editor = self.inputs[name]
            if isinstance(editor, QLineEdit):
                editor.setStyleSheet(INVALID_STYLE if reason else "")

    def _touch(self, name: str) -> None:
        if self._loading:
            return
        self._touched.add(name)
        self._refresh_errors()

    def _edited(self, name: str, *, touch: bool = False) -> None:
        if self._loading:
            return
        if touch:
            self._touched.add(name)
        self._refresh_errors()
        self.changed.emit()

    def _refresh_errors(self) -> None:
        errors = self.errors()
        shown = {name: reason for name, reason in errors.items() if name in self._touched}
        # A field already showing a reason updates live as the person fixes it.
        for name, label in self.error_labels.items():
            if label.isVisible() and name not in shown and name in errors:
                shown[name] = errors[name]
        self.show_errors(shown)
