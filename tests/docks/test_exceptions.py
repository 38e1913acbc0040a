"""Dock exceptions in the exception queue: late arrival, no-show, door overrun and door conflict,
each raised on a hand-made day at Brussels and cleared when it clears (the truck arrives, the door
is freed, the appointment is moved), once however often the sweep runs, with each site's grace.

Brussels doors (tests/docks/conftest.py): D1 inbound 06:00–22:00, D2 both ways around the clock,
D3 outbound overnight. The day is Wednesday 18 November 2026, Brussels time (UTC+1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.cases.detectors import kind_label
from apps.cases.models import Case, CaseEvent, Status
from apps.cases.services.detection import detectors_sweep
from apps.docks.models import AppointmentStatus, DockRules, DoorClosure
from apps.docks.services import (
    appointment_cancel,
    appointment_move,
    appointment_record,
    appointments_mark_no_shows,
)
from tests.docks.conftest import at

pytestmark = pytest.mark.django_db
S = AppointmentStatus
DAY = "2026-11-18"


@pytest.fixture
def bru(sites):
    return sites["BRU"]


def clock(site, hhmm: str):
    return at(DAY, hhmm, site.tzinfo)


def sweep(site, hhmm: str):
    """The beat's detector sweep at that local time."""
    return detectors_sweep(now=clock(site, hhmm))


def cases(kind: str):
    return Case.objects.filter(kind=kind).order_by("pk")


def test_a_late_truck_opens_one_case_that_clears_when_it_arrives(bru, make_appointment, clerk):
    truck = make_appointment("D2", clock(bru, "10:00"), carrier="DHL Freight", reference="1-AB-123")
    sweep(bru, "10:14")  # 14 minutes: inside the default 15-minute grace
    assert not cases("dock_late_arrival").exists()

    first = sweep(bru, "10:20")
    (case,) = cases("dock_late_arrival")
    assert first.opened == [case.pk]
    assert case.title == "Late truck: DHL Freight · 1-AB-123, due Wed 10:00 at door D2"
    assert case.site == bru and case.severity == "medium" and case.owner_role == "supervisor"
    assert case.detail["late"] == "20 min" and kind_label(case.kind) == "Late truck arrival"
    assert case.context["fact"]["rows"][0] == ["Door", "D2"]
    assert case.context["fact"]["url"] == f"/docks/BRU/?day={DAY}&selected={truck.pk}"

    again = sweep(bru, "10:25")  # no duplicate, nothing a person would see changes
    assert again.opened == [] and again.changed == [] and cases("dock_late_arrival").count() == 1
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.DETECTED).count() == 1

    appointment_record(appointment=truck, event="arrive", at=clock(bru, "10:27"), actor=clerk)
    cleared = sweep(bru, "10:30")
    case.refresh_from_db()
    assert cleared.cleared == [case.pk] and case.status == Status.AUTO_RESOLVED and not case.is_open
    assert case.events.get(kind=CaseEvent.Kind.AUTO_RESOLVED).text == "The condition cleared by itself."


def test_a_no_show_is_marked_after_the_grace_and_opens_a_case_until_the_truck_turns_up(bru, make_appointment):
    truck = make_appointment("D1", clock(bru, "08:00"), carrier="Kuehne+Nagel")
    sweep(bru, "08:20")
    (late,) = cases("dock_late_arrival")

    assert appointments_mark_no_shows(now=clock(bru, "08:59")) == 0  # the 60-minute grace is not over
    assert appointments_mark_no_shows(now=clock(bru, "09:01")) == 1
    outcome = sweep(bru, "09:01")
    (no_show,) = cases("dock_no_show")
    late.refresh_from_db()
    assert outcome.opened == [no_show.pk] and outcome.cleared == [late.pk]  # the late arrival became a no-show
    assert no_show.title == "No-show: Kuehne+Nagel, due Wed 08:00 at door D1" and no_show.severity == "high"
    assert sweep(bru, "09:10").opened == [] and cases("dock_no_show").count() == 1

    appointment_record(appointment=truck, event="arrive", at=clock(bru, "09:30"))  # late, but here
    sweep(bru, "09:31")
    no_show.refresh_from_db()
    assert no_show.status == Status.AUTO_RESOLVED


def test_a_truck_overrunning_its_door_opens_a_case_that_rises_when_the_next_is_due_and_clears_when_it_leaves(
    bru, make_appointment, clerk
):
    on_door = make_appointment(
        "D2", clock(bru, "10:00"), carrier="DSV", status=S.AT_DOOR,
        arrived_at=clock(bru, "09:55"), on_door_at=clock(bru, "10:00"),
    )  # fmt: skip
    make_appointment("D2", clock(bru, "11:30"), carrier="GEODIS")  # the next truck for that door
    sweep(bru, "11:15")  # planned end 11:00 plus the 15-minute grace: not yet
    assert not cases("dock_door_overrun").exists()

    sweep(bru, "11:20")
    (case,) = cases("dock_door_overrun")
    assert case.title == "Door D2 overrun: DSV, due off the door at Wed 11:00" and case.severity == "medium"

    sweep(bru, "11:35")  # GEODIS is due and D2 is still taken
    case.refresh_from_db()
    assert case.severity == "high" and case.detail["next_truck_waiting"] is True
    assert case.events.filter(kind=CaseEvent.Kind.CHANGED, text="Severity medium → high").count() == 1

    appointment_record(appointment=on_door, event="off_door", at=clock(bru, "11:40"), actor=clerk)
    sweep(bru, "11:41")  # the door is freed
    case.refresh_from_db()
    assert case.status == Status.AUTO_RESOLVED


def test_a_double_booked_door_opens_one_case_on_the_later_booking_and_clears_when_it_moves(
    bru, make_appointment, doors, supervisor
):
    first = make_appointment("D2", clock(bru, "14:00"), carrier="DHL Freight")
    later = make_appointment("D2", clock(bru, "14:30"), carrier="UPS")
    sweep(bru, "12:00")
    (case,) = cases("dock_door_conflict")  # one double booking, one case
    assert case.subject_ids == [later.pk] and case.severity == "medium"  # 2.5 hours ahead
    assert case.title == "Door conflict: UPS, Wed 14:30 at door D2 — Door D2 is also booked then (DHL Freight)."
    assert case.detail["with"] == [first.pk]
    assert sweep(bru, "12:05").opened == [] and cases("dock_door_conflict").count() == 1

    appointment_move(
        appointment=later, door=doors["D2"], planned_start=clock(bru, "15:00"), planned_end=clock(bru, "16:00"),
        actor=supervisor,
    )  # fmt: skip
    sweep(bru, "12:10")
    case.refresh_from_db()
    assert case.status == Status.AUTO_RESOLVED


def test_a_door_closed_or_out_of_service_opens_a_conflict_that_clears_when_it_is_fixed(bru, make_appointment, doors):
    repair = DoorClosure.objects.create(
        door=doors["D1"], starts_at=clock(bru, "13:00"), ends_at=clock(bru, "14:00"), reason="leveller"
    )
    in_repair = make_appointment("D1", clock(bru, "13:30"), carrier="Rhenus")
    after_hours = make_appointment("D1", clock(bru, "21:30"), carrier="Dachser")  # D1 closes at 22:00
    sweep(bru, "12:45")
    by_subject = {c.subject_ids[0]: c for c in cases("dock_door_conflict")}
    assert set(by_subject) == {in_repair.pk, after_hours.pk}
    assert "Door D1 is out of service for part of that time." in by_subject[in_repair.pk].title
    assert by_subject[in_repair.pk].severity == "high"  # 45 minutes to go
    assert "Door D1 is closed for part of that time." in by_subject[after_hours.pk].title
    assert by_subject[after_hours.pk].severity == "medium"

    repair.delete()  # repaired early
    after_hours.planned_start, after_hours.planned_end = clock(bru, "20:30"), clock(bru, "21:30")
    after_hours.save()
    outcome = sweep(bru, "12:50")
    assert sorted(outcome.cleared) == sorted(c.pk for c in by_subject.values())


def test_each_site_has_its_grace_and_a_site_without_rules_uses_the_default(sites, doors, make_appointment):
    bru = sites["BRU"]  # Chicago (door C1) has no dock rules
    DockRules.objects.create(site=bru, late_after_min=30, overrun_after_min=45)
    brussels = make_appointment("D2", clock(bru, "10:00"))
    chicago = make_appointment("C1", clock(bru, "10:00"))  # the same moment: 03:00 in Chicago
    brussels_door = make_appointment("D1", clock(bru, "09:00"), status=S.AT_DOOR)  # both due off at 10:00
    chicago_door = make_appointment("C1", clock(bru, "09:00"), status=S.AT_DOOR)
    sweep(bru, "10:20")  # 20 minutes after both were due
    assert [c.subject_ids for c in cases("dock_late_arrival")] == [[chicago.pk]]  # default 15-minute grace
    assert [c.subject_ids for c in cases("dock_door_overrun")] == [[chicago_door.pk]]

    sweep(bru, "10:31")
    assert {c.subject_ids[0] for c in cases("dock_late_arrival")} == {chicago.pk, brussels.pk}
    sweep(bru, "10:46")
    assert {c.subject_ids[0] for c in cases("dock_door_overrun")} == {chicago_door.pk, brussels_door.pk}


def test_a_dock_change_rejudges_the_site_without_waiting_for_the_sweep(
    sites, make_appointment, clerk, supervisor, django_capture_on_commit_callbacks
):
    now = timezone.now()
    late = make_appointment("D2", now - timedelta(minutes=30), carrier="DHL Freight")
    also_late = make_appointment("D2", now - timedelta(minutes=25), minutes=5, carrier="UPS")
    detectors_sweep()
    assert {c.subject_ids[0] for c in cases("dock_late_arrival").filter(is_open=True)} == {late.pk, also_late.pk}

    with django_capture_on_commit_callbacks(execute=True):
        appointment_record(appointment=late, event="arrive", actor=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=also_late, actor=supervisor)
    assert not cases("dock_late_arrival").filter(is_open=True).exists()

    gone = make_appointment("D2", now - timedelta(hours=2), carrier="GEODIS")
    with django_capture_on_commit_callbacks(execute=True):
        assert appointments_mark_no_shows() == 1  # the no-show sweep task opens its case at once
    (case,) = cases("dock_no_show")
    assert case.subject_ids == [gone.pk] and case.is_open


def test_a_dock_case_shows_its_appointment_on_the_case_page(client, bru, make_appointment, supervisor):
    make_appointment("D2", clock(bru, "10:00"), carrier="DHL Freight", reference="1-AB-123")
    sweep(bru, "10:30")
    case = cases("dock_late_arrival").get()
    client.force_login(supervisor)
    page = client.get(f"/exceptions/{case.pk}/").content.decode()
    assert "Late truck arrival" in page and "Dock appointment" in page and "Open on the dock timeline" in page
