"""Mirrors of Odoo's stock models: warehouses, locations, operation types, transfers, moves, quants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from apps.mirror.models.base import MirrorRecord, odoo_ref

if TYPE_CHECKING:
    from apps.mirror.models.base import OdooRef
    from apps.mirror.models.orders import PurchaseOrder, SaleOrder
    from apps.mirror.models.partners import Partner, Product


class Warehouse(MirrorRecord):
    name = models.TextField()
    code = models.CharField(max_length=20)
    stock_location: OdooRef[Location] = odoo_ref("mirror.Location")
    company_odoo_id = models.PositiveIntegerField(null=True)

    def __str__(self) -> str:
        return self.code


class Location(MirrorRecord):
    name = models.TextField()
    complete_name = models.TextField(blank=True)
    usage = models.CharField(max_length=20)  # internal, view, supplier, customer, inventory, transit
    parent: OdooRef[Location] = odoo_ref("mirror.Location")
    warehouse: OdooRef[Warehouse] = odoo_ref("mirror.Warehouse")
    barcode = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.complete_name or self.name


class PickingType(MirrorRecord):
    name = models.TextField()
    code = models.CharField(max_length=20)  # incoming, outgoing, internal
    sequence_code = models.TextField(blank=True)
    warehouse: OdooRef[Warehouse] = odoo_ref("mirror.Warehouse")
    default_location_src: OdooRef[Location] = odoo_ref("mirror.Location")
    default_location_dest: OdooRef[Location] = odoo_ref("mirror.Location")
    reservation_method = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return self.name


class Picking(MirrorRecord):
    """A transfer (receipt, internal move, delivery)."""

    name = models.TextField()
    state = models.CharField(max_length=20, db_index=True)
    picking_type: OdooRef[PickingType] = odoo_ref("mirror.PickingType", related_name="pickings")
    picking_type_code = models.CharField(max_length=20, db_index=True)
    location: OdooRef[Location] = odoo_ref("mirror.Location")
    location_dest: OdooRef[Location] = odoo_ref("mirror.Location")
    partner: OdooRef[Partner] = odoo_ref("mirror.Partner")
    origin = models.TextField(blank=True)
    scheduled_date = models.DateTimeField(null=True, db_index=True)
    date_deadline = models.DateTimeField(null=True)
    date_done = models.DateTimeField(null=True)
    priority = models.CharField(max_length=2, default="0")
    responsible_odoo_id = models.PositiveIntegerField(null=True)
    responsible_name = models.TextField(blank=True)
    company_odoo_id = models.PositiveIntegerField(null=True)
    backorder_of_odoo_id = models.PositiveIntegerField(null=True)
    carrier_odoo_id = models.PositiveIntegerField(null=True)
    carrier_name = models.TextField(blank=True)
    carrier_tracking_ref = models.TextField(blank=True)
    sale_order: OdooRef[SaleOrder] = odoo_ref("mirror.SaleOrder", related_name="pickings")
    purchase_order: OdooRef[PurchaseOrder] = odoo_ref("mirror.PurchaseOrder", related_name="pickings")
    move_type = models.CharField(max_length=10, default="direct")
    odoo_create_date = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["picking_type_code", "state", "scheduled_date"])]

    def __str__(self) -> str:
        return self.name


class Move(MirrorRecord):
    """A stock move: one product's demand and quantity within a transfer."""

    name = models.TextField(blank=True)
    reference = models.TextField(blank=True)
    state = models.CharField(max_length=30, db_index=True)
    picking: OdooRef[Picking] = odoo_ref("mirror.Picking", related_name="moves")
    product: OdooRef[Product] = odoo_ref("mirror.Product")
    product_uom_qty = models.FloatField(default=0)  # demand
    quantity = models.FloatField(default=0)  # reserved or done
    location: OdooRef[Location] = odoo_ref("mirror.Location")
    location_dest: OdooRef[Location] = odoo_ref("mirror.Location")
    date = models.DateTimeField(null=True)
    date_deadline = models.DateTimeField(null=True)
    picked = models.BooleanField(default=False)
    origin = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.reference or self.name


class Quant(MirrorRecord):
    """Stock on hand of one product at one location (and lot)."""

    product: OdooRef[Product] = odoo_ref("mirror.Product")
    location: OdooRef[Location] = odoo_ref("mirror.Location", related_name="quants")
    lot_odoo_id = models.PositiveIntegerField(null=True)
    lot_name = models.TextField(blank=True)
    quantity = models.FloatField(default=0)
    reserved_quantity = models.FloatField(default=0)
    inventory_quantity = models.FloatField(default=0)
    inventory_quantity_set = models.BooleanField(default=False)
    inventory_diff_quantity = models.FloatField(default=0)
    in_date = models.DateTimeField(null=True)


class Orderpoint(MirrorRecord):
    """A reordering rule: the minimum and maximum to keep at a location."""

    name = models.TextField()
    product: OdooRef[Product] = odoo_ref("mirror.Product")
    location: OdooRef[Location] = odoo_ref("mirror.Location")
    warehouse: OdooRef[Warehouse] = odoo_ref("mirror.Warehouse")
    product_min_qty = models.FloatField(default=0)
    product_max_qty = models.FloatField(default=0)
    qty_multiple = models.FloatField(default=0)
    trigger = models.CharField(max_length=10, blank=True)
    snoozed_until = models.DateField(null=True)
