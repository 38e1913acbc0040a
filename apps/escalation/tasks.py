"""Thin tasks: the one escalation sweep for cases and approval steps (levels due, repeats, holds, stops, new timers)."""

from celery import shared_task

from apps.escalation.engine import escalations_sweep


@shared_task(name="escalation.sweep", soft_time_limit=120, time_limit=150)
def sweep() -> dict:
    """Send the escalation levels that are due; timers live in the database, so a restart loses none."""
    outcome = escalations_sweep()
    return {
        "started": outcome.started,
        "stopped": outcome.stopped,
        "sent": len(outcome.levels_sent),
        "held": outcome.held,
    }
