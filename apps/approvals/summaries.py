"""What a decision is about, in a row's width: the subject first (the product or the order, not a
shared prefix such as "WH/Stock: "), where, and the one figure the decision turns on.

Used by the inbox rows and the wall's "What waits on a decision?" tile, so both say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.approvals.models import ApprovalRequest, RequestType
from apps.core.vocabulary import count_change_words

#: a short verb per request type (the long label is in RequestType)
ACTIONS: dict[str, str] = {
    RequestType.ORDER_RELEASE: "Release",
    RequestType.SHIPMENT_RELEASE: "Credit hold",
    RequestType.INVENTORY_ADJUSTMENT: "Count",
    RequestType.CARRIER_UPGRADE: "Expedite",
    RequestType.EMERGENCY_PURCHASE: "Buy",
}


@dataclass(frozen=True)
class DecisionSummary:
    action: str  # "Count", "Credit hold", …
    subject: str  # "[FURN_0789] Individual Workplace", "S00042 (BRU/OUT/00017)"
    where: str  # the location or the customer
    figure: str  # "55 → 127, +131%", "12,400 · 2,100 over limit", "+85 freight"


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _money(value: Any) -> str:
    number = _number(value)
    return "" if number is None else f"{number:,.0f}"


def _count_figure(before: float | None, counted: float | None) -> str:
    return "" if before is None or counted is None else count_change_words(before, counted)


def _delivery_subject(context: dict) -> str:
    picking = (context.get("picking") or {}).get("name", "")
    order = (context.get("order") or {}).get("name", "")
    if order and picking:
        return f"{order} ({picking})"
    return order or picking


def decision_summary(request: ApprovalRequest) -> DecisionSummary:
    """The subject, the place and the figure of one request, from what it stored when raised."""
    facts: dict = request.facts or {}
    context: dict = request.context or {}
    stock = (context.get("stock") or [{}])[0] or {}
    customer = (context.get("customer") or {}).get("name", "")
    action: str = ACTIONS.get(request.request_type) or request.get_request_type_display()
    kind = request.request_type
    if kind == RequestType.INVENTORY_ADJUSTMENT:
        figure = _count_figure(_number(stock.get("on_hand_before")), _number(stock.get("counted")))
        if not figure and facts.get("variance_qty") is not None:
            figure = f"{_number(facts['variance_qty']):+g} ({_number(facts.get('variance_pct')) or 0:.0f}%)"
        return DecisionSummary(action, stock.get("product") or request.title, stock.get("location", ""), figure)
    if kind == RequestType.EMERGENCY_PURCHASE:
        amount = _money(facts.get("amount"))
        quantity = _number(facts.get("shortfall_qty"))
        figure = " · ".join(part for part in (f"{quantity:g} units" if quantity is not None else "", amount) if part)
        return DecisionSummary(action, stock.get("product") or request.title, stock.get("location", ""), figure)
    subject = _delivery_subject(context) or request.title
    if kind == RequestType.CARRIER_UPGRADE:
        delta = _number(facts.get("freight_delta"))
        figure = f"+{delta:,.0f} freight" if delta is not None else ""
        return DecisionSummary(action, subject, customer, figure)
    if kind in (RequestType.SHIPMENT_RELEASE, RequestType.ORDER_RELEASE):
        amount = _money(facts.get("amount") or (context.get("order") or {}).get("amount"))
        over = _number(facts.get("over_limit_amount"))
        over_text = f"{over:,.0f} over limit" if over and over > 0 else ""
        figure = " · ".join(part for part in (amount, over_text) if part)
        return DecisionSummary(action, subject, customer, figure)
    return DecisionSummary(action, request.title, customer, "")
