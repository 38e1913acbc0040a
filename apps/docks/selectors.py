"""Reads on the dock schedule, always scoped to the sites the user may see: the timeline by door,
the clerk's list, one appointment, the wall tile's summary and the "find a slot" proposal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Generic, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.selectors import sites_visible_to
from apps.accounts.token_limits import token_carrier
from apps.core.vocabulary import Label, duration_words
from apps.docks import rules
from apps.docks.facts import SiteDockRules, bookings, door_facts, holding, site_rules
from apps.docks.following import odoo_moved_start
from apps.docks.marks import mark
from apps.docks.models import Appointment, AppointmentProposal, AppointmentStatus, DockDoor, ProposalStatus
from apps.sites.models import Site

S = AppointmentStatus
# Who may open the dock screens and API, who may record the clerk's times, who may plan.
READING_ROLES = (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN, Role.DOCK_CLERK)
CLERK_ROLES = (Role.DOCK_CLERK, Role.SUPERVISOR, Role.ADMIN)
PLANNING_ROLES = (Role.SUPERVISOR, Role.ADMIN)

Person = AbstractBaseUser | AnonymousUser  # whoever is asking (request.user)


def site_for(user: Person, site_code: str) -> Site:
    """The site if the user may see it; 404 otherwise (no hint that it exists)."""
    site = sites_visible_to(user).filter(code=site_code).first()
    if site is None:
        raise Http404("No such site among yours.")
    return site


def appointments_visible_to(user: Person) -> QuerySet[Appointment]:
    """Appointments at the user's sites; a carrier-limited API token sees only its carrier's."""
    appointments = Appointment.objects.filter(site__in=sites_visible_to(user).values("pk"))
    carrier = token_carrier(user)
    if carrier:
        appointments = appointments.filter(carrier__iexact=carrier)
    return appointments.select_related("site", "door")


def appointment_get(*, user: Person, appointment_id: int) -> Appointment:
    appointment = appointments_visible_to(user).filter(pk=appointment_id).first()
    if appointment is None:
        raise Http404("No such appointment at your sites.")
    return appointment


def doors_visible_to(user: Person, *, site_code: str = "") -> QuerySet[DockDoor]:
    doors = DockDoor.objects.filter(site__in=sites_visible_to(user).values("pk"), is_active=True).select_related("site")
    return doors.filter(site__code=site_code) if site_code else doors


def appointment_list(
    *, user: Person, site_code: str = "", start: datetime | None = None, end: datetime | None = None, status: str = ""
) -> QuerySet[Appointment]:
    appointments = appointments_visible_to(user)
    if site_code:
        appointments = appointments.filter(site__code=site_code)
    if start:
        appointments = appointments.filter(planned_end__gt=start)
    if end:
        appointments = appointments.filter(planned_start__lt=end)
    if status:
        appointments = appointments.filter(status=status)
    return appointments.order_by("planned_start", "id")


def local_day_window(site: Site, day: date) -> tuple[datetime, datetime]:
    """The site's local day as UTC instants: 23 or 25 hours long on a DST change."""
    tz = site.tzinfo
    start = datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
    return start, end


def site_today(site: Site, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(site.tzinfo).date()


# --- what a row says about itself ------------------------------------------------------------
@dataclass(slots=True)
class TimelineAppointment:
    """What the timeline shows of an appointment, loaded as plain values: a busy day has 1,500, and
    a model instance each (with its state and caches) cost more than the rest of the page and made
    the garbage collector pause it (tests/perf/bench_docks.py)."""

    id: int
    door_id: int
    carrier: str
    reference: str
    planned_start: datetime
    planned_end: datetime
    status: str
    arrived_at: datetime | None
    departed_at: datetime | None
    pending_approval_id: int | None = None
    pending_start: datetime | None = None

    @property
    def pk(self) -> int:
        return self.id

    @property
    def label(self) -> str:  # as Appointment.label
        return " · ".join(part for part in (self.carrier, self.reference) if part) or f"Appointment {self.id}"


A = TypeVar("A", Appointment, TimelineAppointment)
NO_CONFLICTS: tuple[rules.Conflict, ...] = ()


@dataclass(slots=True)
class AppointmentView(Generic[A]):
    """An appointment with what the screens show about it now."""

    appointment: A
    state: str  # a key of apps/docks/marks.py
    label: Label
    detail: str  # "late by 20 min", "overlaps another on D3", …
    conflicts: list[rules.Conflict] | tuple[rules.Conflict, ...] = NO_CONFLICTS
    left_pct: float = 0.0
    width_pct: float = 0.0
    local_start: datetime | None = None
    local_end: datetime | None = None

    @property
    def next_events(self) -> list[str]:
        """The clerk's next possible steps, in order."""
        status = self.appointment.status
        steps: dict[str, list[str]] = {
            S.PLANNED: ["arrive"],
            S.NO_SHOW: ["arrive"],
            S.ARRIVED: ["on_door"],
            S.AT_DOOR: ["start", "off_door"],
            S.WORKING: ["off_door"],
            S.DONE: [] if self.appointment.departed_at else ["depart"],
        }
        return steps.get(status, [])


def describe(
    appointment: A, *, now: datetime, site_rules_: SiteDockRules, conflicts: Iterable[rules.Conflict] = ()
) -> AppointmentView[A]:
    """Derive the state a person sees: late and overrun come from the clock, not from a stored status."""
    conflicts = list(conflicts) if conflicts else NO_CONFLICTS
    status = appointment.status
    late_after = timedelta(minutes=site_rules_.late_after_min)
    detail = ""
    if status == S.PLANNED and now > appointment.planned_start + late_after:
        state, detail = "late", f"late by {duration_words((now - appointment.planned_start).total_seconds())}"
    elif status in (S.AT_DOOR, S.WORKING) and now > appointment.planned_end:
        state, detail = "overrun", f"over by {duration_words((now - appointment.planned_end).total_seconds())}"
    elif status == S.PLANNED:
        state = "planned"
    else:
        state = status
    if appointment.arrived_at and appointment.arrived_at > appointment.planned_start + late_after and not detail:
        detail = f"arrived {duration_words((appointment.arrived_at - appointment.planned_start).total_seconds())} late"
    if conflicts and status not in (S.DONE, S.NO_SHOW, S.CANCELLED):
        state = "conflict" if state in ("planned", "arrived") else state
        detail = "; ".join(c.message for c in conflicts) + (f"; {detail}" if detail else "")
    if appointment.pending_approval_id is not None and appointment.pending_start is not None:
        state = "move_pending" if state == "planned" else state
        moving = f"a move (approval request #{appointment.pending_approval_id}) waits for approval"
        detail = f"{moving}; {detail}" if detail else moving
    return AppointmentView(appointment=appointment, state=state, label=mark(state), detail=detail, conflicts=conflicts)


# --- the timeline ------------------------------------------------------------------------
@dataclass
class DoorRow:
    door: DockDoor
    facts: rules.DoorFacts
    appointments: list[AppointmentView[TimelineAppointment]]
    closed_spans: list[tuple[float, float]]  # (left %, width %) where the door is closed or out of service
    blocks: str = ""  # the appointments' markup, filled by the view (apps/docks/blocks.py)
    proposals: list[ProposalView] = field(default_factory=list)


@dataclass(slots=True)
class ProposalView:
    """A proposed appointment as the timeline and its panel show it."""

    proposal: AppointmentProposal
    label: Label = field(default_factory=lambda: mark("proposed"))
    state: str = "proposed"
    left_pct: float = 0.0
    width_pct: float = 0.0
    local_start: datetime | None = None
    local_end: datetime | None = None


@dataclass
class Timeline:
    site: Site
    day: date
    start: datetime
    end: datetime
    now: datetime
    now_pct: float | None
    hours: list[tuple[float, str]]  # (left %, local "HH:MM") for each local hour
    doors: list[DoorRow]
    counts: dict[str, int]


def _pct(moment: datetime, start: datetime, end: datetime) -> float:
    span = (end - start).total_seconds()
    return round(max(0.0, min(1.0, (moment - start).total_seconds() / span)) * 100, 3)


# A busy day has 1,500 appointments (tests/perf/bench_docks.py): only what a block shows is loaded.
TIMELINE_FIELDS = (
    "id", "door_id", "carrier", "reference", "planned_start", "planned_end", "status", "arrived_at", "departed_at",
    "pending_approval_id", "pending_start",
)  # fmt: skip
NOT_HOLDING = frozenset({S.CANCELLED.value, S.NO_SHOW.value})  # plain strings: compared 1,500 times
NOT_JUDGED = NOT_HOLDING | {S.DONE.value}


def timeline(*, user: Person, site_code: str, day: date | None = None, now: datetime | None = None) -> Timeline:
    """The site's doors for one local day, each with its appointments placed on the day, the
    closed periods greyed, and every appointment judged (late, conflict, no-show, overrun).

    The day is loaded in a fixed number of queries, and each door's opening hours are worked out
    once for the day rather than once per appointment."""
    site = site_for(user, site_code)
    now = now or timezone.now()
    day = day or site_today(site, now)
    start, end = local_day_window(site, day)
    dock_rules = site_rules(site)
    doors = list(DockDoor.objects.filter(site=site, is_active=True))
    appointments = _timeline_rows(
        Appointment.objects.filter(site=site, planned_start__lt=end, planned_end__gt=start)
        .exclude(status=S.CANCELLED)
        .order_by("planned_start", "id")
    )
    # Appointments may run past the day's edges: the doors' facts cover every one of them.
    window_start = min([start, *(a.planned_start for a in appointments)])
    window_end = max([end, *(a.planned_end for a in appointments)])
    facts = {f.id: f for f in door_facts(doors, site, window_start, window_end)}
    open_periods = {door_id: rules.open_intervals(f, window_start, window_end) for door_id, f in facts.items()}
    overlapping = rules.overlapping_ids(
        [
            rules.Booking(a.id, a.door_id, a.planned_start, a.planned_end)
            for a in appointments
            if a.status not in NOT_HOLDING
        ]
    )
    by_door: dict[int, list[AppointmentView[TimelineAppointment]]] = {door.pk: [] for door in doors}
    counts = {"total": 0, "late": 0, "conflict": 0, "no_show": 0, "overrun": 0, "move_pending": 0, "proposed": 0}
    tz = site.tzinfo
    span = (end - start).total_seconds()

    def pct(moment: datetime) -> float:
        return round(max(0.0, min(1.0, (moment - start).total_seconds() / span)) * 100, 3)

    for appointment in appointments:
        door = facts.get(appointment.door_id)
        if door is None:
            continue
        conflicts: list[rules.Conflict] = []
        if appointment.status not in NOT_JUDGED:
            conflicts = rules.blocking_conflicts(
                door, appointment.planned_start, appointment.planned_end, open_periods=open_periods[door.id]
            )
            if appointment.id in overlapping:
                conflicts.append(rules.Conflict("overlap", f"Door {door.name} is double-booked."))
        view = describe(appointment, now=now, site_rules_=dock_rules, conflicts=conflicts)
        view.left_pct = pct(appointment.planned_start)
        view.width_pct = round(pct(appointment.planned_end) - view.left_pct, 3)
        view.local_start = appointment.planned_start.astimezone(tz)
        view.local_end = appointment.planned_end.astimezone(tz)
        by_door[appointment.door_id].append(view)
        counts["total"] += 1
        if view.state in counts:
            counts[view.state] += 1
    proposed: dict[int, list[ProposalView]] = {door.pk: [] for door in doors}
    for proposal in AppointmentProposal.objects.filter(
        site=site, status=ProposalStatus.OPEN, planned_start__lt=end, planned_end__gt=start
    ).order_by("planned_start", "id"):
        if proposal.door_id not in proposed:
            continue
        left = pct(proposal.planned_start)
        proposed[proposal.door_id].append(
            ProposalView(
                proposal,
                left_pct=left,
                width_pct=round(pct(proposal.planned_end) - left, 3),
                local_start=proposal.planned_start.astimezone(tz),
                local_end=proposal.planned_end.astimezone(tz),
            )
        )
        counts["proposed"] += 1
    rows = []
    for dock_door in doors:
        door_fact = facts[dock_door.pk]
        gaps = _closed_spans(door_fact, start, end)
        rows.append(
            DoorRow(
                door=dock_door,
                facts=door_fact,
                appointments=by_door[dock_door.pk],
                closed_spans=gaps,
                proposals=proposed[dock_door.pk],
            )
        )
    hours = []
    moment = start
    while moment < end:
        hours.append((_pct(moment, start, end), moment.astimezone(tz).strftime("%H:%M")))
        moment += timedelta(hours=1)
    now_pct = _pct(now, start, end) if start <= now < end else None
    return Timeline(site, day, start, end, now, now_pct, hours, rows, counts)


def _timeline_rows(appointments: QuerySet[Appointment]) -> list[TimelineAppointment]:
    """The day's appointments as plain values. The ORM writes the SQL; the rows are read through
    Django's cursor (logging and error translation stay) and each time is made aware here once:
    Django's per-value converters (on SQLite, a parse and a settings lookup for every datetime)
    cost a busy day more than judging all of its appointments."""
    sql, params = appointments.values_list(*TIMELINE_FIELDS).query.sql_with_params()
    with connections[appointments.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        TimelineAppointment(
            pk, door_id, carrier, reference, _utc(s), _utc(e), status, _utc(arrived), _utc(departed),
            pending, _utc(pending_start),
        )
        for pk, door_id, carrier, reference, s, e, status, arrived, departed, pending, pending_start in rows
    ]  # fmt: skip


def _utc(value: Any) -> Any:
    """A stored time as an aware UTC datetime: PostgreSQL gives one, SQLite gives UTC text."""
    if value is None or (isinstance(value, datetime) and value.tzinfo is not None):
        return value
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _closed_spans(door: rules.DoorFacts, start: datetime, end: datetime) -> list[tuple[float, float]]:
    spans: list[tuple[datetime, datetime]] = []
    cursor = start
    for opens, closes in rules.open_intervals(door, start, end):
        if opens > cursor:
            spans.append((cursor, min(opens, end)))
        cursor = max(cursor, closes)
    if cursor < end:
        spans.append((cursor, end))
    spans.extend((max(s, start), min(e, end)) for s, e in door.closures)
    return [(_pct(s, start, end), round(_pct(e, start, end) - _pct(s, start, end), 3)) for s, e in spans if e > s]


def clerk_list(*, user: Person, site_code: str, now: datetime | None = None) -> dict[str, Any]:
    """Today's appointments at the site still to handle, in order of planned start, each with the
    clerk's next steps; trucks that have left are only counted (the list stays short on a busy day)."""
    site = site_for(user, site_code)
    now = now or timezone.now()
    start, end = local_day_window(site, site_today(site, now))
    dock_rules = site_rules(site)
    appointments = (
        Appointment.objects.filter(site=site, planned_start__gte=start, planned_start__lt=end)
        .exclude(status=S.CANCELLED)
        .select_related("door")
        .order_by("planned_start", "id")
    )
    rows = []
    departed = 0
    for appointment in appointments:
        if appointment.departed_at is not None:
            departed += 1
            continue
        view = describe(appointment, now=now, site_rules_=dock_rules)
        view.local_start = appointment.planned_start.astimezone(site.tzinfo)
        view.local_end = appointment.planned_end.astimezone(site.tzinfo)
        rows.append(view)
    return {"site": site, "rows": rows, "departed": departed, "now": now}


def appointment_view(*, user: Person, appointment_id: int, now: datetime | None = None) -> AppointmentView:
    """One appointment with its state and every conflict of its plan (including overlaps)."""
    appointment = appointment_get(user=user, appointment_id=appointment_id)
    site = appointment.site
    now = now or timezone.now()
    (door,) = door_facts([appointment.door], site, appointment.planned_start, appointment.planned_end)
    conflicts: list[rules.Conflict] = []
    if appointment.status not in (S.CANCELLED, S.NO_SHOW, S.DONE):
        dock_rules = site_rules(site)
        conflicts = rules.conflicts_for(
            door=door,
            start=appointment.planned_start,
            end=appointment.planned_end,
            direction=appointment.direction,
            needs=appointment.needs,
            minutes_needed=dock_rules.minutes_for(appointment.load_lines),
            others=bookings(site, appointment.planned_start, appointment.planned_end),
            booking_id=appointment.pk,
        )
        if appointment.pinned and appointment.picking_odoo_ids:
            odoo_start = odoo_moved_start(appointment.picking_odoo_ids)
            if odoo_start is not None and odoo_start != appointment.planned_start:
                local = odoo_start.astimezone(site.tzinfo).strftime("%a %d %b %H:%M")
                conflicts.append(
                    rules.Conflict("odoo_date", f"Odoo now plans it for {local}; pinned here by a person.")
                )
    view = describe(appointment, now=now, site_rules_=site_rules(site), conflicts=conflicts)
    view.local_start = appointment.planned_start.astimezone(site.tzinfo)
    view.local_end = appointment.planned_end.astimezone(site.tzinfo)
    return view


def proposal_view(*, user: Person, proposal_id: int) -> ProposalView:
    """One proposal at the user's sites (any status: the panel says what became of it)."""
    proposal = (
        AppointmentProposal.objects.filter(site__in=sites_visible_to(user).values("pk"), pk=proposal_id)
        .select_related("site", "door", "appointment")
        .first()
    )
    if proposal is None:
        raise Http404("No such proposal at your sites.")
    tz = proposal.site.tzinfo
    return ProposalView(
        proposal, local_start=proposal.planned_start.astimezone(tz), local_end=proposal.planned_end.astimezone(tz)
    )


def slot_find(
    *, site: Site, minutes: int, direction: str, needs: Iterable[str] = (), after: datetime | None = None
) -> rules.Slot | None:
    """The first free door and time that fit a load (rules.find_slot); None within the horizon."""
    after = after or timezone.now()
    end = after + rules.SLOT_HORIZON + timedelta(minutes=minutes)
    doors = DockDoor.objects.filter(site=site, is_active=True)
    return rules.find_slot(
        doors=door_facts(doors, site, after, end),
        bookings=bookings(site, after, end),
        minutes=minutes,
        direction=direction,
        needs=needs,
        after=after,
        step_min=site_rules(site).slot_step_min,
    )


# --- the wall tile ---------------------------------------------------------------------------
DOCK_TILE_WINDOW = timedelta(hours=4)


def site_dock_summary(site_code: str, *, now: datetime | None = None) -> dict[str, Any]:
    """For the wall (which checks the viewer itself): the next hours by door, what is late or blocking."""
    site = Site.objects.get(code=site_code)
    now = now or timezone.now()
    dock_rules = site_rules(site)
    doors = list(DockDoor.objects.filter(site=site, is_active=True))
    upcoming = list(
        holding(
            Appointment.objects.filter(
                site=site, planned_start__lt=now + DOCK_TILE_WINDOW, planned_end__gt=now - timedelta(hours=12)
            )
        )
        .exclude(status=S.DONE, off_door_at__isnull=False)
        .select_related("door")
        .order_by("planned_start")
    )
    views = [describe(a, now=now, site_rules_=dock_rules) for a in upcoming]
    relevant = [
        v
        for v in views
        if v.appointment.planned_end > now or v.state in ("late", "overrun", "at_door", "working", "arrived")
    ]
    late = [v for v in relevant if v.state == "late"]
    blocking = [v for v in relevant if v.state == "overrun"]
    by_door = []
    for door in doors:
        mine = [v for v in relevant if v.appointment.door_id == door.pk]
        occupied = next((v for v in mine if v.appointment.status in (S.AT_DOOR, S.WORKING)), None)
        following = [v for v in mine if v.appointment.status in (S.PLANNED, S.ARRIVED)][:2]
        by_door.append({"door": door, "occupied": occupied, "next": following})
    for v in relevant:
        v.local_start = v.appointment.planned_start.astimezone(site.tzinfo)
    return {
        "site": site,
        "total": len(relevant),
        "late": late,
        "blocking": blocking,
        "doors": by_door,
        "now": now,
    }
