"""Moving an appointment writes the new date to its Odoo pickings through the outbox: once per picking,
again only when it is moved again (the Odoo simulator, a real HTTP server, plays Odoo)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from apps.docks.services import appointment_move
from apps.writeback.models import OutboxEntry
from apps.writeback.services import outbox_run_due
from tests.docks.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scheduled_writes(simulator, monkeypatch):
    """Every write of a scheduled date that reaches the simulator, as (picking id, date)."""
    seen: list[tuple[int, str]] = []
    original = simulator.sim.execute

    def execute(uid, model, method, args, kwargs):
        if (model, method) == ("stock.picking", "write") and "scheduled_date" in (args[1] if len(args) > 1 else {}):
            seen.extend((picking_id, args[1]["scheduled_date"]) for picking_id in args[0])
        return original(uid, model, method, args, kwargs)

    monkeypatch.setattr(simulator.sim, "execute", execute)
    return seen


def _open_pickings(simulator, count: int) -> list[int]:
    rows = simulator.call("stock.picking", "search_read", [("state", "=", "assigned")], ["id"], limit=count)
    return [row["id"] for row in rows]


def test_a_move_reaches_every_picking_of_the_appointment_exactly_once(
    odoo, simulator, scheduled_writes, make_appointment, supervisor, doors
):
    pickings = _open_pickings(simulator, 2)
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
    appointment = make_appointment(door="D1", picking_odoo_ids=_open_pickings(simulator, 1))

    appointment_move(appointment=appointment, door=doors["D2"], planned_start=appointment.planned_start,
                     planned_end=appointment.planned_end, actor=supervisor)  # fmt: skip

    assert not OutboxEntry.objects.filter(cause_type="dock_change").exists()
