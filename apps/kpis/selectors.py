"""Reads on KPIs, scoped to the sites whose KPIs the user may see (their managers and admins).

Pages read snapshots only. Every chart is one ``Chart`` — the same rows feed the plotly figure, the
table under it and its CSV export, so the three always agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import fmean
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.roles import Role, has_role
from apps.accounts.selectors import sites_visible_to
from apps.core.vocabulary import severity_text
from apps.kpis.computations import AGE_BUCKETS, SEVERITIES
from apps.kpis.definitions import KpiDefinition, definitions
from apps.kpis.models import KpiSnapshot, KpiTarget
from apps.sites.models import Site

if TYPE_CHECKING:
    from apps.accounts.types import AnyUser

KPI_ROLES = (Role.MANAGER, Role.ADMIN)
DEFAULT_RANGE_DAYS = 30
MAX_RANGE_DAYS = 400


class FilterError(ValueError):
    """A filter in the URL that cannot be read; the message says what to fix."""


def kpi_sites_for(user: AnyUser) -> QuerySet[Site]:
    """The sites whose KPIs the user sees: managers and admins, at the sites they may see."""
    if not has_role(user, *KPI_ROLES):
        return Site.objects.none()
    return sites_visible_to(user)


@dataclass(frozen=True)
class KpiFilters:
    """?site=BRU&from=2026-01-01&to=2026-01-31 — the same in the screens, the CSV and the API."""

    site_code: str = ""
    first_day: date | None = None
    last_day: date | None = None

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> KpiFilters:
        def day(name: str) -> date | None:
            raw = (params.get(name) or "").strip()
            if not raw:
                return None
            try:
                return date.fromisoformat(raw)
            except ValueError:
                raise FilterError(f"{name}: {raw!r} is not a date; use YYYY-MM-DD.") from None

        filters = cls(site_code=(params.get("site") or "").strip(), first_day=day("from"), last_day=day("to"))
        first, last = filters.days()
        if first > last:
            raise FilterError("from: the first day comes after the last day.")
        if (last - first).days >= MAX_RANGE_DAYS:
            raise FilterError(f"from: at most {MAX_RANGE_DAYS} days at a time.")
        return filters

    def days(self) -> tuple[date, date]:
        """The range: given days, else the last DEFAULT_RANGE_DAYS up to today."""
        last = self.last_day or timezone.localdate()
        first = self.first_day or last - timedelta(days=DEFAULT_RANGE_DAYS - 1)
        return first, last

    def query(self) -> dict[str, str]:
        first, last = self.days()
        return {"site": self.site_code, "from": first.isoformat(), "to": last.isoformat()}


def selected_sites(user: AnyUser, filters: KpiFilters) -> list[Site]:
    """The sites the filters pick among those the user may see (all of them when none is named)."""
    sites = kpi_sites_for(user)
    if filters.site_code:
        sites = sites.filter(code=filters.site_code)
    return list(sites.order_by("code"))


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # line | bar | stacked
    unit: str  # the unit of the values (definitions.Unit), for axis and table formatting
    x_title: str
    x: list[str]
    series: list[dict[str, Any]] = field(default_factory=list)  # {"name", "values", "target": bool}

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """The chart as a table: one row per x, one column per series."""
        header = [self.x_title, *[serie["name"] for serie in self.series]]
        rows = [[label, *[serie["values"][index] for serie in self.series]] for index, label in enumerate(self.x)]
        return header, rows

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "unit": self.unit,
            "x_title": self.x_title,
            "x": self.x,
            "series": self.series,
        }


def _snapshots(kpi: str, sites: list[Site], first: date, last: date) -> dict[int, dict[date, KpiSnapshot]]:
    rows = KpiSnapshot.objects.filter(kpi=kpi, site__in=sites, day__gte=first, day__lte=last)
    by_site: dict[int, dict[date, KpiSnapshot]] = defaultdict(dict)
    for snapshot in rows.only("site_id", "day", "value", "sample_size", "breakdown"):
        by_site[snapshot.site_id][snapshot.day] = snapshot
    return by_site


def targets_for(sites: list[Site]) -> dict[tuple[int, str], float]:
    return {
        (site_id, kpi): value
        for site_id, kpi, value in KpiTarget.objects.filter(site__in=sites).values_list("site_id", "kpi", "value")
    }


def _mean(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return round(fmean(present), 2) if present else None


def _latest(points: dict[date, KpiSnapshot]) -> KpiSnapshot | None:
    measured = [snapshot for snapshot in points.values() if snapshot.value is not None]
    return max(measured, key=lambda snapshot: snapshot.day) if measured else None


def kpi_overview(user: AnyUser, filters: KpiFilters) -> list[dict[str, Any]]:
    """One card per KPI and site: current value, target, the daily values of the range (sparkline),
    and the change of the range's mean against the range just before it."""
    sites = selected_sites(user, filters)
    first, last = filters.days()
    span = (last - first).days + 1
    before_first, before_last = first - timedelta(days=span), first - timedelta(days=1)
    targets = targets_for(sites)
    days = [first + timedelta(days=offset) for offset in range(span)]
    cards = []
    for kpi in definitions():
        current = _snapshots(kpi.code, sites, first, last)
        previous = _snapshots(kpi.code, sites, before_first, before_last)
        for site in sites:
            points = current.get(site.pk, {})
            values = [points[day].value if day in points else None for day in days]
            mean_now = _mean(values)
            mean_before = _mean([snapshot.value for snapshot in previous.get(site.pk, {}).values()])
            latest = _latest(points)
            cards.append(
                {
                    "kpi": kpi,
                    "site": site,
                    "current": latest.value if latest else None,
                    "current_day": latest.day if latest else None,
                    "target": targets.get((site.pk, kpi.code)),
                    "change": None if mean_now is None or mean_before is None else round(mean_now - mean_before, 2),
                    "spark": {"x": [day.isoformat() for day in days], "values": values, "unit": str(kpi.unit)},
                }
            )
    return cards


def kpi_charts(user: AnyUser, kpi: KpiDefinition, filters: KpiFilters) -> list[Chart]:
    """The KPI page's charts: trend with target per site, per-site comparison, and the breakdown of
    the last measured day."""
    sites = selected_sites(user, filters)
    first, last = filters.days()
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    snapshots = _snapshots(kpi.code, sites, first, last)
    targets = targets_for(sites)
    unit = str(kpi.unit)

    trend = Chart("trend", f"{kpi.name}, day by day", "line", unit, "Day", [day.isoformat() for day in days])
    comparison = Chart("sites", "Sites compared (mean of the days)", "bar", unit, "Site", [site.code for site in sites])
    comparison.series.append({"name": kpi.name, "values": [], "target": False})
    comparison.series.append({"name": "Target", "values": [], "target": True})
    for site in sites:
        points = snapshots.get(site.pk, {})
        values = [points[day].value if day in points else None for day in days]
        trend.series.append({"name": site.code, "values": values, "target": False})
        target = targets.get((site.pk, kpi.code))
        if target is not None:
            trend.series.append({"name": f"{site.code} target", "values": [target] * len(days), "target": True})
        comparison.series[0]["values"].append(_mean(values))
        comparison.series[1]["values"].append(target)
    charts = [trend, comparison]
    breakdown = _breakdown_chart(kpi, sites, snapshots)
    if breakdown is not None:
        charts.append(breakdown)
    return charts


def _breakdown_chart(
    kpi: KpiDefinition, sites: list[Site], snapshots: dict[int, dict[date, KpiSnapshot]]
) -> Chart | None:
    if not kpi.breakdown_title or len(sites) != 1:
        return None  # a breakdown reads one site; the page asks to pick one
    latest = _latest(snapshots.get(sites[0].pk, {}))
    if latest is None:
        return None
    title = f"{kpi.breakdown_title} — {sites[0].code}, {latest.day.isoformat()}"
    parts = latest.breakdown
    if "age_buckets" in parts:
        labels = [label for label, _ in AGE_BUCKETS]
        chart = Chart("breakdown", title, "stacked", "count", "Age", labels)
        for level in SEVERITIES:
            values = [parts["age_buckets"].get(label, {}).get(level, 0) for label in labels]
            chart.series.append({"name": severity_text(level), "severity": level, "values": values, "target": False})
        return chart
    groups = parts.get("by_severity") or parts.get("by_type") or parts.get("by_step") or {}
    x_title = "Severity" if "by_severity" in parts else "Request type" if "by_type" in parts else "Step"
    labels = [severity_text(level) for level in groups] if "by_severity" in parts else list(groups)
    chart = Chart("breakdown", title, "bar", str(kpi.unit), x_title, labels)
    label = "Median" if kpi.unit == "duration" else kpi.name
    chart.series.append({"name": label, "values": list(groups.values()), "target": False})
    return chart


def kpi_series(user: AnyUser, kpi: KpiDefinition, filters: KpiFilters) -> list[dict[str, Any]]:
    """The API's series: per site, each local day's value, sample size and breakdown, and the target."""
    sites = selected_sites(user, filters)
    first, last = filters.days()
    snapshots = _snapshots(kpi.code, sites, first, last)
    targets = targets_for(sites)
    return [
        {
            "site": site.code,
            "timezone": site.timezone,
            "target": targets.get((site.pk, kpi.code)),
            "points": [
                {
                    "day": snapshot.day,
                    "value": snapshot.value,
                    "sample_size": snapshot.sample_size,
                    "breakdown": snapshot.breakdown,
                }
                for _, snapshot in sorted(snapshots.get(site.pk, {}).items())
            ],
        }
        for site in sites
    ]
