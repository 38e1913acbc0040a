"""Dock writes: the clerk's times in order, moves that pin, refusals that change nothing, no-shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.docks.models import Appointment, AppointmentStatus, DoorClosure
from apps.docks.services import (
    DockError,
    appointment_cancel,
    appointment_create,
    appointment_move,
    appointment_record,
    appointments_mark_no_shows,
)
from tests.docks.conftest import at

pytestmark = pytest.mark.django_db
S = AppointmentStatus


def test_a_truck_goes_through_its_steps_with_actual_times(make_appointment, clerk):
    start = timezone.now() - timedelta(minutes=90)
    appointment = make_appointment(start=start)
    times = [start + timedelta(minutes=m) for m in (5, 12, 15, 50, 58)]
    for event, moment, status in zip(
        ["arrive", "on_door", "start", "off_door", "depart"],
        times,
        [S.ARRIVED, S.AT_DOOR, S.WORKING, S.DONE, S.DONE],
        strict=True,
    ):
        appointment = appointment_record(appointment=appointment, event=event, at=moment, actor=clerk)
        assert appointment.status == status
    appointment.refresh_from_db()
    assert [appointment.arrived_at, appointment.on_door_at, appointment.work_started_at, appointment.off_door_at,
            appointment.departed_at] == times  # fmt: skip
    assert AuditEntry.objects.filter(action="dock.appointment_depart", actor=clerk).count() == 1


def test_a_check_out_before_a_check_in_is_refused_and_changes_nothing(make_appointment, clerk):
    appointment = make_appointment()
    with pytest.raises(DockError, match="First check the truck in"):
        appointment_record(appointment=appointment, event="on_door", actor=clerk)
    with pytest.raises(DockError, match="First put it on the door"):
        appointment_record(appointment=appointment, event="off_door", actor=clerk)
    appointment.refresh_from_db()
    assert appointment.status == S.PLANNED and appointment.on_door_at is None and appointment.off_door_at is None


def test_recording_twice_keeps_the_first_time_and_times_go_forward(make_appointment, clerk):
    appointment = make_appointment(start=timezone.now() - timedelta(hours=1))
    first = timezone.now() - timedelta(minutes=20)
    appointment_record(appointment=appointment, event="arrive", at=first, actor=clerk)
    appointment_record(appointment=appointment, event="arrive", actor=clerk)  # a double tap
    appointment.refresh_from_db()
    assert appointment.arrived_at == first
    with pytest.raises(DockError, match="before the truck's previous step"):
        appointment_record(appointment=appointment, event="on_door", at=first - timedelta(minutes=1), actor=clerk)
    with pytest.raises(DockError, match="future"):
        appointment_record(appointment=appointment, event="on_door", at=timezone.now() + timedelta(hours=1))


def test_an_appointment_ending_before_it_starts_is_refused(doors, sites, supervisor):
    start = at("2026-12-02", "10:00", sites["BRU"].tzinfo)
    with pytest.raises(DockError, match="end after it starts"):
        appointment_create(
            site=sites["BRU"], door=doors["D2"], planned_start=start, planned_end=start, actor=supervisor
        )
    assert not Appointment.objects.exists()


def test_a_door_of_another_site_is_refused(doors, sites, supervisor):
    start = at("2026-12-02", "10:00", sites["BRU"].tzinfo)
    with pytest.raises(DockError, match="belongs to another site"):
        appointment_create(site=sites["BRU"], door=doors["C1"], planned_start=start, actor=supervisor)
    assert not Appointment.objects.exists()


def test_without_an_end_the_load_decides_the_length(doors, sites, supervisor):
    start = at("2026-12-02", "10:00", sites["BRU"].tzinfo)
    appointment = appointment_create(site=sites["BRU"], door=doors["D2"], planned_start=start, load_lines=10)
    assert appointment.planned_end - appointment.planned_start == timedelta(minutes=20 + 10 * 2)


def test_a_move_onto_a_closed_door_is_refused_and_changes_nothing(make_appointment, doors, sites, supervisor):
    appointment = make_appointment(door="D2")
    tz = sites["BRU"].tzinfo
    with pytest.raises(DockError, match="D1 is closed"):
        appointment_move(appointment=appointment, door=doors["D1"], planned_start=at("2026-12-02", "21:30", tz),
                         planned_end=at("2026-12-02", "22:30", tz), actor=supervisor)  # fmt: skip
    DoorClosure.objects.create(
        door=doors["D1"], starts_at=at("2026-12-02", "12:00", tz), ends_at=at("2026-12-02", "14:00", tz)
    )
    with pytest.raises(DockError, match="out of service"):
        appointment_move(appointment=appointment, door=doors["D1"], planned_start=at("2026-12-02", "13:00", tz),
                         planned_end=at("2026-12-02", "13:30", tz), actor=supervisor)  # fmt: skip
    fresh = Appointment.objects.get(pk=appointment.pk)
    assert (fresh.door_id, fresh.planned_start, fresh.pinned) == (doors["D2"].pk, appointment.planned_start, False)


def test_a_move_pins_the_appointment_and_is_audited(make_appointment, doors, sites, supervisor):
    appointment = make_appointment(door="D2")
    tz = sites["BRU"].tzinfo
    moved = appointment_move(appointment=appointment, door=doors["D1"], planned_start=at("2026-12-02", "15:00", tz),
                             planned_end=at("2026-12-02", "16:30", tz), actor=supervisor)  # fmt: skip
    assert moved.door == doors["D1"] and moved.pinned
    entry = AuditEntry.objects.get(action="dock.appointment_moved")
    assert entry.data["before"]["door"] == "D2" and entry.data["after"]["door"] == "D1"
    # The same move again changes nothing (no second audit entry).
    appointment_move(appointment=moved, door=doors["D1"], planned_start=moved.planned_start,
                     planned_end=moved.planned_end, actor=supervisor)  # fmt: skip
    assert AuditEntry.objects.filter(action="dock.appointment_moved").count() == 1


def test_planned_trucks_past_the_grace_period_become_no_shows(make_appointment):
    now = timezone.now()
    gone = make_appointment(start=now - timedelta(minutes=61))
    waiting = make_appointment(door="D1", start=now - timedelta(minutes=30))
    here = make_appointment(
        door="D3", start=now - timedelta(hours=2), status=S.ARRIVED, arrived_at=now - timedelta(hours=2)
    )
    assert appointments_mark_no_shows(now=now) == 1
    assert appointments_mark_no_shows(now=now) == 0  # safe to run twice
    statuses = dict(Appointment.objects.values_list("pk", "status"))
    assert statuses == {gone.pk: S.NO_SHOW, waiting.pk: S.PLANNED, here.pk: S.ARRIVED}
    # A no-show that turns up after all is checked in.
    assert appointment_record(appointment=gone, event="arrive").status == S.ARRIVED


def test_only_a_planned_appointment_can_be_cancelled(make_appointment, supervisor):
    planned, arrived = make_appointment(), make_appointment(door="D1", status=S.ARRIVED)
    assert appointment_cancel(appointment=planned, actor=supervisor).status == S.CANCELLED
    assert appointment_cancel(appointment=planned, actor=supervisor).status == S.CANCELLED
    with pytest.raises(DockError, match="already here"):
        appointment_cancel(appointment=arrived, actor=supervisor)


def test_the_no_show_sweep_is_a_scheduled_task(make_appointment):
    from apps.core.schedules import default_schedules
    from apps.docks.tasks import no_show_sweep

    make_appointment(start=timezone.now() - timedelta(hours=2))
    assert "docks.no_show_sweep" in {spec["task"] for spec in default_schedules()}
    assert no_show_sweep() == {"marked": 1}


def test_the_proposal_refresh_is_a_scheduled_task(doors):
    from apps.core.schedules import default_schedules
    from apps.docks.tasks import proposals_refresh

    assert "docks.proposals_refresh" in {spec["task"] for spec in default_schedules()}
    # Brussels and Chicago have doors; neither has mirrored pickings: nothing to propose.
    assert proposals_refresh() == {"open": {"BRU": 0, "CHI": 0}}
