"""Dock KPIs from the appointments clerks record: arrivals on time, and door time planned vs actual
(registered after the exception, approval and transfer KPIs: apps/kpis/apps.py)."""

from __future__ import annotations

from datetime import timedelta

from apps.docks.facts import door_facts, site_rules
from apps.docks.models import Appointment, AppointmentStatus, DockDoor
from apps.docks.rules import Interval, open_intervals
from apps.kpis.definitions import KPIS, Direction, KpiDefinition, Measure, Period, Unit, median, percentile, share


def dock_on_time_arrival(period: Period) -> Measure:
    """Appointments planned to start in the period (cancelled ones aside) whose truck arrived within the
    site's lateness allowance; a no-show counts as late. Appointments still waiting for a truck whose
    allowance has not run out yet are left out until it does."""
    allowance = timedelta(minutes=site_rules(period.site).late_after_min)
    due = on_time = no_show = 0
    for planned_start, arrived_at, status in (
        Appointment.objects.filter(site=period.site, planned_start__gte=period.start, planned_start__lt=period.end)
        .exclude(status=AppointmentStatus.CANCELLED)
        .values_list("planned_start", "arrived_at", "status")
    ):
        if arrived_at is None and status != AppointmentStatus.NO_SHOW and planned_start + allowance > period.as_of:
            continue  # may still arrive on time
        due += 1
        no_show += status == AppointmentStatus.NO_SHOW
        on_time += bool(arrived_at and arrived_at <= planned_start + allowance)
    return Measure(
        value=share(on_time, due),
        sample_size=due,
        breakdown={"due": due, "on_time": on_time, "late": due - on_time - no_show, "no_show": no_show},
    )


def dock_dwell(period: Period) -> Measure:
    """Door time of the appointments that came off the door in the period: median actual (on → off the
    door) beside the median planned, the share that overran its slot, and the median turn time
    (gate arrival → departure)."""
    actual: list[float] = []
    planned: list[float] = []
    turn: list[float] = []
    overran = 0
    for planned_start, planned_end, on_door, off_door, arrived, departed in Appointment.objects.filter(
        site=period.site, off_door_at__gte=period.start, off_door_at__lt=period.end, on_door_at__isnull=False
    ).values_list("planned_start", "planned_end", "on_door_at", "off_door_at", "arrived_at", "departed_at"):
        if on_door is None or off_door is None:  # filtered out above; the columns are nullable
            continue
        door_time = max((off_door - on_door).total_seconds(), 0.0)
        slot = max((planned_end - planned_start).total_seconds(), 0.0)
        actual.append(door_time)
        planned.append(slot)
        overran += door_time > slot
        if arrived and departed:
            turn.append(max((departed - arrived).total_seconds(), 0.0))
    return Measure(
        value=median(actual),
        sample_size=len(actual),
        breakdown={
            "p90_s": percentile(actual, 0.9),
            "planned_median_s": median(planned),
            "overran": share(overran, len(actual)),
            "turn_median_s": median(turn),
        },
    )


def _seconds_within(intervals: list[Interval], start, end) -> float:
    return sum(max((min(e, end) - max(s, start)).total_seconds(), 0.0) for s, e in intervals)


def dock_door_utilisation(period: Period) -> Measure:
    """Share of the doors' open time in the period (up to now while it runs) that a truck was on a
    door, from the clerk's on → off the door (a truck still on the door counts up to now). Closed
    hours and out-of-service periods are not open time; a truck on a door outside its hours still
    counts as used (the door was held)."""
    end = min(period.end, period.as_of)
    doors = door_facts(DockDoor.objects.filter(site=period.site, is_active=True), period.site, period.start, end)
    open_s = used_s = 0.0
    if end > period.start:
        for door in doors:
            open_s += _seconds_within(open_intervals(door, period.start, end), period.start, end)
            for closed_from, closed_until in door.closures:  # closures inside opening hours only
                closed = [
                    (max(closed_from, s), min(closed_until, e)) for s, e in open_intervals(door, period.start, end)
                ]
                open_s -= _seconds_within(closed, period.start, end)
        on_doors = Appointment.objects.filter(
            site=period.site, door__is_active=True, on_door_at__lt=end, on_door_at__isnull=False
        ).exclude(off_door_at__lte=period.start)
        on_door = [(on, off or end) for on, off in on_doors.values_list("on_door_at", "off_door_at") if on is not None]
        used_s = _seconds_within(on_door, period.start, end)
    open_h, used_h = round(open_s / 3600, 2), round(used_s / 3600, 2)
    return Measure(
        value=round(100.0 * used_s / open_s, 2) if open_s > 0 else None,
        sample_size=len(doors),
        breakdown={"open_hours": open_h, "used_hours": used_h},
    )


for _definition in (
    KpiDefinition(
        code="dock_on_time_arrival",
        name="Dock arrivals on time",
        question="Do trucks arrive when they were booked?",
        formula="Appointments planned that day whose truck arrived within the site's lateness allowance ÷ all "
        "planned that day (no-shows count as late; cancelled ones are left out).",
        source="Dock appointments (planned start, arrived at the gate)",
        unit=Unit.PERCENT,
        good=Direction.UP,
        compute=dock_on_time_arrival,
        hourly=True,
    ),
    KpiDefinition(
        code="dock_dwell",
        name="Door dwell",
        question="How long does a truck hold its door, against the slot it was given?",
        formula="Median time on the door (on the door → off the door) of the appointments off the door that day; "
        "the planned slot's median, the share that overran and the gate-to-departure turn time beside it.",
        source="Dock appointments (planned start and end, on and off the door, arrived, departed)",
        unit=Unit.DURATION,
        good=Direction.DOWN,
        compute=dock_dwell,
    ),
    KpiDefinition(
        code="dock_door_utilisation",
        name="Door utilisation",
        question="How much of the time our doors are open is a truck on them?",
        formula="Time trucks spent on the doors that day (on the door → off the door, or up to now) ÷ the doors' "
        "open time that day (opening hours less out-of-service periods).",
        source="Dock doors (opening hours, closures) and appointments (on and off the door)",
        unit=Unit.PERCENT,
        good=Direction.UP,
        compute=dock_door_utilisation,
    ),
):
    KPIS.register(_definition, name=_definition.code)
