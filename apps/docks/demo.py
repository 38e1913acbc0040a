"""A busy dock day for the demo, the screenshots and the timeline benchmark: doors, and trucks from
early morning to late evening — done ones with actual times (some arrived late), trucks on the door
now, late ones, a no-show, a door overrun and a double booking. Deterministic for a seed."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from apps.docks.models import Appointment, AppointmentStatus, DockDoor, DockRules
from apps.docks.proposals import proposals_refresh
from apps.sites.models import Site

S = AppointmentStatus
CARRIERS = [
    "DHL Freight",
    "DSV",
    "Kuehne+Nagel",
    "DB Schenker",
    "GEODIS",
    "Raben",
    "XPO",
    "Dachser",
    "CEVA",
    "H.Essers",
]


def dock_doors_ensure(*, site: Site, count: int = 10) -> list[DockDoor]:
    """Doors D01…: most inbound (05:00–23:00), the last third outbound around the clock, every
    fourth with a reefer plug. Existing doors are kept as they are."""
    doors = []
    for number in range(1, count + 1):
        outbound = number > count * 2 // 3
        door, _ = DockDoor.objects.get_or_create(
            site=site,
            name=f"D{number:02d}",
            defaults={
                "direction": "outbound" if outbound else ("both" if number % 4 == 0 else "inbound"),
                "capabilities": ["reefer"] if number % 4 == 0 else [],
                "opens_at": None if outbound else time(5),
                "closes_at": None if outbound else time(23),
                "position": number,
            },
        )
        doors.append(door)
    return doors


@transaction.atomic
def dock_day_fill(
    *, site: Site, day: date | None = None, doors: int = 10, seed: int = 1, now: datetime | None = None
) -> int:
    """Fill one local day at the site (today by default). Does nothing when that day already has
    appointments, so the demo can call it on every start. Returns how many it created."""
    now = now or timezone.now()
    tz = site.tzinfo
    day = day or now.astimezone(tz).date()
    start_of_day = datetime.combine(day, time(0), tzinfo=tz)
    if Appointment.objects.filter(
        site=site, planned_start__gte=start_of_day, planned_start__lt=start_of_day + timedelta(days=1)
    ).exists():
        return 0
    rng = random.Random(f"{site.code}:{day}:{seed}")  # noqa: S311 (demo data, not security)
    rows: list[Appointment] = []
    for door in dock_doors_ensure(site=site, count=doors):
        direction = "outbound" if door.direction == "outbound" else "inbound"
        cursor = datetime.combine(day, time(6), tzinfo=tz) + timedelta(minutes=rng.choice([0, 15, 30]))
        while cursor.hour < 21 and cursor.date() == day:
            minutes = rng.choice([30, 45, 60, 60, 75, 90])
            start, end = cursor, cursor + timedelta(minutes=minutes)
            rows.append(_appointment(site, door, direction, start, end, now, rng))
            cursor = end + timedelta(minutes=rng.choice([0, 15, 15, 30, 45]))
    _stage_trouble(rows, now)
    Appointment.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _appointment(site, door, direction, start, end, now, rng) -> Appointment:
    appointment = Appointment(
        site=site,
        door=door,
        direction=direction,
        carrier=rng.choice(CARRIERS),
        reference=f"{rng.choice('ABCDEFGHJK')}{rng.randint(100, 999)}-{rng.choice('XYZ')}{rng.randint(10, 99)}",
        load_lines=rng.randint(2, 30),
        needs=["reefer"] if "reefer" in door.capabilities and rng.random() < 0.5 else [],
        planned_start=start,
        planned_end=end,
    )
    if end <= now:  # a past truck: done, with actual times (one in five arrived late)
        late = timedelta(minutes=rng.choice([25, 40])) if rng.random() < 0.2 else timedelta(minutes=rng.randint(-15, 5))
        appointment.arrived_at = start + late - timedelta(minutes=10)
        appointment.on_door_at = max(start + late, appointment.arrived_at + timedelta(minutes=5))
        appointment.work_started_at = appointment.on_door_at + timedelta(minutes=3)
        appointment.off_door_at = min(
            now, appointment.on_door_at + (end - start) + timedelta(minutes=rng.randint(-10, 10))
        )
        appointment.departed_at = min(now, appointment.off_door_at + timedelta(minutes=8))
        appointment.status = S.DONE
    elif start <= now:  # on the door now
        appointment.arrived_at = start - timedelta(minutes=12)
        appointment.on_door_at = start + timedelta(minutes=2)
        appointment.work_started_at = appointment.on_door_at + timedelta(minutes=3)
        appointment.status = S.WORKING
    return appointment


def _stage_trouble(rows: list[Appointment], now: datetime) -> None:
    """Turn a few trucks into the day's trouble, so every mark shows on the timeline."""
    current = [a for a in rows if a.status == S.WORKING]
    upcoming = [a for a in rows if a.status == S.PLANNED]
    past = [a for a in rows if a.status == S.DONE and a.planned_start > now - timedelta(hours=4)]
    if past:  # a no-show: never came
        gone = past[0]
        gone.status, gone.arrived_at, gone.on_door_at, gone.work_started_at = S.NO_SHOW, None, None, None
        gone.off_door_at = gone.departed_at = None
    for late in current[:2]:  # late: due half an hour ago, not here yet
        late.status = S.PLANNED
        late.arrived_at = late.on_door_at = late.work_started_at = None
        late.planned_start = now - timedelta(minutes=35)
        late.planned_end = max(late.planned_end, now + timedelta(minutes=10))
    if len(current) > 2:  # overrun: still on the door after its planned end
        over = current[2]
        over.planned_start, over.planned_end = now - timedelta(minutes=80), now - timedelta(minutes=20)
        over.on_door_at = over.planned_start + timedelta(minutes=5)
        over.arrived_at = over.planned_start - timedelta(minutes=10)
        over.work_started_at = over.on_door_at + timedelta(minutes=3)
    if len(upcoming) > 1:  # a double booking: a second truck on the first one's door, half overlapping
        middle = (len(upcoming) - 1) // 2  # with two left (late evening) the first and the second
        first, clash = upcoming[middle], upcoming[middle + 1]
        length = clash.planned_end - clash.planned_start
        clash.door = first.door
        clash.planned_start = first.planned_start + (first.planned_end - first.planned_start) / 2
        clash.planned_end = clash.planned_start + length


# The simulator's courier that collects parcels at the desk: it never needs a door slot.
DEMO_UNPLANNED_CARRIERS = ["Local Courier"]


def dock_demo_planning(*, site: Site, now: datetime | None = None) -> int:
    """The demo's planning rules (parcel pickups by the local courier need no door) and a first
    refresh of the proposals from whatever the mirror holds; the beat job and each sync keep them
    current from then on, so proposals appear as the simulator's receipts and deliveries come in.
    Returns how many proposals are open."""
    DockRules.objects.get_or_create(site=site, defaults={"unplanned_carriers": DEMO_UNPLANNED_CARRIERS})
    proposals_refresh(site=site, now=now)
    return site.dock_proposals.filter(status="open").count()
