"""Loading what the dock rules (apps/docks/rules.py) judge: doors with their closures, per-site
rules, and the bookings that hold doors in a window. Shared by selectors and services."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet

from apps.docks import rules
from apps.docks.models import CLOSED_STATUSES, Appointment, DockDoor, DockRules, DoorClosure
from apps.sites.models import Site


@dataclass(frozen=True)
class SiteDockRules:
    late_after_min: int
    no_show_after_min: int
    overrun_after_min: int
    base_minutes: int
    minutes_per_line: Decimal
    slot_step_min: int
    minutes_per_unit: Decimal = Decimal(0)
    planning_horizon_hours: int = 48
    planned_operation_types: tuple[int, ...] = ()  # empty: every receipt and delivery type
    unplanned_carriers: frozenset[str] = frozenset()  # lower-case names
    reschedule_needs_approval: bool = False
    approval_after_min: int = 0
    approval_across_days: bool = False

    def minutes_for(self, load_lines: int, quantity: Decimal = Decimal(0)) -> int:
        return rules.required_minutes(
            load_lines=load_lines,
            base_minutes=self.base_minutes,
            minutes_per_line=self.minutes_per_line,
            quantity=quantity,
            minutes_per_unit=self.minutes_per_unit,
        )


DEFAULT_RULES = SiteDockRules(
    late_after_min=rules.DEFAULT_LATE_AFTER_MIN,
    no_show_after_min=rules.DEFAULT_NO_SHOW_AFTER_MIN,
    overrun_after_min=rules.DEFAULT_OVERRUN_AFTER_MIN,
    base_minutes=rules.DEFAULT_BASE_MINUTES,
    minutes_per_line=rules.DEFAULT_MINUTES_PER_LINE,
    slot_step_min=rules.DEFAULT_SLOT_STEP_MIN,
)


def site_rules(site: Site) -> SiteDockRules:
    row = DockRules.objects.filter(site=site).first()
    if row is None:
        return DEFAULT_RULES
    return SiteDockRules(
        late_after_min=row.late_after_min,
        no_show_after_min=row.no_show_after_min,
        overrun_after_min=row.overrun_after_min,
        base_minutes=row.base_minutes,
        minutes_per_line=row.minutes_per_line,
        slot_step_min=row.slot_step_min,
        minutes_per_unit=row.minutes_per_unit,
        planning_horizon_hours=row.planning_horizon_hours,
        planned_operation_types=tuple(int(t) for t in row.planned_operation_types or []),
        unplanned_carriers=frozenset(str(c).strip().lower() for c in row.unplanned_carriers or []),
        reschedule_needs_approval=row.reschedule_needs_approval,
        approval_after_min=row.approval_after_min,
        approval_across_days=row.approval_across_days,
    )


def door_facts(doors: Iterable[DockDoor], site: Site, start: datetime, end: datetime) -> list[rules.DoorFacts]:
    """Doors as the rules see them, with their closures overlapping [start, end) (one query)."""
    doors = list(doors)
    closures: dict[int, list[rules.Interval]] = {door.pk: [] for door in doors}
    for closure in DoorClosure.objects.filter(door__in=doors, starts_at__lt=end, ends_at__gt=start):
        closures[closure.door_id].append((closure.starts_at, closure.ends_at))
    return [
        rules.DoorFacts(
            id=door.pk,
            name=door.name,
            direction=door.direction,
            capabilities=frozenset(door.capabilities or []),
            opens_at=door.opens_at,
            closes_at=door.closes_at,
            tz=site.tzinfo,
            closures=tuple(closures[door.pk]),
        )
        for door in doors
    ]


def holding(queryset: QuerySet[Appointment]) -> QuerySet[Appointment]:
    """Appointments that hold their door (not cancelled, not a no-show)."""
    return queryset.exclude(status__in=CLOSED_STATUSES)


def bookings(site: Site, start: datetime, end: datetime) -> list[rules.Booking]:
    rows = holding(Appointment.objects.filter(site=site, planned_start__lt=end, planned_end__gt=start))
    return [
        rules.Booking(id=pk, door_id=door_id, start=s, end=e)
        for pk, door_id, s, e in rows.values_list("pk", "door_id", "planned_start", "planned_end")
    ]
