"""The timeline selector on a busy board: the same number of queries however many doors and
appointments, and each appointment's times exactly as stored (aware, UTC), placed on its door."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.docks.models import Appointment, DockDoor, DoorClosure
from apps.docks.selectors import timeline
from tests.docks.conftest import at

pytestmark = pytest.mark.django_db


def queries_for(user, now) -> int:
    with CaptureQueriesContext(connection) as captured:
        timeline(user=user, site_code="BRU", day=now.date(), now=now)
    return len(captured)


def test_the_board_costs_the_same_queries_for_two_doors_or_forty(sites, doors, make_appointment, supervisor):
    bru = sites["BRU"]
    now = at("2026-11-18", "12:00", bru.tzinfo)
    make_appointment("D2", at("2026-11-18", "10:00", bru.tzinfo))
    queries_for(supervisor, now)  # warm: the first call also loads the user's roles (cached on it)
    few = queries_for(supervisor, now)
    for n in range(40):
        door = DockDoor.objects.create(site=bru, name=f"Y{n:02d}", direction="both", position=10 + n)
        DoorClosure.objects.create(door=door, starts_at=now, ends_at=now + timedelta(hours=1))
        for hour in range(6, 20, 2):
            start = at("2026-11-18", f"{hour:02d}:00", bru.tzinfo)
            Appointment.objects.create(
                site=bru, door=door, planned_start=start, planned_end=start + timedelta(minutes=90)
            )
    assert queries_for(supervisor, now) == few


def test_each_appointment_keeps_its_stored_times_on_its_door(sites, doors, make_appointment, supervisor):
    bru = sites["BRU"]
    # The night the clocks go back in Brussels: 02:30 happens twice; this one is the second (UTC+1).
    night = make_appointment("D2", at("2026-10-25", "01:30", UTC), minutes=75, carrier="Night")
    board = timeline(user=supervisor, site_code="BRU", day=night.planned_start.astimezone(bru.tzinfo).date())
    (row,) = [r for r in board.doors if r.door.name == "D2"]
    (view,) = row.appointments
    night.refresh_from_db()
    assert (view.appointment.planned_start, view.appointment.planned_end) == (night.planned_start, night.planned_end)
    assert (
        view.appointment.planned_start.tzinfo is not None and view.appointment.planned_start.utcoffset() == timedelta(0)
    )
    assert view.local_start.strftime("%H:%M %Z") == "02:30 CET" and view.appointment.label == "Night"
    # The day is 25 hours long: 01:30 UTC is 3.5 hours after local midnight (22:00 UTC), 14 % of it.
    assert view.left_pct == 14.0 and view.width_pct == 5.0  # 75 minutes of 1,500
