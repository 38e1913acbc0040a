"""The figure an exception turns on, for the queue's own column: the shortfall, the count change,
the credit exposure. Time-based exceptions have none here: the age-against-SLA column tells them."""

from __future__ import annotations

from typing import Any

from apps.cases.models import Case
from apps.core.vocabulary import count_change_words


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def case_figure(case: Case) -> str:
    """'0 of min 4', '55 → 127, +131%', '61,000 of 50,000 limit', '4 failures', or ''."""
    detail: dict = case.detail or {}
    if case.kind == "forward_shortage":
        on_hand, minimum = _number(detail.get("on_hand")), _number(detail.get("minimum"))
        return f"{on_hand:g} of min {minimum:g}" if on_hand is not None and minimum is not None else ""
    if case.kind == "inventory_variance":
        before, after = _number(detail.get("before")), _number(detail.get("after"))
        return count_change_words(before, after) if before is not None and after is not None else ""
    if case.kind == "blocked_shipment":
        exposure, limit = _number(detail.get("exposure")), _number(detail.get("credit_limit"))
        if exposure is not None and limit:
            return f"{exposure:,.0f} of {limit:,.0f} limit"
        return ""
    if case.kind == "pick_failure":
        failures = _number(detail.get("failures"))
        return f"{failures:g} failures" if failures is not None else ""
    return ""
