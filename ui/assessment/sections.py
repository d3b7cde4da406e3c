"""The pages of the assessment form, each bound field by field to `AssessmentData`."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from studio.clinical import assessment as a
from studio.clinical import endurance, red_flags
from ui.assessment.composite import GoalsInput, OdiInput, ProvocationGrid, PsfsInput, RmdqInput, StartBackInput, attribution
from ui.assessment.inputs import Check, Checks, Choice, DateInput, Notes, Number, Score, Text


def get_path(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = getattr(data, part)
    return data


def set_path(data: Any, path: str, value: Any) -> Any:
    head, _, rest = path.partition(".")
    if not rest:
        return dataclasses.replace(data, **{head: value})
    return dataclasses.replace(data, **{head: set_path(getattr(data, head), rest, value)})


class Section(QScrollArea):
    """One page: a scrolling column of groups whose inputs read from and write to the record."""

    changed = Signal()
    title = ""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        self.column = QVBoxLayout(body)
        self.setWidget(body)
        self.bindings: list[tuple[Callable, Callable, QWidget]] = []
        self.build()
        self.column.addStretch(1)

    def build(self) -> None:
        raise NotImplementedError

    def group(self, title: str) -> QFormLayout:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.column.addWidget(box)
        return form

    def bind(self, path: str, widget: QWidget) -> QWidget:
        return self.bind_with(lambda d: get_path(d, path), lambda d, v: set_path(d, path, v), widget, path)

    def bind_with(self, get: Callable, put: Callable, widget: QWidget, name: str = "") -> QWidget:
        widget.setObjectName(name.replace(".", "_") or widget.objectName())
        widget.changed.connect(self.changed)
        self.bindings.append((get, put, widget))
        return widget

    def load(self, data: a.AssessmentData) -> None:
        for get, _put, widget in self.bindings:
            widget.blockSignals(True)
            try:
                widget.set_value(get(data))
            finally:
                widget.blockSignals(False)

    def dump(self, data: a.AssessmentData) -> a.AssessmentData:
        for _get, put, widget in self.bindings:
            data = put(data, widget.value())
        return data

    def set_read_only(self, read_only: bool) -> None:
        self.widget().setEnabled(not read_only)


class PainSection(Section):
    title = "Pain history"

    def build(self) -> None:
        form = self.group("Onset")
        form.addRow("Started on", self.bind("pain.onset_date", DateInput()))
        form.addRow("Onset", self.bind("pain.onset", Choice(a.ONSETS)))
        form.addRow("Mechanism", self.bind("pain.mechanism", Choice(a.MECHANISMS)))
        form.addRow("Previous episodes", self.bind("pain.previous_episodes", Text("e.g. twice in 2023, each lasting 2 weeks")))
        form = self.group("Where and how much")
        form.addRow("Locations", self.bind("pain.locations", Checks(a.LOCATIONS)))
        form.addRow("", self.bind("pain.pins_and_needles", Check("Pins and needles")))
        form.addRow("", self.bind("pain.numbness", Check("Numbness")))
        form.addRow("Pain now (0–10)", self.bind("pain.nprs_now", Score()))
        form.addRow("Best in the last week", self.bind("pain.nprs_best", Score()))
        form.addRow("Worst in the last week", self.bind("pain.nprs_worst", Score()))
        form.addRow("Pattern", self.bind("pain.pattern", Choice(a.PATTERNS)))
        form.addRow("Time of day", self.bind("pain.worse_time", Choice(a.WORSE_TIMES)))
        form = self.group("What makes it worse or better")
        form.addRow("Aggravating", self.bind("pain.aggravating", Checks(a.ACTIVITIES)))
        form.addRow("Easing", self.bind("pain.easing", Checks(a.ACTIVITIES)))
        form = self.group("Medical workup (as the client reports it)")
        form.addRow("Seen so far", self.bind("pain.workup_seen", Checks(a.WORKUP_SEEN)))
        form.addRow("Workup", self.bind("pain.workup_status", Choice(a.WORKUP_STATUS, none_label="not asked yet")))
        form.addRow("Reported result", self.bind("pain.workup_result", Text("e.g. Client reports MRI showing L4-5 disc bulge, per Dr X")))
        form.addRow("Medications (reported)", self.bind("pain.medications", Text()))
        form.addRow("Weeks training without improvement", self.bind("weeks_without_improvement", Number(0, 104, suffix=" weeks")))


class LifestyleSection(Section):
    title = "Lifestyle and goals"

    def build(self) -> None:
        form = self.group("Lifestyle")
        form.addRow("Sitting per day", self.bind("lifestyle.sitting_hours", Number(0, 24, decimals=1, step=0.5, suffix=" h")))
        form.addRow("Water per day", self.bind("lifestyle.water_litres", Number(0, 10, decimals=1, step=0.25, suffix=" l")))
        form.addRow("Sleep per night", self.bind("lifestyle.sleep_hours", Number(0, 16, decimals=1, step=0.5, suffix=" h")))
        form.addRow("Sleep position", self.bind("lifestyle.sleep_position", Choice(a.SLEEP_POSITIONS)))
        form.addRow("Work and its demands", self.bind("lifestyle.occupation_demands", Text("e.g. desk 8 h, lifts boxes on Fridays")))
        form.addRow("Current activity", self.bind("lifestyle.current_activity", Text("e.g. walks the dog 20 min daily")))
        form = self.group("Goals — “what are your fitness goals?”")
        form.addRow(self.bind("lifestyle.goals", GoalsInput()))


class RedFlagSection(Section):
    title = "Red-flag screen"

    def build(self) -> None:
        intro = QLabel("Ask every client at every assessment. Tick what the client <b>reports</b>.")
        intro.setWordWrap(True)
        self.column.addWidget(intro)
        for tier, title in ((red_flags.EMERGENCY, "Emergency — emergency department today"), (red_flags.URGENT, "Urgent — see a doctor within days")):
            flags = tuple((f.code, f.wording[0].upper() + f.wording[1:]) for f in red_flags.RED_FLAGS.values() if f.tier == tier)
            form = self.group(title)
            form.addRow(self.bind_with(
                lambda d, codes=frozenset(c for c, _ in flags): tuple(c for c in d.red_flags if c in codes),
                lambda d, v, codes=frozenset(c for c, _ in flags): dataclasses.replace(
                    d, red_flags=tuple(c for c in d.red_flags if c not in codes) + tuple(v)
                ),
                Checks(flags, columns=1),
                f"flags_{tier}",
            ))
        form = self.group("Notes")
        form.addRow(self.bind("red_flag_notes", Notes("what the client said, in their words")))


class ProvocationSection(Section):
    title = "Provocation tests"

    def build(self) -> None:
        intro = QLabel("Record what each test <b>provokes</b> or <b>eases</b>. A test that eases is a directional preference.")
        intro.setWordWrap(True)
        self.column.addWidget(intro)
        self.column.addWidget(self.bind("provocation", ProvocationGrid()))


class RangeSection(Section):
    title = "Range of motion"

    def build(self) -> None:
        form = self.group("Lumbar")
        form.addRow("Modified-modified Schober", self.bind("rom.schober_cm", Number(0, 15, decimals=1, step=0.5, suffix=" cm")))
        form.addRow("Fingertip to floor", self.bind("rom.fingertip_floor_cm", Number(0, 80, decimals=1, step=0.5, suffix=" cm")))
        form = self.group("Hips (degrees)")
        for part, label in (("flexion", "Flexion"), ("internal", "Internal rotation"), ("external", "External rotation")):
            for side in ("left", "right"):
                form.addRow(f"{label}, {side}", self.bind(f"rom.hip_{part}_{side}", Number(0, 180, suffix="°")))
        form.addRow("Thomas test, left", self.bind("rom.thomas_left", Choice(a.THOMAS)))
        form.addRow("Thomas test, right", self.bind("rom.thomas_right", Choice(a.THOMAS)))
        note = QLabel("Range of motion is an impairment measure only: on its own it will not reduce pain.")
        note.setStyleSheet("color: #555;")
        note.setWordWrap(True)
        self.column.addWidget(note)


class EnduranceSection(Section):
    title = "Endurance battery"

    def build(self) -> None:
        men, women = endurance.REFERENCE_MEANS["men"], endurance.REFERENCE_MEANS["women"]
        form = self.group("McGill torso endurance (seconds held, to form failure)")
        for name, label, key in (("flexor", "Trunk flexor", "flexor"), ("extensor", "Trunk extensor (Biering-Sørensen)", "extensor"),
                                 ("side_right", "Side bridge, right", "side_right"), ("side_left", "Side bridge, left", "side_left")):
            hint = f"reference mean: men {getattr(men, key):g} s, women {getattr(women, key):g} s"
            field = self.bind(f"endurance.{name}", Number(0, 600, suffix=" s"))
            field.setToolTip(hint)
            form.addRow(label, field)
            form.addRow("", QLabel(f"<span style='color:#666'>{hint}</span>"))
        note = QLabel("Reference means: young healthy adults, McGill et al. 1999.")
        note.setStyleSheet("color: #666; font-size: 9pt;")
        self.column.addWidget(note)


class QuestionnaireSection(Section):
    title = "Questionnaires"

    def build(self) -> None:
        q = "questionnaires"
        form = self.group("Oswestry Disability Index (ODI 2.1a)")
        form.addRow(self.bind(f"{q}.odi", OdiInput()))
        form.addRow(attribution("odi"))
        form = self.group("Roland-Morris Disability Questionnaire")
        form.addRow(self.bind(f"{q}.rmdq", RmdqInput()))
        form.addRow(attribution("rmdq"))
        form = self.group("STarT Back Screening Tool")
        form.addRow(self.bind_with(
            lambda d: (d.questionnaires.start_back_agree, d.questionnaires.start_back_bothersomeness),
            lambda d, v: dataclasses.replace(
                d, questionnaires=dataclasses.replace(d.questionnaires, start_back_agree=v[0], start_back_bothersomeness=v[1])
            ),
            StartBackInput(),
            "start_back",
        ))
        form.addRow(attribution("start_back"))
        form = self.group("Patient-Specific Functional Scale")
        form.addRow(self.bind(f"{q}.psfs", PsfsInput()))
        form.addRow(attribution("psfs"))


SECTIONS = (PainSection, RedFlagSection, ProvocationSection, QuestionnaireSection, EnduranceSection, RangeSection, LifestyleSection)
