"""Cases on screens: every change goes to the case's site group after commit, as the same row
partial the queue renders on first load, with the facts the queue filters on: each open queue
keeps the row only when it matches its own filters (apps/cases/live_rows.py), so a closed case
reaches a "closed" queue and leaves an "active" one. Open pages showing the case's panel refetch
it when they see its event (a panel carries per-user actions, so it is not rendered once for all)."""

from __future__ import annotations

from django.template.loader import render_to_string

from apps.cases.live_rows import case_row_facts
from apps.cases.models import Case
from apps.live.publisher import publish, record

QUEUE_CONTAINER = "case-rows"
# More changes than this for one site in one batch (a first sync, a bulk reschedule in Odoo): one
# "refresh" message instead of a row each; the screens refetch their rows once.
BULK_REFRESH_OVER = 25


def row_element_id(case: Case) -> str:
    return f"case-{case.pk}"


def render_case_row(case: Case) -> str:
    return render_to_string("cases/partials/case_row.html", {"case": case})


def publish_case(case: Case, event: str) -> None:
    """Push the row to the site's screens: each queue inserts, swaps or drops it by its own filters."""
    if case.site is None:
        return
    publish(
        event,
        case.site.code,
        case_row_facts(case),
        html=render_case_row(case),
        target=row_element_id(case),
        container=QUEUE_CONTAINER,
    )


def publish_cases(changes: list[tuple[Case, str]]) -> None:
    """Publish a batch of case changes: a row each, or one refresh per site for a large batch."""
    by_site: dict[str, list[tuple[Case, str]]] = {}
    for case, event in changes:
        if case.site is not None:
            by_site.setdefault(case.site.code, []).append((case, event))
    for site_code, site_changes in by_site.items():
        if len(site_changes) > BULK_REFRESH_OVER:
            publish("cases.refresh", site_code, {"site": site_code, "count": len(site_changes)})
            for case, event in site_changes:  # outbound webhooks still get each case
                record(event, site_code, case_row_facts(case))
            continue
        for case, event in site_changes:
            publish_case(case, event)
