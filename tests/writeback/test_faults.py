"""500 decisions while Odoo fails 30% of calls and goes down twice: every effect lands exactly once."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Min
from django.utils import timezone

from apps.odoo.client import reset_client
from apps.writeback.models import OutboxAttempt, OutboxEntry
from apps.writeback.operations import reference_for
from apps.writeback.services import outbox_execute, outbox_sweep
from tests.writeback import factories as f

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
Status = OutboxEntry.Status
PICKINGS = 200
WORKERS = 4


def open_deliveries(sim, count: int) -> list[int]:
    product_id = f.new_product(sim, on_hand=count * 2)
    ids = sim.call(
        "stock.picking",
        "create",
        [
            {
                "picking_type_id": f.BRU_DELIVERY_TYPE,
                "partner_id": f.PARTNER_WITHOUT_PHONE,
                "move_ids": [[0, 0, {"product_id": product_id, "name": "item", "product_uom_qty": 1}]],
            }
            for _ in range(count)
        ],
    )
    sim.call("stock.picking", "action_confirm", ids)
    return ids


def decide_all(outbox, picking_ids: list[int]) -> list[OutboxEntry]:
    """200 reschedules, 200 notes and 100 carrier changes, each its own decision."""
    entries = []
    for index, picking_id in enumerate(picking_ids):
        entries.append(
            outbox.enqueue(
                operation="set_scheduled_date",
                odoo_model="stock.picking",
                odoo_id=picking_id,
                arguments={"scheduled_date": f"2026-12-{1 + index % 28:02d} {index % 24:02d}:{index % 60:02d}:00"},
            )
        )
        entries.append(
            outbox.enqueue(
                operation="post_message",
                odoo_model="stock.picking",
                odoo_id=picking_id,
                arguments={"body": f"Rescheduled after the carrier call #{index}"},
            )
        )
        if index % 2 == 0:
            entries.append(
                outbox.enqueue(
                    operation="set_carrier",
                    odoo_model="stock.picking",
                    odoo_id=picking_id,
                    arguments={"carrier_id": 1 + index % 4},
                )
            )
    return entries


def run_in_workers(entry_ids: list[int], now) -> None:
    """What the sweeper task does with several Celery workers: each due entry goes to one of them."""

    def work(share: list[int]) -> None:
        try:
            for entry_id in share:
                outbox_execute(entry_id=entry_id, now=now)
        finally:
            connection.close()

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(work, [entry_ids[index::WORKERS] for index in range(WORKERS)]))


def test_500_decisions_through_failures_and_two_outages_land_exactly_once(outbox, simulator, faults, settings):
    settings.WRITEBACK_MAX_ATTEMPTS = 12
    settings.ODOO_RETRY_BASE_DELAY_S = settings.ODOO_RETRY_MAX_DELAY_S = 0.002
    reset_client()
    entries = decide_all(outbox, open_deliveries(simulator, PICKINGS))
    assert len(entries) == 500
    faults(error_rate={"*": 0.3}, error_mode="server_error")

    clock, rounds, outages = timezone.now(), 0, 0
    while OutboxEntry.objects.filter(status__in=[Status.PENDING, Status.RUNNING]).exists():
        rounds += 1
        assert rounds < 200, "the outbox does not drain"
        if rounds in (1, 3):  # Odoo goes away twice while the backlog is being written
            faults(down_for_seconds=0.4)
            outages += 1
        if rounds == 2:  # now answers get lost: writes end with an unknown outcome
            faults(error_mode="drop")
        due = OutboxEntry.objects.filter(status=Status.PENDING).aggregate(at=Min("next_attempt_at"))["at"]
        clock = max(clock, timezone.now(), due or clock)
        run_in_workers(outbox_sweep(now=clock, limit=150), clock)
    faults(reset=True)

    statuses = Counter(OutboxEntry.objects.values_list("status", flat=True))
    assert set(statuses) <= {Status.DONE, Status.SKIPPED}, OutboxEntry.objects.exclude(
        status__in=[Status.DONE, Status.SKIPPED]
    ).values_list("id", "status", "last_error")[:5]
    outcomes = Counter(OutboxAttempt.objects.values_list("outcome", flat=True))
    assert outages == 2 and outcomes["retry"] >= 50  # the faults really happened

    messages = simulator.call(
        "mail.message", "search_read", [["model", "=", "stock.picking"], ["body", "ilike", "[CT-"]], ["body", "res_id"]
    )
    for entry in OutboxEntry.objects.all():
        if entry.operation == "post_message":
            reference = reference_for(entry.idempotency_key)
            copies = [m for m in messages if m["res_id"] == entry.odoo_id and reference in m["body"]]
            assert len(copies) == 1, (entry.pk, len(copies))
    pickings = {
        row["id"]: row
        for row in simulator.call(
            "stock.picking", "read", list({e.odoo_id for e in entries}), ["scheduled_date", "carrier_id"]
        )
    }
    for entry in OutboxEntry.objects.exclude(operation="post_message"):
        picking = pickings[entry.odoo_id]
        if entry.operation == "set_scheduled_date":
            assert picking["scheduled_date"] == entry.arguments["scheduled_date"]
        else:
            assert picking["carrier_id"][0] == entry.arguments["carrier_id"]
