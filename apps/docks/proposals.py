"""Planning proposals: receipts and deliveries in the planning horizon that have no appointment get
a proposed one (apps/docks/planning.py groups them into trucks; rules.find_slot gives the door and
time). A supervisor accepts a proposal (it becomes a planned appointment) or dismisses it.

The refresh runs on a schedule and after sync change sets, and is safe to repeat: one open proposal
per truck (group key), a proposal that still fits keeps its door and time, dismissed pickings are
never proposed again, and proposals whose pickings got an appointment, were done or cancelled, or
left the horizon are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from apps.docks import planning, rules
from apps.docks.facts import SiteDockRules, bookings, door_facts, site_rules
from apps.docks.following import FOLLOW_BACK
from apps.docks.models import Appointment, AppointmentProposal, AppointmentStatus, DockDoor, ProposalStatus
from apps.docks.services import (
    LIVE_EVENT,
    Actor,
    DockError,
    _write_dates_to_odoo,
    appointment_create,
    appointment_move,
)
from apps.live.publisher import publish
from apps.mirror.changes import ChangeSet
from apps.mirror.models import Move, Picking, PickingType, Warehouse
from apps.sites.models import Site

P = ProposalStatus
OPEN_PICKING_STATES = ("draft", "waiting", "confirmed", "assigned")


@dataclass
class RefreshResult:
    created: int = 0
    updated: int = 0
    dropped: int = 0
    unplaced: list[str] = field(default_factory=list)  # trucks with no free door in the horizon

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.dropped)


def site_warehouse_ids(site: Site) -> list[int]:
    """The site's Odoo warehouse: by the id the site knows, else by the warehouse code."""
    if site.odoo_warehouse_id is not None:
        return [site.odoo_warehouse_id]
    return list(Warehouse.objects.filter(code=site.code).values_list("odoo_id", flat=True))


def picking_loads(site: Site, *, now: datetime, dock_rules: SiteDockRules) -> list[planning.PickingLoad]:
    """Open receipts and deliveries of the site due within the horizon (or overdue by less than a
    day), with their lines and quantity (three queries)."""
    types = {
        odoo_id: (name, code)
        for odoo_id, name, code in PickingType.objects.filter(
            warehouse_id__in=site_warehouse_ids(site), code__in=planning.DIRECTIONS
        ).values_list("odoo_id", "name", "code")
    }
    rows = list(
        Picking.objects.filter(
            picking_type_id__in=list(types),
            state__in=OPEN_PICKING_STATES,
            is_deleted=False,
            scheduled_date__gte=now - FOLLOW_BACK,
            scheduled_date__lt=now + timedelta(hours=dock_rules.planning_horizon_hours),
        ).values_list("odoo_id", "picking_type_id", "carrier_name", "partner__name", "scheduled_date", "date_deadline")
    )
    load: dict[int, tuple[int, Decimal]] = {}
    for picking_id, lines, total in (
        Move.objects.filter(picking_id__in=[r[0] for r in rows])
        .exclude(state="cancel")
        .values("picking_id")
        .annotate(lines=Count("id"), quantity=Sum("product_uom_qty"))
        .values_list("picking_id", "lines", "quantity")
    ):
        load[picking_id] = (lines, Decimal(str(total or 0)).quantize(Decimal("0.01")))
    loads = []
    for odoo_id, type_id, carrier, partner, scheduled, deadline in rows:
        if scheduled is None or type_id is None:  # the filter asked for both; mypy cannot know
            continue
        name, code = types[type_id]
        direction = planning.DIRECTIONS[code]
        lines, quantity = load.get(odoo_id, (0, Decimal(0)))
        loads.append(
            planning.PickingLoad(
                odoo_id=odoo_id,
                direction=direction,
                # a receipt without a carrier comes on the vendor's own truck
                carrier=carrier or (partner or "" if direction == "inbound" else ""),
                route_id=type_id,
                route=name,
                cutoff=deadline or scheduled,
                scheduled=scheduled,
                lines=lines,
                quantity=quantity,
            )
        )
    return loads


# Appointments older than this no longer speak for a picking in the horizon (a year of history
# would otherwise be read on every refresh).
SPOKEN_FOR_BACK = timedelta(days=14)


def _pickings_spoken_for(site: Site, now: datetime) -> set[int]:
    """Pickings that already have an appointment (not cancelled) or whose proposal was dismissed."""
    spoken: set[int] = set()
    for ids in (
        Appointment.objects.filter(site=site, planned_end__gte=now - SPOKEN_FOR_BACK)
        .exclude(status=AppointmentStatus.CANCELLED)
        .values_list("picking_odoo_ids", flat=True)
    ):
        spoken.update(int(i) for i in ids or [])
    for ids in AppointmentProposal.objects.filter(site=site, status=P.DISMISSED).values_list(
        "picking_odoo_ids", flat=True
    ):
        spoken.update(int(i) for i in ids or [])
    return spoken


@transaction.atomic
def proposals_refresh(*, site: Site, now: datetime | None = None) -> RefreshResult:
    """Bring the site's open proposals in line with its pickings and appointments (see the module)."""
    now = now or timezone.now()
    Site.objects.select_for_update().filter(pk=site.pk).first()  # one refresh per site at a time
    dock_rules = site_rules(site)
    spoken = _pickings_spoken_for(site, now)
    trucks = planning.truck_loads(
        load
        for load in picking_loads(site, now=now, dock_rules=dock_rules)
        if load.odoo_id not in spoken
        and planning.needs_appointment(
            load,
            operation_types=dock_rules.planned_operation_types,
            unplanned_carriers=dock_rules.unplanned_carriers,
        )
    )
    open_proposals = {
        p.group_key: p for p in AppointmentProposal.objects.select_for_update().filter(site=site, status=P.OPEN)
    }
    window_end = now + timedelta(hours=dock_rules.planning_horizon_hours) + rules.SLOT_HORIZON
    doors = list(DockDoor.objects.filter(site=site, is_active=True))
    facts = door_facts(doors, site, now - FOLLOW_BACK, window_end)
    by_id = {f.id: f for f in facts}
    taken = bookings(site, now - FOLLOW_BACK, window_end)  # proposals placed below join these
    result = RefreshResult()
    kept: set[str] = set()
    for number, truck in enumerate(trucks, start=1):
        minutes = dock_rules.minutes_for(truck.lines, truck.quantity)
        existing = open_proposals.get(truck.group_key)
        slot = _still_fits(existing, by_id, taken, minutes, now) if existing else None
        if slot is None:
            found = rules.find_slot(
                doors=facts,
                bookings=taken,
                minutes=minutes,
                direction=truck.direction,
                needs=(),
                after=max(now, truck.earliest),
                step_min=dock_rules.slot_step_min,
            )
            if found is None:
                result.unplaced.append(truck.group_key)
                continue
            slot = (found.door.id, found.start, found.end)
        door_id, start, end = slot
        taken.append(rules.Booking(id=-number, door_id=door_id, start=start, end=end))
        kept.add(truck.group_key)
        values = {
            "door_id": door_id,
            "direction": truck.direction,
            "carrier": truck.carrier[:100],
            "route": truck.route[:100],
            "cutoff": truck.cutoff,
            "picking_odoo_ids": list(truck.picking_odoo_ids),
            "load_lines": truck.lines,
            "load_quantity": truck.quantity,
            "planned_start": start,
            "planned_end": end,
        }
        if existing is None:
            AppointmentProposal.objects.create(site=site, group_key=truck.group_key, **values)
            result.created += 1
        elif any(getattr(existing, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save()
            result.updated += 1
    stale = [p.pk for key, p in open_proposals.items() if key not in kept]
    if stale:
        result.dropped = AppointmentProposal.objects.filter(pk__in=stale, status=P.OPEN).delete()[0]
    if result.changed:
        publish(LIVE_EVENT, site.code, {"change": "proposals", "created": result.created, "dropped": result.dropped})
    return result


def _still_fits(
    proposal: AppointmentProposal,
    doors: dict[int, rules.DoorFacts],
    taken: list[rules.Booking],
    minutes: int,
    now: datetime,
) -> tuple[int, datetime, datetime] | None:
    """The proposal's door and time, lengthened or shortened to the load, if it still works there:
    not in the past, door open and in service, nothing else booked then. A proposal a person may be
    looking at does not jump around when nothing forces it."""
    door = doors.get(proposal.door_id)
    start = proposal.planned_start
    end = start + timedelta(minutes=minutes)
    if door is None or start < now or door.direction not in ("both", proposal.direction):
        return None
    if rules.blocking_conflicts(door, start, end):
        return None
    if any(b.door_id == door.id and b.start < end and start < b.end for b in taken):
        return None
    return door.id, start, end


def proposals_refresh_all(*, now: datetime | None = None) -> dict[str, int]:
    """Every active site with dock doors: how many proposals each has open afterwards."""
    counts = {}
    for site in Site.objects.filter(is_active=True, dock_doors__is_active=True).distinct():
        proposals_refresh(site=site, now=now)
        counts[site.code] = AppointmentProposal.objects.filter(site=site, status=P.OPEN).count()
    return counts


def proposals_follow_changes(changes: ChangeSet) -> None:
    """Change-set subscriber: new, moved, done or cancelled pickings (or their lines) re-plan.
    Not while the mirror is being built (historical pages come by the thousand): the scheduled
    refresh plans once it is there."""
    if changes.odoo_model in ("stock.picking", "stock.move") and changes and not changes.historical:
        proposals_refresh_all()


# --- a supervisor's decisions ------------------------------------------------------------------
def _locked(proposal: AppointmentProposal) -> AppointmentProposal:
    return (
        AppointmentProposal.objects.select_for_update(of=("self",)).select_related("site", "door").get(pk=proposal.pk)
    )


@transaction.atomic
def proposal_accept(*, proposal: AppointmentProposal, actor: Actor = None) -> Appointment:
    """Make the proposal a planned appointment at its door and time; when that time is not the
    pickings' scheduled date in Odoo, the new date is written to every picking through the outbox —
    or, when the site's rules ask an approval for such a change, the appointment is booked at Odoo's
    date and its move to the proposed time waits for the approval like any other reschedule.
    Accepting twice returns the same appointment."""
    proposal = _locked(proposal)
    if proposal.status == P.ACCEPTED and proposal.appointment is not None:
        return proposal.appointment
    if proposal.status != P.OPEN:
        raise DockError("This proposal was dismissed; it can no longer be accepted.")
    if set(proposal.picking_odoo_ids) & _pickings_spoken_for(proposal.site, timezone.now()):
        raise DockError("Some of these pickings got an appointment meanwhile; the plan is being refreshed.")
    picking_ids = [int(i) for i in proposal.picking_odoo_ids]
    dates = list(Picking.objects.filter(odoo_id__in=picking_ids).values_list("scheduled_date", flat=True))
    odoo_start = min((d for d in dates if d is not None), default=None)
    dock_rules = site_rules(proposal.site)
    asks = odoo_start is not None and rules.reschedule_needs_approval(
        before=odoo_start,
        after=proposal.planned_start,
        tz=proposal.site.tzinfo,
        asks=dock_rules.reschedule_needs_approval,
        after_min=dock_rules.approval_after_min,
        across_days=dock_rules.approval_across_days,
    )
    start, end = proposal.planned_start, proposal.planned_end
    if asks and odoo_start is not None:  # booked where Odoo has it now; the proposed time comes by the approved move
        start, end = odoo_start, odoo_start + (proposal.planned_end - proposal.planned_start)
    try:
        appointment = appointment_create(
            site=proposal.site,
            door=proposal.door,
            planned_start=start,
            planned_end=end,
            direction=proposal.direction,
            carrier=proposal.carrier,
            reference=proposal.route,
            picking_odoo_ids=picking_ids,
            load_lines=proposal.load_lines,
            actor=actor,
        )
    except DockError as error:
        if not asks:
            raise
        raise DockError(
            f"Changing these pickings' date in Odoo needs an approval at this site, and door "
            f"{proposal.door.name} cannot take them at Odoo's date ({error}). Book them at Odoo's date on "
            "another door, then move the appointment.",
            status=400,
        ) from error
    if asks:
        appointment = appointment_move(
            appointment=appointment,
            door=proposal.door,
            planned_start=proposal.planned_start,
            planned_end=proposal.planned_end,
            actor=actor,
        )
    elif any(d != appointment.planned_start for d in dates):
        _write_dates_to_odoo(appointment, actor=actor)
    proposal.status, proposal.appointment, proposal.decided_at = P.ACCEPTED, appointment, timezone.now()
    proposal.decided_by = actor if getattr(actor, "pk", None) else None  # type: ignore[assignment]
    proposal.save(update_fields=["status", "appointment", "decided_at", "decided_by", "updated_at"])
    return appointment


@transaction.atomic
def proposal_dismiss(*, proposal: AppointmentProposal, actor: Actor = None) -> AppointmentProposal:
    """Set the proposal aside: its pickings are not proposed again. Dismissing twice changes nothing."""
    proposal = _locked(proposal)
    if proposal.status == P.DISMISSED:
        return proposal
    if proposal.status == P.ACCEPTED:
        raise DockError("This proposal is already an appointment; cancel the appointment instead.")
    proposal.status, proposal.decided_at = P.DISMISSED, timezone.now()
    proposal.decided_by = actor if getattr(actor, "pk", None) else None  # type: ignore[assignment]
    proposal.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    publish(LIVE_EVENT, proposal.site.code, {"change": "proposal_dismissed", "id": proposal.pk})
    return proposal


@dataclass
class DayAcceptance:
    accepted: list[Appointment] = field(default_factory=list)
    refused: list[tuple[AppointmentProposal, str]] = field(default_factory=list)


def proposals_accept_day(*, site: Site, start: datetime, end: datetime, actor: Actor = None) -> DayAcceptance:
    """Accept every open proposal starting in [start, end) (the site's local day), each on its own;
    one that cannot be accepted any more is reported and the others still go through."""
    outcome = DayAcceptance()
    for proposal in AppointmentProposal.objects.filter(
        site=site, status=P.OPEN, planned_start__gte=start, planned_start__lt=end
    ).order_by("planned_start", "id"):
        try:
            outcome.accepted.append(proposal_accept(proposal=proposal, actor=actor))
        except DockError as exc:
            outcome.refused.append((proposal, str(exc)))
    return outcome
