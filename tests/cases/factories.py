"""Mirror rows for detector tests: a small warehouse world per site, built directly in the mirror."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from apps.mirror.models import Location, Move, Orderpoint, Partner, Picking, PickingType, Product, Quant, SaleOrder
from apps.mirror.models import Warehouse as MirrorWarehouse

_ids = itertools.count(10_000)


def next_id() -> int:
    return next(_ids)


def _base() -> dict:
    return {"odoo_id": next_id(), "synced_at": timezone.now(), "odoo_write_date": timezone.now()}


@dataclass
class SiteWorld:
    warehouse: MirrorWarehouse
    stock: Location
    forward: Location
    types: dict[str, PickingType]


def make_site_world(code: str) -> SiteWorld:
    warehouse = MirrorWarehouse.objects.create(name=f"{code} DC", code=code, **_base())
    stock = Location.objects.create(
        name="Stock", complete_name=f"{code}/Stock", usage="internal", warehouse_id=warehouse.odoo_id, **_base()
    )
    forward = Location.objects.create(
        name="Forward Pick",
        complete_name=f"{code}/Stock/Forward Pick",
        usage="internal",
        warehouse_id=warehouse.odoo_id,
        **_base(),
    )
    types = {
        code_: PickingType.objects.create(name=name, code=code_, warehouse_id=warehouse.odoo_id, **_base())
        for code_, name in (("incoming", "Receipts"), ("outgoing", "Delivery Orders"), ("internal", "Internal"))
    }
    return SiteWorld(warehouse, stock, forward, types)


def inventory_location() -> Location:
    found = Location.objects.filter(usage="inventory").first()
    return found or Location.objects.create(
        name="Inventory adjustment",
        complete_name="Virtual Locations/Inventory adjustment",
        usage="inventory",
        **_base(),
    )


def make_partner(**values) -> Partner:
    defaults = {"name": "Nordic Retail 001", "ref": "TIER-B", "credit_limit": 0.0, "is_company": True}
    return Partner.objects.create(**{**defaults, **values}, **_base())


def make_product(**values) -> Product:
    defaults = {"name": "Steel Shelf", "default_code": f"CT-{next_id()}"}
    return Product.objects.create(**{**defaults, **values}, **_base())


def make_order(site: SiteWorld, partner: Partner, **values) -> SaleOrder:
    defaults = {"name": f"S{next_id()}", "state": "sale", "amount_total": 1200.0}
    return SaleOrder.objects.create(
        warehouse_id=site.warehouse.odoo_id, partner_id=partner.odoo_id, **{**defaults, **values}, **_base()
    )


def make_picking(site: SiteWorld, kind: str = "outgoing", **values) -> Picking:
    prefix = {"incoming": "IN", "outgoing": "OUT", "internal": "INT"}[kind]
    defaults = {
        "name": f"{site.warehouse.code}/{prefix}/{next_id()}",
        "state": "assigned",
        "scheduled_date": timezone.now() + timedelta(hours=6),
        "odoo_create_date": timezone.now() - timedelta(hours=1),
    }
    return Picking.objects.create(
        picking_type_id=site.types[kind].odoo_id, picking_type_code=kind, **{**defaults, **values}, **_base()
    )


def make_move(picking: Picking | None, product: Product, **values) -> Move:
    defaults = {"state": "assigned", "product_uom_qty": 5.0, "quantity": 5.0}
    return Move.objects.create(
        picking_id=picking.odoo_id if picking else None, product_id=product.odoo_id, **{**defaults, **values}, **_base()
    )


def make_quant(location: Location, product: Product, quantity: float, **values) -> Quant:
    return Quant.objects.create(
        location_id=location.odoo_id, product_id=product.odoo_id, quantity=quantity, **values, **_base()
    )


def make_orderpoint(site: SiteWorld, product: Product, minimum: float, **values) -> Orderpoint:
    return Orderpoint.objects.create(
        name=f"OP/{next_id()}",
        product_id=product.odoo_id,
        location_id=site.forward.odoo_id,
        warehouse_id=site.warehouse.odoo_id,
        product_min_qty=minimum,
        product_max_qty=minimum * 3,
        **values,
        **_base(),
    )


def at(hours: float = 0, minutes: float = 0, base: datetime | None = None) -> datetime:
    return (base or timezone.now()) + timedelta(hours=hours, minutes=minutes)
