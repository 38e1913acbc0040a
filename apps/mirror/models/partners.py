"""Mirrors of products, partners (customers, suppliers) and carriers."""

from django.db import models

from apps.mirror.models.base import MirrorRecord, odoo_ref


class Product(MirrorRecord):
    name = models.CharField(max_length=300)
    default_code = models.CharField(max_length=100, blank=True, db_index=True)
    barcode = models.CharField(max_length=100, blank=True)
    detailed_type = models.CharField(max_length=20, blank=True)
    uom_name = models.CharField(max_length=50, blank=True)
    tracking = models.CharField(max_length=20, blank=True)
    category_name = models.CharField(max_length=200, blank=True)
    standard_price = models.FloatField(default=0)  # cost per unit (refreshed on a schedule)

    def __str__(self) -> str:
        return f"[{self.default_code}] {self.name}" if self.default_code else self.name


class Partner(MirrorRecord):
    name = models.CharField(max_length=300)
    is_company = models.BooleanField(default=False)
    parent = odoo_ref("mirror.Partner")
    email = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=200, blank=True)
    country_name = models.CharField(max_length=100, blank=True)
    ref = models.CharField(max_length=100, blank=True)
    credit_limit = models.FloatField(default=0)
    credit = models.FloatField(default=0)  # receivable now (refreshed on a schedule: Odoo does not stamp it)
    picking_warn = models.CharField(max_length=20, blank=True)  # "block" is a delivery hold

    def __str__(self) -> str:
        return self.name


class Carrier(MirrorRecord):
    name = models.CharField(max_length=200)
    delivery_type = models.CharField(max_length=30, blank=True)

    def __str__(self) -> str:
        return self.name
