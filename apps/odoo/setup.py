"""Gateway calls for connecting an Odoo: probe, modules, rights, warehouses, automation rules.

Plain typed data in, plain typed data out; every failure is an :mod:`apps.odoo.errors` class.
What a real Odoo 17 answers to each call is recorded in ``tests/contract/odoo17/connection/``:

- a module is usable only when its ``state`` is ``installed`` (no row: not on the server);
- ``has_group`` answers for the calling user; ``check_access_rights(op, raise_exception=False)``
  answers a boolean; ``base.automation`` needs *Administration/Settings*;
- a warehouse has no time zone: its address partner's ``tz`` or its company partner's may be set,
  the company's working-hours calendar always has one;
- an automation rule is found by name with ``active_test: False``; its webhook URL is updated
  through ``action_server_ids`` command 1; unlinking the rule removes its server action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .client import OdooClient
from .config import OdooConfig
from .errors import OdooUnknownModelOrMethod
from .resilience import OdooBreaker, RetryPolicy

#: what Control Tower needs installed in Odoo, by the name Odoo's Apps screen shows
REQUIRED_MODULES: dict[str, str] = {
    "stock": "Inventory",
    "sale_stock": "Sales and Warehouse Management",
    "purchase_stock": "Purchase Stock",
    "base_automation": "Automation Rules",
}
#: (model, operation, what Control Tower does with it) the integration user needs
REQUIRED_RIGHTS: list[tuple[str, str, str]] = [
    ("stock.warehouse", "read", "read warehouses"),
    ("stock.location", "read", "read locations"),
    ("stock.picking", "read", "read transfers"),
    ("stock.picking", "write", "reschedule and validate transfers"),
    ("stock.move", "read", "read stock moves"),
    ("stock.quant", "read", "read stock on hand"),
    ("stock.quant", "write", "apply approved inventory counts"),
    ("stock.warehouse.orderpoint", "read", "read replenishment rules"),
    ("product.product", "read", "read products"),
    ("res.partner", "read", "read customers and vendors"),
    ("sale.order", "read", "read sale orders"),
    ("purchase.order", "read", "read purchase orders"),
]
#: rights only the step that installs webhook rules needs (an Odoo administrator, given once)
RULE_RIGHTS: list[tuple[str, str, str]] = [
    ("base.automation", "create", "create automation rules"),
    ("ir.actions.server", "create", "create their webhook actions"),
]


def probe_client(config: OdooConfig) -> OdooClient:
    """A client for trying credentials: one attempt per call, a breaker of its own.

    Trying a mistyped URL must neither wait through the retries nor open the circuit breaker
    the running sync shares.
    """
    return OdooClient(
        config,
        breaker=OdooBreaker(fail_max=1000, namespace="ct:odoo:probe"),
        retry=RetryPolicy(attempts=1),
    )


@dataclass(frozen=True)
class ServerInfo:
    """Version of the Odoo server and the transport the gateway picked."""

    server_version: str
    major: int
    transport: str


def server_info(client: OdooClient) -> ServerInfo:
    """Reach the server (no login needed); raises OdooConnectionError / OdooServerError when it is not Odoo."""
    info = client.version()
    return ServerInfo(server_version=info["server_version"], major=int(info["major"]), transport=info["transport"])


def authenticate(client: OdooClient) -> int:
    """Log in; the user id. Raises OdooDatabaseNotFound or OdooAccessDenied."""
    return client.authenticate()


def module_states(client: OdooClient, names: list[str]) -> dict[str, str | None]:
    """``{name: state}`` for each name; None when the server has no such module."""
    rows = client.search_read("ir.module.module", [["name", "in", list(names)]], ["name", "state"])
    found = {row["name"]: row["state"] for row in rows}
    return {name: found.get(name) for name in names}


def user_has_groups(client: OdooClient, groups: list[str]) -> dict[str, bool]:
    """``{xml id: bool}`` for the logged-in user (``res.users.has_group`` is @api.model)."""
    return {group: bool(client.call("res.users", "has_group", None, group)) for group in groups}


def missing_rights(client: OdooClient, rights: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The (model, operation, purpose) entries the logged-in user may not do."""
    missing = []
    for model, operation, purpose in rights:
        allowed = client.call(model, "check_access_rights", None, operation, raise_exception=False)
        if not allowed:
            missing.append((model, operation, purpose))
    return missing


@dataclass(frozen=True)
class OdooWarehouse:
    """One stock.warehouse, with the time zone found for it and where it came from."""

    id: int
    name: str
    code: str
    active: bool
    company: str
    timezone: str | None
    timezone_source: str


def warehouses(client: OdooClient) -> list[OdooWarehouse]:
    """Every warehouse, archived ones included, with a time zone where Odoo has one.

    A warehouse has no ``tz``: the warehouse address's partner is asked first, then the company's
    partner, then the company's working-hours calendar (required, so never empty on a real Odoo).
    """
    rows = client.search_read(
        "stock.warehouse",
        [],
        ["id", "name", "code", "company_id", "partner_id", "active"],
        order="id asc",
        context={"active_test": False},
    )
    company_ids = sorted({row["company_id"][0] for row in rows if row.get("company_id")})
    companies = {
        c["id"]: c for c in client.read("res.company", company_ids, ["name", "partner_id", "resource_calendar_id"])
    }
    # `read` of no ids makes no call (it reads in chunks of ids)
    partner_ids = {row["partner_id"][0] for row in rows if row.get("partner_id")}
    partner_ids |= {c["partner_id"][0] for c in companies.values() if c.get("partner_id")}
    partners = {p["id"]: p for p in client.read("res.partner", sorted(partner_ids), ["tz"])}
    calendar_ids = sorted({c["resource_calendar_id"][0] for c in companies.values() if c.get("resource_calendar_id")})
    calendars = {c["id"]: c for c in client.read("resource.calendar", calendar_ids, ["tz"])}

    out = []
    for row in rows:
        company = companies.get(row["company_id"][0]) if row.get("company_id") else None
        candidates = [
            ("warehouse address", row.get("partner_id")),
            ("company address", company.get("partner_id") if company else None),
        ]
        tz, source = None, "not set in Odoo"
        for label, partner in candidates:
            if partner and partners.get(partner[0], {}).get("tz"):
                tz, source = partners[partner[0]]["tz"], label
                break
        if tz is None and company and company.get("resource_calendar_id"):
            calendar = calendars.get(company["resource_calendar_id"][0], {})
            if calendar.get("tz"):
                tz, source = calendar["tz"], "company working hours"
        out.append(
            OdooWarehouse(
                id=row["id"],
                name=row["name"],
                code=row["code"] or "",
                active=bool(row.get("active", True)),
                company=row["company_id"][1] if row.get("company_id") else "",
                timezone=tz,
                timezone_source=source,
            )
        )
    return out


# --- automation rules (Send Webhook Notification) ------------------------------------------------


@dataclass(frozen=True)
class WebhookRuleSpec:
    """What one rule should be: its name (the key we find it by), model, trigger fields and URL."""

    name: str
    model: str
    url: str
    trigger_fields: list[str] = field(default_factory=list)
    sent_fields: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class WebhookRule:
    """A rule as Odoo has it."""

    id: int
    name: str
    active: bool
    action_id: int | None
    url: str | None


def find_rules(client: OdooClient, names: list[str]) -> dict[str, WebhookRule]:
    """Rules by name, archived ones included. Raises OdooAccessError without Settings rights."""
    rows = client.search_read(
        "base.automation",
        [["name", "in", list(names)]],
        ["id", "name", "active", "action_server_ids"],
        context={"active_test": False},
    )
    action_ids = [row["action_server_ids"][0] for row in rows if row.get("action_server_ids")]
    # `read` of no ids makes no call (it reads in chunks of ids)
    urls = {
        a["id"]: a.get("webhook_url") or None for a in client.read("ir.actions.server", action_ids, ["webhook_url"])
    }
    out = {}
    for row in rows:
        action_id = row["action_server_ids"][0] if row.get("action_server_ids") else None
        out[row["name"]] = WebhookRule(
            id=row["id"], name=row["name"], active=bool(row["active"]), action_id=action_id, url=urls.get(action_id)
        )
    return out


def _model_and_field_ids(client: OdooClient, model: str, fields: list[str]) -> tuple[int, dict[str, int]]:
    models = client.search_read("ir.model", [["model", "=", model]], ["id", "model"])
    if not models:
        raise OdooUnknownModelOrMethod(
            f"Odoo has no model {model!r}: is the module that provides it installed?", model=model
        )
    rows = client.search_read("ir.model.fields", [["model", "=", model], ["name", "in", list(fields)]], ["id", "name"])
    return models[0]["id"], {row["name"]: row["id"] for row in rows}


def create_webhook_rule(client: OdooClient, spec: WebhookRuleSpec) -> int:
    """Create the rule with its webhook action (ids looked up by name: they differ between databases)."""
    model_id, field_ids = _model_and_field_ids(client, spec.model, [*spec.trigger_fields, *spec.sent_fields])
    action: dict[str, Any] = {
        "model_id": model_id,
        "name": spec.name,
        "state": "webhook",
        "webhook_url": spec.url,
        "webhook_field_ids": [[6, 0, [field_ids[f] for f in spec.sent_fields if f in field_ids]]],
    }
    values: dict[str, Any] = {
        "name": spec.name,
        "model_id": model_id,
        "trigger": "on_create_or_write",
        "trigger_field_ids": [[6, 0, [field_ids[f] for f in spec.trigger_fields if f in field_ids]]],
        "action_server_ids": [[0, 0, action]],
    }
    created = client.create("base.automation", values)
    return created[0] if isinstance(created, list) else created


def update_webhook_rule(client: OdooClient, rule: WebhookRule, spec: WebhookRuleSpec) -> None:
    """Point an existing rule at ``spec.url`` and make it active again (command 1 on its action)."""
    values: dict[str, Any] = {"active": True}
    if rule.action_id is not None:
        values["action_server_ids"] = [[1, rule.action_id, {"webhook_url": spec.url}]]
    client.write("base.automation", [rule.id], values)


def delete_rules(client: OdooClient, rule_ids: list[int]) -> None:
    """Unlink rules (Odoo deletes their server actions with them)."""
    if rule_ids:
        client.call("base.automation", "unlink", list(rule_ids))
