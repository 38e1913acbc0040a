"""Writes on KPIs: compute a site's snapshots for local days, backfill, set targets."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.core.retention import complete_since
from apps.kpis.definitions import KpiDefinition, Period, definition, definitions
from apps.kpis.models import KpiHourSnapshot, KpiSiteSettings, KpiSnapshot, KpiTarget
from apps.live.publisher import publish
from apps.sites.models import Site

SNAPSHOT_EVENT = "kpis.snapshot"


class KpiError(Exception):
    """A KPI write that cannot be done as asked (unknown KPI, a target that is not a number)."""


def local_day_bounds(site: Site, day: date) -> tuple[datetime, datetime]:
    """The UTC instants at which ``day`` starts and ends at the site: 23 or 25 hours apart on the
    days the clocks change."""
    zone = site.tzinfo
    start = datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return start, end


def local_day_of(site: Site, moment: datetime) -> date:
    return moment.astimezone(site.tzinfo).date()


HOUR = timedelta(hours=1)
HOURLY_BACKFILL_DAYS = 2  # a backfill keeps hours for the last two local days (what the hourly view shows)


def local_hours(site: Site, day: date) -> list[tuple[datetime, datetime]]:
    """The UTC bounds of each local hour of ``day`` at the site: 24, or 23 and 25 on the days the
    clocks change (the repeated hour of the autumn comes twice, an hour apart in UTC)."""
    start, end = local_day_bounds(site, day)
    return [(start + index * HOUR, start + (index + 1) * HOUR) for index in range(int((end - start) / HOUR))]


def _hour_snapshots_refresh(*, site: Site, day: date, kpis: list[KpiDefinition], now: datetime) -> list[str]:
    """Recompute the site's hours of ``day`` (those begun by ``now``) for the hourly KPIs among ``kpis``;
    one upsert per KPI. Returns the codes whose hourly values changed."""
    hours = [(start, end) for start, end in local_hours(site, day) if start <= now]
    changed: list[str] = []
    for kpi in kpis:
        if not kpi.hourly or not hours:
            continue
        before = dict(
            KpiHourSnapshot.objects.filter(
                site=site, kpi=kpi.code, period_start__gte=hours[0][0], period_start__lte=hours[-1][0]
            ).values_list("period_start", "value")
        )
        periods = [Period(site=site, start=start, end=end, as_of=min(end, now)) for start, end in hours]
        measures = kpi.compute_many(periods) if kpi.compute_many else [kpi.compute(period) for period in periods]
        rows = []
        for (start, end), measure in zip(hours, measures, strict=True):
            rows.append(
                KpiHourSnapshot(
                    site=site, kpi=kpi.code, day=day, period_start=start, period_end=end, value=measure.value,
                    sample_size=measure.sample_size, breakdown=measure.breakdown, computed_at=now,
                )
            )  # fmt: skip
        KpiHourSnapshot.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["site", "kpi", "period_start"],
            update_fields=["day", "period_end", "value", "sample_size", "breakdown", "computed_at"],
        )
        if any(row.period_start not in before or before[row.period_start] != row.value for row in rows):
            changed.append(kpi.code)
    return changed


@transaction.atomic
def kpi_snapshots_refresh(
    *,
    site: Site,
    day: date,
    kpis: Iterable[KpiDefinition] | None = None,
    now: datetime | None = None,
    announce: bool = True,
    hours: bool = True,
) -> list[KpiSnapshot]:
    """Compute (or recompute) the site's snapshots for one local day and store them, one row per
    KPI, and (with ``hours``) one row per begun local hour of the day for the hourly KPIs. Safe to
    repeat: the same history gives the same rows. A future day is left alone.

    Screens showing the site hear ``kpis.snapshot`` after commit when a value changed (unless
    ``announce`` is off: a backfill announces once at its end).
    """
    now = now or timezone.now()
    start, end = local_day_bounds(site, day)
    if start > now:
        return []
    period = Period(site=site, start=start, end=end, as_of=min(end, now))
    snapshots = []
    changed = []
    chosen = list(kpis or definitions())
    for kpi in chosen:
        kept = _kept_by_retention(kpi, site=site, day=day, start=start, now=now)
        if kept is not None:
            snapshots.append(kept)
            continue
        measure = kpi.compute(period)
        previous = KpiSnapshot.objects.filter(site=site, kpi=kpi.code, day=day).values_list("value", flat=True).first()
        snapshot, created = KpiSnapshot.objects.update_or_create(
            site=site,
            kpi=kpi.code,
            day=day,
            defaults={
                "period_start": start,
                "period_end": end,
                "value": measure.value,
                "sample_size": measure.sample_size,
                "breakdown": measure.breakdown,
                "computed_at": now,
            },
        )
        snapshots.append(snapshot)
        if created or previous != measure.value:
            changed.append(kpi.code)
    if hours:
        hourly_changed = _hour_snapshots_refresh(site=site, day=day, kpis=chosen, now=now)
        changed.extend(code for code in hourly_changed if code not in changed)
    if changed and announce:
        publish(SNAPSHOT_EVENT, site.code, {"site": site.code, "day": day.isoformat(), "kpis": changed})
    return snapshots


def _kept_by_retention(
    kpi: KpiDefinition, *, site: Site, day: date, start: datetime, now: datetime
) -> KpiSnapshot | None:
    """The day's snapshot, when the retention purge may have removed rows it counted: history outlives
    raw rows, so a backfill over old days keeps what was computed while they were all there."""
    since = complete_since(kpi.reads_retained, now) if kpi.reads_retained else None
    if since is None or start >= since:
        return None
    return KpiSnapshot.objects.filter(site=site, kpi=kpi.code, day=day).first()


@dataclass(frozen=True)
class BackfillResult:
    sites: int
    days: int
    snapshots: int


def kpi_snapshots_backfill(
    *,
    sites: Iterable[Site],
    first_day: date | None = None,
    last_day: date | None = None,
    days: int = 90,
    progress: Callable[[int, int], None] | None = None,
    announce: bool = True,
    now: datetime | None = None,
) -> BackfillResult:
    """Recompute every KPI for each site over a range of its local days (default: the last ``days``
    up to today, in each site's own zone), and the hours of its last HOURLY_BACKFILL_DAYS local days
    before now. One transaction per site and day, so a long backfill can be stopped and run again. Open
    KPI screens of each site hear one ``kpis.snapshot`` at the end
    (none with ``announce`` off, as before the stack runs)."""
    now = now or timezone.now()
    plan: list[tuple[Site, date]] = []
    for site in sites:
        last = last_day or local_day_of(site, now)
        first = first_day or last - timedelta(days=days - 1)
        plan.extend((site, first + timedelta(days=offset)) for offset in range((last - first).days + 1))
    written = 0
    for done, (site, day) in enumerate(plan, start=1):
        recent = (local_day_of(site, now) - day).days < HOURLY_BACKFILL_DAYS
        written += len(kpi_snapshots_refresh(site=site, day=day, now=now, announce=False, hours=recent))
        if progress:
            progress(done, len(plan))
    if announce:
        codes = [kpi.code for kpi in definitions()]
        for site in {site.pk: site for site, _ in plan}.values():
            last = last_day or local_day_of(site, now)
            publish(SNAPSHOT_EVENT, site.code, {"site": site.code, "day": last.isoformat(), "kpis": codes})
    return BackfillResult(sites=len({site.pk for site, _ in plan}), days=len(plan), snapshots=written)


def kpi_snapshots_refresh_recent(*, now: datetime | None = None) -> int:
    """The scheduler's pass: today and yesterday, local to each active site, days and hours (a late
    entry of yesterday lands here too). Returns how many daily snapshots were written."""
    now = now or timezone.now()
    written = 0
    for site in Site.objects.filter(is_active=True):
        today = local_day_of(site, now)
        for day in (today - timedelta(days=1), today):
            written += len(kpi_snapshots_refresh(site=site, day=day, now=now))
    return written


def kpi_target_set(*, user: User, site: Site, kpi: str, value: float | None) -> KpiTarget | None:
    """Set (or with ``None`` remove) the site's target on a KPI; audited. Setting the same value
    again changes nothing and writes no audit entry."""
    if definition(kpi) is None:
        raise KpiError(f"{kpi!r} is not a KPI.")
    with transaction.atomic():
        current = KpiTarget.objects.select_for_update().filter(site=site, kpi=kpi).first()
        before = current.value if current else None
        if before == value:
            return current
        target: KpiTarget | None = None
        if value is None:
            KpiTarget.objects.filter(site=site, kpi=kpi).delete()
        else:
            target, _ = KpiTarget.objects.update_or_create(
                site=site, kpi=kpi, defaults={"value": value, "updated_by": user}
            )
        audit_record(
            action="kpis.target_set",
            subject=f"kpi:{kpi}",
            actor=user,
            site_code=site.code,
            data={"kpi": kpi, "before": before, "after": value},
        )
    return target


def kpi_per_person_set(*, user: User, site: Site, enabled: bool) -> KpiSiteSettings:
    """Turn the site's per-approver figures on or off; audited. The same value again changes nothing
    and writes no audit entry."""
    with transaction.atomic():
        current, _ = KpiSiteSettings.objects.select_for_update().get_or_create(site=site)
        if current.per_person_figures == enabled:
            return current
        current.per_person_figures = enabled
        current.updated_by = user
        current.save()
        audit_record(
            action="kpis.per_person_set",
            subject=f"site:{site.code}",
            actor=user,
            site_code=site.code,
            data={"per_person_figures": {"before": not enabled, "after": enabled}},
        )
    return current
