"""What each KPI means: its formula, source, unit and which direction is good — one table, shown in
the product next to every figure, and the code that computes it for one site and one period."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from apps.core.registry import Registry
from apps.sites.models import Site

#: Which KPIs are also kept per local hour, and why. Hours make sense where a figure moves within a
#: shift and a manager acts on it the same day: what is open at a moment (exception aging, blocked
#: shipments), how fast things are picked up or decided (time to acknowledge, approval turnaround,
#: approvals breaching SLA), and floor execution against the clock (pick delay, dispatch adherence,
#: dock arrivals on time). Daily only: resolution time, order cycle time and door dwell (spans of
#: hours to days, an hour holds too few to mean anything), straight-through rate, inventory
#: adjustments and write-back failures (rare or batched events, read as a daily rate).
HOURLY_NOTE = (
    "Also by the hour (the last 48 hours on the KPI page): exception aging, blocked shipments, time to "
    "acknowledge, approval turnaround, approvals breaching SLA, pick delay, dispatch adherence and dock "
    "arrivals on time. The others are daily only: their events span days or are too rare in an hour."
)


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

    site: Site
    start: datetime
    end: datetime
    as_of: datetime


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


#: Every KPI, in the overview's order. The computations register themselves (apps/kpis/computations.py).
KPIS: Registry[KpiDefinition] = Registry("KPI definitions")


def definitions() -> list[KpiDefinition]:
    return list(KPIS)


def definition(code: str) -> KpiDefinition | None:
    try:
        return KPIS.get(code)
    except KeyError:
        return None


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None when empty."""
    return float(statistics.median(values)) if values else None


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least ``share`` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(math.ceil(share * len(ordered)), 1) - 1])
