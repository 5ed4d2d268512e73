"""Result records of a speech extraction; ``to_dict`` gives the JSON of the spec."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Heading:
    start: int
    end: int
    quote: str
    depth: int
    marker: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"quote": self.quote, "start": self.start, "end": self.end, "depth": self.depth}


@dataclass
class Deadline:
    start: int
    end: int
    quote: str
    date: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"quote": self.quote, "start": self.start, "end": self.end, "date": self.date}


@dataclass
class Task:
    start: int
    end: int
    quote: str
    units: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    assist: list[str] = field(default_factory=list)
    deadline: Deadline | None = None
    unit_ids: list[int] | None = None
    section: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"quote": self.quote, "start": self.start, "end": self.end,
                             "units": list(self.units),
                             "deadline": self.deadline.to_dict() if self.deadline else None}
        if self.lead:
            d["lead"] = list(self.lead)
        if self.assist:
            d["assist"] = list(self.assist)
        if self.unit_ids is not None:
            d["unit_ids"] = list(self.unit_ids)
        if self.section:
            d["section"] = self.section
        return d


@dataclass
class Quantity:
    """A target or a figure: one value of one indicator."""

    start: int
    end: int
    quote: str
    indicator: str
    measure: str
    value: float | int | None
    unit: str
    qualifier: str = "="
    period: str | None = None
    region: str | None = None
    base: str | None = None
    compared: str | None = None
    from_bottom: bool = False
    kind: str = "figure"  # or "target"
    anchor: int = 0  # offset of the value inside the text
    counted: bool = False  # a count of named things (93个投资项目)
    modifier: bool = False  # the value qualifies a noun (总投资10亿元的项目)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"quote": self.quote, "start": self.start, "end": self.end,
                             "indicator": self.indicator, "measure": self.measure,
                             "value": self.value, "unit": self.unit}
        if self.kind == "target":
            d["qualifier"] = self.qualifier
        else:
            d["period"] = self.period
            d["region"] = self.region
            if self.qualifier != "=":
                d["qualifier"] = self.qualifier
        if self.base:
            d["base"] = self.base
        if self.compared:
            d["compared"] = self.compared
        if self.from_bottom:
            d["from_bottom"] = True
        return d


@dataclass
class Extraction:
    text: str
    doc: str = ""
    headings: list[Heading] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    targets: list[Quantity] = field(default_factory=list)
    figures: list[Quantity] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"doc": self.doc,
                "headings": [h.to_dict() for h in self.headings],
                "tasks": [t.to_dict() for t in self.tasks],
                "targets": [q.to_dict() for q in self.targets],
                "figures": [q.to_dict() for q in self.figures]}
