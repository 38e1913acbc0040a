"""Celery tasks for approvals: thin wrappers over services."""

from celery import shared_task

from apps.approvals.rules import recheck_pending_counts
from apps.approvals.services.sla import sla_sweep


@shared_task(name="approvals.sla_sweep", ignore_result=True, soft_time_limit=60, time_limit=90)
def sweep_sla() -> dict:
    """Send due reminders (state is in the database; safe to run twice). Breached steps escalate through the
    escalation sweep."""
    result = sla_sweep()
    return {"reminded": result.reminded}


@shared_task(name="approvals.recheck_counts", ignore_result=True, soft_time_limit=60, time_limit=90)
def recheck_counts() -> int:
    """Raise the requests of counts whose change set was lost (safe to run twice: raising dedupes)."""
    return recheck_pending_counts()
