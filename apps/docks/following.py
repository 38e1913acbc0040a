"""Appointments follow their Odoo pickings: when the sync sees a picking's scheduled date change,
an unpinned planned appointment for it moves to the new date (same door, same length). A pinned one
stays where the person put it; the timeline's panel shows the difference as a conflict.

Subscribed to the mirror's change sets in DocksConfig.ready (the mirror is a lower layer and owns
the registry). A date we wrote ourselves through the outbox is recognised by the outbox's link to
the records it changed (OutboxEffect) and is not taken for Odoo moving the date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from apps.docks.models import Appointment, AppointmentStatus
from apps.docks.services import _announce, _audit, _locked
from apps.mirror.changes import ChangeSet
from apps.mirror.models import Picking
from apps.writeback.selectors import own_effects

FOLLOW_BACK = timedelta(days=1)  # appointments that started before this are history, not plans


def odoo_planned_start(picking_odoo_ids: list[int]) -> datetime | None:
    """The earliest scheduled date of the appointment's pickings in the mirror (the first truck
    that is due decides when the door is needed)."""
    dates = Picking.objects.filter(odoo_id__in=picking_odoo_ids, scheduled_date__isnull=False).values_list(
        "scheduled_date", flat=True
    )
    return min((d for d in dates if d is not None), default=None)


def dated_by_us(picking_odoo_ids: Iterable[int]) -> set[int]:
    """Pickings whose current date in the mirror is our own outbox's write (the outbox links an
    entry to the records it changed, with their write_date right after): a reschedule we wrote
    ourselves, not Odoo moving the date."""
    write_dates = dict(
        Picking.objects.filter(odoo_id__in=list(picking_odoo_ids)).values_list("odoo_id", "odoo_write_date")
    )
    return own_effects(odoo_model="stock.picking", write_dates=write_dates)


def odoo_moved_start(picking_odoo_ids: list[int]) -> datetime | None:
    """Like odoo_planned_start, but only among pickings whose date someone else set in Odoo."""
    return odoo_planned_start(sorted(set(picking_odoo_ids) - dated_by_us(picking_odoo_ids)))


def appointments_follow_changes(changes: ChangeSet) -> None:
    """Change-set subscriber: pickings whose scheduled date changed move their unpinned appointments."""
    if changes.odoo_model != "stock.picking":
        return
    moved = {odoo_id for odoo_id, columns in changes.updated.items() if "scheduled_date" in columns}
    moved -= dated_by_us(moved)  # our own reschedule coming back from Odoo: nothing to follow
    if not moved:
        return
    candidates = Appointment.objects.filter(
        status=AppointmentStatus.PLANNED, pinned=False, planned_start__gte=timezone.now() - FOLLOW_BACK
    ).exclude(picking_odoo_ids=[])
    for appointment in candidates.only("id", "picking_odoo_ids").iterator():
        if moved & set(appointment.picking_odoo_ids):
            appointment_follow_odoo(appointment=appointment)


@transaction.atomic
def appointment_follow_odoo(*, appointment: Appointment) -> Appointment:
    """Move an unpinned planned appointment to its pickings' scheduled date. Safe to repeat: at
    the right time already, pinned, or no longer planned, it changes nothing."""
    appointment = _locked(appointment)
    if appointment.pinned or appointment.status != AppointmentStatus.PLANNED:
        return appointment
    start = odoo_planned_start(appointment.picking_odoo_ids)
    if start is None or start == appointment.planned_start:
        return appointment
    before = appointment.planned_start
    length = appointment.planned_end - appointment.planned_start
    appointment.planned_start, appointment.planned_end = start, start + length
    appointment.save(update_fields=["planned_start", "planned_end", "updated_at"])
    _audit(appointment, action="appointment_followed_odoo", actor=None, data={"before": before, "after": start})
    _announce(appointment, "followed_odoo")
    return appointment
