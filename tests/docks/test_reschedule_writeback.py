"""Moving an appointment writes the new date to its Odoo pickings through the outbox: once per picking,
again only when it is moved again (the Odoo simulator, a real HTTP server, plays Odoo)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.docks.models import Appointment
from apps.docks.selectors import appointment_view
from apps.docks.services import appointment_move
from apps.mirror.models import Picking
from apps.mirror.services.sync import sync_model
from apps.writeback.models import OutboxEntry
from apps.writeback.services import outbox_run_due
from tests.docks.conftest import at, open_pickings

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_move_reaches_every_picking_of_the_appointment_exactly_once(
    odoo, simulator, scheduled_writes, make_appointment, supervisor, doors
):
    pickings = open_pickings(simulator, 2)
    tz = doors["D2"].site.tzinfo
    appointment = make_appointment(start=at("2026-12-02", "10:00", tz), picking_odoo_ids=pickings)
    new_start = at("2026-12-02", "14:30", tz)

    with transaction.atomic():
        appointment_move(appointment=appointment, door=doors["D2"], planned_start=new_start,
                         planned_end=new_start + timedelta(hours=1), actor=supervisor)  # fmt: skip
    # The same move again (a double click) is no new decision.
    appointment.refresh_from_db()
    appointment_move(appointment=appointment, door=doors["D2"], planned_start=new_start,
                     planned_end=new_start + timedelta(hours=1), actor=supervisor)  # fmt: skip
    for _ in range(3):  # the executor, as the worker runs it; later rounds find nothing to do
        outbox_run_due(now=timezone.now() + timedelta(minutes=1))

    entries = OutboxEntry.objects.filter(cause_type="dock_change", cause_id=str(appointment.pk))
    assert sorted(entries.values_list("odoo_id", flat=True)) == sorted(pickings)
    assert set(entries.values_list("status", flat=True)) == {OutboxEntry.Status.DONE}
    expected = "2026-12-02 13:30:00"  # 14:30 in Brussels (CET) is 13:30 UTC, Odoo's zone
    assert sorted(scheduled_writes) == sorted((picking, expected) for picking in pickings)
    odoo_dates = simulator.call("stock.picking", "read", pickings, ["scheduled_date"])
    assert {row["scheduled_date"] for row in odoo_dates} == {expected}


def test_moving_only_the_door_writes_nothing_to_odoo(odoo, simulator, make_appointment, supervisor, doors):
    appointment = make_appointment(door="D1", picking_odoo_ids=open_pickings(simulator, 1))

    appointment_move(appointment=appointment, door=doors["D2"], planned_start=appointment.planned_start,
                     planned_end=appointment.planned_end, actor=supervisor)  # fmt: skip

    assert not OutboxEntry.objects.filter(cause_type="dock_change").exists()


def _next_second() -> None:
    started = int(time.time())
    while int(time.time()) == started:
        time.sleep(0.05)


def test_our_own_reschedule_coming_back_from_odoo_is_not_odoo_moving_the_date(
    odoo, simulator, make_appointment, supervisor, doors
):
    """The outbox links each entry to the records it changed (with Odoo's write_date right after):
    our date, reported back by Odoo, is recognised through that link. Moved twice, the appointment
    shows no "Odoo now plans it for…" conflict while Odoo still holds our first date; a date a
    person sets in Odoo afterwards is shown."""
    (picking,) = open_pickings(simulator, 1)
    assert sync_model("stock.picking").ok  # the mirror holds the picking, as after any sync
    tz = doors["D2"].site.tzinfo
    tomorrow = (timezone.now() + timedelta(days=1)).astimezone(tz).date().isoformat()
    appointment = make_appointment(start=at(tomorrow, "10:00", tz), picking_odoo_ids=[picking])
    first, second = at(tomorrow, "14:30", tz), at(tomorrow, "16:00", tz)
    appointment_move(appointment=appointment, door=doors["D2"], planned_start=first,
                     planned_end=first + timedelta(hours=1), actor=supervisor)  # fmt: skip
    outbox_run_due(now=timezone.now() + timedelta(minutes=1))  # Odoo now holds 14:30, written by us
    appointment.refresh_from_db()
    appointment_move(
        appointment=appointment,
        door=doors["D2"],
        planned_start=second,
        planned_end=second + timedelta(hours=1),
        actor=supervisor,
    )  # fmt: skip  (not written yet)

    assert sync_model("stock.picking").ok

    assert Picking.objects.get(odoo_id=picking).scheduled_date == first  # Odoo still has our first date
    view = appointment_view(user=supervisor, appointment_id=appointment.pk)
    assert "odoo_date" not in [c.code for c in view.conflicts]
    assert Appointment.objects.get(pk=appointment.pk).planned_start == second
    assert not AuditEntry.objects.filter(action="dock.appointment_followed_odoo").exists()

    # A person in Odoo moves the picking: that is not ours, and the pinned appointment says so. Odoo
    # stamps write_date to the second, so a person's edit within our write's second would look like
    # ours (a limit of the outbox's link): the edit here comes in a later second, as a person's does.
    _next_second()
    simulator.call("stock.picking", "write", [picking], {"scheduled_date": "2030-01-07 09:00:00"})
    assert sync_model("stock.picking").ok
    view = appointment_view(user=supervisor, appointment_id=appointment.pk)
    assert "odoo_date" in [c.code for c in view.conflicts]
