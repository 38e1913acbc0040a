# ruff: noqa: S608  -- SQL identifiers come from the model registry, values are bound parameters
"""What a "connect your Odoo" wizard touches (contract: tests/contract/odoo17/connection/).

Module states, the rights a user has (`has_group`, `check_access_rights`), the companies'
working-hours calendars (where Odoo keeps a time zone that is never empty), field ids, and
automation rules with a "Send Webhook Notification" server action, which fire on save.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..access import has_group, operation_allowed, operation_error
from ..dispatch import rpc
from ..orm import Env, create, unlink
from ..registry import registry

if TYPE_CHECKING:
    from ..store import Store

#: module states of the recorded server (connection/01_modules.json), plus the ones a warehouse needs
MODULES: list[tuple[str, str, str, str | bool]] = [
    ("base_automation", "Automation Rules", "installed", "17.0.1.0"),
    ("mail", "Discuss", "installed", "17.0.1.15"),
    ("mrp", "Manufacturing", "uninstalled", False),
    ("purchase", "Purchase", "installed", "17.0.1.2"),
    ("purchase_stock", "Purchase Stock", "installed", "17.0.1.2"),
    ("quality_control", "Quality", "uninstallable", False),
    ("sale_management", "Sales", "installed", "17.0.1.0"),
    ("sale_stock", "Sales and Warehouse Management", "installed", "17.0.1.0"),
    ("stock", "Inventory", "installed", "17.0.1.1"),
    ("stock_barcode", "Barcode", "uninstallable", False),
    ("stock_delivery", "Delivery - Stock", "installed", "17.0.1.0"),
    ("stock_picking_batch", "Warehouse Management: Batch Transfer", "installed", "17.0.1.0"),
    ("stock_sms", "Stock - SMS", "installed", "17.0.1.0"),
]
#: resource.calendar.tz is required; Odoo fills it from the creating user's zone (recorded: Europe/Brussels
#: for every company, even San Francisco's and Chicago's)
CALENDAR_TZ = "Europe/Brussels"
WEBHOOK_ACTION_NAME = "Send Webhook Notification"


def ensure_connection_data(store: Store) -> None:
    """Seed modules, calendars and field ids once (also into a state file made by an older simulator)."""
    with store.transaction():
        columns = {row[1] for row in store.query('PRAGMA table_info("res_company")')}
        if "resource_calendar_id" not in columns:
            store.conn.execute('ALTER TABLE "res_company" ADD COLUMN "resource_calendar_id" INTEGER')
        if store.query('SELECT 1 FROM "ir_module_module" LIMIT 1'):
            return
        for name, shortdesc, state, version in MODULES:
            store.insert(
                "ir.module.module", {"name": name, "shortdesc": shortdesc, "state": state, "latest_version": version}
            )
        for (company_id,) in store.query('SELECT id FROM "res_company" ORDER BY id'):
            calendar = store.insert(
                "resource.calendar", {"name": "Standard 40 hours/week", "tz": CALENDAR_TZ, "company_id": company_id}
            )
            store.update("res.company", [company_id], {"resource_calendar_id": calendar}, touch=False)
        model_ids = {row[1]: row[0] for row in store.query('SELECT id, model FROM "ir_model"')}
        for model, spec in sorted(registry().items()):
            for fname, fdef in spec.fields.items():
                store.insert(
                    "ir.model.fields",
                    {"name": fname, "model": model, "model_id": model_ids.get(model), "ttype": fdef["type"]},
                )


def set_module_states(store: Store, states: dict[str, str]) -> dict[str, str]:
    """Test switch: change module states (a name not listed is created); returns every module's state."""
    with store.transaction():
        for name, state in states.items():
            rows = store.query('SELECT id FROM "ir_module_module" WHERE name = ?', [name])
            if rows:
                store.update("ir.module.module", [rows[0][0]], {"state": state})
            else:
                store.insert("ir.module.module", {"name": name, "shortdesc": name, "state": state})
        return {row[0]: row[1] for row in store.query('SELECT name, state FROM "ir_module_module" ORDER BY name')}


@rpc("res.users", "has_group", ("group_ext_id",), record=False, required=1)
def _has_group(env: Env, model: str, group_ext_id: str):
    """@api.model in Odoo 17: answers for the calling user only."""
    return has_group(env.uid, group_ext_id)


@rpc("*", "check_access_rights", ("operation", "raise_exception"), record=False)
def _check_access_rights(env: Env, model: str, operation: str = "read", raise_exception: bool = True):
    if operation_allowed(env.uid, model, operation):
        return True
    if raise_exception:
        raise operation_error(model, operation)
    return False


@rpc("ir.actions.server", "create", ("vals_list",), record=False, required=1)
def _server_action_create(env: Env, model: str, vals_list: dict | list):
    """A webhook action is named after its type, whatever name was given (connection/06)."""
    single = isinstance(vals_list, dict)
    rows: list[dict] = [vals_list] if isinstance(vals_list, dict) else vals_list
    out = []
    for vals in rows:
        vals = dict(vals)
        if vals.get("state") == "webhook":
            vals["name"] = WEBHOOK_ACTION_NAME
        vals.setdefault("usage", "base_automation" if vals.get("base_automation_id") else "ir_actions_server")
        out.append(create(env, model, vals))
    return out[0] if single else out


@rpc("base.automation", "create", ("vals_list",), record=False, required=1)
def _automation_create(env: Env, model: str, vals_list: dict | list):
    single = isinstance(vals_list, dict)
    rows: list[dict] = [vals_list] if isinstance(vals_list, dict) else vals_list
    out = []
    for vals in rows:
        vals = {"active": True, **vals}
        out.append(create(env, model, vals))
    return out[0] if single else out


@rpc("base.automation", "unlink", ())
def _automation_unlink(env: Env, model: str, ids: list[int]):
    """Unlinking a rule deletes its server actions too (connection/06)."""
    actions = [
        row[0]
        for row in env.store.query(
            f'SELECT id FROM "ir_actions_server" WHERE base_automation_id IN ({",".join("?" * len(ids))})', ids
        )
    ]
    env.store.delete("ir.actions.server", actions)
    return unlink(env, model, ids)


def webhook_rules(store: Store, model: str, operation: str) -> list[tuple[int, str, list[str]]]:
    """Active rules that fire a webhook on `operation` of `model`: (action id, url, field names)."""
    triggers = ("on_create_or_write", "on_create") if operation == "create" else ("on_create_or_write", "on_write")
    rows = store.query(
        'SELECT a.id, a.webhook_url, a.webhook_field_ids FROM "ir_actions_server" a '
        'JOIN "base_automation" r ON r.id = a.base_automation_id JOIN "ir_model" m ON m.id = r.model_id '
        "WHERE m.model = ? AND r.active = 1 AND a.state = 'webhook' "
        f"AND r.trigger IN ({','.join('?' * len(triggers))})",
        [model, *triggers],
    )
    out = []
    for action_id, url, field_ids in rows:
        ids = json.loads(field_ids or "[]")
        names = (
            [
                r[0]
                for r in store.query(
                    f'SELECT name FROM "ir_model_fields" WHERE id IN ({",".join("?" * len(ids))})', ids
                )
            ]
            if ids
            else []
        )
        out.append((action_id, url or "", names))
    return out
