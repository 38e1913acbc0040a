# ruff: noqa: S608  -- SQL identifiers come from the model registry, values are bound parameters
"""purchase.order.button_confirm (creates the receipt) and sale.order.action_confirm (the delivery)."""

from __future__ import annotations

from ..dispatch import rpc
from ..orm import COMPUTED, DEFAULTS, Env, create
from .stock import confirm_pickings


def _order_defaults(prefix: str, model: str):
    def apply(env: Env, vals: dict) -> dict:
        if not vals.get("name") or vals.get("name") == "New":
            key = f"seq:{model}"
            number = int(env.store.meta_get(key, "0")) + 1
            env.store.meta_set(key, str(number))
            vals["name"] = f"{prefix}{number:05d}"
        vals.setdefault("state", "draft")
        vals.setdefault("date_order", env.now.strftime("%Y-%m-%d %H:%M:%S"))
        vals.setdefault("currency_id", 1)
        # Odoo stores the totals computed from the lines (no taxes here, so untaxed = total).
        if "amount_total" not in vals:
            quantity_field = "product_uom_qty" if model == "sale.order" else "product_qty"
            total = sum(
                float(command[2].get(quantity_field) or 0) * float(command[2].get("price_unit") or 0)
                for command in vals.get("order_line") or []
                if isinstance(command, (list, tuple)) and len(command) == 3 and command[0] == 0
            )
            vals["amount_total"] = vals["amount_untaxed"] = round(total, 2)
        if model == "sale.order":
            vals.setdefault("partner_invoice_id", vals.get("partner_id"))
            vals.setdefault("partner_shipping_id", vals.get("partner_id"))
            vals.setdefault("picking_policy", "direct")
            vals.setdefault("warehouse_id", 1)
        else:
            vals.setdefault("priority", "0")
            if not vals.get("picking_type_id"):
                rows = env.store.query("SELECT id FROM stock_picking_type WHERE code = 'incoming' ORDER BY id LIMIT 1")
                vals["picking_type_id"] = rows[0][0] if rows else False
        return vals

    return apply


DEFAULTS["purchase.order"] = _order_defaults("P", "purchase.order")
DEFAULTS["sale.order"] = _order_defaults("S", "sale.order")


@rpc("purchase.order", "button_confirm", ())
def button_confirm(env: Env, model: str, ids: list[int]):
    """RFQ -> purchase order; creates and confirms the receipt picking with one move per line."""
    for order in env.store.fetch("purchase.order", ids).values():
        if order["state"] not in ("draft", "sent"):
            continue
        lines = env.store.query("SELECT * FROM purchase_order_line WHERE order_id = ? ORDER BY id", [order["id"]])
        moves = [
            [
                0,
                0,
                {
                    "product_id": line["product_id"],
                    "name": line["name"],
                    "product_uom_qty": line["product_qty"],
                    "purchase_line_id": line["id"],
                },
            ]
            for line in lines
        ]
        stamp = env.now.strftime("%Y-%m-%d %H:%M:%S")
        env.store.update("purchase.order", [order["id"]], {"state": "purchase", "date_approve": stamp + ".000000"})
        if moves:
            pid = create(
                env,
                "stock.picking",
                {
                    "picking_type_id": order["picking_type_id"],
                    "partner_id": order["partner_id"],
                    "origin": order["name"],
                    "purchase_id": order["id"],
                    "scheduled_date": (order.get("date_planned") or stamp)[:19],
                    "move_ids": moves,
                },
            )
            confirm_pickings(env, [pid])
    return True


@rpc("sale.order", "action_confirm", ())
def sale_confirm(env: Env, model: str, ids: list[int]):
    """Quotation -> sales order; creates the delivery from the warehouse's out type, reserved at once."""
    for order in env.store.fetch("sale.order", ids).values():
        if order["state"] not in ("draft", "sent"):
            continue
        wh = env.store.get("stock.warehouse", order.get("warehouse_id") or 1) or {}
        lines = env.store.query("SELECT * FROM sale_order_line WHERE order_id = ? ORDER BY id", [order["id"]])
        moves = [
            [
                0,
                0,
                {
                    "product_id": ln["product_id"],
                    "name": ln["name"],
                    "product_uom_qty": ln["product_uom_qty"],
                    "sale_line_id": ln["id"],
                },
            ]
            for ln in lines
        ]
        env.store.update("sale.order", [order["id"]], {"state": "sale"})
        if moves and wh.get("out_type_id"):
            pid = create(
                env,
                "stock.picking",
                {
                    "picking_type_id": wh["out_type_id"],
                    "partner_id": order.get("partner_shipping_id") or order["partner_id"],
                    "origin": order["name"],
                    "sale_id": order["id"],
                    "scheduled_date": (
                        order.get("commitment_date")
                        or order.get("expected_date")
                        or env.now.strftime("%Y-%m-%d %H:%M:%S")
                    )[:19],
                    "move_ids": moves,
                },
            )
            confirm_pickings(env, [pid])
    return True


def _status(env: Env, model: str, fk: str, ids: list[int]) -> dict[int, str | bool]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = env.store.query(f"SELECT {fk}, state FROM stock_picking WHERE {fk} IN ({marks})", ids)
    states: dict[int, list[str]] = {}
    for row in rows:
        states.setdefault(row[0], []).append(row[1])
    out: dict[int, str | bool] = {}
    for oid in ids:
        s = [x for x in states.get(oid, []) if x != "cancel"]
        if not s:
            out[oid] = False
        elif all(x == "done" for x in s):
            out[oid] = "full"
        elif any(x == "done" for x in s):
            out[oid] = "partial"
        else:
            out[oid] = "pending"
    return out


COMPUTED.update(
    {
        ("purchase.order", "receipt_status"): lambda env, ids: _status(env, "purchase.order", "purchase_id", ids),
        ("sale.order", "delivery_status"): lambda env, ids: _status(env, "sale.order", "sale_id", ids),
    }
)
