"""Writes on the dock schedule: create, move, record the clerk's actual times, cancel, and the
no-show sweep. Each runs in one transaction, locks the appointment row, checks the current state
first (so a repeated call changes nothing) and raises DockError with a sentence for the person.
Screens hear about every change after commit (apps/live/publisher.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.core.approval_kinds import ApprovalAsk, approval_ask
from apps.core.exception_facts import facts_changed
from apps.docks import rules
from apps.docks.exceptions import SOURCE as EXCEPTIONS_SOURCE
from apps.docks.facts import door_facts, site_rules
from apps.docks.models import CLOSED_STATUSES, Appointment, AppointmentStatus, Direction, DockDoor
from apps.live.publisher import publish
from apps.sites.models import Site
from apps.writeback.services import outbox_enqueue

LIVE_EVENT = "dock.changed"
RESCHEDULE_KIND = "dock_reschedule"  # the approval kind (and request type) of a move that waits
# A clerk may record an actual time a little ahead of the server's clock (clock drift), no more.
CLOCK_TOLERANCE = timedelta(minutes=5)
Actor = User | AnonymousUser | None  # the person acting (request.user); None for the system (sweeps)


class DockError(Exception):
    """The change cannot be made; `str(exc)` says why, `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class DockEvent:
    """A step the dock clerk records: the actual-time field it fills and the status it leads to."""

    name: str
    label: str
    field: str
    to_status: str
    from_statuses: frozenset[str]
    needs_first: str  # what the refusal tells the clerk to do first


S = AppointmentStatus
EVENTS: dict[str, DockEvent] = {
    e.name: e
    for e in [
        DockEvent("arrive", "Check in", "arrived_at", S.ARRIVED, frozenset({S.PLANNED, S.NO_SHOW}), ""),
        DockEvent("on_door", "On door", "on_door_at", S.AT_DOOR, frozenset({S.ARRIVED}), "check the truck in"),
        DockEvent("start", "Start work", "work_started_at", S.WORKING, frozenset({S.AT_DOOR}), "put it on the door"),
        DockEvent(
            "off_door", "Off door", "off_door_at", S.DONE, frozenset({S.AT_DOOR, S.WORKING}), "put it on the door"
        ),
        DockEvent("depart", "Departed", "departed_at", S.DONE, frozenset({S.DONE}), "take it off the door"),
    ]
}
EVENT_ORDER = ["arrived_at", "on_door_at", "work_started_at", "off_door_at", "departed_at"]


def _locked(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update(of=("self",)).select_related("site", "door").get(pk=appointment.pk)


def _announce(appointment: Appointment, change: str, *, judge_exceptions: bool = True) -> None:
    """Screens hear about the change after commit; the exception queue re-judges the site's dock
    exceptions then (a check-in clears a late arrival, a move a conflict)."""
    if judge_exceptions:
        facts_changed(source=EXCEPTIONS_SOURCE, site_code=appointment.site.code)
    publish(
        LIVE_EVENT,
        appointment.site.code,
        {
            "id": appointment.pk,
            "change": change,
            "status": appointment.status,
            "door_id": appointment.door_id,
            "planned_start": appointment.planned_start.isoformat(),
            "planned_end": appointment.planned_end.isoformat(),
        },
    )


def _audit(appointment: Appointment, *, action: str, actor: Actor, data: dict) -> None:
    audit_record(
        action=f"dock.{action}",
        subject=f"dock_appointment:{appointment.pk}",
        actor=actor,
        site_code=appointment.site.code,
        data={"door": appointment.door.name, "status": appointment.status, **data},
    )


def _check_plan(
    *, site: Site, door: DockDoor, start: datetime, end: datetime, direction: str, needs: Iterable[str]
) -> None:
    """Refuse what can never be right: an end before the start, a door of another site, a door
    closed or out of service then, a door facing the wrong way. Overlaps are shown, not refused."""
    if end <= start:
        raise DockError("The appointment must end after it starts.", status=400)
    if door.site_id != site.pk:
        raise DockError(f"Door {door.name} belongs to another site.", status=400)
    if not door.is_active:
        raise DockError(f"Door {door.name} is not in use.", status=400)
    if direction not in (Direction.INBOUND, Direction.OUTBOUND):
        raise DockError("Direction must be inbound or outbound.", status=400)
    (facts,) = door_facts([door], site, start, end)
    blocking = rules.blocking_conflicts(facts, start, end)
    if facts.direction not in ("both", direction):
        blocking.append(rules.Conflict("direction", f"Door {door.name} is {facts.direction} only."))
    if blocking:
        raise DockError(" ".join(c.message for c in blocking), status=400)
    unknown = set(needs) - {"reefer", "container", "side_load"}
    if unknown:
        raise DockError(f"Unknown door capability: {', '.join(sorted(unknown))}.", status=400)


@transaction.atomic
def appointment_create(
    *,
    site: Site,
    door: DockDoor,
    planned_start: datetime,
    planned_end: datetime | None = None,
    direction: str = Direction.INBOUND,
    carrier: str = "",
    reference: str = "",
    picking_odoo_ids: list[int] | None = None,
    needs: list[str] | None = None,
    load_lines: int = 0,
    actor: Actor = None,
) -> Appointment:
    """Book a door. Without an end, the load's door time (per-site rules) decides it."""
    planned_start = planned_start.astimezone(UTC)
    if planned_end is None:
        planned_end = planned_start + timedelta(minutes=site_rules(site).minutes_for(load_lines))
    _check_plan(site=site, door=door, start=planned_start, end=planned_end, direction=direction, needs=needs or [])
    appointment = Appointment.objects.create(
        site=site,
        door=door,
        direction=direction,
        carrier=carrier,
        reference=reference,
        picking_odoo_ids=sorted(set(picking_odoo_ids or [])),
        needs=sorted(set(needs or [])),
        load_lines=load_lines,
        planned_start=planned_start,
        planned_end=planned_end,
        created_by=actor if isinstance(actor, User) else None,
    )
    _audit(appointment, action="appointment_created", actor=actor, data={"start": planned_start, "end": planned_end})
    _announce(appointment, "created")
    return appointment


@transaction.atomic
def appointment_move(
    *, appointment: Appointment, door: DockDoor, planned_start: datetime, planned_end: datetime, actor: Actor = None
) -> Appointment:
    """Move or resize an appointment (a person's decision: it is pinned from now on, so a later
    date change in Odoo no longer moves it). Moving it to where it already is changes nothing.

    When the move changes the pickings' date in Odoo and the site's rules ask for an approval,
    nothing moves yet: the move waits for the approval (`pending_*`), and is made when approved."""
    appointment = _locked(appointment)
    if appointment.status in CLOSED_STATUSES or appointment.status == S.DONE:
        raise DockError(f"This appointment is {appointment.get_status_display().lower()}; it cannot be moved.")
    planned_start, planned_end = planned_start.astimezone(UTC), planned_end.astimezone(UTC)
    if appointment.pending_approval_id is not None:
        if (appointment.pending_door_id, appointment.pending_start, appointment.pending_end) == (
            door.pk,
            planned_start,
            planned_end,
        ):
            return appointment  # the same move asked again (a double click)
        raise DockError(
            f"A move of this appointment waits for approval (request #{appointment.pending_approval_id}); "
            "wait for the decision before moving it again."
        )
    if (appointment.door_id, appointment.planned_start, appointment.planned_end) == (
        door.pk,
        planned_start,
        planned_end,
    ):
        return appointment
    _check_plan(
        site=appointment.site,
        door=door,
        start=planned_start,
        end=planned_end,
        direction=appointment.direction,
        needs=appointment.needs,
    )
    if appointment.picking_odoo_ids and _move_needs_approval(appointment, planned_start):
        return _ask_approval_for_move(appointment, door=door, start=planned_start, end=planned_end, actor=actor)
    return _apply_move(appointment, door=door, start=planned_start, end=planned_end, actor=actor)


def _apply_move(
    appointment: Appointment, *, door: DockDoor, start: datetime, end: datetime, actor: Actor
) -> Appointment:
    """Move the (locked, checked) appointment, pin it, and write a new start to Odoo."""
    before = {"door": appointment.door.name, "start": appointment.planned_start, "end": appointment.planned_end}
    start_changed = start != appointment.planned_start
    appointment.door, appointment.planned_start, appointment.planned_end = door, start, end
    appointment.pinned = True
    appointment.pending_door, appointment.pending_start, appointment.pending_end = None, None, None
    appointment.pending_approval_id = None
    appointment.save(
        update_fields=[
            "door", "planned_start", "planned_end", "pinned",
            "pending_door", "pending_start", "pending_end", "pending_approval_id", "updated_at",
        ]
    )  # fmt: skip
    if start_changed:
        _write_dates_to_odoo(appointment, actor=actor)
    _audit(
        appointment,
        action="appointment_moved",
        actor=actor,
        data={"before": before, "after": {"door": door.name, "start": start, "end": end}},
    )
    _announce(appointment, "moved")
    return appointment


def _move_needs_approval(appointment: Appointment, start: datetime) -> bool:
    dock_rules = site_rules(appointment.site)
    return rules.reschedule_needs_approval(
        before=appointment.planned_start,
        after=start,
        tz=appointment.site.tzinfo,
        asks=dock_rules.reschedule_needs_approval,
        after_min=dock_rules.approval_after_min,
        across_days=dock_rules.approval_across_days,
    )


def _ask_approval_for_move(
    appointment: Appointment, *, door: DockDoor, start: datetime, end: datetime, actor: Actor
) -> Appointment:
    """Raise the approval request (apps/core/approval_kinds.py: docks and approvals are siblings)
    and keep the move waiting on the appointment. A policy that needs no approval after all (no
    route, or straight-through) lets the move through at once."""
    tz = appointment.site.tzinfo
    before_local, after_local = appointment.planned_start.astimezone(tz), start.astimezone(tz)
    shift_min = round((start - appointment.planned_start).total_seconds() / 60)
    title = (
        f"Move {appointment.label} from {before_local:%a %d %b %H:%M} {appointment.door.name} "
        f"to {after_local:%a %d %b %H:%M} {door.name}"
    )
    answer = approval_ask(
        ApprovalAsk(
            kind=RESCHEDULE_KIND,
            site_code=appointment.site.code,
            subject_id=appointment.pk,
            title=title,
            dedupe_key=f"{RESCHEDULE_KIND}:{appointment.pk}:{start.isoformat()}:{door.pk}",
            facts={
                "shift_minutes": abs(shift_min),
                "across_days": before_local.date() != after_local.date(),
                "pickings": len(appointment.picking_odoo_ids),
            },
            context={
                "rows": [
                    ["Appointment", appointment.label],
                    ["Now", f"{before_local:%a %d %b %H:%M} on {appointment.door.name}"],
                    ["Move to", f"{after_local:%a %d %b %H:%M}–{end.astimezone(tz):%H:%M} on {door.name}"],
                    ["Shift", f"{shift_min:+d} min"],
                    ["Odoo pickings", ", ".join(str(i) for i in appointment.picking_odoo_ids)],
                ],
                "url": f"/docks/{appointment.site.code}/?selected={appointment.pk}",
                # what approvals shows under "On approval" (the dock makes the move, not approvals)
                "on_approval": "The dock schedule moves the appointment and writes the new date to each of "
                "its Odoo pickings through the outbox.",
            },
            odoo_model="stock.picking",
            odoo_id=int(appointment.picking_odoo_ids[0]),
            requested_by_id=actor.pk if isinstance(actor, User) else None,
        )
    )
    if answer.refused:
        raise DockError(f"This move was already rejected (approval request #{answer.request_id}).")
    if not answer.pending:
        return _apply_move(appointment, door=door, start=start, end=end, actor=actor)
    appointment.pending_door, appointment.pending_start, appointment.pending_end = door, start, end
    appointment.pending_approval_id = answer.request_id
    appointment.save(
        update_fields=["pending_door", "pending_start", "pending_end", "pending_approval_id", "updated_at"]
    )
    _audit(
        appointment,
        action="appointment_move_requested",
        actor=actor,
        data={"approval_request": answer.request_id, "to": {"door": door.name, "start": start, "end": end}},
    )
    _announce(appointment, "move_requested", judge_exceptions=False)
    return appointment


@transaction.atomic
def appointment_move_decided(
    *, appointment_id: int, approval_request_id: int, approved: bool, actor: Actor = None
) -> Appointment | None:
    """The approval of a waiting move is decided: approved, the move is made (and written to Odoo);
    rejected, the appointment stays. A decision about a request the appointment no longer waits for
    changes nothing. A move that no longer fits (the door closed meanwhile) is not made: the audit
    log and the timeline say so, and the approval stands as the approver's record."""
    appointment = Appointment.objects.filter(pk=appointment_id).first()
    if appointment is None:
        return None
    appointment = _locked(appointment)
    if appointment.pending_approval_id != approval_request_id:
        return appointment
    door, start, end = appointment.pending_door, appointment.pending_start, appointment.pending_end
    if approved and door is not None and start is not None and end is not None:
        try:
            with transaction.atomic():
                if appointment.status in CLOSED_STATUSES or appointment.status == S.DONE:
                    raise DockError(f"the appointment is {appointment.get_status_display().lower()}")
                _check_plan(
                    site=appointment.site, door=door, start=start, end=end,
                    direction=appointment.direction, needs=appointment.needs,
                )  # fmt: skip
                return _apply_move(appointment, door=door, start=start, end=end, actor=actor)
        except DockError as exc:
            reason = str(exc)
    else:
        reason = "rejected"
    appointment.pending_door, appointment.pending_start, appointment.pending_end = None, None, None
    appointment.pending_approval_id = None
    appointment.save(
        update_fields=["pending_door", "pending_start", "pending_end", "pending_approval_id", "updated_at"]
    )
    _audit(
        appointment,
        action="appointment_move_rejected" if not approved else "appointment_move_not_made",
        actor=actor,
        data={"approval_request": approval_request_id, "reason": reason},
    )
    _announce(appointment, "move_decided", judge_exceptions=False)
    return appointment


def _write_dates_to_odoo(appointment: Appointment, *, actor: Actor) -> None:
    """A new start is the new scheduled date of every picking the appointment serves: one outbox entry
    each, in the move's transaction (the outbox writes it once, and skips a picking already at that
    date). The key names this move (the row's new updated_at), so moving back later writes again."""
    moved_at = appointment.updated_at.isoformat()
    for picking_id in appointment.picking_odoo_ids:
        outbox_enqueue(
            operation="set_scheduled_date",
            odoo_model="stock.picking",
            odoo_id=int(picking_id),
            arguments={"scheduled_date": appointment.planned_start},
            preconditions={},
            idempotency_key=f"dock-move:{appointment.pk}:{moved_at}:{picking_id}",
            cause_type="dock_change",
            cause_id=str(appointment.pk),
            requested_by=actor if isinstance(actor, User) else None,
            site_code=appointment.site.code,
        )


@transaction.atomic
def appointment_record(
    *, appointment: Appointment, event: str, at: datetime | None = None, actor: Actor = None
) -> Appointment:
    """Record one of the clerk's actual times (check-in, on door, start, off door, departed).

    Recording a time already recorded changes nothing; an event out of order is refused with
    what to do first; a time before the previous one or in the future is refused.
    """
    step = EVENTS.get(event)
    if step is None:
        raise DockError(f"Unknown dock event {event!r}; use one of: {', '.join(EVENTS)}.", status=400)
    appointment = _locked(appointment)
    if getattr(appointment, step.field) is not None and appointment.status != S.NO_SHOW:
        return appointment
    if appointment.status not in step.from_statuses:
        first = f" First {step.needs_first}." if step.needs_first else ""
        raise DockError(
            f"'{step.label}' is not possible: the appointment is {appointment.get_status_display().lower()}.{first}"
        )
    now = timezone.now()
    at = at or now
    if at > now + CLOCK_TOLERANCE:
        raise DockError("An actual time cannot be in the future.", status=400)
    earlier = [getattr(appointment, f) for f in EVENT_ORDER[: EVENT_ORDER.index(step.field)]]
    previous = max((t for t in earlier if t is not None), default=None)
    if previous is not None and at < previous:
        raise DockError("That time is before the truck's previous step.", status=400)
    setattr(appointment, step.field, at)
    appointment.status = step.to_status
    appointment.save(update_fields=[step.field, "status", "updated_at"])
    _audit(appointment, action=f"appointment_{event}", actor=actor, data={"at": at})
    _announce(appointment, event)
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, actor: Actor = None, reason: str = "") -> Appointment:
    """Cancel a planned appointment (frees its door). Cancelling twice changes nothing."""
    appointment = _locked(appointment)
    if appointment.status == S.CANCELLED:
        return appointment
    if appointment.status != S.PLANNED:
        raise DockError("Only a planned appointment can be cancelled; this truck is already here.")
    appointment.status = S.CANCELLED
    appointment.save(update_fields=["status", "updated_at"])
    _audit(appointment, action="appointment_cancelled", actor=actor, data={"reason": reason})
    _announce(appointment, "cancelled")
    return appointment


def appointments_mark_no_shows(*, now: datetime | None = None) -> int:
    """Mark planned appointments whose truck has not arrived within the site's grace period as
    no-shows (the door is free again; the exception queue opens a no-show case for each). Claimed
    with a conditional update: safe to run anywhere twice."""
    now = now or timezone.now()
    marked = 0
    for site in Site.objects.filter(is_active=True, dock_appointments__status=S.PLANNED).distinct():
        marked_here = 0
        cutoff = now - timedelta(minutes=site_rules(site).no_show_after_min)
        for appointment in Appointment.objects.filter(
            site=site, status=S.PLANNED, planned_start__lt=cutoff
        ).select_related("site", "door"):
            with transaction.atomic():
                if not Appointment.objects.filter(pk=appointment.pk, status=S.PLANNED).update(status=S.NO_SHOW):
                    continue
                appointment.status = S.NO_SHOW
                _audit(
                    appointment,
                    action="appointment_no_show",
                    actor=None,
                    data={"planned_start": appointment.planned_start},
                )
                _announce(appointment, "no_show", judge_exceptions=False)
                marked_here += 1
        if marked_here:
            facts_changed(source=EXCEPTIONS_SOURCE, site_code=site.code)  # once per site: no-show cases open
        marked += marked_here
    return marked
