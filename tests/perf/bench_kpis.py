"""KPI benchmark: the KPI pages' server time over a year of snapshots, and the scheduler's refresh
(the last two local days of every site, plus a late correction) over a year of history.

History: 200k exception cases, 50k approval requests and 200k done transfers over 365 days and three
sites in three time zones (KPI_BENCH_SCALE=2.5 for 500k transfers; the KPIs read transfers, not
their moves). Runs on a throwaway test database, like the other benchmarks.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import ApprovalPolicy, ApprovalRequest, RequestStatus, RequestType
from apps.cases.models import SEVERITY_RANK, Case, Status
from apps.core.embedded_redis import is_running, start_background, stop
from apps.kpis.definitions import definitions
from apps.kpis.models import KpiSnapshot
from apps.kpis.refresh import day_refresh
from apps.kpis.services import kpi_snapshots_refresh_recent, local_day_bounds, local_day_of
from apps.mirror.models import Picking, PickingType, Warehouse
from apps.sites.models import Site

SCALE = float(os.environ.get("KPI_BENCH_SCALE", "1"))
N_CASES = 200_000
N_REQUESTS = 50_000
N_PICKINGS = int(200_000 * SCALE)
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
        print(f"  seeded {N_CASES:,} cases, {N_REQUESTS:,} requests, {N_PICKINGS:,} transfers in {seconds:.0f} s")
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
