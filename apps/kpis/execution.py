"""KPIs of how the work flows once decided: order cycle time, blocked shipments, inventory adjustments
and write-back failures (registered in this order, after the dock KPIs: apps/kpis/apps.py)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from django.db.models import Q

from apps.cases.models import Case
from apps.kpis.computations import SEVERITIES, done_pickings, open_at, open_cases_over
from apps.kpis.definitions import KPIS, Direction, KpiDefinition, Measure, Period, Unit, median, percentile, share
from apps.mirror.models import Location, Move, Picking, SaleOrder
from apps.mirror.selectors import site_warehouse_ids
from apps.writeback.models import OutboxEntry


def order_cycle_time(period: Period) -> Measure:
    """Sale orders whose last delivery shipped in the period: from confirmation (Odoo sets the order
    date when it confirms) to that last shipment. An order with a delivery still open is not counted
    until it ships in full."""
    warehouses = site_warehouse_ids(period.site.code)
    shipped_today = set(
        done_pickings(period, ("outgoing",)).exclude(origin="").values_list("origin", flat=True).distinct()
    )
    if not shipped_today:
        return Measure(value=None, sample_size=0, breakdown={"p90_s": None})
    last_shipment: dict[str, datetime] = {}
    still_open: set[str] = set()
    for origin, state, date_done in Picking.objects.filter(
        origin__in=shipped_today, picking_type_code="outgoing", is_deleted=False
    ).values_list("origin", "state", "date_done"):
        if state == "done" and date_done:
            last_shipment[origin] = max(date_done, last_shipment.get(origin, date_done))
        elif state != "cancel":
            still_open.add(origin)
    spans: list[float] = []
    for name, confirmed_at in SaleOrder.objects.filter(
        name__in=shipped_today, warehouse_id__in=warehouses, state__in=("sale", "done"), is_deleted=False
    ).values_list("name", "date_order"):
        shipped_at = last_shipment.get(name)
        if name in still_open or confirmed_at is None or shipped_at is None:
            continue
        if period.start <= shipped_at < period.end:
            spans.append(max((shipped_at - confirmed_at).total_seconds(), 0.0))
    return Measure(value=median(spans), sample_size=len(spans), breakdown={"p90_s": percentile(spans, 0.9)})


def blocked_shipments(period: Period) -> Measure:
    """Blocked-shipment exceptions open at the end of the period (now, for today), by severity."""
    return blocked_shipments_many([period])[0]


def blocked_shipments_many(periods: list[Period]) -> list[Measure]:
    rows = open_cases_over(periods, kind="blocked_shipment")
    first_case = (
        Case.objects.filter(site=periods[0].site).order_by("opened_at").values_list("opened_at", flat=True).first()
    )
    measures = []
    for period in periods:
        severity = Counter(level for _, _, level in open_at(rows, period.as_of))
        count = sum(severity.values())
        watched = count > 0 or (first_case is not None and first_case < period.as_of)
        measures.append(
            Measure(
                value=float(count) if watched else None,  # a site with no exception history yet has no figure
                sample_size=count,
                breakdown={"by_severity": {level: severity[level] for level in SEVERITIES}},
            )
        )
    return measures


def inventory_adjustments(period: Period) -> Measure:
    """Inventory adjustment lines done in the period at the site's stock locations (moves between an
    internal location of the site and Odoo's inventory-adjustment location): how often the books
    disagreed with the shelf, with the units found and lost."""
    site_locations = set(
        Location.objects.filter(
            warehouse_id__in=site_warehouse_ids(period.site.code), usage="internal", is_deleted=False
        ).values_list("odoo_id", flat=True)
    )
    adjustment_locations = set(Location.objects.filter(usage="inventory").values_list("odoo_id", flat=True))
    rows = Move.objects.filter(state="done", date__gte=period.start, date__lt=period.end, is_deleted=False).filter(
        Q(location_id__in=adjustment_locations, location_dest_id__in=site_locations)
        | Q(location_id__in=site_locations, location_dest_id__in=adjustment_locations)
    )
    lines = 0
    found = lost = 0.0
    for source, quantity in rows.values_list("location_id", "quantity"):
        lines += 1
        if source in adjustment_locations:
            found += quantity
        else:
            lost += quantity
    return Measure(
        value=float(lines) if lines else None,
        sample_size=lines,
        breakdown={"lines": lines, "units_found": round(found, 3), "units_lost": round(lost, 3)},
    )


FAILED_STATUSES = (OutboxEntry.Status.NEEDS_ATTENTION, OutboxEntry.Status.DEAD)


def writeback_failures(period: Period) -> Measure:
    """Writes to Odoo asked for in the period that ended needing a person or were given up, as a share
    of all writes asked for in the period, by operation."""
    per_operation: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # operation → [asked, failed]
    for operation, status in OutboxEntry.objects.filter(
        site_code=period.site.code, created_at__gte=period.start, created_at__lt=period.end
    ).values_list("operation", "status"):
        per_operation[operation][0] += 1
        per_operation[operation][1] += status in FAILED_STATUSES
    asked = sum(counts[0] for counts in per_operation.values())
    failed = sum(counts[1] for counts in per_operation.values())
    return Measure(
        value=share(failed, asked),
        sample_size=asked,
        breakdown={
            "asked": asked,
            "failed": failed,
            "by_operation": {name: share(counts[1], counts[0]) for name, counts in sorted(per_operation.items())},
        },
    )


for _definition in (
    KpiDefinition(
        code="order_cycle_time",
        name="Order cycle time",
        question="How long from a confirmed order to its last shipment?",
        formula="Median time from confirmation to the last delivery shipped, for sale orders fully shipped that day.",
        source="Odoo sale orders (confirmation date) and deliveries (date done)",
        unit=Unit.DURATION,
        good=Direction.DOWN,
        compute=order_cycle_time,
    ),
    KpiDefinition(
        code="blocked_shipments",
        reads_retained=("cases",),
        name="Blocked shipments",
        question="How many deliveries are stuck at the end of the day?",
        formula="Blocked-shipment exceptions open at the end of the day (now, for today).",
        source="Exception cases of kind blocked shipment (opened, resolved)",
        unit=Unit.COUNT,
        good=Direction.DOWN,
        compute=blocked_shipments,
        hourly=True,
        compute_many=blocked_shipments_many,
        breakdown_title="Open blocked shipments by severity",
    ),
    KpiDefinition(
        code="inventory_adjustments",
        name="Inventory accuracy: adjustments",
        question="How often do the books disagree with the shelf?",
        formula="Inventory adjustment lines done that day at the site's stock locations, with the units found "
        "and lost; none is best.",
        source="Odoo stock moves to and from the inventory-adjustment location",
        unit=Unit.COUNT,
        good=Direction.DOWN,
        compute=inventory_adjustments,
    ),
    KpiDefinition(
        code="writeback_failures",
        reads_retained=("outbox",),
        name="Write-back failures",
        question="How often does a decision fail to reach Odoo by itself?",
        formula="Writes to Odoo asked for that day that needed a person or were given up ÷ all asked for that day.",
        source="Write-back outbox entries (created, status)",
        unit=Unit.PERCENT,
        good=Direction.DOWN,
        compute=writeback_failures,
        breakdown_title="Failure share by operation",
    ),
):
    KPIS.register(_definition, name=_definition.code)
