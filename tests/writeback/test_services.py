"""Enqueue, claim, backoff, dead letters, retry and cancel, the sweeper, hooks and the overview."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.template.loader import render_to_string
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.core.redis import get_redis
from apps.core.schedules import default_schedules
from apps.mirror.models import Picking
from apps.mirror.specs import spec_for
from apps.mirror.upsert import upsert_rows
from apps.odoo.client import reset_client
from apps.writeback.executor import _claim, backoff_delay_s
from apps.writeback.hooks import on_needs_attention, remove_needs_attention
from apps.writeback.models import OutboxEntry
from apps.writeback.selectors import outbox_overview
from apps.writeback.services import (
    InvalidOutboxRequest,
    OutboxStateError,
    outbox_cancel,
    outbox_enqueue,
    outbox_execute,
    outbox_retry,
    outbox_sweep,
)
from tests.writeback import factories as f

pytestmark = pytest.mark.django_db(transaction=True)
Status = OutboxEntry.Status


def note(outbox, picking_id: int, body: str = "Checked", **request) -> OutboxEntry:
    return outbox.enqueue(
        operation="post_message", odoo_model="stock.picking", odoo_id=picking_id, arguments={"body": body}, **request
    )


def test_enqueue_outside_the_decision_transaction_is_refused(outbox):
    with pytest.raises(TransactionManagementError):
        outbox_enqueue(
            operation="post_message",
            odoo_model="stock.picking",
            odoo_id=1,
            arguments={"body": "x"},
            preconditions={},
            idempotency_key="k",
            cause_type="test",
            cause_id="1",
        )
    assert not OutboxEntry.objects.exists()


def test_same_idempotency_key_returns_the_same_entry_and_another_target_is_refused(outbox):
    first = note(outbox, 5, idempotency_key="approval:7:release")
    again = note(outbox, 5, body="different text", idempotency_key="approval:7:release")
    assert again.pk == first.pk and OutboxEntry.objects.count() == 1
    with pytest.raises(InvalidOutboxRequest, match="already names outbox entry"):
        note(outbox, 6, idempotency_key="approval:7:release")


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ({"operation": "teleport", "odoo_model": "stock.picking", "odoo_id": 1}, "Unknown write-back operation"),
        ({"operation": "set_carrier", "odoo_model": "stock.picking", "odoo_id": 1, "arguments": {}}, "carrier_id"),
        (
            {"operation": "set_carrier", "odoo_model": "sale.order", "odoo_id": 1, "arguments": {"carrier_id": 2}},
            "writes to stock.picking",
        ),
        (
            {
                "operation": "set_scheduled_date",
                "odoo_model": "stock.picking",
                "odoo_id": 1,
                "arguments": {"scheduled_date": "2026-12-01T10:00:00"},
            },
            "needs a zone",
        ),
        ({"operation": "cancel_picking", "odoo_model": "stock.picking", "odoo_id": 0}, "Odoo id"),
        (
            {
                "operation": "cancel_picking",
                "odoo_model": "stock.picking",
                "odoo_id": 3,
                "preconditions": {"state": "x"},
            },
            "Unknown preconditions",
        ),
        (
            {
                "operation": "schedule_activity",
                "odoo_model": "stock.picking",
                "odoo_id": 3,
                "arguments": {"user_id": 2, "summary": "s", "deadline": "soon"},
            },
            "deadline",
        ),
    ],
)
def test_bad_requests_are_refused_with_a_message_and_store_nothing(outbox, request_, message):
    request_.setdefault("arguments", {})
    with pytest.raises(InvalidOutboxRequest, match=message):
        outbox.enqueue(**request_)
    assert not OutboxEntry.objects.exists()


def test_datetimes_are_stored_in_odoo_write_format(outbox):
    entry = outbox.enqueue(
        operation="set_scheduled_date",
        odoo_model="stock.picking",
        odoo_id=4,
        arguments={"scheduled_date": "2026-12-01T10:00:00+01:00"},
    )
    assert entry.arguments == {"scheduled_date": "2026-12-01 09:00:00"}


def test_a_rolled_back_decision_leaves_no_entry(outbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(
            operation="post_message",
            odoo_model="stock.picking",
            odoo_id=1,
            arguments={"body": "x"},
            preconditions={},
            idempotency_key="rolled-back",
            cause_type="test",
            cause_id="1",
        )
        raise RuntimeError("the decision failed")
    assert not OutboxEntry.objects.exists()


def test_commit_queues_the_execute_task(outbox, settings):
    queue = get_redis()
    before = queue.llen("celery")
    note(outbox, 5)
    assert queue.llen("celery") == before + 1


def test_only_one_of_several_workers_runs_an_entry(outbox, simulator):
    entry = note(outbox, f.new_delivery(simulator))
    results = []

    def worker():
        results.append(outbox_execute(entry_id=entry.pk))
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result is not None for result in results) == 1
    entry.refresh_from_db()
    assert entry.status == Status.DONE and entry.attempt_log.count() == 1


def test_a_claim_is_exclusive_until_it_goes_stale(outbox, settings):
    entry = note(outbox, 5)
    now = timezone.now()
    claimed, first_attempt = _claim(entry.pk, now)
    assert (claimed.status, claimed.attempts, first_attempt.number) == (Status.RUNNING, 1, 1)
    assert _claim(entry.pk, now) is None
    later = now + timedelta(seconds=settings.WRITEBACK_CLAIM_STALE_S + 1)
    taken_over, second_attempt = _claim(entry.pk, later)
    assert (taken_over.attempts, taken_over.claimed_at, second_attempt.number) == (2, later, 2)
    first_attempt.refresh_from_db()
    assert first_attempt.outcome == "lost"  # the dead worker's attempt is recorded as lost, not left running


def test_backoff_grows_with_jitter_up_to_the_ceiling(settings):
    settings.WRITEBACK_BACKOFF_BASE_S = 30
    settings.WRITEBACK_BACKOFF_MAX_S = 3600
    delays = [backoff_delay_s(attempt) for attempt in range(1, 12)]
    for attempt, delay in enumerate(delays, start=1):
        ceiling = min(3600, 30 * 2 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert delays[-1] >= 1800


def test_odoo_down_too_long_goes_dead_with_hook_then_an_admin_retry_writes_it(
    outbox, simulator, faults, attention, admin_user, settings
):
    picking_id = f.new_delivery(simulator)
    entry = note(outbox, picking_id)
    faults(down_for_seconds=60, down_mode="close")

    outbox.drain()

    entry.refresh_from_db()
    assert entry.status == Status.DEAD
    assert entry.attempts == settings.WRITEBACK_MAX_ATTEMPTS
    assert entry.last_error.startswith(f"Gave up after {settings.WRITEBACK_MAX_ATTEMPTS} attempts")
    assert [received.pk for received in attention] == [entry.pk]
    assert AuditEntry.objects.filter(action="outbox.dead", subject=entry.subject).count() == 1
    assert AuditEntry.objects.filter(action="outbox.retry_scheduled").count() == settings.WRITEBACK_MAX_ATTEMPTS - 1

    faults(down_for_seconds=0)
    entry = outbox_retry(entry_id=entry.pk, actor=admin_user)
    assert entry.status == Status.PENDING and entry.attempts == 0
    outbox.drain()
    entry.refresh_from_db()
    assert entry.status == Status.DONE
    retried = AuditEntry.objects.get(action="outbox.retried", subject=entry.subject)
    assert retried.actor == admin_user and retried.data["previous_status"] == "dead"


def test_retry_and_cancel_respect_the_status_and_are_audited_once(outbox, simulator, admin_user):
    done = outbox.run(note(outbox, f.new_delivery(simulator)))
    with pytest.raises(OutboxStateError, match="done"):
        outbox_retry(entry_id=done.pk, actor=admin_user)
    with pytest.raises(OutboxStateError, match="done"):
        outbox_cancel(entry_id=done.pk, actor=admin_user)

    pending = note(outbox, 77)
    cancelled = outbox_cancel(entry_id=pending.pk, actor=admin_user, reason="customer called")
    assert cancelled.status == Status.CANCELLED
    assert outbox_cancel(entry_id=pending.pk, actor=admin_user).status == Status.CANCELLED
    audit = AuditEntry.objects.get(action="outbox.cancelled")
    assert audit.actor == admin_user and audit.data["reason"] == "customer called"
    assert outbox_execute(entry_id=pending.pk) is None  # a cancelled entry never runs

    running = note(outbox, 78)
    _claim(running.pk, timezone.now())
    with pytest.raises(OutboxStateError, match="running"):
        outbox_cancel(entry_id=running.pk, actor=admin_user)


def test_sweeper_sends_due_entries_once_and_picks_up_lost_dispatches_and_stale_claims(outbox, settings):
    settings.WRITEBACK_REDISPATCH_AFTER_S = 60
    now = timezone.now()
    fresh = note(outbox, 1)  # its task was just sent
    later = note(outbox, 2)
    OutboxEntry.objects.filter(pk=later.pk).update(next_attempt_at=now + timedelta(hours=1), dispatched_at=None)
    retry = note(outbox, 3)
    OutboxEntry.objects.filter(pk=retry.pk).update(next_attempt_at=now - timedelta(seconds=1), dispatched_at=None)
    stale = note(outbox, 4)
    assert _claim(stale.pk, timezone.now())[0].status == Status.RUNNING
    OutboxEntry.objects.filter(pk=stale.pk).update(
        claimed_at=now - timedelta(seconds=settings.WRITEBACK_CLAIM_STALE_S + 5)
    )

    assert sorted(outbox_sweep(now=now)) == sorted([retry.pk, stale.pk])
    assert sorted(outbox_sweep(now=now)) == [stale.pk]  # the retry's task is on its way
    lost = now + timedelta(seconds=61)
    assert fresh.pk in outbox_sweep(now=lost) and retry.pk in outbox_sweep(now=lost + timedelta(seconds=61))


def test_a_failing_hook_does_not_stop_the_others(outbox, simulator, attention):
    def broken(entry):
        raise RuntimeError("case app down")

    on_needs_attention(broken)
    try:
        picking_id = f.new_delivery(simulator)
        simulator.call("stock.picking", "action_cancel", [picking_id])
        entry = outbox.run(
            outbox.enqueue(
                operation="set_carrier", odoo_model="stock.picking", odoo_id=picking_id, arguments={"carrier_id": 2}
            )
        )
    finally:
        remove_needs_attention(broken)
    assert entry.status == Status.NEEDS_ATTENTION
    assert [received.pk for received in attention] == [entry.pk]


def test_the_mirror_shows_the_write_at_once(outbox, simulator):
    picking_id = f.new_delivery(simulator)
    spec = spec_for("stock.picking")
    upsert_rows(spec, simulator.call("stock.picking", "read", [picking_id], [*spec.odoo_fields, "write_date"]))
    entry = outbox.enqueue(
        operation="set_scheduled_date",
        odoo_model="stock.picking",
        odoo_id=picking_id,
        arguments={"scheduled_date": "2026-12-31 08:15:00"},
    )
    outbox.run(entry)
    row = Picking.objects.get(odoo_id=picking_id)
    assert row.scheduled_date.isoformat() == "2026-12-31T08:15:00+00:00"


def test_overview_counts_backlog_age_and_failures_and_the_partial_renders_it(outbox):
    now = timezone.now()
    oldest = note(outbox, 1)
    OutboxEntry.objects.filter(pk=oldest.pk).update(created_at=now - timedelta(minutes=5))
    note(outbox, 2)
    failed = note(outbox, 3)
    OutboxEntry.objects.filter(pk=failed.pk).update(status=Status.DEAD, last_error="Odoo unreachable since 14:02")

    overview = outbox_overview(now=now)

    assert overview["backlog"] == 2
    assert overview["oldest_pending_age_s"] == pytest.approx(300, abs=1)
    assert overview["by_status"]["dead"] == 1 and overview["failures"] == {"needs_attention": 0, "dead": 1}
    assert overview["last_failure"]["error"] == "Odoo unreachable since 14:02"
    html = render_to_string("writeback/partials/outbox_health.html", {"outbox": overview})
    assert "300 s" in html and "✖ 1" in html and "Odoo unreachable since 14:02" in html


def test_the_sweeper_is_in_the_default_schedule():
    assert "writeback.sweep" in [schedule["task"] for schedule in default_schedules()]


def test_wrong_credentials_are_retried_not_turned_into_a_case_per_entry(outbox, simulator, settings, attention):
    entry = note(outbox, f.new_delivery(simulator))
    settings.ODOO_PASSWORD = "revoked"
    reset_client()
    try:
        entry = outbox.run(entry)
    finally:
        settings.ODOO_PASSWORD = "admin"
        reset_client()
    assert entry.status == Status.PENDING and "ODOO_PASSWORD" in entry.last_error
    assert attention == []
    outbox.drain()
    entry.refresh_from_db()
    assert entry.status == Status.DONE
