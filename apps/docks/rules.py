"""The dock's rules as plain functions over plain data: when a door is open, what conflicts with
an appointment, how long a load needs, and the first free slot that fits.

No queries here: selectors and services load the day once and ask these functions, so the same
rules judge the timeline, the "find a slot" action and a move.
"""

from __future__ import annotations

import math
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

# Defaults when a site has no DockRules row (same values as the model's defaults).
DEFAULT_LATE_AFTER_MIN = 15
DEFAULT_NO_SHOW_AFTER_MIN = 60
DEFAULT_OVERRUN_AFTER_MIN = 15
DEFAULT_BASE_MINUTES = 20
DEFAULT_MINUTES_PER_LINE = Decimal(2)
DEFAULT_SLOT_STEP_MIN = 15
SLOT_HORIZON = timedelta(days=2)  # "find a slot" looks this far ahead

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class DoorFacts:
    """What the rules need to know about a door."""

    id: int
    name: str
    direction: str  # inbound | outbound | both
    capabilities: frozenset[str]
    opens_at: time | None
    closes_at: time | None
    tz: zoneinfo.ZoneInfo
    closures: tuple[Interval, ...] = ()


@dataclass(frozen=True)
class Booking:
    """An appointment as the rules see it (only those that hold their door)."""

    id: int
    door_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Conflict:
    code: str  # overlap | closed | out_of_service | too_short | capability | direction
    message: str


@dataclass
class Slot:
    door: DoorFacts
    start: datetime
    end: datetime
    reasons: list[str] = field(default_factory=list)


def required_minutes(
    *,
    load_lines: int,
    base_minutes: int,
    minutes_per_line: Decimal,
    quantity: Decimal = Decimal(0),
    minutes_per_unit: Decimal = Decimal(0),
) -> int:
    """Door time a load needs: a fixed part plus a part per picking line and per unit, rounded up."""
    return base_minutes + math.ceil(Decimal(load_lines) * minutes_per_line + quantity * minutes_per_unit)


def reschedule_needs_approval(
    *,
    before: datetime,
    after: datetime,
    tz: zoneinfo.ZoneInfo,
    asks: bool,
    after_min: int,
    across_days: bool,
) -> bool:
    """Whether moving a start from `before` to `after` waits for an approval under the site's rules:
    never when the site does not ask; else a shift of more than `after_min` minutes (0: any shift),
    or, with `across_days`, any move to another local day."""
    if not asks or before == after:
        return False
    shift_min = abs((after - before).total_seconds()) / 60
    other_day = before.astimezone(tz).date() != after.astimezone(tz).date()
    return shift_min > after_min or (across_days and other_day)


def open_intervals(door: DoorFacts, start: datetime, end: datetime) -> list[Interval]:
    """The door's opening hours that touch [start, end), in UTC-aware datetimes.

    Local wall-clock times are turned into instants per local day, so a DST change shortens or
    lengthens that night's opening as a clock on the wall would.
    """
    if door.opens_at is None or door.closes_at is None:
        return [(start, end)]
    first = start.astimezone(door.tz).date() - timedelta(days=1)
    last = end.astimezone(door.tz).date()
    intervals: list[Interval] = []
    day = first
    while day <= last:
        opens = _local(day, door.opens_at, door.tz)
        closes_day = day if door.closes_at > door.opens_at else day + timedelta(days=1)
        closes = _local(closes_day, door.closes_at, door.tz)
        if closes > start and opens < end:
            if intervals and intervals[-1][1] >= opens:  # back-to-back days (e.g. 00:00–00:00)
                intervals[-1] = (intervals[-1][0], closes)
            else:
                intervals.append((opens, closes))
        day += timedelta(days=1)
    return intervals


def _local(day: date, clock: time, tz: zoneinfo.ZoneInfo) -> datetime:
    # fold=0: a wall-clock time that happens twice (clocks back) means its first occurrence. In UTC,
    # because Python compares and subtracts datetimes sharing one tzinfo by their wall-clock values.
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def is_open(door: DoorFacts, start: datetime, end: datetime, *, open_periods: Sequence[Interval] | None = None) -> bool:
    """True when one opening period covers the whole of [start, end). `open_periods`: the door's
    open_intervals() over a window holding [start, end), computed once for many appointments."""
    periods = open_intervals(door, start, end) if open_periods is None else open_periods
    return any(opens <= start and end <= closes for opens, closes in periods)


def out_of_service(door: DoorFacts, start: datetime, end: datetime) -> Interval | None:
    """The first out-of-service period that overlaps [start, end), if any."""
    return next(((s, e) for s, e in door.closures if s < end and start < e), None)


def blocking_conflicts(
    door: DoorFacts, start: datetime, end: datetime, *, open_periods: Sequence[Interval] | None = None
) -> list[Conflict]:
    """Conflicts that refuse a plan outright: the door is closed or out of service then."""
    conflicts = []
    if not is_open(door, start, end, open_periods=open_periods):
        conflicts.append(Conflict("closed", f"Door {door.name} is closed for part of that time."))
    if out_of_service(door, start, end):
        conflicts.append(Conflict("out_of_service", f"Door {door.name} is out of service for part of that time."))
    return conflicts


def conflicts_for(
    *,
    door: DoorFacts,
    start: datetime,
    end: datetime,
    direction: str,
    needs: Iterable[str],
    minutes_needed: int,
    others: Iterable[Booking],
    booking_id: int | None = None,
) -> list[Conflict]:
    """Everything wrong with planning [start, end) on this door, blocking or not."""
    conflicts = blocking_conflicts(door, start, end)
    clashes = [b for b in others if b.door_id == door.id and b.id != booking_id and b.start < end and start < b.end]
    if clashes:
        conflicts.append(Conflict("overlap", f"Door {door.name} is also booked then ({len(clashes)} other)."))
    if (end - start) < timedelta(minutes=minutes_needed):
        conflicts.append(Conflict("too_short", f"The load needs {minutes_needed} min at the door."))
    missing = sorted(set(needs) - door.capabilities)
    if missing:
        conflicts.append(Conflict("capability", f"Door {door.name} has no {', '.join(missing)}."))
    if door.direction not in ("both", direction):
        conflicts.append(Conflict("direction", f"Door {door.name} is {door.direction} only."))
    return conflicts


def overlapping_ids(bookings: Sequence[Booking]) -> set[int]:
    """Ids of bookings that share their door with another at the same time (one sweep per door)."""
    clashing: set[int] = set()
    by_door: dict[int, list[Booking]] = {}
    for booking in bookings:
        by_door.setdefault(booking.door_id, []).append(booking)
    for door_bookings in by_door.values():
        door_bookings.sort(key=lambda b: (b.start, b.end))
        latest: Booking | None = None  # the booking reaching furthest so far
        for booking in door_bookings:
            if latest is not None and booking.start < latest.end:
                clashing.update({booking.id, latest.id})
            if latest is None or booking.end > latest.end:
                latest = booking
    return clashing


def find_slot(
    *,
    doors: Sequence[DoorFacts],
    bookings: Sequence[Booking],
    minutes: int,
    direction: str,
    needs: Iterable[str],
    after: datetime,
    step_min: int = DEFAULT_SLOT_STEP_MIN,
    horizon: timedelta = SLOT_HORIZON,
) -> Slot | None:
    """The earliest start on the step grid (then the first door in timeline order) where a load of
    `minutes` fits: right direction and capabilities, door open and in service, no other booking."""
    needs = set(needs)
    fitting = [d for d in doors if d.direction in ("both", direction) and needs <= d.capabilities]
    if not fitting:
        return None
    step = timedelta(minutes=step_min)
    length = timedelta(minutes=minutes)
    # In UTC: arithmetic on a local time would add wall-clock hours across a DST change.
    after = after.astimezone(UTC)
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    start = epoch + math.ceil((after - epoch) / step) * step  # first grid point at or after `after`
    busy: dict[int, list[Interval]] = {d.id: [] for d in fitting}
    for booking in bookings:
        if booking.door_id in busy:
            busy[booking.door_id].append((booking.start, booking.end))
    while start < after + horizon:
        end = start + length
        for door in fitting:
            if any(s < end and start < e for s, e in busy[door.id]):
                continue
            if is_open(door, start, end) and not out_of_service(door, start, end):
                return Slot(door=door, start=start, end=end)
        start += step
    return None
