"""Keep snapshots current on change: a transfer, case or approval that changed recomputes the local
days it touches (coalesced through a task), so a backdated transfer corrects its earlier day."""

from __future__ import annotations

from datetime import date

from celery import current_app
from django.utils import timezone

from apps.core.redis import get_redis
from apps.kpis.definitions import definition
from apps.kpis.services import kpi_snapshots_refresh, local_day_of
from apps.mirror.changes import ChangeSet
from apps.mirror.models import Picking
from apps.mirror.selectors import picking_site_codes
from apps.sites.models import Site

REFRESH_TASK = "kpis.refresh_day"
COALESCE_S = 2.0  # changes within this window share one recomputation

TRANSFER_KPIS = ("pick_delay", "dispatch_adherence")
CASE_KPIS = ("exception_aging", "exception_acknowledge_time", "exception_resolve_time")
APPROVAL_KPIS = ("approval_turnaround", "approval_sla_breaches")


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
    """Change-set subscriber: transfers done (or re-dated) → the local days of their date done."""
    if changes.odoo_model != "stock.picking":
        return
    changed = [*changes.created, *changes.updated]
    sites = {site.code: site for site in Site.objects.filter(is_active=True)}
    site_of = picking_site_codes(changed)
    done = Picking.objects.filter(odoo_id__in=site_of, date_done__isnull=False).values_list("odoo_id", "date_done")
    wanted = {
        (site_of[odoo_id], local_day_of(sites[site_of[odoo_id]], date_done))
        for odoo_id, date_done in done
        if date_done is not None
    }
    for site_code, day in wanted:
        request_day_refresh(site_code, day, TRANSFER_KPIS)


def refresh_for_published(event: str, site_code: str | None, payload: dict) -> None:
    """Publish listener: a case or an approval changed on a site → that site's KPIs of today."""
    if not site_code or event.startswith("kpis."):
        return
    kpis: tuple[str, ...]
    if event.startswith("case"):
        kpis = CASE_KPIS
    elif event.startswith("approval"):
        kpis = APPROVAL_KPIS
    else:
        return
    site = Site.objects.filter(code=site_code).first()
    if site is not None:
        request_day_refresh(site_code, local_day_of(site, timezone.now()), kpis)
