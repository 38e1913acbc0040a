"""The Odoo effect of an approved request: what to ask the write-back outbox to do.

Builders return plain JSON stored on the request when it is raised (so the approver sees exactly
what approval will do); `effect_enqueue` turns it into an outbox entry inside the decision's
transaction.
"""

from __future__ import annotations

from typing import Any

from apps.mirror.models import Picking, PurchaseOrder, Quant

RELEASABLE_STATES = ["confirmed", "assigned", "waiting"]


def odoo_stamp(value) -> str:
    """Odoo's write_date format (UTC, to the second), as the outbox compares it."""
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def release_effect(picking: Picking) -> dict[str, Any]:
    """Release a delivery to the floor: reserve it (validation stays with the warehouse)."""
    return {
        "operation": "release_delivery",
        "odoo_model": "stock.picking",
        "odoo_id": picking.odoo_id,
        "arguments": {"ship_now": False},
        "preconditions": {"state_in": RELEASABLE_STATES, "write_date": odoo_stamp(picking.odoo_write_date)},
        "summary": f"Release {picking.name} to the floor",
    }


def adjustment_effect(quant: Quant, counted_quantity: float) -> dict[str, Any]:
    """Apply the count, unless the on-hand quantity the decision was made on has moved since."""
    return {
        "operation": "apply_inventory_adjustment",
        "odoo_model": "stock.quant",
        "odoo_id": quant.odoo_id,
        "arguments": {"counted_quantity": counted_quantity},
        "preconditions": {"quantity": quant.quantity},
        "summary": f"Apply the count: {counted_quantity:g} on hand",
    }


def purchase_confirm_effect(order: PurchaseOrder) -> dict[str, Any]:
    return {
        "operation": "confirm_purchase_order",
        "odoo_model": "purchase.order",
        "odoo_id": order.odoo_id,
        "arguments": {},
        "preconditions": {"state_in": ["draft", "sent"]},
        "summary": f"Confirm {order.name}",
    }


def carrier_effect(picking: Picking, *, carrier_id: int, carrier_name: str) -> dict[str, Any]:
    return {
        "operation": "set_carrier",
        "odoo_model": "stock.picking",
        "odoo_id": picking.odoo_id,
        "arguments": {"carrier_id": carrier_id},
        "preconditions": {"state_in": RELEASABLE_STATES},
        "summary": f"Switch {picking.name} to {carrier_name}",
    }


def note_effect(*, odoo_model: str, odoo_id: int, summary: str, body: str) -> dict[str, Any]:
    """A note in the record's chatter, for the buyer, when there is no draft purchase order to confirm."""
    return {
        "operation": "post_message",
        "odoo_model": odoo_model,
        "odoo_id": odoo_id,
        "arguments": {"body": body},
        "preconditions": {},
        "summary": summary,
    }
