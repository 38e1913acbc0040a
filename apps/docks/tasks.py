"""Thin tasks: the no-show sweep."""

from celery import shared_task

from apps.docks.services import appointments_mark_no_shows


@shared_task(name="docks.no_show_sweep", soft_time_limit=60, time_limit=90)
def no_show_sweep() -> dict:
    """Planned trucks past their site's grace period become no-shows (their door is free again)."""
    return {"marked": appointments_mark_no_shows()}
