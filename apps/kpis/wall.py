"""The KPI strip for wall boards (offered through apps.live.strips, registered in apps.py): today's figure
of a few KPIs at the site against its targets, readable from across the floor."""

from __future__ import annotations

from django.template.loader import render_to_string

from apps.kpis.definitions import definition
from apps.kpis.models import KpiSnapshot
from apps.kpis.selectors import targets_for
from apps.live.strips import WallStrip, strip_element_id
from apps.sites.models import Site

#: What a floor reads at a glance: how long exceptions wait, what is stuck, whether trucks leave on time.
STRIP_KPIS = ("exception_aging", "blocked_shipments", "dispatch_adherence")


def render_kpi_strip(site: Site) -> str:
    """The latest daily figure of each strip KPI (today's while it runs), its target and whether it is met."""
    targets = targets_for([site])
    cards = []
    for code in STRIP_KPIS:
        kpi = definition(code)
        if kpi is None:
            continue
        latest = (
            KpiSnapshot.objects.filter(site=site, kpi=code, value__isnull=False).order_by("-day").only("value").first()
        )
        cards.append(
            {
                "kpi": kpi,
                "site": site,
                "current": latest.value if latest else None,
                "target": targets.get((site.pk, code)),
            }
        )
    return render_to_string(
        "kpis/wall_strip.html", {"element_id": strip_element_id(KPI_STRIP_KEY, site.code), "cards": cards}
    )


KPI_STRIP_KEY = "kpis"
KPI_STRIP = WallStrip(key=KPI_STRIP_KEY, label="KPIs against target", render=render_kpi_strip)
