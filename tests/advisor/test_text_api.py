"""The triage API and the triage screen: permissions, problem answers for bad input, and the same
service behind both (confirming on the screen queues the update; rejecting needs a reason)."""

import pytest
from rest_framework.test import APIClient

from apps.advisor.models import Recommendation
from apps.writeback.models import OutboxEntry
from tests.advisor.test_triage import DELAY

URL = "/api/v1/advisor/triage/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_a_supervisor_gets_the_reading_the_record_and_the_proposal(world, supervisor):
    response = client_for(supervisor).post(URL, {"site": "BRU", "message": DELAY}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["facts"]["kind"] == "delay" and body["facts"]["reference"] == "P00012"
    assert body["record"]["name"] == "BRU/IN/00012" and body["record"]["order"] == "P00012"
    assert body["proposal"]["kind"] == "triage_update" and body["recommendation"]
    assert body["provider"] == "local"
    assert OutboxEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("message", "status", "words"),
    [("", 400, "Paste"), ("x" * 20_001, 413, "at most 20000")],
)
def test_bad_messages_get_a_problem_that_says_what_to_fix(world, supervisor, message, status, words):
    response = client_for(supervisor).post(URL, {"site": "BRU", "message": message}, format="json")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    assert words in response.json()["detail"]


def test_another_sites_user_and_strangers_cannot_triage_for_a_site(world, supervisor, stranger, display):
    assert client_for(supervisor).post(URL, {"site": "CHI", "message": DELAY}, format="json").status_code == 404
    assert client_for(stranger).post(URL, {"site": "BRU", "message": DELAY}, format="json").status_code == 404
    assert client_for(display).post(URL, {"site": "BRU", "message": DELAY}, format="json").status_code == 403
    assert client_for().post(URL, {"site": "BRU", "message": DELAY}, format="json").status_code in (401, 403)


def test_the_endpoint_is_in_the_openapi_schema(admin_user):
    schema = client_for(admin_user).get("/api/v1/schema/", {"format": "json"}).json()
    assert "post" in schema["paths"][URL]


def test_on_the_screen_a_person_reads_confirms_and_the_update_is_queued(world, client, supervisor):
    client.force_login(supervisor)
    page = client.post("/advisor/triage/BRU/", {"message": DELAY})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Move BRU/IN/00012 from Fri 4 Dec 14:30 to Thu 10 Dec 14:30" in html
    assert "Confirm and send to Odoo" in html
    recommendation = Recommendation.objects.get()
    refused = client.post(
        f"/advisor/triage/BRU/{recommendation.pk}/", {"decision": "reject", "reason": ""}, follow=True
    )
    assert "the reason is required" in refused.content.decode() and OutboxEntry.objects.count() == 0
    client.post(f"/advisor/triage/BRU/{recommendation.pk}/", {"decision": "confirm"})
    assert set(OutboxEntry.objects.values_list("operation", flat=True)) == {"set_scheduled_date", "post_message"}


def test_the_screen_says_what_is_wrong_with_a_huge_message(world, client, supervisor):
    client.force_login(supervisor)
    page = client.post("/advisor/triage/BRU/", {"message": "y" * 20_001})
    assert page.status_code == 413 and "paste at most 20000" in page.content.decode()


def test_accepting_the_triage_recommendation_through_the_advisor_api_queues_the_update(world, supervisor):
    api = client_for(supervisor)
    proposal = api.post(URL, {"site": "BRU", "message": DELAY}, format="json").json()
    assert OutboxEntry.objects.count() == 0
    accepted = api.post(f"/api/v1/advisor/recommendations/{proposal['recommendation']}/accept/", {}, format="json")
    assert accepted.status_code == 200, accepted.json()
    assert set(OutboxEntry.objects.values_list("operation", flat=True)) == {"set_scheduled_date", "post_message"}
