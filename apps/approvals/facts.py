"""Facts and context for a request, read from the mirror (a customer's receivable and a product's
cost included: they are mirrored as volatile fields, re-read on their own schedule).

Facts are what a policy is evaluated on; context is what the approver's screen shows. Both are
stored on the request as they were when it was raised.
"""

from __future__ import annotations

from typing import Any

from apps.mirror.models import Move, Partner, Picking, PickingType, Product, Quant, SaleOrder, Warehouse
from apps.sites.models import Site

TIER_PRIORITY = {"TIER-A": 1, "TIER-B": 2, "TIER-C": 3}


def site_for_warehouse(warehouse_odoo_id: int | None) -> Site | None:
    """The site of an Odoo warehouse: by its id when the site knows it, else by the warehouse code."""
    if warehouse_odoo_id is None:
        return None
    site = Site.objects.filter(odoo_warehouse_id=warehouse_odoo_id, is_active=True).first()
    if site is not None:
        return site
    code = Warehouse.objects.filter(odoo_id=warehouse_odoo_id).values_list("code", flat=True).first()
    return Site.objects.filter(code=code, is_active=True, odoo_warehouse_id__isnull=True).first() if code else None


def site_for_picking(picking: Picking) -> Site | None:
    if picking.picking_type_id is None:
        return None
    warehouse = PickingType.objects.filter(odoo_id=picking.picking_type_id).values_list("warehouse_id", flat=True)
    return site_for_warehouse(warehouse.first())


def customer_priority(partner: Partner | None) -> int:
    """1 for the best customers (tier A) … 3; unknown customers count as 3."""
    return TIER_PRIORITY.get((partner.ref if partner else "") or "", 3)


def partner_credit(partner_ids: list[int]) -> dict[int, float]:
    """Receivable per customer, from the mirror (refreshed every MIRROR_VOLATILE_EVERY_S: Odoo
    computes it without stamping write_date, so the sync re-reads it on its own schedule)."""
    return dict(Partner.objects.filter(odoo_id__in=set(partner_ids)).values_list("odoo_id", "credit"))


def product_cost(product_ids: list[int]) -> dict[int, float]:
    """Unit cost per product, from the mirror (refreshed like the receivable)."""
    return dict(Product.objects.filter(odoo_id__in=set(product_ids)).values_list("odoo_id", "standard_price"))


def credit_facts(partner: Partner, credit: float, amount: float) -> dict[str, Any]:
    limit = float(partner.credit_limit or 0.0)
    over = round(credit + amount - limit, 2)
    return {
        "amount": round(amount, 2),
        "credit": round(credit, 2),
        "credit_limit": limit,
        "over_limit_amount": over,
        "over_limit_pct": round(over / limit * 100, 2) if limit else 100.0,
        "credit_ok": limit <= 0 or over <= 0,
        "customer_priority": customer_priority(partner),
    }


def stock_lines(picking: Picking, limit: int = 6) -> list[dict[str, Any]]:
    moves = Move.objects.filter(picking_id=picking.odoo_id).select_related("product").order_by("odoo_id")[:limit]
    return [
        {
            "product": str(move.product) if move.product else f"product {move.product_id}",
            "demand": move.product_uom_qty,
            "reserved": move.quantity,
            "state": move.state,
        }
        for move in moves
    ]


def picking_context(picking: Picking, *, credit: float | None = None) -> dict[str, Any]:
    """What an approver needs to decide on a delivery: order, customer, credit position, stock, shipment."""
    partner = picking.partner
    order = SaleOrder.objects.filter(odoo_id=picking.sale_order_id).first() if picking.sale_order_id else None
    context: dict[str, Any] = {
        "picking": {
            "name": picking.name,
            "state": picking.state,
            "scheduled_date": picking.scheduled_date.isoformat() if picking.scheduled_date else None,
            "carrier": picking.carrier_name,
            "tracking": picking.carrier_tracking_ref,
            "origin": picking.origin,
            "priority": picking.priority,
        },
        "stock": stock_lines(picking),
    }
    if order is not None:
        context["order"] = {"name": order.name, "amount": order.amount_total, "state": order.state}
    if partner is not None:
        context["customer"] = {"name": partner.name, "tier": partner.ref, "credit_limit": partner.credit_limit}
        if credit is not None:
            context["customer"]["credit"] = credit
    return context


def quant_context(quant: Quant, *, before: float, after: float) -> dict[str, Any]:
    return {
        "stock": [
            {
                "product": str(quant.product) if quant.product else f"product {quant.product_id}",
                "location": str(quant.location) if quant.location else f"location {quant.location_id}",
                "on_hand_before": before,
                "counted": after,
                "reserved": quant.reserved_quantity,
            }
        ]
    }
