"""Thin tasks: send one delivery, and the sweep that sends what is due (the state lives in the rows)."""

from celery import current_app, shared_task

from apps.outbound.services import SEND_TASK, deliveries_sweep, delivery_send

# Below OUTBOUND_CLAIM_STALE_S (300 s): a claim older than that is taken for a dead worker's.
SEND_SOFT_LIMIT_S = 60
SEND_HARD_LIMIT_S = 90


@shared_task(name=SEND_TASK, soft_time_limit=SEND_SOFT_LIMIT_S, time_limit=SEND_HARD_LIMIT_S)
def send(delivery_id: int) -> str | None:
    """One attempt of one delivery; a failure is recorded on the row (and retried by the sweep), never raised."""
    delivery = delivery_send(delivery_id=delivery_id)
    return delivery.state if delivery else None


@shared_task(name="outbound.sweep", soft_time_limit=60, time_limit=90)
def sweep() -> int:
    """Dispatch the deliveries whose next attempt is due; how many."""
    ids = deliveries_sweep()
    for delivery_id in ids:
        current_app.send_task(SEND_TASK, args=(delivery_id,))
    return len(ids)
