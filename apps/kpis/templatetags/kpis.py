"""KPI figures in words: durations through the shared vocabulary, shares as percentages."""

from __future__ import annotations

from django import template

from apps.core import vocabulary
from apps.kpis.definitions import Direction, KpiDefinition, Unit

register = template.Library()


@register.filter
def kpi_value(value: float | str | None, unit: str) -> str:
    """A KPI's value as a manager reads it: '2 h 30 min', '66.7 %', '12'; '—' when not measured."""
    if value is None or value == "":
        return "—"
    if unit == Unit.DURATION:
        return vocabulary.duration_words(float(value))
    if unit == Unit.PERCENT:
        return f"{float(value):.1f} %"
    return f"{float(value):g}"


@register.simple_tag
def kpi_change(change: float | None, kpi: KpiDefinition) -> dict[str, str]:
    """The change against the period before: its size in the KPI's unit, and whether it is better."""
    if change is None:
        return {"symbol": "–", "text": "no earlier figure", "tone": "muted"}
    if change == 0:
        return {"symbol": "=", "text": "unchanged", "tone": "muted"}
    better = (change < 0) == (kpi.good == Direction.DOWN)
    amount = kpi_value(abs(change), str(kpi.unit)).replace(" %", " points")
    return {
        "symbol": "▲" if change > 0 else "▼",
        "text": f"{amount} {'better' if better else 'worse'}",
        "tone": "ok" if better else "bad",
    }


@register.filter
def kpi_target_status(card: dict) -> dict[str, str]:
    """Whether the current value meets the site's target (colour plus symbol and word)."""
    current, target, kpi = card["current"], card["target"], card["kpi"]
    if current is None or target is None:
        return {"symbol": "–", "word": "No target" if target is None else "No figure", "tone": "muted"}
    met = current <= target if kpi.good == Direction.DOWN else current >= target
    return (
        {"symbol": "✔", "word": "On target", "tone": "ok"}
        if met
        else {"symbol": "✖", "word": "Off target", "tone": "bad"}
    )
