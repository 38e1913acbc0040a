"""Thin tasks of the text advisors (imported in AdvisorConfig.ready, beside the framework's tasks.py)."""

from celery import shared_task

from apps.advisor.summary.services import shift_summaries_due


@shared_task(name="advisor.shift_summaries", soft_time_limit=120, time_limit=180)
def shift_summaries() -> dict:
    """Sites whose shift just started get their written summary (once), mailed to the on-call."""
    return {"summaries": shift_summaries_due()}
