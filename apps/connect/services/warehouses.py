"""Map Odoo warehouses to sites: list them, create or update the chosen ones, warn on drift."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction

from apps.audit.services import audit_record
from apps.cases.models import CaseSettings
from apps.odoo import setup as odoo_setup
from apps.odoo.client import OdooClient
from apps.sites.models import Site

if TYPE_CHECKING:
    from apps.accounts.models import User

DEFAULT_TIMEZONE = "UTC"


@dataclass
class WarehouseRow:
    """One Odoo warehouse next to the site that maps it (if any), with what differs."""

    warehouse: odoo_setup.OdooWarehouse
    site: Site | None
    suggested_code: str
    timezone: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class MappingResult:
    created: list[Site] = field(default_factory=list)
    updated: list[Site] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def site_code_for(warehouse_code: str, warehouse_id: int, taken: set[str]) -> str:
    """A site code from the warehouse's short name: letters, digits, '-' and '_' only, unique."""
    code = re.sub(r"[^A-Za-z0-9_-]", "", warehouse_code or "")[:20] or f"WH{warehouse_id}"
    if code.upper() in taken:
        code = f"{code[:14]}-{warehouse_id}"
    return code


def usable_timezone(name: str | None) -> str:
    """Odoo's time zone when it is one this server knows, else UTC."""
    return name if name and name in zoneinfo.available_timezones() else DEFAULT_TIMEZONE


def warehouse_overview(*, client: OdooClient) -> list[WarehouseRow]:
    """Odoo's warehouses (archived too) with their site and any drift between the two."""
    odoo_rows = odoo_setup.warehouses(client)
    sites = {s.odoo_warehouse_id: s for s in Site.objects.filter(odoo_warehouse_id__isnull=False)}
    taken = {
        code.upper() for code in Site.objects.filter(odoo_warehouse_id__isnull=False).values_list("code", flat=True)
    }
    rows = []
    for wh in odoo_rows:
        site = sites.pop(wh.id, None)
        row = WarehouseRow(
            warehouse=wh,
            site=site,
            suggested_code=site.code if site else site_code_for(wh.code, wh.id, taken - {wh.code.upper()}),
            timezone=usable_timezone(wh.timezone),
        )
        row.warnings = _drift(wh, site)
        rows.append(row)
    return rows


def unknown_sites(*, client: OdooClient) -> list[Site]:
    """Sites mapped to a warehouse id Odoo no longer has."""
    known = {wh.id for wh in odoo_setup.warehouses(client)}
    return [s for s in Site.objects.filter(odoo_warehouse_id__isnull=False) if s.odoo_warehouse_id not in known]


def _drift(wh: odoo_setup.OdooWarehouse, site: Site | None) -> list[str]:
    if site is None:
        return []
    warnings = []
    if not wh.active:
        warnings.append(f"Warehouse {wh.name!r} is archived in Odoo; site {site.code} shows no new work from it.")
    if wh.name != site.name:
        warnings.append(f"Renamed in Odoo: {site.name!r} is now {wh.name!r}. Map it again to take the new name.")
    return warnings


def sites_map_warehouses(*, client: OdooClient, warehouse_ids: list[int], actor: User | None = None) -> MappingResult:
    """Create a site for each chosen warehouse, or update the one that maps it (name, time zone).

    Safe to repeat: a mapped warehouse updates its site and keeps the site's code (codes appear in
    URLs and bookmarks). New sites get the default detector thresholds and cutoffs. Archived
    warehouses are mapped too (a warning says so); ids Odoo does not have are reported, not raised.
    """
    by_id = {wh.id: wh for wh in odoo_setup.warehouses(client)}
    result = MappingResult()
    with transaction.atomic():
        taken = {code.upper() for code in Site.objects.values_list("code", flat=True)}
        for warehouse_id in warehouse_ids:
            wh = by_id.get(warehouse_id)
            if wh is None:
                result.warnings.append(f"Odoo has no warehouse with id {warehouse_id}; nothing was mapped for it.")
                continue
            timezone = usable_timezone(wh.timezone)
            site = Site.objects.filter(odoo_warehouse_id=wh.id).first()
            if site is None:
                # A site made by hand before (same code, no warehouse yet) is the one meant: adopt it.
                site = Site.objects.filter(code__iexact=wh.code, odoo_warehouse_id__isnull=True).first()
                if site is not None:
                    site.odoo_warehouse_id = wh.id
                    result.warnings.append(f"Site {site.code} existed without a warehouse; it now maps {wh.name!r}.")
            if site is None:
                code = site_code_for(wh.code, wh.id, taken)
                taken.add(code.upper())
                site = Site(code=code, odoo_warehouse_id=wh.id)
                result.created.append(site)
            else:
                result.updated.append(site)
            site.name, site.timezone, site.is_active = wh.name[:100], timezone, wh.active
            site.full_clean()
            site.save()
            CaseSettings.objects.get_or_create(site=site)
            if not wh.active:
                result.warnings.append(f"Warehouse {wh.name!r} is archived in Odoo; site {site.code} is inactive.")
            if wh.timezone is None:
                result.warnings.append(
                    f"Odoo has no time zone for {wh.name!r}; site {site.code} uses {timezone} until you change it."
                )
        audit_record(
            action="sites.mapped_from_odoo",
            subject="odoo warehouses",
            actor=actor,
            data={
                "created": [s.code for s in result.created],
                "updated": [s.code for s in result.updated],
                "warehouse_ids": list(warehouse_ids),
            },
        )
    return result
