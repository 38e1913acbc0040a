# ruff: noqa: S608  -- SQL identifiers come from the model registry, values are bound parameters
"""Display names, defaults and computed read values shared by many models."""

from __future__ import annotations

from typing import Any

from ..orm import COMPUTED, DEFAULTS, DISPLAY_NAME, DISPLAY_NAME_COLUMNS, Env


def vals_rows(vals_list: dict | list) -> list[dict]:
    """`create` takes one dict or a list of them (Odoo's model_create_multi)."""
    return [vals_list] if isinstance(vals_list, dict) else list(vals_list)


def _names(env: Env, model: str, ids: list[Any], column: str = "name") -> dict[Any, str]:
    """Names by id; `ids` may hold False/None (unset many2ones), which are skipped."""
    rows = env.store.fetch(model, [i for i in ids if i], [column])
    return {rid: row.get(column) or "" for rid, row in rows.items()}


def _picking_type_names(env: Env, rows: dict[int, dict]) -> dict[int, str]:
    wh = _names(env, "stock.warehouse", [r.get("warehouse_id") for r in rows.values()])
    out = {}
    for rid, row in rows.items():
        prefix = wh.get(row.get("warehouse_id"))
        out[rid] = f"{prefix}: {row.get('name')}" if prefix else (row.get("name") or "")
    return out


def _product_names(env: Env, rows: dict[int, dict]) -> dict[int, str]:
    return {
        rid: f"[{row['default_code']}] {row.get('name') or ''}" if row.get("default_code") else (row.get("name") or "")
        for rid, row in rows.items()
    }


def _partner_names(env: Env, rows: dict[int, dict]) -> dict[int, str]:
    return {rid: row.get("complete_name") or row.get("name") or "" for rid, row in rows.items()}


def _move_names(env: Env, rows: dict[int, dict]) -> dict[int, str]:
    # Odoo 17: "<origin>/<product code>: <src location name>><dest location name>"
    locs = _names(env, "stock.location", [r.get(k) for r in rows.values() for k in ("location_id", "location_dest_id")])
    codes = _names(env, "product.product", [r.get("product_id") for r in rows.values()], "default_code")
    out = {}
    for rid, row in rows.items():
        code = codes.get(row.get("product_id"))
        src, dest = locs.get(row.get("location_id"), ""), locs.get(row.get("location_dest_id"), "")
        out[rid] = f"{code + ': ' if code else ''}{src}>{dest}"
    return out


def _quant_names(env: Env, rows: dict[int, dict]) -> dict[int, str]:
    locs = _names(env, "stock.location", [r.get("location_id") for r in rows.values()], "complete_name")
    return {rid: locs.get(row.get("location_id"), "") for rid, row in rows.items()}


def _activity_names(env: Env, rows: dict[int, dict]) -> dict[int, str]:
    types = _names(env, "mail.activity.type", [r.get("activity_type_id") for r in rows.values()])
    return {rid: row.get("summary") or types.get(row.get("activity_type_id"), "") for rid, row in rows.items()}


def _currency_names(env: Env, rows: dict[int, dict]) -> dict[int, str]:
    return {rid: row.get("name") or "" for rid, row in rows.items()}


DISPLAY_NAME.update(
    {
        "stock.picking.type": _picking_type_names,
        "product.product": _product_names,
        "res.partner": _partner_names,
        "stock.move": _move_names,
        "stock.quant": _quant_names,
        "mail.activity": _activity_names,
        "res.currency": _currency_names,
    }
)
DISPLAY_NAME_COLUMNS.update(
    {
        "stock.picking.type": ("warehouse_id", "name"),
        "product.product": ("default_code", "name"),
        "res.partner": ("complete_name", "name"),
        "stock.move": ("location_id", "location_dest_id", "product_id"),
        "stock.quant": ("location_id",),
        "mail.activity": ("summary", "activity_type_id"),
        "res.currency": ("name",),
    }
)


def _partner_defaults(env: Env, vals: dict) -> dict:
    vals.setdefault("type", "contact")
    name = vals.get("name") or ""
    parent = vals.get("parent_id")
    if parent and not vals.get("is_company"):
        parent_name = (env.store.get("res.partner", parent) or {}).get("name")
        vals.setdefault("complete_name", f"{parent_name}, {name}" if parent_name else name)
    else:
        vals.setdefault("complete_name", name)
    return vals


def _location_defaults(env: Env, vals: dict) -> dict:
    vals.setdefault("usage", "internal")
    parent = vals.get("location_id")
    if parent and "complete_name" not in vals:
        parent_row = env.store.get("stock.location", parent) or {}
        prefix = parent_row.get("complete_name")
        vals["complete_name"] = f"{prefix}/{vals.get('name')}" if prefix else vals.get("name")
    vals.setdefault("complete_name", vals.get("name"))
    return vals


def _product_defaults(env: Env, vals: dict) -> dict:
    vals.setdefault("detailed_type", "product")
    vals.setdefault("type", "product" if vals["detailed_type"] == "product" else vals["detailed_type"])
    vals.setdefault("tracking", "none")
    vals.setdefault("uom_id", 1)
    vals.setdefault("uom_po_id", vals["uom_id"])
    vals.setdefault("categ_id", 1)
    vals.setdefault("sale_ok", True)
    vals.setdefault("purchase_ok", True)
    vals.setdefault("sale_line_warn", "no-message")
    vals.setdefault("purchase_line_warn", "no-message")
    vals.setdefault("priority", "0")
    return vals


DEFAULTS.update(
    {
        "res.partner": _partner_defaults,
        "stock.location": _location_defaults,
        "product.product": _product_defaults,
    }
)


def _product_qty(env: Env, ids: list[int], kind: str) -> dict[int, float]:
    """qty_available (internal quants) and incoming/outgoing (open moves) per product."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    if kind == "available":
        sql = (
            f"SELECT q.product_id, SUM(q.quantity) FROM stock_quant q JOIN stock_location l ON l.id = q.location_id "
            f"WHERE l.usage = 'internal' AND q.product_id IN ({marks}) GROUP BY q.product_id"
        )
    else:
        cond = (
            "ld.usage = 'internal' AND ls.usage != 'internal'"
            if kind == "incoming"
            else "ls.usage = 'internal' AND ld.usage != 'internal'"
        )
        sql = (
            "SELECT m.product_id, SUM(m.product_uom_qty) FROM stock_move m "
            "JOIN stock_location ls ON ls.id = m.location_id JOIN stock_location ld ON ld.id = m.location_dest_id "
            f"WHERE m.state NOT IN ('draft', 'done', 'cancel') AND {cond} AND m.product_id IN ({marks}) "
            "GROUP BY m.product_id"
        )
    return {row[0]: float(row[1] or 0.0) for row in env.store.query(sql, ids)}


def _qty_available(env: Env, ids: list[int]) -> dict[int, float]:
    values = _product_qty(env, ids, "available")
    return {i: values.get(i, 0.0) for i in ids}


def _incoming(env: Env, ids: list[int]) -> dict[int, float]:
    values = _product_qty(env, ids, "incoming")
    return {i: values.get(i, 0.0) for i in ids}


def _outgoing(env: Env, ids: list[int]) -> dict[int, float]:
    values = _product_qty(env, ids, "outgoing")
    return {i: values.get(i, 0.0) for i in ids}


def _virtual(env: Env, ids: list[int]) -> dict[int, float]:
    avail, inc, out = _qty_available(env, ids), _incoming(env, ids), _outgoing(env, ids)
    return {i: avail[i] + inc[i] - out[i] for i in ids}


COMPUTED.update(
    {
        ("product.product", "qty_available"): _qty_available,
        ("product.product", "incoming_qty"): _incoming,
        ("product.product", "outgoing_qty"): _outgoing,
        ("product.product", "virtual_available"): _virtual,
    }
)


# -- constraints -------------------------------------------------------------------------------
from ..dispatch import rpc  # noqa: E402
from ..errors import ValidationError  # noqa: E402
from ..orm import create, write  # noqa: E402


@rpc("res.partner", "write", ("vals",), required=1)
def partner_write(env: Env, model: str, ids: list[int], vals: dict):
    """@api.constrains on parent_id: no recursive hierarchies."""
    parent = vals.get("parent_id")
    if parent:
        seen = set(ids)
        current = parent
        while current:
            if current in seen:
                raise ValidationError("You cannot create recursive Partner hierarchies.")
            seen.add(current)
            current = (env.store.get("res.partner", current) or {}).get("parent_id")
    return write(env, model, ids, vals)


@rpc("stock.warehouse", "create", ("vals_list",), record=False, required=1)
def warehouse_create(env: Env, model: str, vals_list: dict | list):
    """SQL unique constraints: warehouse name and code per company."""
    single = isinstance(vals_list, dict)
    out = []
    for vals in vals_rows(vals_list):
        company = vals.get("company_id") or 1
        if env.store.query(
            "SELECT 1 FROM stock_warehouse WHERE code = ? AND company_id = ?", [vals.get("code"), company]
        ):
            raise ValidationError(
                "The operation cannot be completed: The short name of the warehouse must be unique per company!"
            )
        if env.store.query(
            "SELECT 1 FROM stock_warehouse WHERE name = ? AND company_id = ?", [vals.get("name"), company]
        ):
            raise ValidationError(
                "The operation cannot be completed: The name of the warehouse must be unique per company!"
            )
        out.append(create(env, model, vals))
    return out[0] if single else out
