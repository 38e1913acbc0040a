"""Which Odoo fields land in which mirror columns, and how each value is converted.

One spec per mirrored Odoo model. The sync, the webhook refresh, reconciliation and mirror_verify
all read rows through these specs, so a field added here is synced, verified and refreshed
everywhere at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from apps.mirror import models as mirror
from apps.mirror.models.base import MirrorRecord
from apps.odoo.datetimes import parse_date, parse_datetime

# Stored Odoo fields are kept right by polling write_date. A few non-stored fields are needed too
# (a customer's receivable `credit`, a product's `standard_price`): they change without bumping
# write_date, so they are marked volatile, re-read on their own schedule (refresh_volatile) and
# left out of mirror_verify's comparison.
# Conversions from Odoo's wire values (false for empty, [id, name] for many2one) to column values.
CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "char": lambda value: value if isinstance(value, str) else ("" if value is False or value is None else str(value)),
    "float": lambda value: float(value or 0),
    "bool": bool,
    "datetime": parse_datetime,
    "date": parse_date,
    "id": lambda value: value[0] if value else None,  # many2one → its Odoo id
    "name": lambda value: value[1] if value else "",  # many2one → its display name
    "archived": lambda value: not value,  # Odoo `active` → is_archived
}


def _char_column(values: list[Any]) -> list[Any]:
    char = CONVERTERS["char"]
    return [value if value.__class__ is str else char(value) for value in values]


def _float_column(values: list[Any]) -> list[Any]:
    return [value if value.__class__ is float and value else float(value or 0) for value in values]


def _parsed_once(parse: Callable[[Any], Any]) -> Callable[[list[Any]], list[Any]]:
    # A page repeats dates a lot (a bulk write stamps every row with one write_date): parse each once.
    def column(values: list[Any]) -> list[Any]:
        parsed = {value: parse(value) for value in set(values)}
        return [parsed[value] for value in values]

    return column


# The same conversions, a whole column at a time: what a sync page takes. The common case (a string
# for a char, a float for a float) costs no call; everything else goes through CONVERTERS above.
COLUMN_CONVERTERS: dict[str, Callable[[list[Any]], list[Any]]] = {
    "char": _char_column,
    "float": _float_column,
    "bool": lambda values: [bool(value) for value in values],
    "datetime": _parsed_once(parse_datetime),
    "date": _parsed_once(parse_date),
    "id": lambda values: [value[0] if value else None for value in values],
    "name": lambda values: [value[1] if value else "" for value in values],
    "archived": lambda values: [not value for value in values],
}


@dataclass(frozen=True)
class Field:
    odoo: str
    column: str
    kind: str
    volatile: bool = False  # non-stored in Odoo: refreshed on a schedule, not by write_date


@dataclass(frozen=True)
class MirrorSpec:
    odoo_model: str
    model: type[MirrorRecord]
    fields: tuple[Field, ...]
    has_active: bool = False  # archived rows are read too (active_test False)

    @property
    def odoo_fields(self) -> list[str]:
        return list(dict.fromkeys(field.odoo for field in self.fields))

    @property
    def volatile_fields(self) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if field.volatile)

    @property
    def verified_columns(self) -> list[str]:
        """Columns mirror_verify compares: everything polling keeps exact."""
        volatile = {field.column for field in self.volatile_fields}
        return [column for column in self.columns if column not in volatile]

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """Columns compared and written on upsert (besides odoo_id, synced_at, is_deleted)."""
        return (*(field.column for field in self.fields), "odoo_write_date")

    def convert(self, row: dict[str, Any]) -> dict[str, Any]:
        """One Odoo row → the mirror columns. Raises ValueError on a value of the wrong shape."""
        return dict(zip(self.columns, self.convert_values(row), strict=True))

    def convert_values(self, row: dict[str, Any]) -> tuple[Any, ...]:
        """One Odoo row → the values of `columns`, in their order (what a bulk upsert writes)."""
        get = row.get
        values = [convert(get(odoo, False)) for odoo, convert in self._converters]
        values.append(parse_datetime(get("write_date")))
        return tuple(values)

    def convert_page(self, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        """Many Odoo rows → their `convert_values`, converted column by column (a page's worth of
        rows costs a fraction of converting them one by one). Raises like `convert_values` on a
        value of the wrong shape, without saying which row: convert those rows one by one."""
        columns = [COLUMN_CONVERTERS[field.kind]([row.get(field.odoo, False) for row in rows]) for field in self.fields]
        columns.append(_parsed_once(parse_datetime)([row.get("write_date") for row in rows]))
        return list(zip(*columns, strict=True))

    @cached_property
    def _converters(self) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
        # Looked up once: conversion runs for every row of every page.
        return tuple((field.odoo, CONVERTERS[field.kind]) for field in self.fields)


def _fields(*specs: tuple[str, str, str] | Field) -> tuple[Field, ...]:
    return tuple(spec if isinstance(spec, Field) else Field(*spec) for spec in specs)


def _ref(odoo: str, column: str) -> tuple[str, str, str]:
    """A many2one stored as a relation to another mirror row (column `<name>_id` holds the Odoo id)."""
    return (odoo, f"{column}_id", "id")


ACTIVE = ("active", "is_archived", "archived")

SPECS: dict[str, MirrorSpec] = {
    spec.odoo_model: spec
    for spec in [
        MirrorSpec(
            "stock.warehouse",
            mirror.Warehouse,
            _fields(
                ("name", "name", "char"),
                ("code", "code", "char"),
                _ref("lot_stock_id", "stock_location"),
                ("company_id", "company_odoo_id", "id"),
                ACTIVE,
            ),
            has_active=True,
        ),
        MirrorSpec(
            "stock.location",
            mirror.Location,
            _fields(
                ("name", "name", "char"),
                ("complete_name", "complete_name", "char"),
                ("usage", "usage", "char"),
                _ref("location_id", "parent"),
                _ref("warehouse_id", "warehouse"),
                ("barcode", "barcode", "char"),
                ACTIVE,
            ),
            has_active=True,
        ),
        MirrorSpec(
            "stock.picking.type",
            mirror.PickingType,
            _fields(
                ("name", "name", "char"),
                ("code", "code", "char"),
                ("sequence_code", "sequence_code", "char"),
                _ref("warehouse_id", "warehouse"),
                _ref("default_location_src_id", "default_location_src"),
                _ref("default_location_dest_id", "default_location_dest"),
                ("reservation_method", "reservation_method", "char"),
                ACTIVE,
            ),
            has_active=True,
        ),
        MirrorSpec(
            "stock.picking",
            mirror.Picking,
            _fields(
                ("name", "name", "char"),
                ("state", "state", "char"),
                _ref("picking_type_id", "picking_type"),
                ("picking_type_code", "picking_type_code", "char"),
                _ref("location_id", "location"),
                _ref("location_dest_id", "location_dest"),
                _ref("partner_id", "partner"),
                ("origin", "origin", "char"),
                ("scheduled_date", "scheduled_date", "datetime"),
                ("date_deadline", "date_deadline", "datetime"),
                ("date_done", "date_done", "datetime"),
                ("priority", "priority", "char"),
                ("user_id", "responsible_odoo_id", "id"),
                ("user_id", "responsible_name", "name"),
                ("company_id", "company_odoo_id", "id"),
                ("backorder_id", "backorder_of_odoo_id", "id"),
                ("carrier_id", "carrier_odoo_id", "id"),
                ("carrier_id", "carrier_name", "name"),
                ("carrier_tracking_ref", "carrier_tracking_ref", "char"),
                _ref("sale_id", "sale_order"),
                _ref("purchase_id", "purchase_order"),
                ("move_type", "move_type", "char"),
                ("create_date", "odoo_create_date", "datetime"),
            ),
        ),
        MirrorSpec(
            "stock.move",
            mirror.Move,
            _fields(
                ("name", "name", "char"),
                ("reference", "reference", "char"),
                ("state", "state", "char"),
                _ref("picking_id", "picking"),
                _ref("product_id", "product"),
                ("product_uom_qty", "product_uom_qty", "float"),
                ("quantity", "quantity", "float"),
                _ref("location_id", "location"),
                _ref("location_dest_id", "location_dest"),
                ("date", "date", "datetime"),
                ("date_deadline", "date_deadline", "datetime"),
                ("picked", "picked", "bool"),
                ("origin", "origin", "char"),
            ),
        ),
        MirrorSpec(
            "stock.quant",
            mirror.Quant,
            _fields(
                _ref("product_id", "product"),
                _ref("location_id", "location"),
                ("lot_id", "lot_odoo_id", "id"),
                ("lot_id", "lot_name", "name"),
                ("quantity", "quantity", "float"),
                ("reserved_quantity", "reserved_quantity", "float"),
                ("inventory_quantity", "inventory_quantity", "float"),
                ("inventory_quantity_set", "inventory_quantity_set", "bool"),
                ("inventory_diff_quantity", "inventory_diff_quantity", "float"),
                ("in_date", "in_date", "datetime"),
            ),
        ),
        MirrorSpec(
            "stock.warehouse.orderpoint",
            mirror.Orderpoint,
            _fields(
                ("name", "name", "char"),
                _ref("product_id", "product"),
                _ref("location_id", "location"),
                _ref("warehouse_id", "warehouse"),
                ("product_min_qty", "product_min_qty", "float"),
                ("product_max_qty", "product_max_qty", "float"),
                ("qty_multiple", "qty_multiple", "float"),
                ("trigger", "trigger", "char"),
                ("snoozed_until", "snoozed_until", "date"),
                ACTIVE,
            ),
            has_active=True,
        ),
        MirrorSpec(
            "product.product",
            mirror.Product,
            _fields(
                ("name", "name", "char"),
                ("default_code", "default_code", "char"),
                ("barcode", "barcode", "char"),
                ("detailed_type", "detailed_type", "char"),
                ("uom_id", "uom_name", "name"),
                ("tracking", "tracking", "char"),
                ("categ_id", "category_name", "name"),
                Field("standard_price", "standard_price", "float", volatile=True),
                ACTIVE,
            ),
            has_active=True,
        ),
        MirrorSpec(
            "res.partner",
            mirror.Partner,
            _fields(
                ("name", "name", "char"),
                ("is_company", "is_company", "bool"),
                _ref("parent_id", "parent"),
                ("email", "email", "char"),
                ("phone", "phone", "char"),
                ("city", "city", "char"),
                ("country_id", "country_name", "name"),
                ("ref", "ref", "char"),
                ("credit_limit", "credit_limit", "float"),
                Field("credit", "credit", "float", volatile=True),
                ("picking_warn", "picking_warn", "char"),
                ACTIVE,
            ),
            has_active=True,
        ),
        MirrorSpec(
            "delivery.carrier",
            mirror.Carrier,
            _fields(("name", "name", "char"), ("delivery_type", "delivery_type", "char"), ACTIVE),
            has_active=True,
        ),
        MirrorSpec(
            "sale.order",
            mirror.SaleOrder,
            _fields(
                ("name", "name", "char"),
                ("state", "state", "char"),
                _ref("partner_id", "partner"),
                ("date_order", "date_order", "datetime"),
                ("commitment_date", "commitment_date", "datetime"),
                ("amount_total", "amount_total", "float"),
                ("currency_id", "currency_name", "name"),
                ("delivery_status", "delivery_status", "char"),
                _ref("warehouse_id", "warehouse"),
                ("user_id", "salesperson_name", "name"),
            ),
        ),
        MirrorSpec(
            "purchase.order",
            mirror.PurchaseOrder,
            _fields(
                ("name", "name", "char"),
                ("state", "state", "char"),
                _ref("partner_id", "partner"),
                ("date_order", "date_order", "datetime"),
                ("date_planned", "date_planned", "datetime"),
                ("amount_total", "amount_total", "float"),
                ("receipt_status", "receipt_status", "char"),
                _ref("picking_type_id", "picking_type"),
            ),
        ),
    ]
}

# Sync order: referenced models first, so a screen rarely shows a dangling reference.
SYNC_ORDER = list(SPECS)


def spec_for(odoo_model: str) -> MirrorSpec:
    try:
        return SPECS[odoo_model]
    except KeyError:
        raise KeyError(f"{odoo_model!r} is not mirrored; choose one of: {', '.join(SPECS)}") from None
