"""Mirrors of products, partners (customers, suppliers) and carriers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from apps.mirror.models.base import MirrorRecord, odoo_ref

if TYPE_CHECKING:
    from apps.mirror.models.base import OdooRef


class Product(MirrorRecord):
    name = models.TextField()
    default_code = models.TextField(blank=True, db_index=True)
    barcode = models.TextField(blank=True)
    detailed_type = models.CharField(max_length=20, blank=True)
    uom_name = models.TextField(blank=True)
    tracking = models.CharField(max_length=20, blank=True)
    category_name = models.TextField(blank=True)
    standard_price = models.FloatField(default=0)  # cost per unit (refreshed on a schedule)

    def __str__(self) -> str:
        return f"[{self.default_code}] {self.name}" if self.default_code else self.name


class Partner(MirrorRecord):
    name = models.TextField()
    is_company = models.BooleanField(default=False)
    parent: OdooRef[Partner] = odoo_ref("mirror.Partner")
    email = models.TextField(blank=True)
    phone = models.TextField(blank=True)
    city = models.TextField(blank=True)
    country_name = models.TextField(blank=True)
    ref = models.TextField(blank=True)
    credit_limit = models.FloatField(default=0)
    credit = models.FloatField(default=0)  # receivable now (refreshed on a schedule: Odoo does not stamp it)
    picking_warn = models.CharField(max_length=20, blank=True)  # "block" is a delivery hold

    def __str__(self) -> str:
        return self.name


class Carrier(MirrorRecord):
    name = models.TextField()
    delivery_type = models.CharField(max_length=30, blank=True)

    def __str__(self) -> str:
        return self.name
