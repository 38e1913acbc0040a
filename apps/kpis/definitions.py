"""What each KPI means: its formula, source, unit and which direction is good — one table, shown in
the product next to every figure, and the code that computes it for one site and one period."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

# The types and the registry live in core (any app may add a KPI); the KPI app's modules import them from here.
from apps.core.kpi_definitions import KPIS as KPIS
from apps.core.kpi_definitions import Direction as Direction
from apps.core.kpi_definitions import KpiDefinition as KpiDefinition
from apps.core.kpi_definitions import Measure as Measure
from apps.core.kpi_definitions import Period as Period
from apps.core.kpi_definitions import Unit as Unit
from apps.core.kpi_definitions import share as share

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


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least ``fraction`` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(math.ceil(fraction * len(ordered)), 1) - 1])
