"""Thin tasks: watch the sync from Odoo and announce a stall to subscribers once per stall."""

from celery import shared_task

from apps.integrations.selectors import sync_stall
from apps.integrations.services import sync_stalled_record


@shared_task(name="integrations.sync_watch", soft_time_limit=30, time_limit=45)
def sync_watch() -> int:
    """A sync.stalled webhook when Odoo sync has been failing for a while; how many deliveries were saved."""
    stall = sync_stall()
    if stall is None:
        return 0
    return len(sync_stalled_record(failing_since=stall["failing_since"], error=stall["error"]))
