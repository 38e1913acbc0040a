"""What a KPI is (its definition, the period it is measured over, what a measure holds) and the one
registry of KPIs. It lives in core so that any app can contribute a figure from its own ready() — the
advisor's acceptance rate, say — without importing the KPI app; apps/kpis computes, keeps and draws
them. The overview lists them in registration order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from apps.core.registry import Registry


class Unit(StrEnum):
    DURATION = "duration"  # seconds, shown in the vocabulary's duration words
    PERCENT = "percent"  # 0–100
    COUNT = "count"


class Direction(StrEnum):
    DOWN = "down"  # lower is better
    UP = "up"


@dataclass(frozen=True)
class Period:
    """One site's local day (or local hour) as UTC bounds; ``as_of`` is the end, or now while it is running."""

    site: Any  # an apps.sites Site (core sits below the sites app, so it is not imported here)
    start: datetime
    end: datetime
    as_of: datetime


def share(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, two decimals; None when there is no whole to measure."""
    return round(100.0 * part / whole, 2) if whole else None


@dataclass(frozen=True)
class Measure:
    value: float | None  # None when there is nothing to measure in the period
    sample_size: int
    breakdown: dict[str, Any]


@dataclass(frozen=True)
class KpiDefinition:
    code: str
    name: str
    question: str  # what a manager reads it for
    formula: str
    source: str
    unit: Unit
    good: Direction
    compute: Callable[[Period], Measure]
    breakdown_title: str = ""  # the breakdown chart's title; empty when the KPI has none
    hourly: bool = False  # also kept per local hour (see HOURLY_NOTE)
    # Optional: every hour of a day from one read (the state-at-a-moment KPIs), instead of one per hour.
    compute_many: Callable[[list[Period]], list[Measure]] | None = None
    # Retention kinds (apps.core.retention) whose rows it counts: a day older than what they still
    # hold keeps its snapshot, never recomputed from what the purge left.
    reads_retained: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, str | bool]:
        return {
            "code": self.code,
            "name": self.name,
            "question": self.question,
            "formula": self.formula,
            "source": self.source,
            "unit": str(self.unit),
            "good": str(self.good),
            "breakdown_title": self.breakdown_title,
            "hourly": self.hourly,
        }


#: Every KPI, in the overview's order: apps/kpis/computations.py registers its own first; other apps add theirs
#: in their ready().
KPIS: Registry[KpiDefinition] = Registry("KPI definitions")
