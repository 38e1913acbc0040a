"""Thin tasks: the executor and the sweeper (the state lives in the outbox rows, not in Celery)."""

from celery import current_app, shared_task

from apps.writeback import conf
from apps.writeback.recovery import outbox_recover
from apps.writeback.services import EXECUTE_TASK, outbox_execute, outbox_sweep

# The hard limit must stay below WRITEBACK_CLAIM_STALE_S (600 s by default): a claim older than that
# is taken for a dead worker's.
EXECUTE_SOFT_LIMIT_S = 180
EXECUTE_HARD_LIMIT_S = 240


@shared_task(name=EXECUTE_TASK, soft_time_limit=EXECUTE_SOFT_LIMIT_S, time_limit=EXECUTE_HARD_LIMIT_S)
def execute_entry(entry_id: int) -> str | None:
    """Run one outbox entry; failures are recorded on the entry (and retried by the sweeper), not raised."""
    entry = outbox_execute(entry_id=entry_id)
    return entry.status if entry else None


@shared_task(name="writeback.sweep", soft_time_limit=60, time_limit=90)
def sweep() -> int:
    """Send the due entries (retries, lost dispatches, stale claims) to the executor; how many."""
    ids = outbox_sweep()
    for entry_id in ids:
        current_app.send_task(EXECUTE_TASK, args=(entry_id,))
    return len(ids)


@shared_task(name="writeback.recover", soft_time_limit=30, time_limit=45)
def recover() -> int:
    """When Odoo answers again, send the entries that waited on it at once, oldest first, paced."""
    ids = outbox_recover()
    rate = conf.recovery_rate_per_s()
    for position, entry_id in enumerate(ids):
        current_app.send_task(EXECUTE_TASK, args=(entry_id,), countdown=position / rate)
    return len(ids)
