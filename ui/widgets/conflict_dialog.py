"""Changed at another desk: their version beside yours, field by field, and the person chooses.

Shown when a save is refused with StaleEdit. Fields that differ are highlighted, each with the
value to keep ticked — yours where you changed it here, theirs where you didn't — so "Keep
mine" never drops one of their changes the person didn't look at. Fields that are the same
on both desks are folded away. The dialog only collects the choice (`decided`); the form
that opened it saves or reloads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.errors import StaleEdit, at_time

YOURS, THEIRS = "yours", "theirs"
MINE, CANCEL = "mine", "cancel"  # what `decided` says besides THEIRS
EMPTY = "—"
DIFFERS_STYLE = "#diffCell { background: #fff8e1; border: 1px solid #ecd9a0; border-radius: 4px; }"
CHOSEN_STYLE = "#diffCell { background: #e6f4ea; border: 2px solid #2e7d32; border-radius: 4px; }"
SAME_STYLE = "color: #777;"


@dataclass(frozen=True)
class ConflictRow:
    """One field as the two desks have it, already in words."""

    name: str  # the caller's key for applying the choice
    label: str  # what the person reads
    yours: str
    theirs: str
    changed_here: bool = True  # yours differs from what was opened here: yours is ticked
    changed_there: bool = True  # theirs differs from what was opened here
    group: str = ""  # a heading rows are shown under (assessment sections)

    @property
    def differs(self) -> bool:
        return self.yours != self.theirs

    @property
    def where_changed(self) -> str:
        if self.changed_here and self.changed_there:
            return "changed at both desks"
        return "changed here" if self.changed_here else "changed at the other desk"


class _Side(QFrame):
    """A value with a tick beside it; clicking anywhere on it ticks it."""

    def __init__(self, value: str, radio: QRadioButton, parent=None):
        super().__init__(parent)
        self.setObjectName("diffCell")
        self.radio = radio
        self.text = QLabel(escape(value or EMPTY).replace("\n", "<br>"))
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(radio, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text, 1)
        radio.toggled.connect(self._restyle)
        self._restyle()

    def _restyle(self) -> None:
        self.setStyleSheet(CHOSEN_STYLE if self.radio.isChecked() else DIFFERS_STYLE)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.radio.setChecked(True)
        super().mousePressEvent(event)


class ConflictDialog(QDialog):
    """Keep mine (the ticked values, saved over their version), Take theirs, or Cancel.

    Open it with `open()` and listen to `decided`: "mine", "theirs" or "cancel". After "mine",
    `choice(name)` says which side to keep for each row.
    """

    decided = Signal(str)

    def __init__(
        self,
        error: StaleEdit,
        rows: Sequence[ConflictRow],
        *,
        what: str,
        note: str = "",
        can_keep_mine: bool = True,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setWindowTitle("Changed at another desk")
        self.error = error
        self.rows = tuple(rows)
        self._choices: dict[str, QButtonGroup] = {}
        self._radios: dict[tuple[str, str], QRadioButton] = {}
        self._outcome = CANCEL
        who = error.who or "Another desk"
        when = at_time(error.when)

        heading = QLabel(f"<b>{escape(who)} saved this {escape(what)}{escape(when)}</b>, after you opened it here.")
        heading.setObjectName("conflictHeading")
        heading.setWordWrap(True)
        heading.setStyleSheet("font-size: 12pt;")
        differing = [row for row in self.rows if row.differs]
        same = [row for row in self.rows if not row.differs]
        if differing:
            advice = (
                "Nothing from this desk has been saved yet. Where the two differ, the value to keep is ticked: "
                "yours where you changed it, theirs where you didn't. Click a value to choose it instead.<br>"
                "<b>Keep mine</b> saves the ticked values over their version; <b>Take theirs</b> shows their "
                "version and drops your changes."
            )
        else:
            advice = (
                "Nothing from this desk has been saved yet. Their save left every field here as you have it. "
                "<b>Keep mine</b> saves your version over theirs; <b>Take theirs</b> shows theirs."
            )
        explain = QLabel(advice + (f"<br><br>{escape(note)}" if note else ""))
        explain.setObjectName("conflictAdvice")
        explain.setWordWrap(True)

        body = QWidget()
        self.grid = QGridLayout(body)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(6)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.grid.setColumnMinimumWidth(0, 150)
        line = 0
        for column, title in ((1, "Yours — this desk"), (2, f"Theirs — {who}{when}")):
            header = QLabel(f"<b>{escape(title)}</b>")
            header.setWordWrap(True)
            self.grid.addWidget(header, line, column)
        line += 1
        group = None
        for row in differing:
            if row.group and row.group != group:
                group = row.group
                self.grid.addWidget(self._group_label(group), line, 0, 1, 3)
                line += 1
            line = self._add_choice(row, line)
        if not differing:
            nothing = QLabel("No field differs.")
            nothing.setStyleSheet(SAME_STYLE)
            self.grid.addWidget(nothing, line, 0, 1, 3)
            line += 1

        self.same_toggle = QToolButton()
        self.same_toggle.setObjectName("showSame")
        self.same_toggle.setCheckable(True)
        self.same_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.same_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.same_toggle.setAutoRaise(True)
        self.same_toggle.setText(f"{len(same)} field{'s' if len(same) != 1 else ''} the same on both desks")
        self.same_toggle.setVisible(bool(same))
        self.grid.addWidget(self.same_toggle, line, 0, 1, 3)
        line += 1
        self._same_widgets: list[QWidget] = []
        for row in same:
            label = QLabel(escape(row.label))
            label.setStyleSheet(SAME_STYLE)
            label.setWordWrap(True)
            value = QLabel(escape(row.yours or EMPTY).replace("\n", "<br>"))
            value.setStyleSheet(SAME_STYLE)
            value.setWordWrap(True)
            self.grid.addWidget(label, line, 0, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(value, line, 1, 1, 2)
            self._same_widgets += [label, value]
            line += 1
        self.grid.setRowStretch(line, 1)
        self.same_toggle.toggled.connect(self._show_same)
        self._show_same(False)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.buttons = QDialogButtonBox()
        self.keep_mine_button = self.buttons.addButton("Keep mine", QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep_mine_button.setObjectName("keepMine")
        self.keep_mine_button.setToolTip("Save the ticked values over their version")
        self.keep_mine_button.setEnabled(can_keep_mine)
        self.take_theirs_button = self.buttons.addButton("Take theirs", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.take_theirs_button.setObjectName("takeTheirs")
        self.take_theirs_button.setToolTip("Show their version; your changes here are dropped")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setToolTip("Go back to the form; nothing is saved")
        (self.keep_mine_button if can_keep_mine else self.cancel_button).setDefault(True)
        self.keep_mine_button.clicked.connect(lambda: self._finish(MINE))
        self.take_theirs_button.clicked.connect(lambda: self._finish(THEIRS))
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        self.resize(780, min(640, 230 + 64 * max(1, len(differing))))

    # --- building ---------------------------------------------------------------------------

    @staticmethod
    def _group_label(title: str) -> QLabel:
        label = QLabel(f"<b>{escape(title)}</b>")
        label.setStyleSheet("color: #333; margin-top: 6px; border-bottom: 1px solid #ccc;")
        return label

    def _add_choice(self, row: ConflictRow, line: int) -> int:
        label = QLabel(f"<b>{escape(row.label)}</b><br><span style='color:#666'>"
                       f"{row.where_changed}</span>")
        label.setWordWrap(True)
        label.setObjectName(f"label_{row.name}")
        group = QButtonGroup(self)
        for column, side, value in ((1, YOURS, row.yours), (2, THEIRS, row.theirs)):
            radio = QRadioButton()
            radio.setObjectName(f"{side}_{row.name}")
            radio.setAccessibleName(f"Keep {'yours' if side == YOURS else 'theirs'} for {row.label}")
            group.addButton(radio)
            self._radios[row.name, side] = radio
            self.grid.addWidget(_Side(value, radio), line, column)
        self._radios[row.name, YOURS if row.changed_here else THEIRS].setChecked(True)
        self._choices[row.name] = group
        self.grid.addWidget(label, line, 0, Qt.AlignmentFlag.AlignTop)
        return line + 1

    def _show_same(self, shown: bool) -> None:
        self.same_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        for widget in self._same_widgets:
            widget.setVisible(shown)

    # --- the choice -------------------------------------------------------------------------

    def radio(self, name: str, side: str) -> QRadioButton:
        return self._radios[name, side]

    def choice(self, name: str) -> str:
        """YOURS or THEIRS for a differing row; rows that are the same count as YOURS."""
        if (name, THEIRS) in self._radios and self._radios[name, THEIRS].isChecked():
            return THEIRS
        return YOURS

    def choose(self, name: str, side: str) -> None:
        self._radios[name, side].setChecked(True)

    @property
    def outcome(self) -> str:
        return self._outcome

    def _finish(self, outcome: str) -> None:
        self._outcome = outcome
        self.accept()

    def done(self, result: int) -> None:  # noqa: D401 - Qt API: every way out says what was decided
        if getattr(result, "value", result) != QDialog.DialogCode.Accepted.value:
            self._outcome = CANCEL
        super().done(result)
        self.decided.emit(self._outcome)
