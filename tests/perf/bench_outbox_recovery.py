"""outbox_recovery_p95_s: decisions made while Odoo is down reach it within seconds of it answering again.

Odoo (the simulator, in this process) goes down for OUTAGE_S (45 s; BENCH_LONG=1: the issue's 3
minutes). Decisions are made throughout the outage; each is tried at once and fails (as the worker
would), so it waits on the production backoff (30 s doubling, jittered). Beat is played in this
process: `writeback.recover` every RECOVER_EVERY_S (its default schedule) and the 30 s sweep; the
released entries run paced at WRITEBACK_RECOVERY_RATE_PER_S. The clock starts when Odoo answers
again (polled every 0.1 s) and stops at each entry's recorded finish; every effect must land once.

Runs on a scratch database (Django's test database for this port), never on the working one.
"""

from __future__ import annotations

import os
import statistics
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.odoo.client import reset_client
from apps.odoo.health import odoo_status
from apps.odoosim.server import start_simulator
from apps.writeback import conf
from apps.writeback.executor import outbox_execute, outbox_run_due
from apps.writeback.models import OutboxEntry
from apps.writeback.recovery import outbox_recover
from apps.writeback.services import outbox_enqueue
from tests.perf.bench_writeback import embedded_redis_running, scratch_database
from tests.writeback import factories

OUTAGE_S = 180 if os.environ.get("BENCH_LONG") else 45
DECISIONS = 60
RECOVER_EVERY_S = 3.0
SWEEP_EVERY_S = 30.0


def _decide(index: int, picking_id: int) -> OutboxEntry:
    with transaction.atomic():
        return outbox_enqueue(
            operation="post_message",
            odoo_model="stock.picking",
            odoo_id=picking_id,
            arguments={"body": f"Decided during the outage #{index}"},
            preconditions={},
            idempotency_key=f"bench-outage:{time.time_ns()}:{index}",
            cause_type="benchmark",
            cause_id=str(index),
            site_code="BRU",
        )


def _point_at(sim) -> None:
    settings.ODOO_URL, settings.ODOO_DATABASE = sim.url, sim.database
    settings.ODOO_LOGIN, settings.ODOO_PASSWORD, settings.ODOO_API_KEY = "admin", "admin", ""
    settings.ODOO_TRANSPORT = "jsonrpc"
    settings.ODOO_RETRY_BASE_DELAY_S = settings.ODOO_RETRY_MAX_DELAY_S = 0.05
    reset_client()


def run() -> dict:
    with embedded_redis_running(), scratch_database(), start_simulator(port=0, seed=7) as sim:
        _point_at(sim)
        pickings = [factories.new_delivery(sim) for _ in range(10)]
        sim.set_faults(down_for_seconds=OUTAGE_S)
        outage_ends = time.monotonic() + OUTAGE_S
        entries = []
        for index in range(DECISIONS):  # decisions spread over the outage, each tried once at once
            entries.append(_decide(index, pickings[index % len(pickings)]))
            outbox_execute(entry_id=entries[-1].pk)
            time.sleep(max(0.0, (outage_ends - time.monotonic() - 2) / (DECISIONS - index)))
        while not odoo_status(check_login=False)["ok"]:
            time.sleep(0.1)
        back = timezone.now()
        print(f"  Odoo answers again after a {OUTAGE_S} s outage; {DECISIONS} decisions wait", flush=True)
        next_sweep = time.monotonic() + SWEEP_EVERY_S * 0.5  # beat's phase is arbitrary
        waiting = OutboxEntry.objects.filter(status__in=[OutboxEntry.Status.PENDING, OutboxEntry.Status.RUNNING])
        deadline = time.monotonic() + 600
        while waiting.exists() and time.monotonic() < deadline:
            tick = time.monotonic()
            for position, entry_id in enumerate(outbox_recover()):  # what the recover task sends, paced
                time.sleep(max(0.0, tick + position / conf.recovery_rate_per_s() - time.monotonic()))
                outbox_execute(entry_id=entry_id)
            if time.monotonic() >= next_sweep:
                outbox_run_due()
                next_sweep += SWEEP_EVERY_S
            time.sleep(max(0.0, tick + RECOVER_EVERY_S - time.monotonic()))
        done = OutboxEntry.objects.filter(pk__in=[e.pk for e in entries], status=OutboxEntry.Status.DONE)
        assert done.count() == DECISIONS, "every decision lands"
        for picking in pickings:  # exactly once: one message per decision
            found = sim.call("mail.message", "search_count", [["res_id", "=", picking], ["body", "ilike", "outage #"]])
            assert found == len([e for e in entries if e.odoo_id == picking]), picking
        delays = [(finished - back).total_seconds() for finished in done.values_list("finished_at", flat=True)]
    p95 = statistics.quantiles(delays, n=20)[-1]
    print(f"  after Odoo is back: p50 {statistics.median(delays):.1f} s, p95 {p95:.1f} s, max {max(delays):.1f} s")
    return {
        "outbox_recovery_p95_s": {
            "value": round(p95, 1),
            "unit": "s",
            "goal": "<= 10",
            "note": f"{OUTAGE_S} s outage (BENCH_LONG=1: 180 s), {DECISIONS} decisions",
        }
    }
