"""Thin tasks: the no-show sweep and the planning proposals' refresh."""

from celery import shared_task

from apps.docks.proposals import proposals_refresh_all
from apps.docks.services import appointments_mark_no_shows


@shared_task(name="docks.no_show_sweep", soft_time_limit=60, time_limit=90)
def no_show_sweep() -> dict:
    """Planned trucks past their site's grace period become no-shows (their door is free again)."""
    return {"marked": appointments_mark_no_shows()}


@shared_task(name="docks.proposals_refresh", soft_time_limit=120, time_limit=180)
def proposals_refresh() -> dict:
    """Receipts and deliveries in the horizon get proposed appointments; stale proposals go."""
    return {"open": proposals_refresh_all()}
