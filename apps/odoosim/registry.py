"""Model definitions: recorded `fields_get` answers plus the simulator's own bookkeeping.

The field definitions of the 17 recorded models are copied verbatim from
tests/contract/odoo17/fields/ into `fielddefs/`. A few helper models that the recordings
only touch indirectly (ir.model, mail.message, wizards, carriers, ...) are declared here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

FIELDDEFS = Path(__file__).parent / "fielddefs"

#: field types stored as a plain SQLite column
SCALAR_TYPES = {
    "char",
    "text",
    "html",
    "selection",
    "integer",
    "float",
    "monetary",
    "boolean",
    "date",
    "datetime",
    "many2one",
    "many2one_reference",
    "json",
    "properties",
    "properties_definition",
    "binary",
}
#: many2many ids are kept as a JSON list in a TEXT column
M2M_TYPE = "many2many"


def _f(ftype: str, string: str, relation: str | None = None, **extra: object) -> dict:
    spec: dict = {"type": ftype, "string": string, "readonly": False, "required": False, "store": True}
    if relation:
        spec["relation"] = relation
    spec.update(extra)
    return spec


def _base_fields() -> dict:
    return {
        "id": _f("integer", "ID", readonly=True),
        "display_name": _f("char", "Display Name", readonly=True, store=False),
        "create_date": _f("datetime", "Created on", readonly=True),
        "write_date": _f("datetime", "Last Updated on", readonly=True),
        "create_uid": _f("many2one", "Created by", "res.users", readonly=True),
        "write_uid": _f("many2one", "Last Updated by", "res.users", readonly=True),
    }


#: helper models that were not recorded with fields_get; declared with the fields we use
EXTRA_MODELS: dict[str, dict] = {
    "res.company": {
        "name": _f("char", "Company Name", required=True),
        "partner_id": _f("many2one", "Partner", "res.partner"),
        "currency_id": _f("many2one", "Currency", "res.currency"),
        "sms_confirmed": _f("boolean", "SMS confirmation asked"),
        "resource_calendar_id": _f("many2one", "Default Working Hours", "resource.calendar"),
    },
    # --- what a "connect your Odoo" wizard reads and writes (contract: connection/) ---------
    "ir.module.module": {
        "name": _f("char", "Technical Name", required=True),
        "shortdesc": _f("char", "Module Name"),
        "state": _f(
            "selection",
            "Status",
            selection=[
                ["uninstallable", "Uninstallable"],
                ["uninstalled", "Not Installed"],
                ["installed", "Installed"],
                ["to upgrade", "To be upgraded"],
                ["to remove", "To be removed"],
                ["to install", "To be installed"],
            ],
        ),
        "latest_version": _f("char", "Latest Version"),
    },
    "resource.calendar": {
        "name": _f("char", "Name", required=True),
        "tz": _f("char", "Timezone", required=True),
        "company_id": _f("many2one", "Company", "res.company"),
    },
    "ir.model.fields": {
        "name": _f("char", "Field Name", required=True),
        "model": _f("char", "Model Name", required=True),
        "model_id": _f("many2one", "Model", "ir.model"),
        "ttype": _f("char", "Field Type"),
    },
    "base.automation": {
        "name": _f("char", "Automation Rule Name", required=True),
        "model_id": _f("many2one", "Model", "ir.model", required=True),
        "trigger": _f(
            "selection",
            "Trigger",
            selection=[
                ["on_create_or_write", "On save"],
                ["on_create", "On creation"],
                ["on_write", "On update"],
                ["on_state_set", "State is set to"],
                ["on_unlink", "On deletion"],
                ["on_webhook", "On webhook"],
            ],
        ),
        "trigger_field_ids": _f("many2many", "Trigger Fields", "ir.model.fields"),
        "action_server_ids": _f("one2many", "Actions", "ir.actions.server"),
        "active": _f("boolean", "Active"),
    },
    "ir.actions.server": {
        "name": _f("char", "Action Name", required=True),
        "model_id": _f("many2one", "Model", "ir.model"),
        "state": _f(
            "selection", "Type", selection=[["code", "Execute Code"], ["webhook", "Send Webhook Notification"]]
        ),
        "usage": _f(
            "selection",
            "Usage",
            selection=[["ir_actions_server", "Server Action"], ["base_automation", "Automation Rule"]],
        ),
        "base_automation_id": _f("many2one", "Automation Rule", "base.automation"),
        "webhook_url": _f("char", "Webhook URL"),
        "webhook_field_ids": _f("many2many", "Webhook Fields", "ir.model.fields"),
    },
    "res.currency": {"name": _f("char", "Currency", required=True), "symbol": _f("char", "Symbol")},
    "res.country": {"name": _f("char", "Country Name", required=True), "code": _f("char", "Country Code")},
    "uom.uom": {"name": _f("char", "Unit of Measure", required=True)},
    "product.category": {
        "name": _f("char", "Name", required=True),
        "complete_name": _f("char", "Complete Name"),
        "parent_id": _f("many2one", "Parent Category", "product.category"),
    },
    "ir.model": {
        "name": _f("char", "Model Description", required=True),
        "model": _f("char", "Model", required=True),
    },
    "mail.activity.type": {
        "name": _f("char", "Name", required=True),
        "category": _f(
            "selection",
            "Action",
            selection=[["default", "None"], ["upload_file", "Upload Document"], ["phonecall", "Phonecall"]],
        ),
        "res_model": _f("char", "Model"),
        "xmlid": _f("char", "External ID"),
        "sequence": _f("integer", "Sequence"),
    },
    "mail.message.subtype": {"name": _f("char", "Message Type", required=True), "xmlid": _f("char", "External ID")},
    "mail.message": {
        "body": _f("html", "Contents"),
        "subject": _f("char", "Subject"),
        "message_type": _f(
            "selection",
            "Type",
            selection=[
                ["email", "Incoming Email"],
                ["comment", "Comment"],
                ["email_outgoing", "Outgoing Email"],
                ["notification", "System notification"],
                ["auto_comment", "Automated Targeted Notification"],
                ["user_notification", "User Specific Notification"],
            ],
        ),
        "subtype_id": _f("many2one", "Subtype", "mail.message.subtype"),
        "model": _f("char", "Related Document Model"),
        "res_id": _f("many2one_reference", "Related Document ID"),
        "author_id": _f("many2one", "Author", "res.partner"),
        "date": _f("datetime", "Date"),
    },
    "delivery.carrier": {
        "name": _f("char", "Delivery Method", required=True),
        "active": _f("boolean", "Active"),
        "delivery_type": _f(
            "selection", "Provider", selection=[["fixed", "Fixed Price"], ["base_on_rule", "Based on Rules"]]
        ),
        "company_id": _f("many2one", "Company", "res.company"),
        "x_cutoff_hour": _f("float", "Cutoff hour (simulator)"),
        "x_delay_rate": _f("float", "Delay rate (simulator)"),
    },
    "stock.backorder.confirmation": {
        "pick_ids": _f("many2many", "Pick", "stock.picking"),
        "show_transfers": _f("boolean", "Show Transfers"),
    },
    "confirm.stock.sms": {
        "pick_ids": _f("many2many", "Pick", "stock.picking"),
        "company_id": _f("many2one", "Company", "res.company"),
    },
    "purchase.order.line": {
        "name": _f("text", "Description", required=True),
        "order_id": _f("many2one", "Order Reference", "purchase.order", required=True),
        "product_id": _f("many2one", "Product", "product.product"),
        "product_qty": _f("float", "Quantity", required=True),
        "qty_received": _f("float", "Received Qty"),
        "price_unit": _f("float", "Unit Price", required=True),
        "date_planned": _f("datetime", "Expected Arrival"),
        "product_uom": _f("many2one", "Unit of Measure", "uom.uom"),
    },
    "ir.logging": {
        "name": _f("char", "Name"),
        "level": _f("char", "Level"),
        "message": _f("text", "Message"),
        "path": _f("char", "Path"),
    },
}

#: one2many fields and the many2one on the other side that makes them
ONE2MANY_INVERSE: dict[tuple[str, str], tuple[str, str]] = {
    ("stock.picking", "move_ids"): ("stock.move", "picking_id"),
    ("stock.picking", "move_ids_without_package"): ("stock.move", "picking_id"),
    ("stock.picking", "move_line_ids"): ("stock.move.line", "picking_id"),
    ("stock.picking", "move_line_ids_without_package"): ("stock.move.line", "picking_id"),
    ("stock.picking", "backorder_ids"): ("stock.picking", "backorder_id"),
    ("stock.picking", "return_ids"): ("stock.picking", "return_id"),
    ("stock.move", "move_line_ids"): ("stock.move.line", "move_id"),
    ("stock.location", "child_ids"): ("stock.location", "location_id"),
    ("stock.location", "quant_ids"): ("stock.quant", "location_id"),
    ("sale.order", "order_line"): ("sale.order.line", "order_id"),
    ("sale.order", "picking_ids"): ("stock.picking", "sale_id"),
    ("sale.order.line", "move_ids"): ("stock.move", "sale_line_id"),
    ("purchase.order", "picking_ids"): ("stock.picking", "purchase_id"),
    ("purchase.order", "order_line"): ("purchase.order.line", "order_id"),
    ("stock.picking.batch", "picking_ids"): ("stock.picking", "batch_id"),
    ("stock.picking.batch", "move_ids"): ("stock.move", "picking_id"),
    ("res.partner", "child_ids"): ("res.partner", "parent_id"),
    ("stock.lot", "quant_ids"): ("stock.quant", "lot_id"),
    ("base.automation", "action_server_ids"): ("ir.actions.server", "base_automation_id"),
}

#: Odoo's `_order` of each model (default ordering of search/search_read)
DEFAULT_ORDER: dict[str, str] = {
    "stock.picking": "priority desc, scheduled_date asc, id desc",
    "stock.move": "sequence asc, id asc",
    "stock.location": "complete_name asc, id asc",
    "stock.warehouse": "sequence asc, id asc",
    "stock.picking.type": "sequence asc, id asc",
    "stock.warehouse.orderpoint": "location_id asc, company_id asc, id asc",
    "product.product": "priority desc, default_code asc, name asc, id asc",
    "res.partner": "complete_name asc, id desc",
    "sale.order": "date_order desc, id desc",
    "sale.order.line": "order_id asc, sequence asc, id asc",
    "purchase.order": "priority desc, id desc",
    "mail.activity": "date_deadline asc, id asc",
    "mail.message": "id desc",
    "res.users": "name asc, login asc",
    "stock.lot": "name asc, id asc",
    "stock.picking.batch": "name desc",
    "mail.activity.type": "sequence asc, id asc",
}

#: field used by name_search and (by default) display_name
REC_NAME: dict[str, str] = {
    "stock.location": "complete_name",
    "product.category": "complete_name",
    "mail.activity": "summary",
    "ir.model": "model",
    "mail.message": "subject",
    "stock.quant": "id",
}

#: required fields checked on create (those without a default); the message names the first one
ENFORCED_REQUIRED: dict[str, list[str]] = {
    "stock.move": ["product_id", "name"],
    "stock.picking": ["picking_type_id"],
    "mail.activity": ["res_model_id"],
    "stock.quant": ["product_id", "location_id"],
    "sale.order": ["partner_id"],
    "sale.order.line": ["order_id", "product_id"],
    "purchase.order": ["partner_id"],
    "stock.location": ["name"],
    "stock.warehouse": ["name", "code"],
    "product.product": ["name"],
    "stock.lot": ["name", "product_id"],
    "stock.warehouse.orderpoint": ["product_id", "location_id"],
    "ir.model": ["model"],
}

#: model descriptions used in error messages ("Model: Stock Move (stock.move)")
DESCRIPTIONS: dict[str, str] = {
    "stock.picking": "Transfer",
    "stock.move": "Stock Move",
    "stock.move.line": "Product Moves (Stock Move Line)",
    "stock.quant": "Quants",
    "stock.location": "Inventory Locations",
    "stock.warehouse": "Warehouse",
    "stock.picking.type": "Picking Type",
    "stock.warehouse.orderpoint": "Minimum Inventory Rule",
    "sale.order": "Sales Order",
    "sale.order.line": "Sales Order Line",
    "purchase.order": "Purchase Order",
    "res.partner": "Contact",
    "product.product": "Product Variant",
    "stock.lot": "Lot/Serial",
    "mail.activity": "Activity",
    "res.users": "User",
    "stock.picking.batch": "Batch Transfer",
    "base.automation": "Automation Rule",
    "ir.actions.server": "Server Action",
    "ir.module.module": "Module",
}


@dataclass
class ModelSpec:
    """Everything the generic ORM needs to know about one model."""

    name: str
    fields: dict[str, dict]
    columns: list[str] = field(default_factory=list)
    m2m_columns: list[str] = field(default_factory=list)

    @property
    def table(self) -> str:
        return self.name.replace(".", "_")

    @property
    def has_active(self) -> bool:
        return "active" in self.fields

    @property
    def order(self) -> str:
        return DEFAULT_ORDER.get(self.name, "id asc")

    @property
    def rec_name(self) -> str:
        if self.name in REC_NAME:
            return REC_NAME[self.name]
        return "name" if "name" in self.fields else "id"

    @property
    def description(self) -> str:
        return DESCRIPTIONS.get(self.name, self.name)

    def ftype(self, fname: str) -> str:
        return self.fields[fname]["type"]


def _build(name: str, fields: dict) -> ModelSpec:
    merged = {**_base_fields(), **fields}
    spec = ModelSpec(name=name, fields=merged)
    for fname, fdef in merged.items():
        if fname == "id" or fname == "display_name":
            continue
        if fdef["type"] in SCALAR_TYPES:
            spec.columns.append(fname)
        elif fdef["type"] == M2M_TYPE:
            spec.m2m_columns.append(fname)
    return spec


@cache
def registry() -> dict[str, ModelSpec]:
    """All simulated models by name (loaded once)."""
    models: dict[str, ModelSpec] = {}
    for path in sorted(FIELDDEFS.glob("*.json")):
        name = path.stem
        models[name] = _build(name, json.loads(path.read_text()))
    for name, fields in EXTRA_MODELS.items():
        models[name] = _build(name, fields)
    return models


def get_spec(model: str) -> ModelSpec | None:
    """The spec of `model`, or None when the simulator does not know it."""
    return registry().get(model)
