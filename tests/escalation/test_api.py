"""The escalation API: permissions for every endpoint (role, other site, anonymous), admin-scoped writes, audit."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from apps.escalation.models import Contact, OnCallSlot

pytestmark = pytest.mark.django_db


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def chicago_contact(sites):
    return Contact.objects.create(site=sites["CHI"], role=Role.SUPERVISOR, name="Cal Chicago", email="cal@example.com")


@pytest.fixture
def wednesday_morning(monkeypatch):
    """Wednesday 4 March 2026, 10:00 in Brussels (the clock is Django's, the edge of our code)."""
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 4, 9, 0, tzinfo=UTC))


READS = [
    "/api/v1/escalation/on-call/",
    "/api/v1/escalation/contacts/",
    "/api/v1/escalation/calendar/",
    "/api/v1/escalation/policies/",
    "/api/v1/escalation/rotations/",
    "/api/v1/escalation/holidays/",
]
WRITES = [
    ("post", "/api/v1/escalation/contacts/", {"site": "BRU", "role": "supervisor", "name": "Zed"}),
    (
        "post",
        "/api/v1/escalation/calendar/",
        {"site": "BRU", "role": "supervisor", "weekday": 0, "shift_name": "Early shift", "contact": None},
    ),
    (
        "post",
        "/api/v1/escalation/rotations/",
        {"site": "BRU", "role": "supervisor", "period": "week", "starts_on": "2026-03-02", "people": []},
    ),
    ("post", "/api/v1/escalation/holidays/", {"site": "BRU", "date": "2026-12-25", "name": "Christmas Day"}),
]


@pytest.mark.parametrize("url", READS)
def test_reads_refuse_anonymous_and_display_users(url, display):
    assert client_for().get(url).status_code == 403
    assert client_for(display).get(url).status_code == 403


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_writes_are_for_admins_only(method, url, body, supervisor, manager, admin_user):
    for user in (None, supervisor, manager):
        assert getattr(client_for(user), method)(url, body, format="json").status_code == 403
    assert getattr(client_for(admin_user), method)(url, body, format="json").status_code in (200, 201)


def test_a_supervisor_sees_contacts_of_their_site_only(contacts, chicago_contact, supervisor):
    names = {row["name"] for row in client_for(supervisor).get("/api/v1/escalation/contacts/").json()["results"]}
    assert "Ann Early" in names and "Cal Chicago" not in names
    assert client_for(supervisor).get(f"/api/v1/escalation/contacts/{chicago_contact.pk}/").status_code == 404


def test_only_admins_change_a_contact_and_the_change_is_audited_from_what_to_what(contacts, supervisor, admin_user):
    ann = contacts["ann"]
    url = f"/api/v1/escalation/contacts/{ann.pk}/"
    assert client_for(supervisor).patch(url, {"email": "x@example.com"}, format="json").status_code == 403
    answer = client_for(admin_user).patch(url, {"email": "ann.new@example.com"}, format="json")
    assert answer.status_code == 200 and answer.json()["email"] == "ann.new@example.com"
    entry = AuditEntry.objects.get(action="escalation.contact_changed")
    assert entry.actor_label == "ada.admin"
    assert entry.data["changes"] == {"email": {"from": "ann@example.com", "to": "ann.new@example.com"}}


def test_an_email_that_is_not_one_is_refused_with_a_problem(contacts, admin_user):
    answer = client_for(admin_user).patch(
        f"/api/v1/escalation/contacts/{contacts['ann'].pk}/", {"email": "ann-at-example"}, format="json"
    )
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    assert "email" in answer.json()["errors"]


def test_an_admin_cannot_put_a_contact_of_another_site_in_the_calendar(contacts, chicago_contact, admin_user):
    answer = client_for(admin_user).post(
        "/api/v1/escalation/calendar/",
        {"site": "BRU", "role": "supervisor", "weekday": 0, "shift_name": "Early shift", "contact": chicago_contact.pk},
        format="json",
    )
    assert answer.status_code == 400 and "does not belong" in answer.json()["detail"]
    assert not OnCallSlot.objects.exists()


def test_on_call_now_follows_the_calendar(calendar, supervisor, wednesday_morning):
    answer = client_for(supervisor).get("/api/v1/escalation/on-call/", {"site": "BRU", "role": "supervisor"}).json()
    (entry,) = answer["on_call"]
    assert (entry["shift"], entry["origin"], entry["contact"]["name"]) == ("Early shift", "calendar", "Ann Early")


def test_an_admin_sets_a_rotation_and_on_call_now_says_it_comes_from_it(
    contacts, supervisor, admin_user, wednesday_morning
):
    body = {
        "site": "BRU",
        "role": "supervisor",
        "name": "Supervisors",
        "period": "day",
        "starts_on": "2026-03-03",
        "people": [contacts["ben"].pk, contacts["ann"].pk],
    }
    answer = client_for(admin_user).post("/api/v1/escalation/rotations/", body, format="json")
    assert answer.status_code == 200 and answer.json()["rotation"]["people"] == body["people"]
    now = client_for(supervisor).get("/api/v1/escalation/on-call/", {"site": "BRU", "role": "supervisor"}).json()
    (entry,) = now["on_call"]
    assert (entry["origin"], entry["contact"]["name"]) == ("rotation", "Ann Early")  # Wednesday: the second turn
    refused = client_for(admin_user).post(
        "/api/v1/escalation/rotations/", {**body, "people": [contacts["lea"].pk, 999999]}, format="json"
    )
    assert refused.status_code == 400 and "must be a contact of this site" in refused.json()["detail"]


def test_only_admins_change_a_policys_rules_audited_and_refused_with_what_to_fix(policy, supervisor, admin_user):
    url = f"/api/v1/escalation/policies/{policy.pk}/"
    assert client_for(supervisor).patch(url, {"repeat_every_min": 10}, format="json").status_code == 403
    refused = client_for(admin_user).patch(url, {"repeat_every_min": 10}, format="json")
    assert refused.status_code == 400 and "needs both an interval" in refused.json()["detail"]
    answer = client_for(admin_user).patch(
        url, {"repeat_every_min": 10, "repeat_limit": 3, "quiet_start": "22:00", "quiet_end": "06:00"}, format="json"
    )
    assert answer.status_code == 200
    assert (answer.json()["repeat_every_min"], answer.json()["quiet_start"]) == (10, "22:00:00")
    entry = AuditEntry.objects.get(action="escalation.policy_changed")
    assert entry.data["changes"]["quiet_start"] == {"from": None, "to": "22:00"}
