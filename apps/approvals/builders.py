"""Drafts of each request type, built from mirror records: the same code for rules and for people."""

from __future__ import annotations

from django.db.models import Sum

from apps.approvals.effects import (
    adjustment_effect,
    carrier_effect,
    note_effect,
    purchase_confirm_effect,
    release_effect,
)
from apps.approvals.facts import (
    credit_facts,
    customer_priority,
    picking_context,
    quant_context,
    site_for_picking,
    site_for_warehouse,
)
from apps.approvals.models import RequestType
from apps.approvals.services.raising import RequestDraft
from apps.mirror.models import Carrier, Move, Orderpoint, Picking, PurchaseOrder, Quant, SaleOrder
from apps.sites.models import Site

#: carriers whose name says they are the fast service, tried in this order for an upgrade
EXPEDITED_WORDS = ("Express", "Priority")


class DraftError(ValueError):
    """The record cannot be the subject of this request type; the message says why."""


def _site_of(picking: Picking) -> Site:
    site = site_for_picking(picking)
    if site is None:
        raise DraftError(f"{picking.name} belongs to no active site.")
    return site


def order_amount(picking: Picking) -> float:
    if not picking.sale_order_id:
        return 0.0
    return float(
        SaleOrder.objects.filter(odoo_id=picking.sale_order_id).values_list("amount_total", flat=True).first() or 0
    )


def shipment_release_draft(picking: Picking, *, credit: float, rule: str = "", reason: str = "") -> RequestDraft:
    """A delivery to a customer whose exposure would pass the credit limit."""
    if picking.partner is None:
        raise DraftError(f"{picking.name} has no customer.")
    facts = credit_facts(picking.partner, credit, order_amount(picking))
    return RequestDraft(
        request_type=RequestType.SHIPMENT_RELEASE,
        site=_site_of(picking),
        odoo_model="stock.picking",
        odoo_id=picking.odoo_id,
        title=f"Release {picking.name} to {picking.partner.name} (over credit limit)",
        dedupe_key=f"shipment_release:picking:{picking.odoo_id}",
        facts=facts,
        context=picking_context(picking, credit=credit),
        effect=release_effect(picking),
        raised_by_rule=rule,
        reason=reason,
    )


def order_release_draft(picking: Picking, *, credit: float, rule: str = "") -> RequestDraft:
    """A standard delivery: straight-through when stock, credit and route hold."""
    facts = credit_facts(picking.partner, credit, order_amount(picking)) if picking.partner else {"credit_ok": False}
    facts["stock_ready"] = picking.state == "assigned"
    facts["carrier_set"] = bool(picking.carrier_odoo_id)
    return RequestDraft(
        request_type=RequestType.ORDER_RELEASE,
        site=_site_of(picking),
        odoo_model="stock.picking",
        odoo_id=picking.odoo_id,
        title=f"Release {picking.name}",
        dedupe_key=f"order_release:picking:{picking.odoo_id}",
        facts=facts,
        context=picking_context(picking, credit=credit),
        effect=release_effect(picking),
        raised_by_rule=rule,
    )


def expedited_carrier(current_id: int | None) -> Carrier | None:
    carriers = Carrier.objects.filter(is_archived=False, is_deleted=False).exclude(odoo_id=current_id or 0)
    for word in EXPEDITED_WORDS:
        carrier = carriers.filter(name__icontains=word).order_by("name").first()
        if carrier is not None:
            return carrier
    return None


def estimated_freight_delta(picking: Picking) -> float:
    """Upgrade cost estimate when nobody quoted one: a flat fee plus a per-unit surcharge."""
    units = Move.objects.filter(picking_id=picking.odoo_id).aggregate(total=Sum("product_uom_qty"))["total"] or 0
    return round(25.0 + 6.0 * float(units), 2)


def carrier_upgrade_draft(
    picking: Picking,
    *,
    carrier: Carrier | None = None,
    freight_delta: float | None = None,
    delay_hours: float | None = None,
    rule: str = "",
    reason: str = "",
) -> RequestDraft:
    """Switch a late delivery to an expedited carrier, routed by freight delta and customer priority."""
    carrier = carrier or expedited_carrier(picking.carrier_odoo_id)
    if carrier is None:
        raise DraftError("No expedited carrier is known to switch to.")
    delta = estimated_freight_delta(picking) if freight_delta is None else float(freight_delta)
    facts = {"freight_delta": delta, "customer_priority": customer_priority(picking.partner)}
    if delay_hours is not None:
        facts["delay_hours"] = round(delay_hours, 1)
    context = picking_context(picking)
    context["upgrade"] = {"from": picking.carrier_name, "to": carrier.name, "freight_delta": delta}
    return RequestDraft(
        request_type=RequestType.CARRIER_UPGRADE,
        site=_site_of(picking),
        odoo_model="stock.picking",
        odoo_id=picking.odoo_id,
        title=f"Expedite {picking.name}: {picking.carrier_name or 'no carrier'} → {carrier.name}",
        dedupe_key=f"carrier_upgrade:picking:{picking.odoo_id}:{picking.carrier_tracking_ref or 'manual'}",
        facts=facts,
        context=context,
        effect=carrier_effect(picking, carrier_id=carrier.odoo_id, carrier_name=carrier.name),
        raised_by_rule=rule,
        reason=reason,
    )


def inventory_adjustment_draft(
    quant: Quant,
    *,
    before: float,
    counted: float,
    unit_cost: float | None,
    already_applied: bool,
    key: str,
    rule: str = "",
    reason: str = "",
) -> RequestDraft:
    """A count that differs from the books; when the count is pending, approval applies it in Odoo."""
    site = site_for_warehouse(quant.location.warehouse_id if quant.location else None)
    if site is None:
        raise DraftError("The quant's location belongs to no active site.")
    variance = counted - before
    facts = {
        "variance_qty": round(variance, 3),
        "variance_pct": round(abs(variance) / before * 100, 2) if before else 100.0,
    }
    if unit_cost is not None:
        facts["variance_value"] = round(abs(variance) * unit_cost, 2)
    context = quant_context(quant, before=before, after=counted)
    context["already_applied"] = already_applied
    return RequestDraft(
        request_type=RequestType.INVENTORY_ADJUSTMENT,
        site=site,
        odoo_model="stock.quant",
        odoo_id=quant.odoo_id,
        title=f"Count of {quant.product or 'product'} at {quant.location or 'location'}: {before:g} → {counted:g}",
        dedupe_key=key,
        facts=facts,
        context=context,
        effect={} if already_applied else adjustment_effect(quant, counted),
        raised_by_rule=rule,
        reason=reason,
    )


def emergency_purchase_draft(
    orderpoint: Orderpoint,
    *,
    on_hand: float,
    unit_cost: float | None,
    purchase_order: PurchaseOrder | None = None,
    key: str,
    rule: str = "",
    reason: str = "",
) -> RequestDraft:
    """A forward location below its minimum with nothing incoming: buy, once procurement, operations
    and finance agree. Approval confirms the draft PO, or asks the buyer in Odoo to place one."""
    site = site_for_warehouse(orderpoint.warehouse_id)
    if site is None:
        raise DraftError("The orderpoint's warehouse belongs to no active site.")
    shortfall = max(0.0, orderpoint.product_max_qty - on_hand)
    amount = purchase_order.amount_total if purchase_order else round(shortfall * (unit_cost or 0.0), 2)
    product = str(orderpoint.product) if orderpoint.product else f"product {orderpoint.product_id}"
    if purchase_order is not None:
        effect = purchase_confirm_effect(purchase_order)
    elif orderpoint.product_id is None:
        raise DraftError("The orderpoint names no product to purchase.")
    else:
        effect = note_effect(
            odoo_model="product.product",
            odoo_id=orderpoint.product_id,
            summary=f"Ask the buyer in Odoo to purchase {shortfall:g} × {product}",
            body=f"Emergency purchase approved in Control Tower: buy {shortfall:g} × {product} "
            f"for {site.code} forward pick ({orderpoint.name}).",
        )
    return RequestDraft(
        request_type=RequestType.EMERGENCY_PURCHASE,
        site=site,
        odoo_model="purchase.order" if purchase_order else "stock.warehouse.orderpoint",
        odoo_id=purchase_order.odoo_id if purchase_order else orderpoint.odoo_id,
        title=f"Emergency purchase: {shortfall:g} × {product} for {site.code}",
        dedupe_key=key,
        facts={"amount": amount, "shortfall_qty": shortfall},
        context={
            "stock": [
                {
                    "product": product,
                    "location": str(orderpoint.location) if orderpoint.location else "",
                    "on_hand": on_hand,
                    "minimum": orderpoint.product_min_qty,
                    "maximum": orderpoint.product_max_qty,
                }
            ],
            "purchase_order": {"name": purchase_order.name, "amount": purchase_order.amount_total}
            if purchase_order
            else None,
            "unit_cost": unit_cost,
        },
        effect=effect,
        raised_by_rule=rule,
        reason=reason,
    )
