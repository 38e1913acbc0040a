"""The dock screens: the timeline marks late, conflicting and no-show appointments with symbol and
word; the clerk's check-in shows on the timeline; screens are scoped by role and site."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.docks.models import AppointmentStatus
from apps.wall.tiles import render_tile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_morning")]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_timeline_marks_late_conflicting_and_no_show_appointments(make_appointment, supervisor):
    now = timezone.now()
    make_appointment(door="D2", start=now - timedelta(minutes=40), carrier="LateCo")
    make_appointment(door="D2", start=now + timedelta(hours=2), carrier="ClashA")
    make_appointment(door="D2", start=now + timedelta(hours=2, minutes=30), carrier="ClashB")
    make_appointment(door="D2", start=now - timedelta(hours=3), carrier="GoneCo", status=AppointmentStatus.NO_SHOW)
    html = client_for(supervisor).get("/docks/BRU/").content.decode()
    blocks = {b.split('class="tl-appt__name">')[1].split("<")[0]: b for b in html.split('<a class="tl-appt ')[1:]}
    assert 'tl-appt__word">Late<' in blocks["LateCo"] and "✖" in blocks["LateCo"]
    assert 'tl-appt__word">Conflict<' in blocks["ClashA"] and 'tl-appt__word">Conflict<' in blocks["ClashB"]
    assert 'tl-appt__word">No-show<' in blocks["GoneCo"] and "⊘" in blocks["GoneCo"]
    assert "tl-now" in html  # today has a now-line
    assert "1 late" in html and "2 conflicts" in html and "1 no-show" in html


def test_the_board_partial_is_the_live_snapshot(make_appointment, supervisor):
    make_appointment(carrier="Snap")
    response = client_for(supervisor).get("/docks/BRU/board/?day=2026-12-02")
    assert response.status_code == 200 and response["X-Live-Group"] == "site.BRU"
    assert (
        response.content.decode().lstrip().startswith('<div id="docks-board"') and "Snap" in response.content.decode()
    )


def test_a_clerk_check_in_shows_on_the_timeline(make_appointment, clerk, supervisor):
    appointment = make_appointment(start=timezone.now() - timedelta(minutes=5), carrier="Kuehne")
    clerk_page = client_for(clerk).get("/docks/BRU/clerk/").content.decode()
    assert "Kuehne" in clerk_page and "Check in" in clerk_page
    response = client_for(clerk).post(f"/docks/appointments/{appointment.pk}/arrive/", {"next": "/docks/BRU/clerk/"})
    assert response.status_code == 302 and response["Location"] == "/docks/BRU/clerk/"
    timeline = client_for(supervisor).get(f"/docks/BRU/?selected={appointment.pk}").content.decode()
    assert '<span class="tl-appt__word">Arrived</span>' in timeline
    assert "On door" in client_for(clerk).get("/docks/BRU/clerk/").content.decode()


def test_the_move_form_moves_and_a_refusal_says_why(make_appointment, doors, supervisor):
    appointment = make_appointment(door="D2")
    client = client_for(supervisor)
    form = {"door": doors["D1"].pk, "planned_start": "2026-12-02T23:00", "planned_end": "2026-12-02T23:30"}
    refused = client.post(f"/docks/appointments/{appointment.pk}/move/", form, follow=True)
    assert "Door D1 is closed" in refused.content.decode()
    form.update(planned_start="2026-12-02T12:00", planned_end="2026-12-02T13:00")
    client.post(f"/docks/appointments/{appointment.pk}/move/", form)
    appointment.refresh_from_db()
    assert appointment.door == doors["D1"] and appointment.planned_start.isoformat() == "2026-12-02T11:00:00+00:00"


def test_screens_are_scoped_by_role_and_site(make_appointment, clerk, manager, display, stranger, doors):
    appointment = make_appointment()
    assert client_for(stranger).get("/docks/BRU/").status_code == 404
    assert client_for(display).get("/docks/BRU/").status_code == 403
    assert client_for(manager).get("/docks/BRU/").status_code == 200
    assert client_for(manager).get("/docks/BRU/clerk/").status_code == 403
    assert client_for(manager).post(f"/docks/appointments/{appointment.pk}/arrive/").status_code == 403
    move = {"door": doors["D1"].pk, "planned_start": "2026-12-02T12:00", "planned_end": "2026-12-02T13:00"}
    assert client_for(clerk).post(f"/docks/appointments/{appointment.pk}/move/", move).status_code == 403
    assert client_for(clerk).get("/docks/CHI/clerk/").status_code == 404
    assert Client().get("/docks/BRU/").status_code == 302  # to the sign-in page
    assert "Move or resize" not in client_for(manager).get(f"/docks/BRU/?selected={appointment.pk}").content.decode()


def test_the_wall_tile_shows_the_doors_and_what_is_late_or_blocking(make_appointment, sites):
    now = timezone.now()
    make_appointment(door="D2", start=now - timedelta(minutes=30), carrier="LateCo")
    make_appointment(
        door="D3", start=now - timedelta(hours=2), carrier="Overrun", status=AppointmentStatus.AT_DOOR,
        on_door_at=now - timedelta(hours=2), direction="outbound",
    )  # fmt: skip
    make_appointment(door="D1", start=now + timedelta(hours=1), carrier="Later")
    html = render_tile("docks", sites["BRU"])
    assert "What is at the dock?" in html and 'class="tile tile--bad"' in html
    assert "✖ 1 late" in html and "⇥ 1 blocking a door" in html
    assert html.index("D3") < html.index("D2") < html.index("D1")  # the door blocked first, then the late truck
    assert "Overrun" in html and "over by 1 h" in html and "Later" in html
