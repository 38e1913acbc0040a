"""Reads for the integration page that span apps (the mirror's first-sync record and the cases it opened)."""

from __future__ import annotations

from django.utils import timezone

from apps.cases.models import Case
from apps.mirror.selectors import sync_run_latest


def first_sync_report() -> dict | None:
    """The latest first (or full) sync, with the cases opened while it ran; None before any.

    The same record the Odoo connection wizard shows: see `apps.mirror.selectors.sync_run_summary`,
    plus ``cases_opened``.
    """
    summary = sync_run_latest()
    if summary is None:
        return None
    until = summary["finished_at"] or timezone.now()
    summary["cases_opened"] = Case.objects.filter(opened_at__gte=summary["started_at"], opened_at__lte=until).count()
    return summary
