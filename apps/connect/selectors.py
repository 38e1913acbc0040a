"""Reads for the connection wizard and the integration health page."""

from __future__ import annotations

from apps.mirror.models import Warehouse
from apps.sites.models import Site


def unmapped_warehouses() -> list[Warehouse]:
    """Active Odoo warehouses (as mirrored) that no site maps: their work is mirrored but shown nowhere."""
    mapped = Site.objects.filter(odoo_warehouse_id__isnull=False).values_list("odoo_warehouse_id", flat=True)
    return list(
        Warehouse.objects.filter(is_archived=False, is_deleted=False).exclude(odoo_id__in=mapped).order_by("code")
    )
