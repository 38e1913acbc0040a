"""The dock API: permissions for every endpoint (role, other site, anonymous), and the same rules as
the screens, with problem answers for bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.docks.models import Appointment, AppointmentStatus
from tests.docks.conftest import at

pytestmark = pytest.mark.django_db


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


ENDPOINTS = [
    ("get", "/api/v1/docks/doors/"),
    ("get", "/api/v1/docks/appointments/"),
    ("post", "/api/v1/docks/appointments/"),
    ("get", "/api/v1/docks/appointments/{id}/"),
    ("post", "/api/v1/docks/appointments/{id}/move/"),
    ("post", "/api/v1/docks/appointments/{id}/cancel/"),
    ("post", "/api/v1/docks/appointments/{id}/arrive/"),
    ("post", "/api/v1/docks/appointments/{id}/on-door/"),
    ("post", "/api/v1/docks/appointments/{id}/start/"),
    ("post", "/api/v1/docks/appointments/{id}/off-door/"),
    ("post", "/api/v1/docks/appointments/{id}/depart/"),
    ("post", "/api/v1/docks/slots/find/"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_anonymous_and_display_users_are_refused_everywhere(method, url, display, make_appointment):
    url = url.format(id=make_appointment().pk)
    assert getattr(client_for(), method)(url, {}, format="json").status_code in (401, 403)
    assert getattr(client_for(display), method)(url, {}, format="json").status_code == 403


@pytest.mark.parametrize(("method", "url"), [e for e in ENDPOINTS if "{id}" in e[1]])
def test_an_appointment_of_another_site_is_not_found(method, url, make_appointment, supervisor, stranger):
    chicago = make_appointment(door="C1")
    for user in (supervisor, stranger):
        response = getattr(client_for(user), method)(url.format(id=chicago.pk), {}, format="json")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/problem+json")


def test_the_lists_show_only_your_sites(make_appointment, supervisor, admin_user):
    mine, theirs = make_appointment(), make_appointment(door="C1")
    seen = [row["id"] for row in client_for(supervisor).get("/api/v1/docks/appointments/").json()["results"]]
    assert seen == [mine.pk]
    doors = [row["name"] for row in client_for(supervisor).get("/api/v1/docks/doors/").json()["results"]]
    assert doors == ["D1", "D2", "D3"]
    every = [row["id"] for row in client_for(admin_user).get("/api/v1/docks/appointments/").json()["results"]]
    assert sorted(every) == sorted([mine.pk, theirs.pk])


def test_a_clerk_checks_in_but_does_not_reschedule_and_a_manager_only_reads(make_appointment, clerk, manager, doors):
    appointment = make_appointment(start=timezone.now() - timedelta(minutes=10))
    move = {"door": doors["D1"].pk, "planned_start": "2026-12-02T12:00", "planned_end": "2026-12-02T13:00"}
    assert (
        client_for(clerk).post(f"/api/v1/docks/appointments/{appointment.pk}/move/", move, format="json").status_code
        == 403
    )
    assert (
        client_for(manager).post(f"/api/v1/docks/appointments/{appointment.pk}/arrive/", {}, format="json").status_code
        == 403
    )
    assert client_for(manager).get(f"/api/v1/docks/appointments/{appointment.pk}/").status_code == 200
    response = client_for(clerk).post(f"/api/v1/docks/appointments/{appointment.pk}/arrive/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "arrived"


def test_create_then_move_in_the_sites_local_time(doors, supervisor, sites):
    api = client_for(supervisor)
    created = api.post(
        "/api/v1/docks/appointments/",
        {"site": "BRU", "door": doors["D1"].pk, "planned_start": "2026-12-02T09:00", "load_lines": 5,
         "carrier": "DHL", "reference": "1-ABC-123", "picking_odoo_ids": [41, 42]},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    # 09:00 in Brussels (UTC+1), 20 min + 5 lines × 2 min.
    assert body["planned_start"] == "2026-12-02T08:00:00Z" and body["planned_end"] == "2026-12-02T08:30:00Z"
    assert body["state"] in ("planned", "late") and body["conflicts"] == []
    moved = api.post(
        f"/api/v1/docks/appointments/{body['id']}/move/",
        {
            "door": doors["D2"].pk,
            "planned_start": "2026-12-02T10:00:00+01:00",
            "planned_end": "2026-12-02T11:00:00+01:00",
        },
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["door_name"] == "D2" and moved.json()["pinned"] is True


def test_bad_input_gets_a_problem_and_changes_nothing(make_appointment, doors, supervisor, clerk):
    appointment = make_appointment()
    api = client_for(supervisor)
    backwards = api.post(
        f"/api/v1/docks/appointments/{appointment.pk}/move/",
        {"door": doors["D2"].pk, "planned_start": "2026-12-02T12:00", "planned_end": "2026-12-02T11:00"},
        format="json",
    )
    assert backwards.status_code == 400 and "end after it starts" in backwards.json()["detail"]
    closed = api.post(
        f"/api/v1/docks/appointments/{appointment.pk}/move/",
        {"door": doors["D1"].pk, "planned_start": "2026-12-02T23:00", "planned_end": "2026-12-02T23:30"},
        format="json",
    )
    assert closed.status_code == 400 and "D1 is closed" in closed.json()["detail"]
    other_site = api.post(
        f"/api/v1/docks/appointments/{appointment.pk}/move/",
        {"door": doors["C1"].pk, "planned_start": "2026-12-02T12:00", "planned_end": "2026-12-02T13:00"},
        format="json",
    )
    assert other_site.status_code == 400 and "another site" in other_site.json()["detail"]
    early_checkout = client_for(clerk).post(f"/api/v1/docks/appointments/{appointment.pk}/off-door/", {}, format="json")
    assert early_checkout.status_code == 409 and early_checkout.json()["code"] == "conflict"
    fresh = Appointment.objects.get(pk=appointment.pk)
    assert (fresh.door_id, fresh.planned_start, fresh.status) == (
        appointment.door_id, appointment.planned_start, AppointmentStatus.PLANNED,
    )  # fmt: skip


def test_find_a_slot_answers_the_first_free_door_and_time(make_appointment, doors, supervisor, sites):
    make_appointment(door="D1", start=timezone.now() - timedelta(days=1))  # yesterday: irrelevant
    after = "2026-12-02T09:05"
    make_appointment(door="D2", start=at("2026-12-02", "09:00", sites["BRU"].tzinfo), minutes=60)
    response = client_for(supervisor).post(
        "/api/v1/docks/slots/find/", {"site": "BRU", "minutes": 60, "needs": ["reefer"], "after": after}, format="json"
    )
    # Only D2 has a reefer plug; it is booked 09:00–10:00, so 10:00 (Brussels) = 09:00 UTC.
    assert response.status_code == 200, response.json()
    assert response.json()["door_name"] == "D2" and response.json()["planned_start"] == "2026-12-02T09:00:00Z"
    none = client_for(supervisor).post(
        "/api/v1/docks/slots/find/", {"site": "BRU", "minutes": 60, "needs": ["container"]}, format="json"
    )
    assert none.status_code == 404
