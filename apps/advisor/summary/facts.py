"""The facts of a site's shift-start summary, as plain JSON: what the template (or a model) writes from.

Only counts, kinds, severities, transfer and appointment labels and approval titles: no customer or
person names are looked up for it (and the external provider masks any a title carries).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q

from apps.approvals.models import OPEN_STATUSES, ApprovalRequest
from apps.cases.detectors.base import kind_label
from apps.cases.models import SEVERITY_RANK, Case
from apps.docks.selectors import site_dock_summary
from apps.sites.models import Site
from apps.sites.selectors import ShiftWindow, site_shift_at


def previous_shift(site: Site, shift: ShiftWindow) -> ShiftWindow:
    """The shift that ended when this one started."""
    return site_shift_at(site, shift.starts - timedelta(seconds=1))


def shift_summary_facts(*, site: Site, shift: ShiftWindow, now: datetime) -> dict[str, Any]:
    """Exception clusters, approvals waiting (and the oldest), dock risks, and what changed since the last shift."""
    before = previous_shift(site, shift)
    open_cases = Case.objects.filter(site=site, is_open=True)
    clusters = [
        {"kind": row["kind"], "label": kind_label(row["kind"]), "severity": row["severity"], "count": row["count"]}
        for row in open_cases.values("kind", "severity").annotate(count=Count("id"))
    ]
    clusters.sort(key=lambda c: (-SEVERITY_RANK.get(c["severity"], 0), -c["count"], c["label"]))
    waiting = ApprovalRequest.objects.filter(site=site, status__in=OPEN_STATUSES)
    oldest = waiting.order_by("created_at", "id").first()
    docks = site_dock_summary(site.code, now=now)
    dock_items = [
        {"label": f"{view.appointment.label} ({view.detail})", "state": view.state}
        for view in [*docks["blocking"], *docks["late"]]
    ]
    changes = Case.objects.filter(site=site)
    return {
        "site": {"code": site.code, "name": site.name, "timezone": site.timezone},
        "shift": {"name": shift.name, "starts": shift.starts.isoformat(), "ends": shift.ends.isoformat()},
        "clusters": clusters,
        "open_cases": sum(c["count"] for c in clusters),
        "approvals": {
            "waiting": waiting.count(),
            "past_sla": waiting.filter(due_at__lt=now).count(),
            "oldest": (
                {"id": oldest.pk, "title": oldest.title, "waiting_s": int((now - oldest.created_at).total_seconds())}
                if oldest
                else None
            ),
        },
        "docks": {
            "available": bool(docks["doors"]) or bool(docks["total"]),
            "late": len(docks["late"]),
            "overrun": len(docks["blocking"]),
            "items": dock_items[:6],
        },
        "changes": {
            "previous_shift": before.name,
            "since": before.starts.isoformat(),
            "opened": changes.filter(opened_at__gte=before.starts, opened_at__lt=now).count(),
            "closed": changes.filter(Q(resolved_at__gte=before.starts) & Q(resolved_at__lt=now), is_open=False).count(),
        },
    }
