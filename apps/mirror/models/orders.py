"""Mirrors of sale and purchase orders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from apps.mirror.models.base import MirrorRecord, odoo_ref

if TYPE_CHECKING:
    from apps.mirror.models.base import OdooRef
    from apps.mirror.models.partners import Partner
    from apps.mirror.models.stock import PickingType, Warehouse


class SaleOrder(MirrorRecord):
    name = models.TextField()
    state = models.CharField(max_length=20, db_index=True)
    partner: OdooRef[Partner] = odoo_ref("mirror.Partner")
    date_order = models.DateTimeField(null=True)
    commitment_date = models.DateTimeField(null=True)
    amount_total = models.FloatField(default=0)
    currency_name = models.TextField(blank=True)
    delivery_status = models.CharField(max_length=20, blank=True)
    warehouse: OdooRef[Warehouse] = odoo_ref("mirror.Warehouse")
    salesperson_name = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class PurchaseOrder(MirrorRecord):
    name = models.TextField()
    state = models.CharField(max_length=20, db_index=True)
    partner: OdooRef[Partner] = odoo_ref("mirror.Partner")
    date_order = models.DateTimeField(null=True)
    date_planned = models.DateTimeField(null=True)
    amount_total = models.FloatField(default=0)
    receipt_status = models.CharField(max_length=20, blank=True)
    picking_type: OdooRef[PickingType] = odoo_ref("mirror.PickingType")

    def __str__(self) -> str:
        return self.name
