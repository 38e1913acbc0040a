"""The context package: the order, customer, stock position, shipment and related records as the
detector saw them when it opened the case. Captured once, so the case explains itself later even
after Odoo has moved on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from apps.cases.scoring import customer_tier
from apps.cases.site_rules import SiteRules
from apps.mirror.models import Move, Partner, Picking, Product, Quant, SaleOrder

MAX_LINES = 50


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def site_part(rules: SiteRules) -> dict:
    return {"code": rules.site.code, "name": rules.site.name, "timezone": rules.site.timezone}


def customer_part(partner: Mapping[str, Any]) -> dict:
    return {
        "odoo_id": partner["odoo_id"],
        "name": partner["name"],
        "tier": customer_tier(partner.get("ref")),
        "credit_limit": partner.get("credit_limit") or 0,
        "delivery_hold": partner.get("picking_warn") == "block",
    }


def order_part(order: Mapping[str, Any] | None) -> dict | None:
    if not order:
        return None
    return {
        "odoo_id": order["odoo_id"],
        "name": order["name"],
        "state": order["state"],
        "amount_total": order.get("amount_total") or 0,
        "currency": order.get("currency_name") or "",
        "commitment_date": iso(order.get("commitment_date")),
        "salesperson": order.get("salesperson_name") or "",
    }


def transfer_part(picking: Mapping[str, Any]) -> dict:
    return {
        "odoo_id": picking["odoo_id"],
        "name": picking["name"],
        "type": picking["picking_type_code"],
        "state": picking["state"],
        "scheduled_date": iso(picking.get("scheduled_date")),
        "carrier": picking.get("carrier_name") or "",
        "tracking_ref": picking.get("carrier_tracking_ref") or "",
        "responsible": picking.get("responsible_name") or "",
    }


def product_names(product_ids: Iterable[int]) -> dict[int, str]:
    """'[CT-00018] Steel Drawer' per product id, as a warehouse lead reads them."""
    rows = Product.objects.filter(odoo_id__in=list(product_ids)).values_list("odoo_id", "default_code", "name")
    return {pid: f"[{code}] {name}" if code else name for pid, code, name in rows}


def stock_position(product_ids: Iterable[int], warehouse_id: int | None) -> list[dict]:
    """On hand and reserved per product in the site's internal locations."""
    product_ids = list(dict.fromkeys(product_ids))[:MAX_LINES]
    if not product_ids:
        return []
    quants = Quant.objects.filter(product_id__in=product_ids, location__usage="internal", is_deleted=False)
    # Without a warehouse, the locations that belong to none (what filtering on None has always meant).
    if warehouse_id is None:
        quants = quants.filter(location__warehouse_id__isnull=True)
    else:
        quants = quants.filter(location__warehouse_id=warehouse_id)
    totals = {
        row["product_id"]: row
        for row in quants.values("product_id").annotate(on_hand=Sum("quantity"), reserved=Sum("reserved_quantity"))
    }
    names = product_names(product_ids)
    position = []
    for pid in product_ids:
        on_hand = round(totals.get(pid, {}).get("on_hand") or 0, 2)
        reserved = round(totals.get(pid, {}).get("reserved") or 0, 2)
        position.append(
            {
                "product_id": pid,
                "product": names.get(pid) or f"product {pid}",
                "on_hand": on_hand,
                "reserved": reserved,
                "free": round(on_hand - reserved, 2),
            }
        )
    return position


def transfers_context(
    rules: SiteRules, pickings: list[dict], order: dict | None, partner: dict | None, warehouse_id: int | None
) -> dict:
    """Context for a case about transfers (one, or a sale order's pick, pack and ship steps)."""
    ids = [p["odoo_id"] for p in pickings]
    moves = list(
        Move.objects.filter(picking_id__in=ids, is_deleted=False).values(
            "picking_id", "product_id", "product_uom_qty", "quantity", "state"
        )[:MAX_LINES]
    )
    codes = product_names({m["product_id"] for m in moves})
    return {
        "captured_at": timezone.now().isoformat(),
        "site": site_part(rules),
        "order": order_part(order),
        "customer": customer_part(partner) if partner else None,
        "transfers": [transfer_part(p) for p in pickings],
        "lines": [
            {
                "picking_id": m["picking_id"],
                "product": codes.get(m["product_id"]) or f"product {m['product_id']}",
                "demand": m["product_uom_qty"],
                "reserved": m["quantity"],
                "state": m["state"],
            }
            for m in moves
        ],
        "stock": stock_position((m["product_id"] for m in moves), warehouse_id),
    }


def order_context(rules: SiteRules, order_ids: list[int], partner: dict | None, warehouse_id: int | None) -> dict:
    orders = list(
        SaleOrder.objects.filter(odoo_id__in=order_ids).values(
            "odoo_id", "name", "state", "amount_total", "currency_name", "commitment_date", "salesperson_name"
        )
    )
    pickings = list(
        Picking.objects.filter(sale_order_id__in=order_ids, is_deleted=False).values(
            "odoo_id",
            "name",
            "picking_type_code",
            "state",
            "scheduled_date",
            "carrier_name",
            "carrier_tracking_ref",
            "responsible_name",
        )
    )
    return {
        "captured_at": timezone.now().isoformat(),
        "site": site_part(rules),
        "customer": customer_part(partner) if partner else None,
        "orders": [order_part(o) for o in orders],
        "transfers": [transfer_part(p) for p in pickings],
    }


def partner_row(partner_id: int | None) -> Mapping[str, Any] | None:
    if not partner_id:
        return None
    return Partner.objects.filter(odoo_id=partner_id).values().first()
