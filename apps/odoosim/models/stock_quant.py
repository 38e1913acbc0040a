# ruff: noqa: S608  -- SQL identifiers come from the model registry, values are bound parameters
"""Quants: reservation, stock moves applied on validation, inventory adjustments."""

from __future__ import annotations

from ..clock import fmt_micro
from ..dispatch import rpc
from ..orm import COMPUTED, Env, create, write

_EPS = 1e-6


def location_usage(env: Env, location_id: int | None) -> str:
    row = env.store.fetch("stock.location", [location_id or 0], ["usage"]).get(location_id or 0)
    return (row or {}).get("usage") or "internal"


def child_locations(env: Env, location_id: int) -> list[int]:
    """The location and its descendants (by complete_name prefix, like Odoo's parent_path)."""
    row = env.store.fetch("stock.location", [location_id], ["complete_name"]).get(location_id)
    if not row or not row.get("complete_name"):
        return [location_id]
    prefix = row["complete_name"] + "/%"
    rows = env.store.query("SELECT id FROM stock_location WHERE id = ? OR complete_name LIKE ?", [location_id, prefix])
    return [r[0] for r in rows]


def quant_for(env: Env, product_id: int, location_id: int) -> int:
    """The quant of (product, location), created empty if needed."""
    rows = env.store.query(
        "SELECT id FROM stock_quant WHERE product_id = ? AND location_id = ? AND lot_id IS NULL ORDER BY id LIMIT 1",
        [product_id, location_id],
    )
    if rows:
        return rows[0][0]
    return env.store.insert(
        "stock.quant",
        {
            "product_id": product_id,
            "location_id": location_id,
            "quantity": 0.0,
            "reserved_quantity": 0.0,
            "inventory_quantity": 0.0,
            "inventory_quantity_set": 0,
            "in_date": fmt_micro(env.now),
            "company_id": 1,
            "product_uom_id": 1,
        },
    )


def reserve(env: Env, product_id: int, location_id: int, wanted: float) -> list[tuple[int, float]]:
    """Reserve up to `wanted` units from quants under `location_id` (FIFO); returns (location, qty) parts."""
    locations = child_locations(env, location_id)
    marks = ",".join("?" * len(locations))
    rows = env.store.query(
        f"SELECT id, location_id, quantity, reserved_quantity FROM stock_quant WHERE product_id = ? "
        f"AND location_id IN ({marks}) AND quantity - reserved_quantity > 0 ORDER BY in_date, id",
        [product_id, *locations],
    )
    taken: list[tuple[int, float]] = []
    remaining = wanted
    for row in rows:
        if remaining <= _EPS:
            break
        free = row["quantity"] - row["reserved_quantity"]
        take = min(free, remaining)
        env.store.update("stock.quant", [row["id"]], {"reserved_quantity": row["reserved_quantity"] + take})
        taken.append((row["location_id"], take))
        remaining -= take
    return taken


def unreserve(env: Env, product_id: int, location_id: int, qty: float) -> None:
    """Give back `qty` reserved units at one location."""
    if qty <= _EPS or location_usage(env, location_id) != "internal":
        return
    rows = env.store.query(
        "SELECT id, reserved_quantity FROM stock_quant WHERE product_id = ? AND location_id = ? "
        "AND reserved_quantity > 0 ORDER BY id",
        [product_id, location_id],
    )
    for row in rows:
        if qty <= _EPS:
            break
        give = min(row["reserved_quantity"], qty)
        env.store.update("stock.quant", [row["id"]], {"reserved_quantity": row["reserved_quantity"] - give})
        qty -= give


def move_stock(env: Env, product_id: int, src: int, dest: int, qty: float, *, reserved: float = 0.0) -> None:
    """Apply a done move on quants: out of an internal source, into an internal destination."""
    if qty <= _EPS:
        return
    if location_usage(env, src) == "internal":
        qid = quant_for(env, product_id, src)
        row = env.store.row("stock.quant", qid)
        env.store.update(
            "stock.quant",
            [qid],
            {"quantity": row["quantity"] - qty, "reserved_quantity": max(0.0, row["reserved_quantity"] - reserved)},
        )
    if location_usage(env, dest) == "internal":
        qid = quant_for(env, product_id, dest)
        row = env.store.row("stock.quant", qid)
        env.store.update("stock.quant", [qid], {"quantity": row["quantity"] + qty, "in_date": fmt_micro(env.now)})


def inventory_location(env: Env, company_id: int = 1) -> int:
    rows = env.store.query("SELECT id FROM stock_location WHERE usage = 'inventory' ORDER BY id LIMIT 1")
    return rows[0][0]


# -- RPC --------------------------------------------------------------------------------------
@rpc("stock.quant", "create", ("vals_list",), record=False, required=1)
def quant_create(env: Env, model: str, vals_list: dict | list):
    """In inventory mode, creating a quant for an existing (product, location) returns that quant."""
    single = isinstance(vals_list, dict)
    out = []
    for vals in [vals_list] if single else vals_list:
        vals = dict(vals)
        existing = []
        if env.context.get("inventory_mode") and vals.get("product_id") and vals.get("location_id"):
            existing = env.store.query(
                "SELECT id FROM stock_quant WHERE product_id = ? AND location_id = ? ORDER BY id LIMIT 1",
                [vals["product_id"], vals["location_id"]],
            )
        if "inventory_quantity" in vals:
            vals["inventory_quantity_set"] = True
        if existing:
            write(env, model, [existing[0][0]], {k: v for k, v in vals.items() if k.startswith("inventory_")})
            out.append(existing[0][0])
            continue
        vals.setdefault("quantity", 0.0)
        vals.setdefault("reserved_quantity", 0.0)
        vals.setdefault("in_date", env.now.strftime("%Y-%m-%d %H:%M:%S"))
        vals.setdefault("product_uom_id", 1)
        out.append(create(env, model, vals))
    return out[0] if single else out


@rpc("stock.quant", "write", ("vals",), required=1)
def quant_write(env: Env, model: str, ids: list[int], vals: dict):
    vals = dict(vals)
    if "inventory_quantity" in vals and "inventory_quantity_set" not in vals:
        vals["inventory_quantity_set"] = True
    return write(env, model, ids, vals)


@rpc("stock.quant", "action_apply_inventory", ())
def action_apply_inventory(env: Env, model: str, ids: list[int]):
    """Apply counted quantities: a done `is_inventory` move per quant; returns None."""
    apply_inventory(env, ids)


def apply_inventory(env: Env, ids: list[int]) -> None:
    inv_loc = inventory_location(env)
    for qid, quant in env.store.fetch("stock.quant", ids).items():
        if not quant.get("inventory_quantity_set"):
            continue
        diff = (quant["inventory_quantity"] or 0.0) - (quant["quantity"] or 0.0)
        if abs(diff) > _EPS:
            src, dest = (inv_loc, quant["location_id"]) if diff > 0 else (quant["location_id"], inv_loc)
            mid = env.store.insert(
                "stock.move",
                {
                    "name": "Product Quantity Updated",
                    "reference": "Product Quantity Updated",
                    "product_id": quant["product_id"],
                    "product_uom": 1,
                    "product_uom_qty": abs(diff),
                    "quantity": abs(diff),
                    "picked": 1,
                    "is_inventory": 1,
                    "state": "done",
                    "location_id": src,
                    "location_dest_id": dest,
                    "company_id": quant.get("company_id") or 1,
                    "date": fmt_micro(env.now),
                    "procure_method": "make_to_stock",
                    "sequence": 10,
                },
            )
            env.store.insert(
                "stock.move.line",
                {
                    "move_id": mid,
                    "product_id": quant["product_id"],
                    "product_uom_id": 1,
                    "quantity": abs(diff),
                    "picked": 1,
                    "state": "done",
                    "location_id": src,
                    "location_dest_id": dest,
                    "reference": "Product Quantity Updated",
                    "date": fmt_micro(env.now),
                    "company_id": quant.get("company_id") or 1,
                },
            )
        env.store.update(
            "stock.quant",
            [qid],
            {"quantity": quant["inventory_quantity"] or 0.0, "inventory_quantity": 0.0, "inventory_quantity_set": 0},
        )


@rpc("stock.quant", "action_set_inventory_quantity_to_zero", ())
def action_clear_inventory(env: Env, model: str, ids: list[int]):
    env.store.update("stock.quant", ids, {"inventory_quantity": 0.0, "inventory_quantity_set": 0})


def _available(env: Env, ids: list[int]) -> dict[int, float]:
    rows = env.store.fetch("stock.quant", ids, ["quantity", "reserved_quantity"])
    return {i: float((r["quantity"] or 0) - (r["reserved_quantity"] or 0)) for i, r in rows.items()}


def _diff(env: Env, ids: list[int]) -> dict[int, float]:
    rows = env.store.fetch("stock.quant", ids, ["quantity", "inventory_quantity", "inventory_quantity_set"])
    return {
        i: float((r["inventory_quantity"] or 0) - (r["quantity"] or 0)) if r["inventory_quantity_set"] else 0.0
        for i, r in rows.items()
    }


def _lot_qty(env: Env, ids: list[int]) -> dict[int, float]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = env.store.query(
        f"SELECT q.lot_id, SUM(q.quantity) FROM stock_quant q JOIN stock_location l ON l.id = q.location_id "
        f"WHERE l.usage = 'internal' AND q.lot_id IN ({marks}) GROUP BY q.lot_id",
        ids,
    )
    found = {r[0]: float(r[1] or 0) for r in rows}
    return {i: found.get(i, 0.0) for i in ids}


COMPUTED.update(
    {
        ("stock.quant", "available_quantity"): _available,
        ("stock.quant", "inventory_diff_quantity"): _diff,
        ("stock.lot", "product_qty"): _lot_qty,
    }
)
