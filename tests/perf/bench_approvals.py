"""Approval inbox benchmark: the inbox page, its list partial and API with 50k requests (5k pending).

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
    RequestStatus,
    RequestType,
)
from apps.core.embedded_redis import is_running, start_background, stop
from apps.sites.models import Site

N_REQUESTS = 50_000
N_PENDING = 5_000
SITES = ("BRU", "CHI", "SIN")
ROUTES = (
    (RequestType.SHIPMENT_RELEASE, Role.APPROVER_FINANCE),
    (RequestType.CARRIER_UPGRADE, Role.APPROVER_OPERATIONS),
    (RequestType.EMERGENCY_PURCHASE, Role.APPROVER_PROCUREMENT),
    (RequestType.INVENTORY_ADJUSTMENT, Role.SUPERVISOR),
)
CLOSED = (RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.STRAIGHT_THROUGH)
REQUESTS = 40


def p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=20)[18], 1)


def _seed(sites: dict, deciders: list) -> None:
    rng = random.Random(11)
    now = timezone.now()
    policies = {p.request_type: p for p in ApprovalPolicy.objects.filter(is_current=True)}
    context = {
        "customer": {"name": "Granite Trading 014", "tier": "TIER-A", "credit_limit": 50000},
        "picking": {"name": "BRU/OUT/00037", "state": "assigned", "carrier": "UPS Ground"},
        "stock": [{"product": "[CT-00035] Heavy Desk", "demand": 1.0, "reserved": 1.0, "state": "assigned"}] * 4,
    }
    batch = []
    for index in range(N_REQUESTS):
        pending = index < N_PENDING
        request_type, role = ROUTES[index % len(ROUTES)]
        created = now - timedelta(minutes=rng.randint(1, 60 * 24 * 90))
        batch.append(
            ApprovalRequest(
                site=sites[SITES[index % len(SITES)]],
                request_type=request_type,
                status=RequestStatus.PENDING if pending else rng.choice(CLOSED),
                title=f"Release BRU/OUT/{index:05d} to Granite Trading 014 (over credit limit)",
                dedupe_key=f"bench:{index}",
                odoo_model="stock.picking",
                odoo_id=index + 1,
                policy=policies[request_type],
                route_name="Over the credit limit",
                control_model="single_step",
                condition_text="over_limit_pct ≥ 10 (was 25)",
                is_low_risk=rng.random() < 0.3,
                facts={"over_limit_amount": 12500.0, "over_limit_pct": 25.0, "credit": 62500.0, "credit_limit": 50000},
                context=context,
                effect={"operation": "release_delivery", "summary": "Release to the floor"},
                raised_by_rule="bench",
                active_role=role if pending else "",
                due_at=now + timedelta(minutes=rng.randint(-120, 240)) if pending else None,
                decided_at=None if pending else created + timedelta(hours=1),
            )
        )
        if len(batch) == 5000:
            ApprovalRequest.objects.bulk_create(batch)
            batch = []
    ApprovalRequest.objects.bulk_create(batch)
    pending = list(
        ApprovalRequest.objects.filter(status=RequestStatus.PENDING).values_list("pk", "active_role", "due_at")
    )
    ApprovalStep.objects.bulk_create(
        [
            ApprovalStep(
                request_id=pk,
                position=1,
                name="Review",
                role=role,
                sla_minutes=120,
                reminder_minutes=60,
                status="active",
                activated_at=now,
                due_at=due,
                remind_at=due,
            )
            for pk, role, due in pending
        ],
        batch_size=5000,
    )
    first_step = ApprovalStep.objects.filter(request_id=OuterRef("pk"), position=1).values("pk")[:1]
    ApprovalRequest.objects.filter(status=RequestStatus.PENDING).update(active_step_id=Subquery(first_step))
    closed = ApprovalRequest.objects.exclude(status=RequestStatus.PENDING).values_list("pk", flat=True)
    ApprovalDecision.objects.bulk_create(
        [ApprovalDecision(request_id=pk, user=rng.choice(deciders), kind="approve") for pk in closed.iterator()],
        batch_size=5000,
    )


def _measure(client: Client, urls: list[str], repeat: int = REQUESTS) -> list[float]:
    samples = []
    for _ in range(repeat):
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return samples


def inbox_page_p95_ms() -> float:
    sites = {code: Site.objects.create(code=code, name=f"{code} DC", timezone="UTC") for code in SITES}
    ensure_default_policies()
    finance = user_upsert(
        username="bench.finance", password="x" * 20, roles=[Role.APPROVER_FINANCE], sites=[sites["BRU"], sites["CHI"]]
    )
    manager = user_upsert(
        username="bench.manager",
        password="x" * 20,
        roles=[Role.MANAGER, Role.APPROVER_OPERATIONS],
        sites=list(sites.values()),
    )
    _seed(sites, [finance, manager])
    with connection.cursor() as cursor:  # fresh statistics for the planner, as a live database has
        cursor.execute("ANALYZE")
    samples = []
    for user in (finance, manager):
        client = Client()
        client.force_login(user)
        urls = ["/approvals/", "/approvals/inbox/list/", "/approvals/?site=BRU", "/api/v1/approvals/inbox/"]
        _measure(client, urls[:1])  # warm caches (templates, roles)
        for url in urls:
            measured = _measure(client, [url])
            print(f"  {user.username:<14} {url:<28} p95 {p95(measured):>7} ms")
            samples += measured
    return p95(samples)


def run() -> dict:
    redis = None
    if settings.EMBEDDED_REDIS and not is_running(settings.EMBEDDED_REDIS_PORT):
        redis = start_background(settings.EMBEDDED_REDIS_PORT, settings.VAR_DIR / "redis-bench")
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        inbox_ms = inbox_page_p95_ms()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if redis is not None:
            stop(redis)
    return {"inbox_page_p95_ms": {"value": inbox_ms, "unit": "ms", "goal": "< 150"}}
