"""Keep snapshots current on change: a transfer, case or approval that changed recomputes the local
days it touches (coalesced through a task), so a backdated transfer corrects its earlier day."""

from __future__ import annotations

from datetime import date, datetime

from celery import current_app
from django.utils import timezone

from apps.core.redis import get_redis
from apps.kpis.definitions import definition
from apps.kpis.services import kpi_snapshots_refresh, local_day_of
from apps.mirror.changes import ChangeSet
from apps.mirror.models import Location, Move, Picking
from apps.mirror.selectors import picking_site_codes, warehouse_site_codes
from apps.sites.models import Site

REFRESH_TASK = "kpis.refresh_day"
COALESCE_S = 2.0  # changes within this window share one recomputation

TRANSFER_KPIS = ("pick_delay", "dispatch_adherence", "order_cycle_time")
MOVE_KPIS = ("inventory_adjustments",)
CASE_KPIS = ("exception_aging", "exception_acknowledge_time", "exception_resolve_time", "blocked_shipments")
APPROVAL_KPIS = ("approval_turnaround", "approval_sla_breaches", "straight_through_rate")
DOCK_KPIS = ("dock_on_time_arrival", "dock_dwell", "dock_door_utilisation")


def request_day_refresh(site_code: str, day: date, kpis: tuple[str, ...]) -> None:
    """Ask for a recomputation soon; many requests within COALESCE_S make one."""
    key = f"ct:kpis:pending:{site_code}:{day.isoformat()}:{','.join(kpis)}"
    if get_redis().set(key, 1, nx=True, px=int(COALESCE_S * 1000)):
        current_app.send_task(REFRESH_TASK, args=(site_code, day.isoformat(), list(kpis)), countdown=COALESCE_S)


def day_refresh(site_code: str, day: str, kpis: list[str]) -> int:
    """The task's work: recompute those KPIs of one site's day (nothing when the site is gone)."""
    site = Site.objects.filter(code=site_code, is_active=True).first()
    chosen = [found for found in (definition(code) for code in kpis) if found is not None]
    if site is None or not chosen:
        return 0
    return len(kpi_snapshots_refresh(site=site, day=date.fromisoformat(day), kpis=chosen))


def refresh_for_changes(changes: ChangeSet) -> None:
    """Change-set subscriber: transfers done (or re-dated) → the local days of their date done; stock
    moves done (inventory adjustments among them) → the local days of their date."""
    kpis: tuple[str, ...]
    if changes.odoo_model == "stock.picking":
        wanted, kpis = _picking_days(changes), TRANSFER_KPIS
    elif changes.odoo_model == "stock.move":
        wanted, kpis = _move_days(changes), MOVE_KPIS
    else:
        return
    for site_code, day in wanted:
        request_day_refresh(site_code, day, kpis)


def _picking_days(changes: ChangeSet) -> set[tuple[str, date]]:
    changed = [*changes.created, *changes.updated]
    sites = {site.code: site for site in Site.objects.filter(is_active=True)}
    site_of = picking_site_codes(changed)
    done = Picking.objects.filter(odoo_id__in=site_of, date_done__isnull=False).values_list("odoo_id", "date_done")
    return {
        (site_of[odoo_id], local_day_of(sites[site_of[odoo_id]], date_done))
        for odoo_id, date_done in done
        if date_done is not None
    }


def _move_days(changes: ChangeSet) -> set[tuple[str, date]]:
    changed = [*changes.created, *changes.updated]
    done = list(
        Move.objects.filter(odoo_id__in=changed, state="done", date__isnull=False).values_list(
            "location_id", "location_dest_id", "date"
        )
    )
    if not done:
        return set()
    sites = {site.code: site for site in Site.objects.filter(is_active=True)}
    warehouses = warehouse_site_codes()
    location_ids = {location for source, dest, _ in done for location in (source, dest)}
    site_of_location = {
        odoo_id: warehouses[warehouse_id]
        for odoo_id, warehouse_id in Location.objects.filter(odoo_id__in=location_ids).values_list(
            "odoo_id", "warehouse_id"
        )
        if warehouse_id in warehouses
    }
    wanted: set[tuple[str, date]] = set()
    for source, dest, moved_at in done:
        for location in (source, dest):
            code = site_of_location.get(location)
            if code is not None and moved_at is not None:
                wanted.add((code, local_day_of(sites[code], moved_at)))
    return wanted


def refresh_for_published(event: str, site_code: str | None, payload: dict) -> None:
    """Publish listener: a case or an approval changed on a site → that site's KPIs of today."""
    if not site_code or event.startswith("kpis."):
        return
    kpis: tuple[str, ...]
    at = timezone.now()
    if event.startswith("case"):
        kpis = CASE_KPIS
    elif event.startswith("approval"):
        kpis = APPROVAL_KPIS
    elif event.startswith("dock"):
        kpis = DOCK_KPIS
        # an appointment counts on the day it was planned for, which may not be today
        planned = payload.get("planned_start")
        at = datetime.fromisoformat(planned) if isinstance(planned, str) else at
    else:
        return
    site = Site.objects.filter(code=site_code).first()
    if site is not None:
        request_day_refresh(site_code, local_day_of(site, at), kpis)
