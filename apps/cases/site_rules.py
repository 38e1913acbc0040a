"""Which site a mirrored record belongs to, and that site's exception settings (its rules).

A mirror row reaches its site through its Odoo warehouse (a picking through its operation type,
a location, orderpoint or sale order directly). A Site matches a warehouse by `odoo_warehouse_id`
or, while that is unset, by warehouse code == site code (the demo's BRU/CHI/SIN). Records of a
warehouse no active Site matches raise no case: nobody could own it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from apps.cases.models import CaseSettings
from apps.mirror.models import Location, PickingType, Warehouse
from apps.sites.models import Site


@dataclass(frozen=True)
class SiteRules:
    """A site with its exception settings (defaults when none were saved)."""

    site: Site
    settings: CaseSettings
    warehouse_id: int | None = None  # the Odoo warehouse the site was matched to

    def enabled(self, detector_code: str) -> bool:
        return detector_code not in (self.settings.disabled_detectors or [])

    def cutoff_at(self, day_of: datetime, carrier_name: str = "") -> datetime:
        """The route cutoff (UTC) on the local day of `day_of`, for this carrier if it has its own."""
        tz = self.site.tzinfo
        local_day: date = day_of.astimezone(tz).date()
        cutoff = self.settings.route_cutoff
        configured = (self.settings.carrier_cutoffs or {}).get(carrier_name)
        if configured:
            hours, _, minutes = str(configured).partition(":")
            cutoff = time(int(hours), int(minutes or 0))
        return datetime.combine(local_day, cutoff, tzinfo=tz).astimezone(day_of.tzinfo)


class SiteResolver:
    """Resolves a mirrored record (by warehouse, location or operation type) to its site's rules.

    Loaded once per detector run.
    """

    def __init__(self) -> None:
        sites = list(Site.objects.filter(is_active=True))
        saved = {s.site_id: s for s in CaseSettings.objects.filter(site__in=sites)}
        by_code = {site.code: site for site in sites}
        by_warehouse = {site.odoo_warehouse_id: site for site in sites if site.odoo_warehouse_id}
        self.by_warehouse: dict[int, SiteRules] = {}
        for warehouse_id, code in Warehouse.objects.values_list("odoo_id", "code"):
            site = by_warehouse.get(warehouse_id) or (by_code.get(code) if code in by_code else None)
            if site is not None and (site.odoo_warehouse_id in (None, warehouse_id)):
                self.by_warehouse[warehouse_id] = SiteRules(
                    site, saved.get(site.pk) or CaseSettings(site=site), warehouse_id
                )
        # Every active site by code, for conditions that name their site (exception facts).
        self.by_site_code: dict[str, SiteRules] = {
            site.code: SiteRules(site, saved.get(site.pk) or CaseSettings(site=site)) for site in sites
        }
        self._location_warehouse: dict[int, int | None] | None = None
        self._type_warehouse: dict[int, int | None] | None = None

    def __bool__(self) -> bool:
        return bool(self.by_warehouse)

    def for_warehouse(self, warehouse_id: int | None) -> SiteRules | None:
        return self.by_warehouse.get(warehouse_id) if warehouse_id else None

    def for_site_code(self, code: str) -> SiteRules | None:
        return self.by_site_code.get(code)

    def for_location(self, location_id: int | None) -> SiteRules | None:
        if self._location_warehouse is None:
            self._location_warehouse = dict(Location.objects.values_list("odoo_id", "warehouse_id"))
        return self.for_warehouse(self._location_warehouse.get(location_id) if location_id is not None else None)

    def for_picking_type(self, picking_type_id: int | None) -> SiteRules | None:
        if self._type_warehouse is None:
            self._type_warehouse = dict(PickingType.objects.values_list("odoo_id", "warehouse_id"))
        return self.for_warehouse(self._type_warehouse.get(picking_type_id) if picking_type_id is not None else None)

    def sites(self) -> list[SiteRules]:
        return list({rules.site.pk: rules for rules in self.by_warehouse.values()}.values())


def minutes_between(later: datetime, earlier: datetime) -> int:
    return int((later - earlier) / timedelta(minutes=1))
