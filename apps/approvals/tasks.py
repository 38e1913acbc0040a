"""Celery tasks for approvals: thin wrappers over services."""

from celery import shared_task

from apps.approvals.services.sla import sla_sweep


@shared_task(name="approvals.sla_sweep", ignore_result=True, soft_time_limit=60, time_limit=90)
def sweep_sla() -> dict:
    """Send due reminders (state is in the database; safe to run twice). Breached steps escalate through the
    escalation sweep."""
    result = sla_sweep()
    return {"reminded": result.reminded}
