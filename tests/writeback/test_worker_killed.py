"""A real Celery worker is killed (SIGKILL) while its write to Odoo is in flight: the sweeper
re-runs the entry, the re-read finds the effect, and Odoo holds it exactly once."""

import time

import pytest

from apps.core.redis import get_redis
from apps.writeback.models import OutboxAttempt, OutboxEntry
from tests.servers import celery_worker
from tests.writeback import factories as f
from tests.writeback.cases import MessageCase

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
LATENCY_MS = 800  # every Odoo answer takes this long, so the kill lands inside the write


def wait_until(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_worker_killed_mid_write_leaves_the_effect_once(outbox, simulator, faults, settings):
    get_redis().delete("celery")  # tasks queued by earlier tests in this run are not this test's
    case = MessageCase("post_message", "stock.picking", "message_post", {"body": "Shipped after the hold"})
    picking_id = f.new_delivery(simulator)
    worker = celery_worker(
        ODOO_URL=simulator.url,
        ODOO_DATABASE=simulator.database,
        ODOO_LOGIN="admin",
        ODOO_PASSWORD="admin",
        ODOO_API_KEY="",
        ODOO_TRANSPORT="jsonrpc",
    ).start()
    try:
        faults(latency_ms=LATENCY_MS)
        entry = outbox.enqueue(**{**case.request(simulator), "odoo_id": picking_id})
        wait_until(
            lambda: OutboxEntry.objects.filter(pk=entry.pk).exclude(write_started_at=None).exists(),
            60,
            "the worker to start writing",
        )
        time.sleep(LATENCY_MS / 3000)  # the message_post request is at Odoo, its answer not back yet
        worker.process.kill()
        worker.process.wait()
    finally:
        worker.stop()
    faults(latency_ms=0)
    wait_until(lambda: case.effect_count(simulator, entry) == 1, 5, "Odoo to commit the orphaned write")
    entry.refresh_from_db()
    assert entry.status == OutboxEntry.Status.RUNNING  # nobody recorded anything

    outbox.drain(start=outbox.past_stale_claims(settings))

    entry.refresh_from_db()
    assert entry.status == OutboxEntry.Status.SKIPPED, entry.last_error
    assert case.effect_count(simulator, entry) == 1
    outcomes = list(entry.attempt_log.values_list("outcome", flat=True))
    assert outcomes == [OutboxAttempt.Outcome.LOST, OutboxAttempt.Outcome.SKIPPED]
