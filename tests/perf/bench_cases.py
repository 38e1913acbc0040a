"""Exception queue benchmark: the queue page and its API with 100k cases (10k open), and the
detectors' throughput on changed records.

Runs on a throwaway test database (SQLite file, or `test_<name>` on PostgreSQL when DATABASE_URL
points at one), never on the demo database. Server time = the request measured inside the process
(middleware, queries, templates), without the network.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.cases.models import Case
from apps.cases.services.detection import detect_changes
from apps.core.embedded_redis import is_running, start_background, stop
from apps.mirror.changes import ChangeSet
from apps.mirror.models import Picking
from apps.sites.models import Site
from tests.cases import factories
from tests.perf.contention import load_average, pinned_busy_core

N_CASES = 100_000
N_OPEN = 10_000
SITES = ("BRU", "CHI", "SIN")
KINDS = ("late_receipt", "picking_late", "outbound_near_cutoff", "forward_shortage", "carrier_exception")
SEVERITIES = (("critical", 4), ("high", 3), ("medium", 2), ("low", 1))
REQUESTS = 40
CHANGED_PICKINGS = 5000


def p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=20)[18], 1)


def _seed_cases(sites: dict) -> None:
    rng = random.Random(6)
    now = timezone.now()
    batch = []
    for index in range(N_CASES):
        is_open = index < N_OPEN
        severity, rank = rng.choice(SEVERITIES)
        opened = now - timedelta(minutes=rng.randint(1, 60 * 24 * 60))
        batch.append(
            Case(
                site=sites[SITES[index % len(SITES)]],
                kind=rng.choice(KINDS),
                dedupe_key=f"bench:{index}",
                title=f"Delivery BRU/OUT/{index:05d} past its scheduled time",
                status="open" if is_open else rng.choice(["resolved", "auto_resolved"]),
                is_open=is_open,
                condition_present=is_open,
                severity=severity,
                severity_rank=rank,
                priority_score=rng.randint(10, 100),
                priority_reasons=["High severity", "Customer tier A"],
                odoo_model="stock.picking",
                odoo_id=index + 1,
                record_name=f"BRU/OUT/{index:05d}",
                steps=[{"model": "stock.picking", "id": index + 1, "name": "x", "kind": "Delivery", "flagged": True}],
                context={"site": {"code": "BRU"}},
                opened_at=opened,
                last_seen_at=opened,
                sla_due_at=opened + timedelta(hours=1),
                resolved_at=None if is_open else opened + timedelta(hours=2),
            )
        )
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
    Case.objects.bulk_create(batch)


def _measure(client: Client, urls: list[str]) -> list[float]:
    samples = []
    for _ in range(REQUESTS):
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return samples


def queue_page_p95_ms() -> tuple[float, float]:
    """The queue pages' p95 on the machine as it is, then with one core pinned busy."""
    sites = {code: Site.objects.create(code=code, name=f"{code} DC", timezone="UTC") for code in SITES}
    _seed_cases(sites)
    with connection.cursor() as cursor:  # fresh statistics for the planner, as a live database has
        cursor.execute("ANALYZE")
    supervisor = user_upsert(
        username="bench.supervisor", password="x" * 20, roles=[Role.SUPERVISOR], sites=[sites["BRU"]]
    )
    admin = user_upsert(username="bench.admin", password="x" * 20, roles=[Role.ADMIN], sites=[])
    urls = [
        "/exceptions/",
        "/exceptions/?severity=critical",
        "/exceptions/?type=late_receipt&status=open",
        "/exceptions/rows/",
        "/api/v1/cases/",
        "/api/v1/cases/?site=BRU&severity=high&page_size=50",
        "/api/v1/cases/?status=closed&page_size=50&page=11",
    ]
    clients = []
    for user in (supervisor, admin):
        client = Client()
        client.force_login(user)
        _measure(client, urls[:1])  # warm caches (templates, roles)
        clients.append(client)
    idle = [sample for client in clients for sample in _measure(client, urls)]
    load_before = load_average()
    with pinned_busy_core():
        contended = [sample for client in clients for sample in _measure(client, urls)]
    print(f"  queue pages p95: idle {p95(idle)} ms, one core pinned busy {p95(contended)} ms"
          f" (load average {load_before} → {load_average()})")  # fmt: skip
    return p95(idle), p95(contended)


def detector_rows_per_s() -> float:
    worlds = {code: factories.make_site_world(code) for code in SITES}
    rng = random.Random(7)
    now = timezone.now()
    pickings = []
    for index in range(CHANGED_PICKINGS):
        world = worlds[SITES[index % len(SITES)]]
        late = rng.random() < 0.1  # a tenth of the changed deliveries are late: cases to open
        pickings.append(
            Picking(
                odoo_id=900_000 + index,
                synced_at=now,
                name=f"{world.warehouse.code}/OUT/{index:05d}",
                state=rng.choice(["assigned", "confirmed"]),
                picking_type_id=world.types["outgoing"].odoo_id,
                picking_type_code="outgoing",
                scheduled_date=now + timedelta(hours=-3 if late else rng.randint(6, 72)),
                odoo_create_date=now - timedelta(hours=rng.randint(1, 30)),
                responsible_odoo_id=6,
            )
        )
    Picking.objects.bulk_create(pickings, batch_size=1000)
    ids = [picking.odoo_id for picking in pickings]
    changes = ChangeSet("stock.picking", updated={pid: ["scheduled_date", "state"] for pid in ids})
    started = time.perf_counter()
    detect_changes(changes)
    seconds = time.perf_counter() - started
    return round(len(ids) / seconds, 0)


def run() -> dict:
    redis = None
    if settings.EMBEDDED_REDIS and not is_running(settings.EMBEDDED_REDIS_PORT):
        redis = start_background(settings.EMBEDDED_REDIS_PORT, settings.VAR_DIR / "redis-bench")
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        queue_ms, queue_contended_ms = queue_page_p95_ms()
        rows_per_s = detector_rows_per_s()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if redis is not None:
            stop(redis)
    return {
        "queue_page_p95_ms": {"value": queue_ms, "unit": "ms", "goal": "< 150"},
        "queue_page_p95_contended_ms": {"value": queue_contended_ms, "unit": "ms", "goal": "<= 150"},
        "detector_rows_per_s": {"value": rows_per_s, "unit": "rows/s", "goal": ">= 1000"},
    }
