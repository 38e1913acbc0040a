"""Reads on KPIs, scoped to the sites whose KPIs the user may see (their managers and admins).

Pages read snapshots only. Every chart is one ``Chart`` — the same rows feed the plotly figure, the
table under it and its CSV export, so the three always agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from statistics import fmean
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Role, has_role
from apps.accounts.selectors import sites_visible_to
from apps.core.vocabulary import severity_text
from apps.kpis.computations import AGE_BUCKETS, SEVERITIES
from apps.kpis.definitions import KpiDefinition, definitions
from apps.kpis.models import KpiHourSnapshot, KpiSiteSettings, KpiSnapshot, KpiTarget
from apps.sites.models import Site

if TYPE_CHECKING:
    from apps.accounts.types import AnyUser

KPI_ROLES = (Role.MANAGER, Role.ADMIN)
DEFAULT_RANGE_DAYS = 30
MAX_RANGE_DAYS = 400
GRANULARITIES = ("day", "hour")
HOURLY_WINDOW_HOURS = 48  # the hourly view without dates: the last 48 hours
MAX_HOURLY_DAYS = 14
HOUR = timedelta(hours=1)


class FilterError(ValueError):
    """A filter in the URL that cannot be read; the message says what to fix."""


def kpi_sites_for(user: AnyUser) -> QuerySet[Site]:
    """The sites whose KPIs the user sees: managers and admins, at the sites they may see."""
    if not has_role(user, *KPI_ROLES):
        return Site.objects.none()
    return sites_visible_to(user)


@dataclass(frozen=True)
class KpiFilters:
    """?site=BRU&from=2026-01-01&to=2026-01-31&granularity=hour — the same in the screens, the CSV and
    the API. By the hour without dates: the last HOURLY_WINDOW_HOURS hours."""

    site_code: str = ""
    first_day: date | None = None
    last_day: date | None = None
    granularity: str = "day"

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

        granularity = (params.get("granularity") or "day").strip()
        if granularity not in GRANULARITIES:
            raise FilterError(f"granularity: {granularity!r} is not one of {', '.join(GRANULARITIES)}.")
        filters = cls(
            site_code=(params.get("site") or "").strip(),
            first_day=day("from"),
            last_day=day("to"),
            granularity=granularity,
        )
        first, last = filters.days()
        if first > last:
            raise FilterError("from: the first day comes after the last day.")
        if (last - first).days >= MAX_RANGE_DAYS:
            raise FilterError(f"from: at most {MAX_RANGE_DAYS} days at a time.")
        if filters.hourly and (last - first).days >= MAX_HOURLY_DAYS:
            raise FilterError(f"from: at most {MAX_HOURLY_DAYS} days at a time by the hour.")
        return filters

    @property
    def hourly(self) -> bool:
        return self.granularity == "hour"

    @property
    def rolling(self) -> bool:
        """By the hour with no dates: the last HOURLY_WINDOW_HOURS hours up to now."""
        return self.hourly and self.first_day is None and self.last_day is None

    def days(self) -> tuple[date, date]:
        """The range: given days, else the last DEFAULT_RANGE_DAYS up to today (two days by the hour)."""
        last = self.last_day or timezone.localdate()
        span = 2 if self.hourly else DEFAULT_RANGE_DAYS
        first = self.first_day or last - timedelta(days=span - 1)
        return first, last

    def query(self) -> dict[str, str]:
        if self.rolling:
            return {"site": self.site_code, "granularity": "hour"}
        first, last = self.days()
        query = {"site": self.site_code, "from": first.isoformat(), "to": last.isoformat()}
        if self.hourly:
            query["granularity"] = "hour"
        return query


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
    x_type: str = ""  # "category" when the labels must not be read as dates (local hours)

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
            "x_type": self.x_type,
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


def _latest(points: Mapping[Any, KpiSnapshot | KpiHourSnapshot]) -> KpiSnapshot | KpiHourSnapshot | None:
    """The measured point with the greatest key (day, or hour index)."""
    measured = [key for key, snapshot in points.items() if snapshot.value is not None]
    return points[max(measured)] if measured else None


def kpi_overview(user: AnyUser, filters: KpiFilters) -> list[dict[str, Any]]:
    """One card per KPI and site: current value, target, the daily values of the range (sparkline),
    and the change of the range's mean against the range just before it."""
    sites = selected_sites(user, filters)
    first, last = filters.days()
    span = (last - first).days + 1
    before_first, before_last = first - timedelta(days=span), first - timedelta(days=1)
    targets = targets_for(sites)
    days = [first + timedelta(days=offset) for offset in range(span)]
    kpis = definitions()
    current_of = {kpi.code: _snapshots(kpi.code, sites, first, last) for kpi in kpis}
    previous_of = {kpi.code: _snapshots(kpi.code, sites, before_first, before_last) for kpi in kpis}
    cards = []
    for site in sites:  # site by site: the page shows each site's cards together
        for kpi in kpis:
            current, previous = current_of[kpi.code], previous_of[kpi.code]
            points = current.get(site.pk, {})
            values = [points[day].value if day in points else None for day in days]
            mean_now = _mean(values)
            mean_before = _mean([snapshot.value for snapshot in previous.get(site.pk, {}).values()])
            latest = _latest(points)
            assert latest is None or isinstance(latest, KpiSnapshot)
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


def hour_window(sites: list[Site], filters: KpiFilters, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The UTC bounds of the hourly view: the last HOURLY_WINDOW_HOURS hours up to the end of the
    running hour, or the local days of the range (from the first site's start to the last's end)."""
    now = now or timezone.now()
    if filters.rolling:
        zone = sites[0].tzinfo if len(sites) == 1 else UTC
        end = now.astimezone(zone).replace(minute=0, second=0, microsecond=0).astimezone(UTC) + HOUR
        return end - HOURLY_WINDOW_HOURS * HOUR, end
    first, last = filters.days()
    zones: list[Any] = [site.tzinfo for site in sites] or [UTC]
    start = min(datetime.combine(first, datetime.min.time(), tzinfo=zone).astimezone(UTC) for zone in zones)
    end = max(
        datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone).astimezone(UTC) for zone in zones
    )
    return start, end


def _hour_snapshots(
    kpi: str, sites: list[Site], start: datetime, end: datetime
) -> dict[int, dict[int, KpiHourSnapshot]]:
    """Per site, the hourly rows of the window keyed by their hour's index in it (an index read)."""
    rows = KpiHourSnapshot.objects.filter(kpi=kpi, site__in=sites, period_start__gte=start, period_start__lt=end)
    by_site: dict[int, dict[int, KpiHourSnapshot]] = defaultdict(dict)
    for snapshot in rows.only("site_id", "day", "period_start", "value", "sample_size", "breakdown"):
        by_site[snapshot.site_id][int((snapshot.period_start - start) // HOUR)] = snapshot
    return by_site


def hour_label(moment: datetime, zone: Any) -> str:
    """An hour as the site reads it, with its UTC offset: the autumn's repeated hour shows twice."""
    local = moment.astimezone(zone)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def hour_tick(moment: datetime, zone: Any) -> str:
    """An hour on a chart's axis, short: "Sun 25 02:00"; the autumn's repeated hour adds its UTC offset."""
    local = moment.astimezone(zone)
    label = f"{local:%a %d %H:%M}"
    naive = local.replace(tzinfo=None)
    if naive.replace(tzinfo=zone, fold=0).utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset():
        offset = local.strftime("%z")
        label += f" {offset[:3]}:{offset[3:]}"
    return label


def per_person_enabled(site: Site) -> bool:
    """False when the site turned per-approver figures off (on by default)."""
    return KpiSiteSettings.objects.filter(site=site).values_list("per_person_figures", flat=True).first() is not False


def per_person_allowed(user: AnyUser, site: Site) -> bool:
    """Figures per approver: the site's managers and admins only, and only while the site allows them."""
    return has_role(user, *KPI_ROLES) and kpi_sites_for(user).filter(pk=site.pk).exists() and per_person_enabled(site)


def approver_names(user_ids: list[str]) -> dict[str, str]:
    names = {}
    for user in User.objects.filter(pk__in=[int(user_id) for user_id in user_ids]):
        names[str(user.pk)] = user.get_full_name() or user.get_username()
    return names


def kpi_charts(user: AnyUser, kpi: KpiDefinition, filters: KpiFilters, now: datetime | None = None) -> list[Chart]:
    """The KPI page's charts: trend with target per site, per-site comparison, and the breakdown of
    the last measured day (or hour, by the hour)."""
    sites = selected_sites(user, filters)
    unit = str(kpi.unit)
    points_by_site: Mapping[int, Mapping[Any, KpiSnapshot | KpiHourSnapshot]]
    if filters.hourly:
        start, end = hour_window(sites, filters, now)
        keys: list[Any] = list(range(int((end - start) / HOUR)))
        zone = sites[0].tzinfo if len(sites) == 1 else UTC
        labels = [hour_tick(start + index * HOUR, zone) for index in keys]
        where = f"{sites[0].code} local time" if len(sites) == 1 else "UTC"
        trend = Chart("trend", f"{kpi.name}, hour by hour", "line", unit, f"Hour ({where})", labels, x_type="category")
        points_by_site = _hour_snapshots(kpi.code, sites, start, end) if kpi.hourly else {}
        mean_title = "Sites compared (mean of the hours)"
    else:
        first, last = filters.days()
        keys = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
        trend = Chart("trend", f"{kpi.name}, day by day", "line", unit, "Day", [day.isoformat() for day in keys])
        points_by_site = _snapshots(kpi.code, sites, first, last)
        mean_title = "Sites compared (mean of the days)"
    targets = targets_for(sites)

    comparison = Chart("sites", mean_title, "bar", unit, "Site", [site.code for site in sites])
    comparison.series.append({"name": kpi.name, "values": [], "target": False})
    comparison.series.append({"name": "Target", "values": [], "target": True})
    for site in sites:
        points = points_by_site.get(site.pk, {})
        values = [points[key].value if key in points else None for key in keys]
        trend.series.append({"name": site.code, "values": values, "target": False})
        target = targets.get((site.pk, kpi.code))
        if target is not None:
            trend.series.append({"name": f"{site.code} target", "values": [target] * len(keys), "target": True})
        comparison.series[0]["values"].append(_mean(values))
        comparison.series[1]["values"].append(target)
    charts = [trend, comparison]
    if len(sites) == 1:
        latest = _latest(points_by_site.get(sites[0].pk, {}))
        if latest is not None:
            when = hour_label(latest.period_start, sites[0].tzinfo) if filters.hourly else latest.day.isoformat()
            breakdown = _breakdown_chart(kpi, sites[0], latest.breakdown, when)
            if breakdown is not None:
                charts.append(breakdown)
            charts.extend(_turnaround_charts(user, kpi, sites[0], latest.breakdown, when))
    return charts


def _turnaround_charts(user: AnyUser, kpi: KpiDefinition, site: Site, parts: dict, when: str) -> list[Chart]:
    """Approval turnaround per step (everyone who reads the KPI) and per approver (the site's managers
    and admins, while the site allows per-person figures): median and p90."""
    charts = []
    per_step = parts.get("per_step") or {}
    if per_step:
        chart = Chart("steps", f"Turnaround by step — {site.code}, {when}", "bar", "duration", "Step", [])
        chart.x = [f"{name} ({figures['decisions']})" for name, figures in per_step.items()]
        chart.series.append({"name": "Median", "values": [f["median_s"] for f in per_step.values()], "target": False})
        chart.series.append({"name": "p90", "values": [f["p90_s"] for f in per_step.values()], "target": False})
        charts.append(chart)
    per_approver = parts.get("per_approver") or {}
    if per_approver and per_person_allowed(user, site):
        names = approver_names(list(per_approver))
        ordered = sorted(per_approver.items(), key=lambda item: names.get(item[0], item[0]).lower())
        chart = Chart("approvers", f"Turnaround by approver — {site.code}, {when}", "bar", "duration", "Approver", [])
        chart.x = [f"{names.get(user_id, 'former user')} ({figures['decisions']})" for user_id, figures in ordered]
        chart.series.append({"name": "Median", "values": [f["median_s"] for _, f in ordered], "target": False})
        chart.series.append({"name": "p90", "values": [f["p90_s"] for _, f in ordered], "target": False})
        charts.append(chart)
    return charts


def _breakdown_chart(kpi: KpiDefinition, site: Site, parts: dict, when: str) -> Chart | None:
    if not kpi.breakdown_title:
        return None
    title = f"{kpi.breakdown_title} — {site.code}, {when}"
    if "age_buckets" in parts:
        labels = [label for label, _ in AGE_BUCKETS]
        chart = Chart("breakdown", title, "stacked", "count", "Age", labels)
        for level in SEVERITIES:
            values = [parts["age_buckets"].get(label, {}).get(level, 0) for label in labels]
            chart.series.append({"name": severity_text(level), "severity": level, "values": values, "target": False})
        return chart
    groups = parts.get("by_severity") or parts.get("by_type") or parts.get("by_step") or parts.get("by_group") or {}
    x_title = "Severity" if "by_severity" in parts else "Request type" if "by_type" in parts else "Step"
    if "by_group" in parts:  # a KPI of another app names its own groups
        x_title = str(parts.get("group_title", ""))
    labels = [severity_text(level) for level in groups] if "by_severity" in parts else list(groups)
    chart = Chart("breakdown", title, "bar", str(kpi.unit), x_title, labels)
    label = "Median" if kpi.unit == "duration" else kpi.name
    chart.series.append({"name": label, "values": list(groups.values()), "target": False})
    return chart


def visible_breakdown(user: AnyUser, site: Site, breakdown: dict, *, allowed: bool | None = None) -> dict:
    """A snapshot's breakdown as the user may read it: per-approver figures only for the site's
    managers and admins while the site allows them, with each approver's name."""
    if "per_approver" not in breakdown:
        return breakdown
    shown = {key: value for key, value in breakdown.items() if key != "per_approver"}
    if allowed if allowed is not None else per_person_allowed(user, site):
        names = approver_names(list(breakdown["per_approver"]))
        shown["per_approver"] = {
            user_id: {**figures, "name": names.get(user_id, "former user")}
            for user_id, figures in breakdown["per_approver"].items()
        }
    return shown


def kpi_series(
    user: AnyUser, kpi: KpiDefinition, filters: KpiFilters, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The API's series: per site, each local day's (or hour's) value, sample size and breakdown, and
    the target. Hours carry their UTC start and end; a KPI kept daily only has no hourly points."""
    sites = selected_sites(user, filters)
    targets = targets_for(sites)
    result = []
    for site in sites:
        allowed = per_person_allowed(user, site)
        points: list[dict[str, Any]]
        if filters.hourly:
            start, end = hour_window([site], filters, now)
            hours = _hour_snapshots(kpi.code, [site], start, end) if kpi.hourly else {}
            points = [
                {
                    "day": snapshot.day,
                    "hour_start": snapshot.period_start,
                    "hour_label": hour_label(snapshot.period_start, site.tzinfo),
                    "value": snapshot.value,
                    "sample_size": snapshot.sample_size,
                    "breakdown": visible_breakdown(user, site, snapshot.breakdown, allowed=allowed),
                }
                for _, snapshot in sorted(hours.get(site.pk, {}).items())
            ]
        else:
            first, last = filters.days()
            days = _snapshots(kpi.code, [site], first, last)
            points = [
                {
                    "day": snapshot.day,
                    "value": snapshot.value,
                    "sample_size": snapshot.sample_size,
                    "breakdown": visible_breakdown(user, site, snapshot.breakdown, allowed=allowed),
                }
                for _, snapshot in sorted(days.get(site.pk, {}).items())
            ]
        result.append(
            {"site": site.code, "timezone": site.timezone, "target": targets.get((site.pk, kpi.code)), "points": points}
        )
    return result
