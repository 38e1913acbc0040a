# ruff: noqa: S608  -- SQL identifiers come from the model registry, values are bound parameters
"""stock.picking and stock.move: defaults, state machine, reservation and validation."""

from __future__ import annotations

from typing import Any

from ..clock import fmt_micro
from ..dispatch import rpc
from ..errors import UserError
from ..orm import COMPUTED, DEFAULTS, Env, create, search_ids, unlink, write
from .common import vals_rows
from .stock_quant import location_usage, move_stock, reserve, unreserve

_EPS = 1e-6
OPEN_MOVE_STATES = ("confirmed", "partially_available", "assigned", "waiting")
CANCEL_DONE_MSG = (
    "You cannot cancel a stock move that has been set to 'Done'. "
    "Create a return in order to reverse the moves which took place."
)
NOTHING_RESERVED_MSG = (
    "You cannot validate a transfer if no quantities are reserved. To force the transfer, encode quantities."
)


# -- defaults ---------------------------------------------------------------------------------
def next_picking_name(env: Env, type_id: int) -> str:
    """Sequence like WH/OUT/00019: warehouse code / sequence code / 5 digits."""
    ptype = env.store.get("stock.picking.type", type_id) or {}
    wh = env.store.get("stock.warehouse", ptype.get("warehouse_id") or 0) or {}
    key = f"seq:stock.picking.type:{type_id}"
    number = int(env.store.meta_get(key, "0")) + 1
    env.store.meta_set(key, str(number))
    prefix = f"{wh['code']}/" if wh.get("code") else ""
    return f"{prefix}{ptype.get('sequence_code') or 'TR'}/{number:05d}"


def _picking_defaults(env: Env, vals: dict) -> dict:
    type_id = vals.get("picking_type_id")
    ptype = env.store.get("stock.picking.type", type_id) if type_id else None
    if type_id and ptype:
        vals.setdefault("location_id", ptype.get("default_location_src_id") or _partner_location(env, "supplier"))
        vals.setdefault("location_dest_id", ptype.get("default_location_dest_id") or _partner_location(env, "customer"))
        vals.setdefault("picking_type_code", ptype.get("code"))
        vals["company_id"] = ptype.get("company_id") or vals.get("company_id") or 1
        vals.setdefault("name", next_picking_name(env, int(type_id)))
    vals.setdefault("state", "draft")
    vals.setdefault("move_type", "direct")
    vals.setdefault("priority", "0")
    vals.setdefault("scheduled_date", env.now.strftime("%Y-%m-%d %H:%M:%S"))
    return vals


def _partner_location(env: Env, usage: str) -> int | None:
    rows = env.store.query("SELECT id FROM stock_location WHERE usage = ? ORDER BY id LIMIT 1", [usage])
    return rows[0][0] if rows else None


def _move_defaults(env: Env, vals: dict) -> dict:
    picking = env.store.get("stock.picking", vals["picking_id"]) if vals.get("picking_id") else None
    if picking:
        for key in ("location_id", "location_dest_id", "picking_type_id", "partner_id", "company_id"):
            if picking.get(key):
                vals.setdefault(key, picking[key])
        vals.setdefault("date", picking.get("scheduled_date", "")[:19] or env.now.strftime("%Y-%m-%d %H:%M:%S"))
        vals.setdefault("reference", picking.get("name"))
        vals.setdefault("origin", picking.get("origin"))
    if vals.get("product_id") and not vals.get("name"):
        product = env.store.get("product.product", vals["product_id"]) or {}
        vals["name"] = product.get("name")
    vals.setdefault("state", "draft")
    vals.setdefault("product_uom", 1)
    vals.setdefault("procure_method", "make_to_stock")
    vals.setdefault("date", env.now.strftime("%Y-%m-%d %H:%M:%S"))
    vals.setdefault("quantity", 0.0)
    vals.setdefault("picked", False)
    vals.setdefault("sequence", 10)
    return vals


DEFAULTS.update({"stock.picking": _picking_defaults, "stock.move": _move_defaults})


# -- reservation / state ------------------------------------------------------------------------
def picking_moves(env: Env, picking_ids: list[int]) -> dict[int, dict]:
    if not picking_ids:
        return {}
    marks = ",".join("?" * len(picking_ids))
    rows = env.store.query(f"SELECT * FROM stock_move WHERE picking_id IN ({marks}) ORDER BY id", picking_ids)
    return {r["id"]: dict(r) for r in rows}


def move_state_for(move: dict, quantity: float) -> str:
    demand = move["product_uom_qty"] or 0.0
    if quantity >= demand - _EPS and demand > 0:
        return "assigned"
    if quantity > _EPS:
        return "partially_available"
    return "confirmed"


def set_move_lines(env: Env, move: dict, parts: list[tuple[int, float]], *, replace: bool = False) -> None:
    """Keep stock.move.line rows in step with the move's reserved quantity (one per location)."""
    if replace:
        old = search_ids(env, "stock.move.line", [["move_id", "=", move["id"]]])
        env.store.delete("stock.move.line", old)
    for loc, qty in parts:
        env.store.insert(
            "stock.move.line",
            {
                "move_id": move["id"],
                "picking_id": move.get("picking_id"),
                "product_id": move["product_id"],
                "product_uom_id": move.get("product_uom") or 1,
                "quantity": qty,
                "picked": 1 if move.get("picked") else 0,
                "state": "assigned",
                "location_id": loc,
                "location_dest_id": move["location_dest_id"],
                "picking_type_id": move.get("picking_type_id"),
                "reference": move.get("reference"),
                "date": fmt_micro(env.now),
                "company_id": move.get("company_id") or 1,
            },
        )


def assign_moves(env: Env, moves: list[dict]) -> None:
    """Reserve what is available for confirmed/partially available moves."""
    for move in moves:
        if move["state"] not in ("confirmed", "partially_available", "waiting"):
            continue
        demand = move["product_uom_qty"] or 0.0
        have = move["quantity"] or 0.0
        if location_usage(env, move["location_id"]) != "internal":
            parts = [(move["location_id"], demand - have)] if demand - have > _EPS else []
        else:
            parts = reserve(env, move["product_id"], move["location_id"], demand - have)
        got = sum(q for _loc, q in parts)
        if parts:
            set_move_lines(env, move, parts)
        new_qty = have + got
        state = move_state_for(move, new_qty)
        if got > _EPS or state != move["state"]:
            env.store.update("stock.move", [move["id"]], {"quantity": new_qty, "state": state})
            move.update(quantity=new_qty, state=state)


def unreserve_moves(env: Env, moves: list[dict]) -> None:
    for move in moves:
        if move["state"] in ("done", "cancel", "draft"):
            continue
        for line in env.store.query(
            "SELECT location_id, quantity FROM stock_move_line WHERE move_id = ?", [move["id"]]
        ):
            unreserve(env, move["product_id"], line["location_id"], line["quantity"])
        set_move_lines(env, move, [], replace=True)
        env.store.update("stock.move", [move["id"]], {"quantity": 0.0, "state": "confirmed", "picked": 0})
        move.update(quantity=0.0, state="confirmed", picked=0)


def recompute_picking_states(env: Env, picking_ids: list[int]) -> None:
    """Odoo's stored `state` compute; a change bumps write_date (a real write)."""
    moves = picking_moves(env, picking_ids)
    by_picking: dict[int, list[dict]] = {pid: [] for pid in picking_ids}
    for move in moves.values():
        by_picking.setdefault(move["picking_id"], []).append(move)
    pickings = env.store.fetch("stock.picking", picking_ids, ["state", "move_type"])
    for pid, pmoves in by_picking.items():
        picking = pickings.get(pid)
        if picking is None:
            continue
        state = compute_picking_state(picking.get("move_type") or "direct", [m["state"] for m in pmoves])
        if state != picking["state"]:
            env.store.update("stock.picking", [pid], {"state": state})


def compute_picking_state(move_type: str, states: list[str]) -> str:
    if not states or all(s == "draft" for s in states):
        return "draft"
    if all(s == "cancel" for s in states):
        return "cancel"
    if all(s in ("done", "cancel") for s in states):
        return "done"
    open_states = [s for s in states if s not in ("done", "cancel", "draft")]
    if move_type == "one":
        if open_states and all(s == "assigned" for s in open_states):
            return "assigned"
        return "waiting" if "waiting" in open_states else "confirmed"
    if any(s in ("assigned", "partially_available") for s in open_states):
        return "assigned"
    return "waiting" if "waiting" in open_states else "confirmed"


def reserve_waiting_moves(env: Env, product_ids: set[int], exclude_pickings: set[int]) -> None:
    """After stock arrives, reserve waiting moves of at_confirm operation types (Odoo does this)."""
    if not product_ids:
        return
    marks = ",".join("?" * len(product_ids))
    rows = env.store.query(
        f"SELECT m.* FROM stock_move m JOIN stock_location l ON l.id = m.location_id "
        f"LEFT JOIN stock_picking_type t ON t.id = m.picking_type_id "
        f"WHERE m.state IN ('confirmed', 'partially_available') AND l.usage = 'internal' "
        f"AND (t.reservation_method IS NULL OR t.reservation_method = 'at_confirm') "
        f"AND m.product_id IN ({marks}) ORDER BY m.date, m.id",
        list(product_ids),
    )
    moves = [dict(r) for r in rows if r["picking_id"] not in exclude_pickings]
    if not moves:
        return
    assign_moves(env, moves)
    recompute_picking_states(env, sorted({m["picking_id"] for m in moves if m["picking_id"]}))


# -- actions -----------------------------------------------------------------------------------
@rpc("stock.picking", "create", ("vals_list",), record=False, required=1)
def picking_create(env: Env, model: str, vals_list: dict | list):
    single = isinstance(vals_list, dict)
    ids = [create(env, model, vals) for vals in vals_rows(vals_list)]
    recompute_picking_states(env, ids)
    return ids[0] if single else ids


@rpc("stock.move", "create", ("vals_list",), record=False, required=1)
def move_create(env: Env, model: str, vals_list: dict | list):
    single = isinstance(vals_list, dict)
    ids = [create(env, model, vals) for vals in vals_rows(vals_list)]
    return ids[0] if single else ids


@rpc("stock.move", "write", ("vals",), required=1)
def move_write(env: Env, model: str, ids: list[int], vals: dict):
    """Writing `quantity` adjusts the reservation and the move state (partially_available...)."""
    before = env.store.fetch("stock.move", ids)
    write(env, model, ids, vals)
    if "quantity" in vals:
        for mid, old in before.items():
            if old["state"] in ("done", "cancel", "draft"):
                continue
            move = env.store.row("stock.move", mid)
            new_qty = float(vals["quantity"] or 0.0)
            delta = new_qty - (old["quantity"] or 0.0)
            if delta < 0:
                unreserve(env, move["product_id"], move["location_id"], -delta)
            elif delta > 0 and location_usage(env, move["location_id"]) == "internal":
                reserve(env, move["product_id"], move["location_id"], delta)
            set_move_lines(env, move, [(move["location_id"], new_qty)] if new_qty > _EPS else [], replace=True)
            env.store.update("stock.move", [mid], {"state": move_state_for(move, new_qty)})
        recompute_picking_states(env, sorted({m["picking_id"] for m in before.values() if m["picking_id"]}))
    return True


def confirm_pickings(env: Env, ids: list[int]) -> None:
    moves = [m for m in picking_moves(env, ids).values() if m["state"] == "draft"]
    if moves:
        env.store.update("stock.move", [m["id"] for m in moves], {"state": "confirmed"})
        for m in moves:
            m["state"] = "confirmed"
    types = {
        r["id"]: r["reservation_method"]
        for r in env.store.query("SELECT id, reservation_method FROM stock_picking_type")
    }
    assign_moves(env, [m for m in moves if types.get(m.get("picking_type_id"), "at_confirm") in (None, "at_confirm")])
    recompute_picking_states(env, ids)


@rpc("stock.picking", "action_confirm", ())
def action_confirm(env: Env, model: str, ids: list[int]):
    confirm_pickings(env, ids)
    return True


@rpc("stock.picking", "action_assign", ())
def action_assign(env: Env, model: str, ids: list[int]):
    """Reserve what is available; returns True even when nothing could be reserved."""
    draft = [pid for pid, p in env.store.fetch("stock.picking", ids, ["state"]).items() if p["state"] == "draft"]
    if draft:
        confirm_pickings(env, draft)
    assign_moves(env, list(picking_moves(env, ids).values()))
    recompute_picking_states(env, ids)
    return True


@rpc("stock.picking", "do_unreserve", ())
def do_unreserve(env: Env, model: str, ids: list[int]):
    """Free the reservation; like the recording, at_confirm moves re-reserve the freed quants at once."""
    moves = list(picking_moves(env, ids).values())
    unreserve_moves(env, moves)
    reserve_waiting_moves(env, {m["product_id"] for m in moves}, set())
    recompute_picking_states(env, ids)


@rpc("stock.picking", "action_cancel", ())
def action_cancel(env: Env, model: str, ids: list[int]):
    cancel_pickings(env, ids)
    return True


def cancel_pickings(env: Env, ids: list[int]) -> None:
    moves = list(picking_moves(env, ids).values())
    if any(m["state"] == "done" for m in moves):
        raise UserError(CANCEL_DONE_MSG)
    unreserve_moves(env, moves)
    if moves:
        env.store.update("stock.move", [m["id"] for m in moves], {"state": "cancel"})
    for pid, picking in env.store.fetch("stock.picking", ids, ["state"]).items():
        if picking["state"] == "done":
            raise UserError(CANCEL_DONE_MSG)
        if picking["state"] != "cancel":
            env.store.update("stock.picking", [pid], {"state": "cancel"})


@rpc("stock.picking", "unlink", ())
def picking_unlink(env: Env, model: str, ids: list[int]):
    cancel_pickings(env, ids)
    return unlink(env, model, ids)


@rpc("stock.picking", "button_validate", ())
def button_validate(env: Env, model: str, ids: list[int]):
    """Validate: True, or the backorder / SMS wizard action (see README Key facts 6)."""
    from .wizards import backorder_action, needs_sms_confirmation, sms_action

    pickings = env.store.fetch("stock.picking", ids)
    draft = [pid for pid, p in pickings.items() if p["state"] == "draft"]
    if draft:
        confirm_pickings(env, draft)
    moves = picking_moves(env, ids)
    for pid in ids:
        pmoves = [m for m in moves.values() if m["picking_id"] == pid and m["state"] not in ("done", "cancel")]
        if not any((m["quantity"] or 0) > _EPS for m in pmoves):
            raise UserError(NOTHING_RESERVED_MSG)
    ctx = env.context
    no_backorder = set(ctx.get("picking_ids_not_to_backorder") or [])
    if not ctx.get("skip_backorder"):
        short = [
            pid
            for pid in ids
            if pid not in no_backorder
            and any(
                (m["quantity"] or 0) < (m["product_uom_qty"] or 0) - _EPS
                for m in moves.values()
                if m["picking_id"] == pid and m["state"] not in ("done", "cancel")
            )
        ]
        if short:
            return backorder_action(env, ids, short)
    if not ctx.get("skip_sms"):
        sms_pickings = needs_sms_confirmation(env, ids)
        if sms_pickings:
            return sms_action(env, ids, sms_pickings)
    validate_pickings(env, ids, cancel_backorder_ids=no_backorder)
    return True


def validate_pickings(env: Env, ids: list[int], cancel_backorder_ids: set[int]) -> None:
    """_action_done: moves done with their quantity, quants updated, backorders for the rest."""
    moves = picking_moves(env, ids)
    touched_products: set[int] = set()
    stamp = env.now.strftime("%Y-%m-%d %H:%M:%S")
    for pid in ids:
        picking = env.store.get("stock.picking", pid)
        if picking is None or picking["state"] in ("done", "cancel"):
            continue
        pmoves = [m for m in moves.values() if m["picking_id"] == pid and m["state"] not in ("done", "cancel")]
        remaining: list[tuple[dict, float]] = []
        for move in pmoves:
            qty = move["quantity"] or 0.0
            demand = move["product_uom_qty"] or 0.0
            if qty <= _EPS:
                remaining.append((move, demand))
                continue
            reserved_lines = env.store.query(
                "SELECT location_id, quantity FROM stock_move_line WHERE move_id = ?", [move["id"]]
            )
            lines: list[Any] = list(reserved_lines) or [{"location_id": move["location_id"], "quantity": qty}]
            for line in lines:
                move_stock(
                    env,
                    move["product_id"],
                    line["location_id"],
                    move["location_dest_id"],
                    line["quantity"],
                    reserved=line["quantity"],
                )
            env.store.conn.execute(
                "UPDATE stock_move_line SET state = 'done', picked = 1 WHERE move_id = ?", [move["id"]]
            )
            values = {"state": "done", "picked": 1, "date": stamp}
            if qty < demand - _EPS and pid not in cancel_backorder_ids:
                remaining.append((move, demand - qty))
                values["product_uom_qty"] = qty
            env.store.update("stock.move", [move["id"]], values)
            touched_products.add(move["product_id"])
        backorder_moves = [(m, q) for m, q in remaining if q > _EPS]
        if backorder_moves and pid not in cancel_backorder_ids:
            _create_backorder(env, picking, backorder_moves)
        else:
            zero = [m["id"] for m, _q in remaining if (m["quantity"] or 0) <= _EPS]
            if zero:
                env.store.update("stock.move", zero, {"state": "cancel"})
        env.store.update("stock.picking", [pid], {"state": "done", "date_done": stamp})
        if location_usage(env, picking["location_dest_id"]) == "internal":
            reserve_waiting_moves(env, touched_products, set(ids))


def _create_backorder(env: Env, picking: dict, parts: list[tuple[dict, float]]) -> int:
    vals = {
        "picking_type_id": picking["picking_type_id"],
        "location_id": picking["location_id"],
        "location_dest_id": picking["location_dest_id"],
        "partner_id": picking.get("partner_id") or False,
        "origin": picking.get("origin") or False,
        "backorder_id": picking["id"],
        "scheduled_date": (picking.get("scheduled_date") or "")[:19] or False,
        "move_type": picking.get("move_type") or "direct",
        "carrier_id": picking.get("carrier_id") or False,
        "sale_id": picking.get("sale_id") or False,
        "purchase_id": picking.get("purchase_id") or False,
        "priority": picking.get("priority") or "0",
    }
    new_pid = create(env, "stock.picking", vals)
    for move, qty in parts:
        if (move["quantity"] or 0) <= _EPS:
            # nothing processed: the whole move goes to the backorder
            env.store.update("stock.move", [move["id"]], {"picking_id": new_pid, "state": "confirmed", "quantity": 0.0})
            continue
        create(
            env,
            "stock.move",
            {
                "picking_id": new_pid,
                "product_id": move["product_id"],
                "name": move["name"],
                "product_uom": move.get("product_uom") or 1,
                "product_uom_qty": qty,
                "location_id": move["location_id"],
                "location_dest_id": move["location_dest_id"],
                "sale_line_id": move.get("sale_line_id") or False,
                "purchase_line_id": move.get("purchase_line_id") or False,
                "state": "confirmed",
            },
        )
    assign_moves(env, list(picking_moves(env, [new_pid]).values()))
    recompute_picking_states(env, [new_pid])
    return new_pid


# -- computed read values ------------------------------------------------------------------------
def _availability(env: Env, ids: list[int]) -> dict[int, tuple[str | bool, str | bool]]:
    rows = env.store.fetch("stock.picking", ids, ["state", "picking_type_code"])
    out: dict[int, tuple[str | bool, str | bool]] = {}
    for pid, row in rows.items():
        if row["state"] == "assigned":
            out[pid] = ("available", "Available")
        elif row["state"] in ("confirmed", "waiting"):
            out[pid] = ("late", "Not Available")
        else:
            out[pid] = (False, False)
    return out


def _type_counts(env: Env, ids: list[int], where: str) -> dict[int, int]:
    marks = ",".join("?" * len(ids))
    rows = env.store.query(
        f"SELECT picking_type_id, COUNT(*) FROM stock_picking WHERE picking_type_id IN ({marks}) AND {where} "
        "GROUP BY picking_type_id",
        ids,
    )
    found = {r[0]: r[1] for r in rows}
    return {i: found.get(i, 0) for i in ids}


COMPUTED.update(
    {
        ("stock.picking", "products_availability_state"): lambda env, ids: {
            k: v[0] for k, v in _availability(env, ids).items()
        },
        ("stock.picking", "products_availability"): lambda env, ids: {
            k: v[1] for k, v in _availability(env, ids).items()
        },
        ("stock.picking.type", "count_picking_ready"): lambda env, ids: _type_counts(env, ids, "state = 'assigned'"),
        ("stock.picking.type", "count_picking_waiting"): lambda env, ids: _type_counts(
            env, ids, "state IN ('confirmed', 'waiting')"
        ),
        ("stock.picking.type", "count_picking_draft"): lambda env, ids: _type_counts(env, ids, "state = 'draft'"),
        ("stock.picking.type", "count_picking_backorders"): lambda env, ids: _type_counts(
            env, ids, "backorder_id IS NOT NULL AND state IN ('confirmed', 'assigned', 'waiting')"
        ),
        ("stock.picking.type", "count_picking_late"): lambda env, ids: _type_counts(
            env, ids, f"state IN ('assigned', 'waiting', 'confirmed') AND scheduled_date < '{fmt_micro(env.now)}'"
        ),
    }
)
