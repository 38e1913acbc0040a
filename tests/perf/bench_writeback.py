"""decision_to_effect_p95_ms: from a committed decision to its effect visible in Odoo.

The real path: the decision's transaction creates the outbox entry, its commit queues
`writeback.execute_entry` on Redis, a Celery worker process claims the entry, re-reads the record,
writes, verifies and records. The clock stops when the simulator (healthy, in this process) shows
the effect. Half the decisions post a chatter note, half reschedule a delivery.

Runs on a scratch database (Django's test database for this port), never on the working one.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction

from apps.core import embedded_redis
from apps.odoosim.server import start_simulator
from apps.writeback.operations import reference_for
from apps.writeback.services import outbox_enqueue
from tests.servers import celery_worker
from tests.writeback import factories

DECISIONS = 100
EFFECT_TIMEOUT_S = 30.0
WORKER_START_TIMEOUT_S = 90.0
POLL_S = 0.002


@contextmanager
def embedded_redis_running() -> Iterator[None]:
    if not settings.EMBEDDED_REDIS or embedded_redis.is_running(settings.EMBEDDED_REDIS_PORT):
        yield
        return
    process = embedded_redis.start_background(settings.EMBEDDED_REDIS_PORT, settings.VAR_DIR / "redis-bench")
    try:
        yield
    finally:
        embedded_redis.stop(process)


@contextmanager
def scratch_database() -> Iterator[None]:
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def decide(sim, index: int, picking_id: int) -> tuple[str, object]:
    """Commit one decision; return how to recognise its effect in the simulator."""
    key = f"bench:{time.time_ns()}:{index}"
    with transaction.atomic():
        if index % 2:
            when = f"2027-01-{1 + index % 28:02d} {index % 24:02d}:{index % 60:02d}:00"
            outbox_enqueue(
                operation="set_scheduled_date",
                odoo_model="stock.picking",
                odoo_id=picking_id,
                arguments={"scheduled_date": when},
                preconditions={},
                idempotency_key=key,
                cause_type="benchmark",
                cause_id=str(index),
                site_code="BRU",
            )
            return "date", (picking_id, when)
        outbox_enqueue(
            operation="post_message",
            odoo_model="stock.picking",
            odoo_id=picking_id,
            arguments={"body": f"Benchmark decision {index}"},
            preconditions={},
            idempotency_key=key,
            cause_type="benchmark",
            cause_id=str(index),
            site_code="BRU",
        )
        return "message", (picking_id, reference_for(key))


def effect_visible(sim, kind: str, detail) -> bool:
    picking_id, expected = detail
    if kind == "date":
        return sim.call("stock.picking", "read", [picking_id], ["scheduled_date"])[0]["scheduled_date"] == expected
    domain = [["model", "=", "stock.picking"], ["res_id", "=", picking_id], ["body", "ilike", expected]]
    return sim.call("mail.message", "search_count", domain) > 0


def wait_for(sim, kind: str, detail, timeout_s: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s:
        if effect_visible(sim, kind, detail):
            return time.perf_counter()
        time.sleep(POLL_S)
    raise RuntimeError(f"no effect in Odoo after {timeout_s} s; see the worker log in var/")


def run() -> dict:
    with embedded_redis_running(), scratch_database(), start_simulator(port=0, seed=7) as sim:
        worker = celery_worker(
            ODOO_URL=sim.url,
            ODOO_DATABASE=sim.database,
            ODOO_LOGIN="admin",
            ODOO_PASSWORD="admin",
            ODOO_API_KEY="",
            ODOO_TRANSPORT="jsonrpc",
        ).start()
        try:
            pickings = [factories.new_delivery(sim) for _ in range(10)]
            kind, detail = decide(sim, 0, pickings[0])
            wait_for(sim, kind, detail, WORKER_START_TIMEOUT_S)  # the worker is up and connected to Odoo
            samples = []
            for index in range(1, DECISIONS + 1):
                started = time.perf_counter()
                kind, detail = decide(sim, index, pickings[index % len(pickings)])
                samples.append((wait_for(sim, kind, detail, EFFECT_TIMEOUT_S) - started) * 1000)
        finally:
            worker.stop()
    p95 = statistics.quantiles(samples, n=20)[-1]
    print(
        f"decision → effect over {len(samples)} decisions: p50 {statistics.median(samples):.1f} ms, "
        f"p95 {p95:.1f} ms, max {max(samples):.1f} ms"
    )
    return {"decision_to_effect_p95_ms": {"value": round(p95, 1), "unit": "ms", "goal": "< 1000"}}
