"""/api/v1/webhooks/: admins (admin-scope tokens) manage subscriptions of their sites; problem errors that say
what to fix; page pagination; dead letters with replay."""

import pytest
from rest_framework.test import APIClient

from apps.accounts.api_tokens import api_token_create
from apps.integrations.models import EventType
from apps.integrations.services import subscription_create
from apps.outbound.models import DeliveryState, OutboundDelivery
from apps.outbound.services import delivery_send

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "errors"}
LIST = "/api/v1/webhooks/subscriptions/"


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def bearer(user, *, scopes, sites=()) -> APIClient:
    token = api_token_create(user=user, name="n8n", scopes=scopes, created_by=user, sites=list(sites))
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.raw}")
    return client


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) == PROBLEM_KEYS and body["status"] == status
    return body


def test_an_admin_creates_a_subscription_and_sees_its_secret_only_once(receiver, admin_user):
    client = signed_in(admin_user)
    created = client.post(
        LIST, {"name": "n8n case flow", "url": receiver.url, "event_types": ["case.opened", "approval.decided"]},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    assert created.json()["secret"].startswith("whsec_") and created.json()["site"] is None
    listed = client.get(LIST).json()
    assert listed["count"] == 1 and "secret" not in listed["results"][0]
    assert listed["results"][0]["event_types"] == ["case.opened", "approval.decided"]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("hooks.example.com/in", "must start with https://"),
        ("https://", "no host"),
        ("http://192.168.1.20:5678/webhook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ],
)
def test_a_malformed_or_private_url_is_a_clear_400(admin_user, settings, url, words):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    answer = signed_in(admin_user).post(LIST, {"name": "x", "url": url, "event_types": ["case.opened"]}, format="json")
    body = assert_problem(answer, 400)
    assert words in body["errors"]["url"][0]


def test_an_unknown_event_type_is_a_400_naming_the_field(admin_user, receiver):
    answer = signed_in(admin_user).post(LIST, {"name": "x", "url": receiver.url, "event_types": ["case.exploded"]})
    assert assert_problem(answer, 400)["errors"] == {"event_types.0": ['"case.exploded" is not a valid choice.']}


def test_a_token_limited_to_one_site_sees_and_creates_only_there(receiver, sites, admin_user):
    bru = subscription_create(
        name="BRU", url=receiver.url, event_types=["case.opened"], site=sites["BRU"], actor=admin_user
    ).subscription
    chi = subscription_create(
        name="CHI", url=receiver.url, event_types=["case.opened"], site=sites["CHI"], actor=admin_user
    ).subscription
    everywhere = subscription_create(
        name="All", url=receiver.url, event_types=["case.opened"], site=None, actor=admin_user
    ).subscription
    client = bearer(admin_user, scopes=["admin"], sites=[sites["BRU"]])
    assert [row["name"] for row in client.get(LIST).json()["results"]] == ["BRU"]
    assert client.get(f"{LIST}{bru.pk}/").status_code == 200
    for hidden in (chi, everywhere):
        assert_problem(client.get(f"{LIST}{hidden.pk}/"), 404)
    body = {"name": "x", "url": receiver.url, "event_types": ["case.opened"]}
    assert "site" in assert_problem(client.post(LIST, {**body, "site": "CHI"}, format="json"), 400)["errors"]
    assert "site" in assert_problem(client.post(LIST, body, format="json"), 400)["errors"]
    assert client.post(LIST, {**body, "site": "BRU"}, format="json").status_code == 201
    all_sites = bearer(admin_user, scopes=["admin"])
    assert {row["name"] for row in all_sites.get(LIST).json()["results"]} == {"BRU", "CHI", "All", "x"}


def test_only_admins_with_the_admin_scope_manage_webhooks(admin_user, supervisor):
    assert_problem(bearer(admin_user, scopes=["read", "decide"]).get(LIST), 403)
    assert_problem(signed_in(supervisor).get(LIST), 403)
    assert assert_problem(APIClient().get(LIST), 403)["code"] == "not_authenticated"


def test_change_rotate_and_delete_a_subscription(receiver, admin_user):
    client = bearer(admin_user, scopes=["admin"])
    created = client.post(LIST, {"name": "n8n", "url": receiver.url, "event_types": ["case.opened"]}, format="json")
    url = f"{LIST}{created.json()['id']}/"
    changed = client.patch(url, {"event_types": ["case.resolved"], "is_active": False}, format="json")
    assert changed.status_code == 200 and changed.json()["event_types"] == ["case.resolved"]
    assert changed.json()["is_active"] is False
    rotated = client.post(f"{url}rotate-secret/")
    assert rotated.status_code == 200 and rotated.json()["secret"] != created.json()["secret"]
    assert rotated.json()["secret_rotation_ends_at"] is not None
    assert client.delete(url).status_code == 204
    assert_problem(client.get(url), 404)


def test_a_test_event_a_dead_letter_and_its_replay(receiver, admin_user, settings):
    settings.OUTBOUND_MAX_ATTEMPTS = 1
    receiver.status = 500
    client = bearer(admin_user, scopes=["admin"])
    created = client.post(LIST, {"name": "n8n", "url": receiver.url, "event_types": ["case.opened"]}, format="json")
    subscription_id = created.json()["id"]
    queued = client.post(f"{LIST}{subscription_id}/test/")
    assert queued.status_code == 202
    delivery_id = queued.json()["delivery"]
    delivery_send(delivery_id=delivery_id)

    dead = client.get("/api/v1/webhooks/deliveries/?state=dead").json()
    assert [(row["id"], row["last_error"], row["subscription"]) for row in dead["results"]] == [
        (delivery_id, "HTTP 500", subscription_id)
    ]
    assert dead["results"][0]["receiver"] == receiver.url.rsplit("/hooks", 1)[0] + "/…"  # no path: it may be secret
    log = client.get(f"{LIST}{subscription_id}/deliveries/").json()
    assert log["count"] == 1 and log["results"][0]["event_type"] == "webhook.test"

    receiver.status = 200
    replay = client.post(f"/api/v1/webhooks/deliveries/{delivery_id}/replay/")
    assert replay.status_code == 202 and replay.json()["state"] == "pending"
    assert_problem(client.post(f"/api/v1/webhooks/deliveries/{delivery_id}/replay/"), 409)
    delivery_send(delivery_id=delivery_id)
    assert OutboundDelivery.objects.get(pk=delivery_id).state == DeliveryState.SENT
    assert_problem(client.get("/api/v1/webhooks/deliveries/?state=lost"), 400)


def test_event_types_in_the_schema(admin_user):
    schema = signed_in(admin_user).get("/api/v1/schema/?format=json").json()
    assert "/api/v1/webhooks/subscriptions/" in schema["paths"]
    assert "/api/v1/webhooks/deliveries/{delivery_id}/replay/" in schema["paths"]
    assert all(value in str(schema) for value in EventType.values)  # the choices are documented
