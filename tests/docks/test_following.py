"""Odoo moving a picking's date moves the unpinned appointment; a pinned one stays and says so."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.docks.models import Appointment
from apps.docks.selectors import appointment_view
from apps.mirror.changes import ChangeSet, dispatch
from apps.mirror.models import Picking

pytestmark = pytest.mark.django_db


def picking(odoo_id: int, scheduled):
    return Picking.objects.create(
        odoo_id=odoo_id, name=f"BRU/IN/{odoo_id:05d}", state="assigned", picking_type_code="incoming",
        scheduled_date=scheduled, synced_at=timezone.now(),
    )  # fmt: skip


def odoo_moves(*pickings_and_dates) -> None:
    """What a sync does when Odoo changed the dates: update the mirror, then hand over the change set."""
    for row, scheduled in pickings_and_dates:
        Picking.objects.filter(pk=row.pk).update(scheduled_date=scheduled)
    dispatch(ChangeSet("stock.picking", updated={row.odoo_id: ["scheduled_date"] for row, _ in pickings_and_dates}))


def test_odoo_moving_a_date_moves_the_unpinned_appointment(make_appointment, supervisor):
    tomorrow = timezone.now().replace(microsecond=0) + timedelta(days=1)
    first = picking(41, tomorrow)
    picking(42, tomorrow + timedelta(hours=1))
    appointment = make_appointment(start=tomorrow, minutes=50, picking_odoo_ids=[41, 42])
    odoo_moves((first, tomorrow + timedelta(hours=3)))
    appointment.refresh_from_db()
    # The earliest of its pickings now is 42, an hour later than before; the length stays 50 min.
    assert appointment.planned_start == tomorrow + timedelta(hours=1)
    assert appointment.planned_end - appointment.planned_start == timedelta(minutes=50)
    assert not appointment.pinned


def test_a_pinned_appointment_stays_and_shows_the_difference(make_appointment, supervisor):
    tomorrow = timezone.now().replace(microsecond=0) + timedelta(days=1)
    row = picking(43, tomorrow)
    appointment = make_appointment(start=tomorrow, picking_odoo_ids=[43], pinned=True)
    odoo_moves((row, tomorrow + timedelta(hours=2)))
    assert Appointment.objects.get(pk=appointment.pk).planned_start == tomorrow
    view = appointment_view(user=supervisor, appointment_id=appointment.pk)
    assert [c.code for c in view.conflicts] == ["odoo_date"] and view.state == "conflict"


def test_other_changes_and_other_pickings_leave_appointments_alone(make_appointment):
    tomorrow = timezone.now().replace(microsecond=0) + timedelta(days=1)
    row, other = picking(44, tomorrow), picking(45, tomorrow)
    appointment = make_appointment(start=tomorrow, picking_odoo_ids=[44])
    Picking.objects.filter(pk=row.pk).update(scheduled_date=tomorrow + timedelta(hours=5))
    dispatch(ChangeSet("stock.picking", updated={44: ["state"]}))  # not a date change
    odoo_moves((other, tomorrow + timedelta(hours=4)))  # someone else's picking
    assert Appointment.objects.get(pk=appointment.pk).planned_start == tomorrow
