"""What a decision is about, in a row's width: the subject first (the product or the order, not a
shared prefix such as "WH/Stock: "), where, and the one figure the decision turns on.

Used by the inbox rows and the wall's "What waits on a decision?" tile, so both say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.approvals.models import ApprovalRequest, RequestType
from apps.core.vocabulary import count_change_words

StrOrPromise = str | Promise

#: a short verb per request type (the long label is in RequestType)
ACTIONS: dict[str, StrOrPromise] = {
    RequestType.ORDER_RELEASE: _("Release"),
    RequestType.SHIPMENT_RELEASE: _("Credit hold"),
    RequestType.INVENTORY_ADJUSTMENT: _("Count"),
    RequestType.CARRIER_UPGRADE: _("Expedite"),
    RequestType.EMERGENCY_PURCHASE: _("Buy"),
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
    return "" if number is None else number_format(round(number), force_grouping=True)  # the reader's locale


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
    action: str = str(ACTIONS.get(request.request_type) or request.get_request_type_display())
    kind = request.request_type
    if kind == RequestType.INVENTORY_ADJUSTMENT:
        figure = _count_figure(_number(stock.get("on_hand_before")), _number(stock.get("counted")))
        if not figure and facts.get("variance_qty") is not None:
            figure = f"{_number(facts['variance_qty']):+g} ({_number(facts.get('variance_pct')) or 0:.0f}%)"
        return DecisionSummary(action, stock.get("product") or request.title, stock.get("location", ""), figure)
    if kind == RequestType.EMERGENCY_PURCHASE:
        amount = _money(facts.get("amount"))
        quantity = _number(facts.get("shortfall_qty"))
        units = gettext("%(quantity)s units") % {"quantity": f"{quantity:g}"} if quantity is not None else ""
        figure = " · ".join(part for part in (units, amount) if part)
        return DecisionSummary(action, stock.get("product") or request.title, stock.get("location", ""), figure)
    subject = _delivery_subject(context) or request.title
    if kind == RequestType.CARRIER_UPGRADE:
        delta = _number(facts.get("freight_delta"))
        figure = gettext("+%(amount)s freight") % {"amount": _money(delta)} if delta is not None else ""
        return DecisionSummary(action, subject, customer, figure)
    if kind in (RequestType.SHIPMENT_RELEASE, RequestType.ORDER_RELEASE):
        amount = _money(facts.get("amount") or (context.get("order") or {}).get("amount"))
        over = _number(facts.get("over_limit_amount"))
        over_text = gettext("%(amount)s over limit") % {"amount": _money(over)} if over and over > 0 else ""
        figure = " · ".join(part for part in (amount, over_text) if part)
        return DecisionSummary(action, subject, customer, figure)
    return DecisionSummary(action, request.title, customer, "")
