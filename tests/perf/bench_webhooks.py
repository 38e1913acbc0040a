"""webhook_out_p95_ms: from a committed change to its signed webhook at the receiver, with 50 subscriptions.

The real path: the case's transaction saves one outbound delivery per subscription (the live publish
recorder), its commit queues `outbound.send` for each on Redis, a Celery worker process (4 threads) claims
each delivery, signs it and POSTs it to a local receiver in this process. The clock runs from the commit
to each delivery's arrival; every one of the 50 deliveries of an event is a sample.

Runs on a scratch database (Django's test database for this port), never on the working one.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import defaultdict

from django.conf import settings
from django.db import transaction

from apps.cases.services.publishing import publish_case
from apps.integrations.models import EventType
from apps.integrations.services import subscription_create
from apps.sites.models import Site
from tests.escalation.conftest import make_case
from tests.outbound.receiver import Receiver
from tests.perf.bench_writeback import embedded_redis_running, scratch_database
from tests.servers import CeleryWorker, child_env, purge_broker

SUBSCRIPTIONS = 50
EVENTS = 20
ARRIVAL_TIMEOUT_S = 60.0
WORKER_START_TIMEOUT_S = 90.0


def worker() -> CeleryWorker:
    purge_broker()
    argv = [sys.executable, "-m", "celery", "-A", "controltower", "worker", "--pool", "threads", "--concurrency", "4",
            "-l", "WARNING"]  # fmt: skip
    return CeleryWorker(argv, child_env(OUTBOUND_ALLOWED_HOSTS="127.0.0.1"))


def arrivals_by_case(receiver: Receiver) -> dict[int, list[float]]:
    found: dict[int, list[float]] = defaultdict(list)
    for _headers, body, at in list(receiver.requests):
        found[json.loads(body)["data"]["case"]].append(at)
    return found


def open_case(site: Site, index: int) -> tuple[int, float]:
    with transaction.atomic():
        case = make_case(site, title=f"Benchmark receipt {index} late")
        publish_case(case, "case.opened")
    return case.pk, time.monotonic()  # committed


def wait_for_all(receiver: Receiver, case_id: int, timeout_s: float) -> list[float]:
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        arrived = arrivals_by_case(receiver).get(case_id, [])
        if len(arrived) >= SUBSCRIPTIONS:
            return arrived
        time.sleep(0.005)
    raise RuntimeError(f"only {len(arrivals_by_case(receiver).get(case_id, []))} of {SUBSCRIPTIONS} webhooks arrived")


def run() -> dict:
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]  # the receiver is local
    with embedded_redis_running(), scratch_database(), Receiver() as receiver:
        site = Site.objects.create(code="BRU", name="Brussels DC", timezone="Europe/Brussels")
        for number in range(SUBSCRIPTIONS):
            subscription_create(
                name=f"Receiver {number}", url=f"{receiver.url}/{number}", event_types=[EventType.CASE_OPENED],
                site=site if number % 2 else None, actor=None,
            )  # fmt: skip
        process = worker().start(WORKER_START_TIMEOUT_S)
        try:
            case_id, _ = open_case(site, 0)
            wait_for_all(receiver, case_id, WORKER_START_TIMEOUT_S)  # the worker is up
            samples = []
            for index in range(1, EVENTS + 1):
                case_id, committed = open_case(site, index)
                samples += [(at - committed) * 1000 for at in wait_for_all(receiver, case_id, ARRIVAL_TIMEOUT_S)]
        finally:
            process.stop()
    p95 = statistics.quantiles(samples, n=20)[-1]
    print(
        f"commit → webhook at the receiver over {EVENTS} events × {SUBSCRIPTIONS} subscriptions: "
        f"p50 {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms, max {max(samples):.1f} ms"
    )
    return {"webhook_out_p95_ms": {"value": round(p95, 1), "unit": "ms", "goal": "< 2000"}}
