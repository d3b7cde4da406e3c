"""A measured figure and how it is judged against its budget."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    baseline: float
    budget: float
    budget_on: str  # "ratio": value/baseline must stay under budget; "value": value itself must
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("inf")

    @property
    def within_budget(self) -> bool:
        return (self.ratio if self.budget_on == "ratio" else self.value) <= self.budget

    def as_json(self) -> dict:
        return {
            "value": round(self.value, 4),
            "unit": self.unit,
            "baseline": round(self.baseline, 4),
            "ratio": round(self.ratio, 3),
            "budget": self.budget,
        }
