"""Requests raised by people: the same drafts and policies as the rules, from a form or the API."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from apps.accounts.selectors import sites_visible_to
from apps.approvals import builders
from apps.approvals.builders import DraftError
from apps.approvals.facts import partner_credit, product_cost
from apps.approvals.models import ApprovalRequest, RequestType
from apps.approvals.services.raising import RequestDraft, request_raise
from apps.core.numbers import bounded_int
from apps.mirror.models import Carrier, Orderpoint, Picking, PurchaseOrder, Quant

if TYPE_CHECKING:
    from apps.accounts.models import User


def _picking(reference: str) -> Picking:
    query = Picking.objects.select_related("partner").filter(is_deleted=False)
    picking = (query.filter(odoo_id=int(reference)) if reference.isdigit() else query.filter(name=reference)).first()
    if picking is None:
        raise DraftError(f"No transfer {reference!r} in the mirror.")
    return picking


def _credit(picking: Picking) -> float:
    credits = partner_credit([picking.partner_id] if picking.partner_id else [])
    if picking.partner_id not in credits:
        raise DraftError("The customer's credit position cannot be read from Odoo right now; try again shortly.")
    return credits[picking.partner_id]


def _odoo_id(value: Any) -> int:
    """An Odoo record id from a form or JSON; 0 (no record has it) when it is not one."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    return bounded_int(text, minimum=1, maximum=2**31 - 1) or 0


def _finite(value: Any, name: str) -> float:
    """A finite number, or DraftError: NaN or infinity would slip past every threshold."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise DraftError(f"{name} must be a number, got {value!r}.") from None
    if not math.isfinite(number) or abs(number) > 1e12:
        raise DraftError(f"{name} must be a finite number below 10¹², got {value!r}.")
    return number


def _draft(request_type: str, data: dict[str, Any]) -> RequestDraft:
    reason = str(data.get("reason") or "")
    if request_type in (RequestType.SHIPMENT_RELEASE, RequestType.ORDER_RELEASE):
        picking = _picking(str(data.get("picking") or ""))
        build = (
            builders.shipment_release_draft
            if request_type == RequestType.SHIPMENT_RELEASE
            else builders.order_release_draft
        )
        draft = build(picking, credit=_credit(picking))
        draft.reason = reason
        return draft
    if request_type == RequestType.CARRIER_UPGRADE:
        picking = _picking(str(data.get("picking") or ""))
        carrier_id = data.get("carrier_id")
        carrier = Carrier.objects.filter(odoo_id=_odoo_id(carrier_id)).first() if carrier_id else None
        return builders.carrier_upgrade_draft(
            picking,
            carrier=carrier,
            freight_delta=None
            if data.get("freight_delta") in (None, "")
            else _finite(data["freight_delta"], "freight_delta"),
            reason=reason,
        )
    if request_type == RequestType.INVENTORY_ADJUSTMENT:
        quant_id = data.get("quant_id")
        quant = (
            Quant.objects.select_related("product", "location").filter(odoo_id=_odoo_id(quant_id)).first()
            if quant_id
            else None
        )
        if quant is None:
            raise DraftError(f"No quant {data.get('quant_id')!r} in the mirror.")
        counted = _finite(data.get("counted_quantity"), "counted_quantity")
        return builders.inventory_adjustment_draft(
            quant,
            before=quant.quantity,
            counted=counted,
            unit_cost=_unit_cost(quant.product_id),
            already_applied=False,
            key=f"inventory_adjustment:quant:{quant.odoo_id}:{counted:g}",
            reason=reason,
        )
    if request_type == RequestType.EMERGENCY_PURCHASE:
        orderpoint_id = data.get("orderpoint_id")
        orderpoint = (
            Orderpoint.objects.select_related("product", "location").filter(odoo_id=_odoo_id(orderpoint_id)).first()
            if orderpoint_id
            else None
        )
        if orderpoint is None:
            raise DraftError(f"No orderpoint {data.get('orderpoint_id')!r} in the mirror.")
        order, key = None, f"emergency_purchase:orderpoint:{orderpoint.odoo_id}"
        if data.get("purchase_order"):
            order = PurchaseOrder.objects.filter(name=data["purchase_order"], state__in=["draft", "sent"]).first()
            if order is None:
                raise DraftError(f"No draft purchase order {data['purchase_order']!r} (only RFQs can be confirmed).")
            key = f"emergency_purchase:po:{order.odoo_id}"
        stock = (
            Quant.objects.filter(product_id=orderpoint.product_id, location_id=orderpoint.location_id)
            if orderpoint.product_id is not None and orderpoint.location_id is not None
            else Quant.objects.none()  # Odoo requires both on an orderpoint
        )
        on_hand = sum(stock.values_list("quantity", flat=True), 0.0)
        return builders.emergency_purchase_draft(
            orderpoint,
            on_hand=on_hand,
            unit_cost=_unit_cost(orderpoint.product_id),
            purchase_order=order,
            key=key,
            reason=reason,
        )
    if request_type == RequestType.DOCK_RESCHEDULE:
        raise DraftError("A dock reschedule is asked by moving the appointment on the dock timeline.")
    raise DraftError(f"Unknown request type {request_type!r}.")


def request_raise_by_person(*, request_type: str, user: User, data: dict[str, Any]) -> ApprovalRequest | None:
    """Raise a request for `user` (who must be a member of its site); None when the policy needs none."""
    if not str(data.get("reason") or "").strip():
        raise DraftError("Say why you ask: approvers and the audit log need the reason.")
    draft = _draft(request_type, data)
    if not sites_visible_to(user).filter(pk=draft.site.pk).exists():
        raise DraftError(f"You are not a member of {draft.site.code}.")
    return request_raise(draft=draft, requested_by=user)


def _unit_cost(product_id: int | None) -> float | None:
    return product_cost([product_id]).get(product_id) if product_id is not None else None
