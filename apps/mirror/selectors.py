"""Reads about the mirror: sync health (cursor, lag, last run per model) and which site a record belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Case, Count, Q, When
from django.utils import timezone

from apps.mirror.models import InboundEvent, Picking, SyncRun, SyncState, Warehouse
from apps.mirror.models.base import MirrorRecord
from apps.mirror.specs import SYNC_ORDER
from apps.odoo.config import OdooConfig
from apps.odoo.resilience import get_breaker
from apps.sites.models import Site

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime


def sync_overview() -> dict:
    """Everything the integration page and API show about sync, in one structure."""
    now = timezone.now()
    states = {state.odoo_model: state for state in SyncState.objects.all()}
    models = []
    for odoo_model in SYNC_ORDER:
        state = states.get(odoo_model)
        newest = state.newest_write_date if state else None
        models.append(
            {
                "model": odoo_model,
                "cursor": state.cursor if state else None,
                "lag_s": round((now - newest).total_seconds(), 1) if newest else None,
                "last_success_at": state.last_success_at if state else None,
                "last_finished_at": state.last_finished_at if state else None,
                "last_rows": state.last_rows if state else 0,
                "last_changed": state.last_changed if state else 0,
                "last_duration_ms": state.last_duration_ms if state else 0,
                "last_error": state.last_error if state else "",
                "consecutive_failures": state.consecutive_failures if state else 0,
                "last_rejected": state.last_rejected if state else 0,
                "last_rejected_detail": state.last_rejected_detail if state else "",
                "last_reconciled_at": state.last_reconciled_at if state else None,
            }
        )
    dead = InboundEvent.objects.filter(status=InboundEvent.Status.DEAD).count()
    rejected = InboundEvent.objects.filter(status=InboundEvent.Status.REJECTED).count()
    return {
        "models": models,
        "webhooks": {"dead": dead, "rejected": rejected},
        "breaker": get_breaker(OdooConfig.from_settings()).status(),
    }


def odoo_link_status() -> dict:
    """How fresh the mirror is, for every screen's top bar: "Odoo: synced 4 s ago", or since when
    Odoo has been failing. The freshness is that of the model synced least recently."""
    states = list(SyncState.objects.exclude(last_success_at=None).values("last_success_at", "consecutive_failures"))
    failing = SyncState.objects.filter(consecutive_failures__gt=0).order_by("-last_finished_at").first()
    return {
        "synced_at": min((s["last_success_at"] for s in states if s["last_success_at"] is not None), default=None),
        "failing": failing is not None,
        "error": failing.last_error if failing else "",
        "failing_since": failing.last_success_at if failing else None,
    }


def warehouse_site_codes() -> dict[int, str]:
    """Odoo warehouse id → Site code. A site names its warehouse by `odoo_warehouse_id`; when that is
    unset, a warehouse whose code equals the site's code belongs to it (the usual setup)."""
    sites = list(Site.objects.filter(is_active=True).values("code", "odoo_warehouse_id"))
    by_id = {site["odoo_warehouse_id"]: site["code"] for site in sites if site["odoo_warehouse_id"]}
    by_code = {site["code"]: site["code"] for site in sites if not site["odoo_warehouse_id"]}
    mapping = dict(by_id)
    for odoo_id, code in Warehouse.objects.filter(code__in=by_code).values_list("odoo_id", "code"):
        mapping.setdefault(odoo_id, by_code[code])
    return mapping


def picking_site_codes(picking_ids: Iterable[int]) -> dict[int, str]:
    """Odoo picking id → Site code, through the picking's operation type's warehouse."""
    warehouses = warehouse_site_codes()
    rows = Picking.objects.filter(odoo_id__in=picking_ids).values_list("odoo_id", "picking_type__warehouse_id")
    return {picking_id: warehouses[warehouse_id] for picking_id, warehouse_id in rows if warehouse_id in warehouses}


def site_warehouse_ids(site_code: str) -> list[int]:
    """The Odoo warehouse ids that belong to a site."""
    return [odoo_id for odoo_id, code in warehouse_site_codes().items() if code == site_code]


@dataclass(frozen=True)
class DeliveriesDue:
    total: int
    late: int  # scheduled time passed, not shipped
    not_ready: int  # nothing reserved yet (late or not)
    not_ready_on_time: int  # not ready, scheduled time still ahead
    first: list

    @property
    def at_risk(self) -> int:
        """Already past its time, or not ready yet: a late delivery is at risk even when picked."""
        return self.late + self.not_ready_on_time


# "What ships next?": the deliveries due within this window (walls and site overviews).
SHIPS_NEXT_WINDOW = timedelta(hours=2)


def outgoing_due(site_code: str, *, until: datetime, limit: int = 8) -> DeliveriesDue:
    """Open deliveries of a site scheduled before `until`: those at risk (late, or not ready) first,
    the earliest first among equals, so one delivery at risk is never listed below ready ones."""
    now = timezone.now()
    open_deliveries = (
        Picking.objects.filter(
            picking_type__warehouse_id__in=site_warehouse_ids(site_code),
            picking_type_code="outgoing",
            is_deleted=False,
            scheduled_date__lte=until,
        )
        .exclude(state__in=["done", "cancel", "draft"])
        .select_related("partner")
    )
    counts = open_deliveries.aggregate(
        total=Count("id"),
        late=Count("id", filter=Q(scheduled_date__lt=now)),
        not_ready=Count("id", filter=~Q(state="assigned")),
        not_ready_on_time=Count("id", filter=~Q(state="assigned") & Q(scheduled_date__gte=now)),
    )
    at_risk_first = Case(When(Q(scheduled_date__lt=now) | ~Q(state="assigned"), then=0), default=1)
    first = open_deliveries.order_by(at_risk_first, "scheduled_date", "odoo_id")[:limit]
    return DeliveriesDue(**counts, first=list(first))


def unmapped_warehouses() -> list[Warehouse]:
    """Active Odoo warehouses (as mirrored) that no site maps: their work is mirrored but shown nowhere."""
    mapped = Site.objects.filter(odoo_warehouse_id__isnull=False).values_list("odoo_warehouse_id", flat=True)
    return list(
        Warehouse.objects.filter(is_archived=False, is_deleted=False).exclude(odoo_id__in=mapped).order_by("code")
    )


def sync_run_summary(run: SyncRun) -> dict:
    """A first or full sync as screens show it: per model rows done of total, time left, errors.

    ``{"id", "kind", "kind_label", "status", "started_at", "finished_at", "error", "decisions_skipped",
    "rows_done", "rows_total", "seconds_left", "models": [{"model", "rows_done", "rows_total",
    "percent", "seconds_left", "finished", "error"}]}``
    """
    models = []
    for odoo_model, entry in run.progress.items():
        done, total = entry.get("rows_done", 0), entry.get("rows_total")
        models.append(
            {
                "model": odoo_model,
                "rows_done": done,
                "rows_total": total,
                "percent": round(100 * done / total) if total else (100 if entry.get("finished_at") else 0),
                "seconds_left": entry.get("seconds_left"),
                "finished": bool(entry.get("finished_at")),
                "error": entry.get("error", ""),
            }
        )
    lefts = [m["seconds_left"] for m in models if not m["finished"] and m["seconds_left"] is not None]
    return {
        "id": run.pk,
        "kind": run.kind,
        "kind_label": run.get_kind_display(),
        "status": run.status,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "error": run.error,
        "decisions_skipped": run.decisions_skipped,
        "rows_done": sum(m["rows_done"] for m in models),
        "rows_total": sum(m["rows_total"] or 0 for m in models),
        "seconds_left": sum(lefts) if lefts else None,
        "models": models,
    }


def sync_run_latest(*, kind: str | None = None) -> dict | None:
    """The latest first (or full) sync, summarised; None before the first one."""
    runs = SyncRun.objects.all()
    if kind:
        runs = runs.filter(kind=kind)
    run = runs.order_by("-started_at", "-id").first()
    return sync_run_summary(run) if run else None


def mirrored_while_building(rows: Iterable[MirrorRecord], *, since: datetime) -> set[int]:
    """Odoo ids among these mirror rows last written by a first or full sync started since `since`:
    rows the rules met as Odoo's past (a historical change set), so they decided nothing about them."""
    windows = [
        (started, finished or timezone.now())
        for started, finished in SyncRun.objects.filter(started_at__gte=since).values_list("started_at", "finished_at")
    ]
    return {row.odoo_id for row in rows if any(start <= row.synced_at <= end for start, end in windows)}
