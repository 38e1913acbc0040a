"""Dock exceptions for the exception queue: late arrival, no-show, door overrun, door conflict.

Docks and cases are siblings, so docks reports *facts* through the registry core owns
(apps/core/exception_facts.py) and cases opens, refreshes and clears the cases (one per kind and
appointment). A fact holds while its condition holds; the next judgement without it clears the
case: the truck arrives, the door is freed, the appointment is moved or cancelled.

- late arrival: still planned, the planned start plus the site's late grace has passed;
- no-show: the no-show sweep marked it (planned start plus the site's no-show grace passed);
  clears when the truck turns up after all;
- door overrun: on the door past the planned end plus the site's overrun grace; high severity when
  the next truck for that door is already due;
- door conflict: a planned or arrived appointment whose door is closed or out of service then, or
  that overlaps an earlier booking on its door (the later of two carries the case, so one double
  booking is one case).

Grace periods are per site (DockRules; a site without a row uses the defaults in rules.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.urls import reverse

from apps.core.exception_facts import ExceptionFact, ExceptionSource, FactKind
from apps.core.vocabulary import duration_words
from apps.docks import rules
from apps.docks.facts import SiteDockRules, door_facts, holding, site_rules
from apps.docks.models import Appointment, AppointmentStatus, DockDoor
from apps.sites.models import Site

S = AppointmentStatus
SOURCE = "docks"
SUBJECT = "dock_appointment"
LATE, NO_SHOW, OVERRUN, CONFLICT = "dock_late_arrival", "dock_no_show", "dock_door_overrun", "dock_door_conflict"
KINDS = (
    FactKind(LATE, "Late truck arrival", SUBJECT),
    FactKind(NO_SHOW, "Dock no-show", SUBJECT),
    FactKind(OVERRUN, "Door overrun", SUBJECT),
    FactKind(CONFLICT, "Door conflict", SUBJECT),
)
NO_SHOW_LOOKBACK = timedelta(days=1)  # older no-shows are history: they open no case
CONFLICT_HORIZON = timedelta(days=2)  # conflicts are raised this far ahead (as far as "find a slot" looks)
CONFLICT_SOON = timedelta(hours=1)  # a conflict this close to its start is high severity
CONFLICT_STATUSES = (S.PLANNED, S.ARRIVED)  # not on the door yet: the plan can still change
ON_DOOR = (S.AT_DOOR, S.WORKING)


class DockExceptions(ExceptionSource):
    """The dock's exception facts (registered in DocksConfig.ready)."""

    kinds = KINDS

    def candidates(self, *, kind: str, now: datetime, site_code: str = "") -> Iterable[int]:
        appointments = Appointment.objects.all()
        if site_code:
            appointments = appointments.filter(site__code=site_code)
        return list(_coarse(appointments, kind, now).values_list("pk", flat=True))

    def facts(self, *, kind: str, subject_ids: set[int], now: datetime) -> list[ExceptionFact]:
        appointments = list(
            Appointment.objects.filter(pk__in=subject_ids).select_related("site", "door").order_by("planned_start")
        )
        site_rules_: dict[int, SiteDockRules] = {}
        for appointment in appointments:
            if appointment.site_id not in site_rules_:
                site_rules_[appointment.site_id] = site_rules(appointment.site)
        if kind == CONFLICT:
            return _conflict_facts(appointments, now)
        judge = {LATE: _late, NO_SHOW: _no_show, OVERRUN: _overrun}[kind]
        found = (judge(a, site_rules_[a.site_id], now) for a in appointments)
        return [fact for fact in found if fact is not None]


DOCK_EXCEPTIONS = DockExceptions()  # the one instance registered (ready() may run twice in tests)


def _coarse(appointments: QuerySet[Appointment], kind: str, now: datetime) -> QuerySet[Appointment]:
    """Appointments that may hold the condition now (the site's grace is applied by facts())."""
    if kind == LATE:
        return appointments.filter(status=S.PLANNED, planned_start__lt=now)
    if kind == NO_SHOW:
        return appointments.filter(status=S.NO_SHOW, planned_start__gte=now - NO_SHOW_LOOKBACK)
    if kind == OVERRUN:
        return appointments.filter(status__in=ON_DOOR, planned_end__lt=now)
    if kind == CONFLICT:
        return appointments.filter(
            status__in=CONFLICT_STATUSES, planned_end__gt=now, planned_start__lt=now + CONFLICT_HORIZON
        )
    raise ValueError(f"Unknown dock exception kind {kind!r}.")


# --- each kind ------------------------------------------------------------------------------
def _local(appointment: Appointment, moment: datetime) -> str:
    return moment.astimezone(appointment.site.tzinfo).strftime("%a %H:%M")


def _due(appointment: Appointment) -> str:
    return f"due {_local(appointment, appointment.planned_start)} at door {appointment.door.name}"


def _fact(appointment: Appointment, kind: str, severity: str, title: str, detail: dict) -> ExceptionFact:
    site = appointment.site
    local_day = appointment.planned_start.astimezone(site.tzinfo).date().isoformat()
    url = f"{reverse('docks:timeline', args=[site.code])}?day={local_day}&selected={appointment.pk}"
    planned = f"{_local(appointment, appointment.planned_start)}–{_local(appointment, appointment.planned_end)[-5:]}"
    return ExceptionFact(
        kind=kind,
        subject_id=appointment.pk,
        site_code=site.code,
        severity=severity,
        title=title,
        detail={"appointment": appointment.pk, "door": appointment.door.name, **detail},
        context={
            "heading": "Dock appointment",
            "rows": [
                ["Door", appointment.door.name],
                ["Carrier", appointment.carrier or "—"],
                ["Reference", appointment.reference or "—"],
                ["Planned", planned],
                ["Status", appointment.get_status_display()],
                ["Pickings", str(len(appointment.picking_odoo_ids or []))],
            ],
            "url": url,
            "link_text": "Open on the dock timeline",
        },
    )


def _late(appointment: Appointment, site: SiteDockRules, now: datetime) -> ExceptionFact | None:
    if appointment.status != S.PLANNED:
        return None
    late = now - appointment.planned_start
    if late <= timedelta(minutes=site.late_after_min):
        return None
    title = f"Late truck: {appointment.label}, {_due(appointment)}"
    return _fact(appointment, LATE, "medium", title, {"late": duration_words(late.total_seconds())})


def _no_show(appointment: Appointment, site: SiteDockRules, now: datetime) -> ExceptionFact | None:
    if appointment.status != S.NO_SHOW:
        return None
    title = f"No-show: {appointment.label}, {_due(appointment)}"
    return _fact(appointment, NO_SHOW, "high", title, {"grace": duration_words(site.no_show_after_min * 60)})


def _overrun(appointment: Appointment, site: SiteDockRules, now: datetime) -> ExceptionFact | None:
    if appointment.status not in ON_DOOR:
        return None
    over = now - appointment.planned_end
    if over <= timedelta(minutes=site.overrun_after_min):
        return None
    waiting = (
        holding(Appointment.objects.filter(door_id=appointment.door_id, status__in=CONFLICT_STATUSES))
        .filter(planned_start__lte=now, planned_start__gte=appointment.planned_start)
        .exclude(pk=appointment.pk)
        .exists()
    )
    title = (
        f"Door {appointment.door.name} overrun: {appointment.label}, "
        f"due off the door at {_local(appointment, appointment.planned_end)}"
    )
    detail = {"over": duration_words(over.total_seconds()), "next_truck_waiting": waiting}
    return _fact(appointment, OVERRUN, "high" if waiting else "medium", title, detail)


def _conflict_facts(appointments: list[Appointment], now: datetime) -> list[ExceptionFact]:
    """Door closed or out of service for the appointment, or double-booked with an earlier one.
    Loaded per site in one window: the doors with their closures and every booking holding them."""
    facts: list[ExceptionFact] = []
    by_site: dict[int, list[Appointment]] = {}
    for appointment in appointments:
        if appointment.status in CONFLICT_STATUSES:
            by_site.setdefault(appointment.site_id, []).append(appointment)
    for mine in by_site.values():
        site: Site = mine[0].site
        start = min(a.planned_start for a in mine)
        end = max(a.planned_end for a in mine)
        door_ids = {a.door_id for a in mine}
        doors = {f.id: f for f in door_facts(DockDoor.objects.filter(pk__in=door_ids), site, start, end)}
        others = list(
            holding(Appointment.objects.filter(door_id__in=door_ids, planned_start__lt=end, planned_end__gt=start))
            .exclude(status=S.DONE)  # off the door: it holds it no more
            .only("pk", "door_id", "planned_start", "planned_end", "status", "carrier", "reference")
        )
        for appointment in mine:
            reasons = [c.message for c in rules.blocking_conflicts(doors[appointment.door_id], *_span(appointment))]
            clashes = [o for o in others if _clashes(appointment, o)]
            if clashes:
                names = ", ".join(o.label for o in clashes[:3]) + (" …" if len(clashes) > 3 else "")
                reasons.append(f"Door {appointment.door.name} is also booked then ({names}).")
            if not reasons:
                continue
            soon = appointment.planned_start - now <= CONFLICT_SOON
            title = (
                f"Door conflict: {appointment.label}, {_local(appointment, appointment.planned_start)} "
                f"at door {appointment.door.name} — {' '.join(reasons)}"
            )
            detail = {"reasons": reasons, "with": [o.pk for o in clashes]}
            facts.append(_fact(appointment, CONFLICT, "high" if soon else "medium", title, detail))
    return facts


def _span(appointment: Appointment) -> tuple[datetime, datetime]:
    return appointment.planned_start, appointment.planned_end


def _clashes(appointment: Appointment, other: Appointment) -> bool:
    """`other` overlaps `appointment` on its door and the case is `appointment`'s to carry: other
    was booked first in time order, or is past planning (on the door), so it carries none."""
    if other.pk == appointment.pk or other.door_id != appointment.door_id:
        return False
    if not (other.planned_start < appointment.planned_end and appointment.planned_start < other.planned_end):
        return False
    earlier = (other.planned_start, other.pk) < (appointment.planned_start, appointment.pk)
    return earlier or other.status not in CONFLICT_STATUSES
