"""Reads about sites that other apps share: which shift is on at a site, and when it started and ends.

The wall, docks, escalation and KPIs all read shifts through site_shift_at, so a site's shifts are edited in one place.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from apps.sites.models import Shift, Site

# Used for a site that has no shifts of its own (the long-standing early/late/night pattern).
DEFAULT_SHIFTS: tuple[tuple[time, str], ...] = (
    (time(6), "Early shift"),
    (time(14), "Late shift"),
    (time(22), "Night shift"),
)


@dataclass(frozen=True)
class ShiftWindow:
    """One occurrence of a shift: its name and its start and end as aware datetimes in the site's time zone."""

    name: str
    starts: datetime
    ends: datetime


def site_shift_pattern(site: Site) -> list[tuple[time, str]]:
    """The site's shifts as (local start, name), earliest first; the default pattern when none are set."""
    rows = [(shift.starts_at, shift.name) for shift in Shift.objects.filter(site=site).order_by("starts_at")]
    return rows or list(DEFAULT_SHIFTS)


def _local(site: Site, day: datetime, at: time) -> datetime:
    # Wall-clock time on that local date (zoneinfo resolves DST gaps and folds, fold=0), as UTC: aware datetimes
    # sharing one tzinfo compare by wall clock, which is wrong across a DST fold.
    return datetime.combine(day.date(), at, tzinfo=site.tzinfo).astimezone(UTC)


def site_shift_at(site: Site, when: datetime) -> ShiftWindow:
    """The shift on at `when` (any aware datetime) at this site, with its local start and end."""
    pattern = site_shift_pattern(site)
    local = when.astimezone(site.tzinfo)
    instant = when.astimezone(UTC)
    # Candidate starts: every shift start yesterday, today and tomorrow (local dates), in order.
    starts: list[tuple[datetime, str]] = []
    for offset in (-1, 0, 1):
        day = local + timedelta(days=offset)
        starts.extend((_local(site, day, at), name) for at, name in pattern)
    starts.sort(key=lambda item: item[0])
    for index, (start, name) in enumerate(starts):
        following = starts[index + 1][0]
        if start <= instant < following:
            return ShiftWindow(name=name, starts=start.astimezone(site.tzinfo), ends=following.astimezone(site.tzinfo))
    raise AssertionError("a shift pattern always covers today")  # pragma: no cover


def site_shifts_on(site: Site, day: datetime) -> list[ShiftWindow]:
    """Every shift that starts on the local date of `day` at this site, in order."""
    local = day.astimezone(site.tzinfo)
    pattern = site_shift_pattern(site)
    return [site_shift_at(site, _local(site, local, at)) for at, _name in pattern]
