"""Thin tasks: the periodic detector sweep."""

from celery import shared_task

from apps.cases.services.detection import detectors_sweep


@shared_task(name="cases.sweep", soft_time_limit=120, time_limit=150)
def sweep() -> dict:
    """Time-based detectors, open cases' re-check, snoozes ending (escalation: its own sweep)."""
    outcome = detectors_sweep()
    return {"opened": len(outcome.opened), "changed": len(outcome.changed), "cleared": len(outcome.cleared)}
