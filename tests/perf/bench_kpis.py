"""KPI benchmark: the KPI pages' server time over a year of snapshots, and the scheduler's refresh
(the last two local days of every site, plus a late correction) over a year of history.

History: 200k exception cases, 50k approval requests (each with its step and its approver's
decision), 200k done transfers and 2M stock moves (1% of them inventory adjustments) over 365 days and
three sites in three time zones; KPI_BENCH_LARGE=1 raises the moves to 5M (and the transfers to
500k; KPI_BENCH_SCALE still scales the transfers alone). The pages read a year of daily snapshots and
a year of hourly ones (the hourly KPIs), and are measured by the day and by the hour.
KPI_BENCH_FRACTION=0.01 shrinks every count, to check the bench itself works on a busy machine.
Runs on a throwaway test database, like the other benchmarks.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.test import Client
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import (
    ApprovalDecision,
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalStep,
    DecisionKind,
    RequestStatus,
    RequestType,
)
from apps.cases.models import SEVERITY_RANK, Case, Status
from apps.core.embedded_redis import is_running, start_background, stop
from apps.kpis.definitions import definitions
from apps.kpis.models import KpiHourSnapshot, KpiSnapshot
from apps.kpis.refresh import day_refresh
from apps.kpis.services import kpi_snapshots_refresh_recent, local_day_bounds, local_day_of, local_hours
from apps.mirror.models import Location, Move, Picking, PickingType, Warehouse
from apps.sites.models import Site

LARGE = os.environ.get("KPI_BENCH_LARGE", "") == "1"
SCALE = float(os.environ.get("KPI_BENCH_SCALE", "2.5" if LARGE else "1"))
FRACTION = float(os.environ.get("KPI_BENCH_FRACTION", "1"))  # < 1: a quick check of the bench, not a result
N_CASES = int(200_000 * FRACTION)
N_REQUESTS = int(50_000 * FRACTION)
N_PICKINGS = int(200_000 * SCALE * FRACTION)
N_MOVES = int((5_000_000 if LARGE else 2_000_000) * FRACTION)
APPROVERS = 6
DAYS = 365
SITES = (("BRU", "Europe/Brussels"), ("CHI", "America/Chicago"), ("SIN", "Asia/Singapore"))
LEVELS = ("critical", "high", "medium", "low")
REQUESTS = 30


def p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=20)[18], 1)


def _seed(sites: list[Site]) -> None:
    rng = random.Random(19)
    now = timezone.now()
    span_min = DAYS * 24 * 60

    def batches(make, total: int, model) -> None:
        batch = []
        for index in range(total):
            batch.append(make(index))
            if len(batch) == 5000:
                model.objects.bulk_create(batch)
                batch = []
        model.objects.bulk_create(batch)

    def case(index: int) -> Case:
        opened = now - timedelta(minutes=rng.randint(1, span_min))
        resolved = opened + timedelta(minutes=rng.randint(5, 60 * 72)) if rng.random() < 0.97 else None
        resolved = resolved if resolved and resolved < now else None
        level = LEVELS[index % 4]
        return Case(
            site=sites[index % len(sites)],
            kind="picking_late",
            dedupe_key=f"bench:{index}",
            title=f"Bench case {index}",
            status=Status.RESOLVED if resolved else Status.OPEN,
            is_open=resolved is None,
            severity=level,
            severity_rank=SEVERITY_RANK[level],
            opened_at=opened,
            last_seen_at=opened,
            acknowledged_at=opened + timedelta(minutes=rng.randint(1, 240)),
            resolved_at=resolved,
        )

    batches(case, N_CASES, Case)
    policy = ApprovalPolicy.objects.filter(request_type=RequestType.SHIPMENT_RELEASE, is_current=True).first()

    def request(index: int) -> ApprovalRequest:
        created = now - timedelta(minutes=rng.randint(60, span_min))
        return ApprovalRequest(
            site=sites[index % len(sites)],
            request_type=RequestType.SHIPMENT_RELEASE,
            status=RequestStatus.APPROVED,
            title=f"Bench request {index}",
            dedupe_key=f"bench:{index}",
            odoo_model="stock.picking",
            odoo_id=index + 1,
            policy=policy,
            route_name="bench",
            control_model="single_step",
            condition_text="bench",
            decided_at=created + timedelta(minutes=rng.randint(5, 600)),
        )

    batches(request, N_REQUESTS, ApprovalRequest)
    ApprovalRequest.objects.update(created_at=timezone.now() - timedelta(days=DAYS))  # auto_now_add; close enough
    approvers = [
        user_upsert(username=f"bench.approver{number}", password="x" * 20, roles=[Role.APPROVER_FINANCE], sites=sites)
        for number in range(APPROVERS)
    ]
    decided = list(ApprovalRequest.objects.values_list("pk", "decided_at"))

    def step(index: int) -> ApprovalStep:
        request_id, decided_at = decided[index]
        return ApprovalStep(
            request_id=request_id, position=1, name=("Finance", "Operations")[index % 2], sla_minutes=120,
            reminder_minutes=60, status="approved", activated_at=decided_at - timedelta(minutes=rng.randint(1, 300)),
            completed_at=decided_at,
        )  # fmt: skip

    batches(step, len(decided), ApprovalStep)
    steps = list(ApprovalStep.objects.values_list("pk", "request_id"))

    def decision(index: int) -> ApprovalDecision:
        step_id, request_id = steps[index]
        return ApprovalDecision(
            request_id=request_id, step_id=step_id, user=approvers[index % APPROVERS], kind=DecisionKind.APPROVE
        )

    batches(decision, len(steps), ApprovalDecision)
    ApprovalDecision.objects.update(  # auto_now_add: the decision lands when its step completed
        at=Subquery(ApprovalStep.objects.filter(pk=OuterRef("step_id")).values("completed_at")[:1])
    )
    types = {}
    for number, site in enumerate(sites, start=1):
        Warehouse.objects.create(odoo_id=number, name=site.code, code=site.code, synced_at=now)
        for offset, code in enumerate(("outgoing", "internal")):
            types[(site.code, code)] = number * 10 + offset
            PickingType.objects.create(
                odoo_id=number * 10 + offset, name=code, code=code, warehouse_id=number, synced_at=now
            )

    def picking(index: int) -> Picking:
        site = sites[index % len(sites)]
        code = ("outgoing", "internal")[index % 2]
        scheduled = now - timedelta(minutes=rng.randint(60, span_min))
        return Picking(
            odoo_id=index + 1,
            synced_at=now,
            name=f"{site.code}/{code}/{index}",
            state="done",
            picking_type_id=types[(site.code, code)],
            picking_type_code=code,
            scheduled_date=scheduled,
            date_done=scheduled + timedelta(minutes=rng.randint(-240, 180)),
        )

    batches(picking, N_PICKINGS, Picking)

    inventory = Location.objects.create(odoo_id=9000, name="Inventory adjustment", usage="inventory", synced_at=now)
    customers = Location.objects.create(odoo_id=9001, name="Customers", usage="customer", synced_at=now)
    stock = [
        Location.objects.create(
            odoo_id=9100 + number, name=f"{site.code}/Stock", usage="internal", warehouse_id=number, synced_at=now
        ).odoo_id
        for number, site in enumerate(sites, start=1)
    ]

    def move(index: int) -> Move:
        shelf = stock[index % len(stock)]
        adjustment = index % 100 == 0
        source, dest = (inventory.odoo_id, shelf) if adjustment and index % 200 else (shelf, customers.odoo_id)
        if adjustment and not index % 200:
            source, dest = shelf, inventory.odoo_id
        return Move(
            odoo_id=index + 1, synced_at=now, name=f"move {index}", state="done", product_uom_qty=2, quantity=2,
            location_id=source, location_dest_id=dest, date=now - timedelta(minutes=rng.randint(1, span_min)),
        )  # fmt: skip

    batches(move, N_MOVES, Move)


def _year_of_snapshots(sites: list[Site]) -> None:
    """Page reads only: a year of snapshot rows (the refresh below is measured on the real history)."""
    rng = random.Random(7)
    rows = []
    now = timezone.now()
    for site in sites:
        today = local_day_of(site, now)
        for offset in range(DAYS):
            day = today - timedelta(days=offset)
            start, end = local_day_bounds(site, day)
            for kpi in definitions():
                rows.append(
                    KpiSnapshot(
                        site=site, kpi=kpi.code, day=day, period_start=start, period_end=end,
                        value=rng.uniform(10, 90) if kpi.unit == "percent" else rng.uniform(600, 86400),
                        sample_size=rng.randint(10, 400),
                        breakdown={"p90_s": 1.0, "by_severity": dict.fromkeys(LEVELS, 1.0)},
                        computed_at=now,
                    )
                )  # fmt: skip
    KpiSnapshot.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)  # keep the refreshed days
    hourly = [kpi for kpi in definitions() if kpi.hourly]
    for site in sites:  # a year of the scheduler's hours: 365 × 24 per hourly KPI and site
        today = local_day_of(site, now)
        hours = []
        for offset in range(DAYS):
            day = today - timedelta(days=offset)
            for start, end in local_hours(site, day):
                for kpi in hourly:
                    hours.append(
                        KpiHourSnapshot(
                            site=site, kpi=kpi.code, day=day, period_start=start, period_end=end,
                            value=rng.uniform(10, 90) if kpi.unit == "percent" else rng.uniform(60, 7200),
                            sample_size=rng.randint(0, 30), breakdown={"p90_s": 1.0}, computed_at=now,
                        )
                    )  # fmt: skip
        KpiHourSnapshot.objects.bulk_create(hours, batch_size=5000, ignore_conflicts=True)


def kpi_page_p95_ms(sites: list[Site]) -> float:
    manager = user_upsert(username="bench.manager", password="x" * 20, roles=[Role.MANAGER], sites=sites)
    client = Client()
    client.force_login(manager)
    year_ago = (date.today() - timedelta(days=DAYS - 1)).isoformat()
    urls = [
        "/kpis/",
        "/kpis/exception_aging/?site=BRU",
        "/kpis/approval_turnaround/",
        f"/kpis/dispatch_adherence/?site=CHI&from={year_ago}",
        "/api/v1/kpis/exception_aging/series/",
        "/kpis/exception_aging/?site=BRU&granularity=hour",
        "/kpis/approval_turnaround/?site=SIN&granularity=hour",
        "/api/v1/kpis/dispatch_adherence/series/?granularity=hour",
    ]
    samples = []
    for url in urls:
        client.get(url)  # warm
        measured = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(url)
            measured.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"  {url:<60} p95 {p95(measured):>7} ms")
        samples += measured
    return p95(samples)


def kpi_refresh_s(sites: list[Site]) -> float:
    """The scheduled pass (today and yesterday of every site) plus a late correction: a transfer
    backdated a month, recomputed for its day."""
    started = time.perf_counter()
    kpi_snapshots_refresh_recent()
    late_day = local_day_of(sites[0], timezone.now() - timedelta(days=30))
    day_refresh(sites[0].code, late_day.isoformat(), ["pick_delay", "dispatch_adherence"])
    return round(time.perf_counter() - started, 2)


def run() -> dict:
    redis = None
    if settings.EMBEDDED_REDIS and not is_running(settings.EMBEDDED_REDIS_PORT):
        redis = start_background(settings.EMBEDDED_REDIS_PORT, settings.VAR_DIR / "redis-bench")
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        sites = [Site.objects.create(code=code, name=f"{code} DC", timezone=zone) for code, zone in SITES]
        ensure_default_policies()
        started = time.perf_counter()
        _seed(sites)
        seconds = time.perf_counter() - started
        print(
            f"  seeded {N_CASES:,} cases, {N_REQUESTS:,} requests, {N_PICKINGS:,} transfers, {N_MOVES:,} moves "
            f"in {seconds:.0f} s"
        )
        with connection.cursor() as cursor:  # fresh statistics for the planner, as a live database has
            cursor.execute("ANALYZE")
        refresh_s = kpi_refresh_s(sites)
        _year_of_snapshots(sites)
        page_ms = kpi_page_p95_ms(sites)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if redis is not None:
            stop(redis)
    return {
        "kpi_page_p95_ms": {"value": page_ms, "unit": "ms", "goal": "< 300"},
        "kpi_refresh_s": {"value": refresh_s, "unit": "s", "goal": "< 120"},
    }
