"""Reads of shift summaries: the latest ones of a site, for people who may see the site."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.advisor.models import AdvisorName, AdvisorRun
from apps.sites.models import Site


def shift_summaries(*, site: Site, limit: int = 6) -> QuerySet[AdvisorRun]:
    """The site's latest summaries, newest first (the caller has checked the user may see the site)."""
    return AdvisorRun.objects.filter(advisor=AdvisorName.SHIFT_SUMMARY, site=site).order_by("-created_at", "-id")[
        :limit
    ]
