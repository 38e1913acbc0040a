"""The API: the same rules as the screens, permissions for every endpoint, and site scoping."""

import pytest
from rest_framework.test import APIClient

from apps.approvals.models import ApprovalPolicy, RequestStatus, RequestType

pytestmark = pytest.mark.django_db


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


ENDPOINTS = [
    ("get", "/api/v1/approvals/inbox/"),
    ("get", "/api/v1/approvals/requests/"),
    ("post", "/api/v1/approvals/requests/"),
    ("get", "/api/v1/approvals/requests/1/"),
    ("post", "/api/v1/approvals/requests/1/decide/"),
    ("post", "/api/v1/approvals/bulk-approve/"),
    ("get", "/api/v1/approvals/policies/"),
    ("post", "/api/v1/approvals/policies/"),
    ("post", "/api/v1/approvals/delegations/"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_anonymous_and_display_users_are_refused_everywhere(method, url, display):
    assert getattr(client_for(), method)(url, {}, format="json").status_code == 403
    assert getattr(client_for(display), method)(url, {}, format="json").status_code == 403


def test_inbox_and_decision_through_the_api(make_request, people):
    request = make_request(RequestType.SHIPMENT_RELEASE)
    finance = client_for(people["finance"])
    inbox = finance.get("/api/v1/approvals/inbox/").json()
    assert inbox["count"] == 1 and inbox["results"][0]["id"] == request.pk
    assert client_for(people["operations"]).get("/api/v1/approvals/inbox/").json()["count"] == 0

    refused = client_for(people["operations"]).post(
        f"/api/v1/approvals/requests/{request.pk}/decide/", {"action": "approve"}, format="json"
    )
    assert refused.status_code == 403 and "waits on approver_finance" in refused.json()["detail"]
    assert refused.json()["code"] == "permission_denied"
    no_reason = finance.post(f"/api/v1/approvals/requests/{request.pk}/decide/", {"action": "reject"}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "invalid"

    done = finance.post(f"/api/v1/approvals/requests/{request.pk}/decide/", {"action": "approve"}, format="json")

    assert done.status_code == 200, done.content
    body = done.json()["request"]
    assert body["status"] == RequestStatus.APPROVED and body["writeback"]["status"] == "pending"
    assert [e["kind"] for e in body["timeline"]][-2:] == ["approved", "writeback_queued"]
    again = finance.post(f"/api/v1/approvals/requests/{request.pk}/decide/", {"action": "approve"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "conflict"


def test_requests_of_other_sites_are_invisible(make_request, people):
    chicago = make_request(RequestType.SHIPMENT_RELEASE, site="CHI")
    brussels = make_request(RequestType.SHIPMENT_RELEASE)
    finance = client_for(people["finance"])
    assert finance.get(f"/api/v1/approvals/requests/{chicago.pk}/").status_code == 404
    assert finance.post(f"/api/v1/approvals/requests/{chicago.pk}/decide/", {"action": "approve"}).status_code == 404
    assert [r["id"] for r in finance.get("/api/v1/approvals/requests/").json()["results"]] == [brussels.pk]
    bulk = finance.post("/api/v1/approvals/bulk-approve/", {"ids": [chicago.pk]}, format="json").json()
    assert bulk == {"approved": [], "refused": [{"id": chicago.pk, "reason": "No such request."}]}
    chicago_finance = client_for(people["chi_finance"])
    assert [r["id"] for r in chicago_finance.get("/api/v1/approvals/inbox/").json()["results"]] == [chicago.pk]


def test_stranger_without_sites_sees_nothing(make_request, stranger):
    make_request(RequestType.INVENTORY_ADJUSTMENT)
    client = client_for(stranger)
    assert client.get("/api/v1/approvals/inbox/").json()["count"] == 0
    assert client.get("/api/v1/approvals/requests/").json()["results"] == []


def test_history_filters(make_request, people):
    first = make_request(RequestType.SHIPMENT_RELEASE)
    make_request(RequestType.INVENTORY_ADJUSTMENT)
    client = client_for(people["manager"])
    client_for(people["finance"]).post(f"/api/v1/approvals/requests/{first.pk}/decide/", {"action": "approve"})
    by_type = client.get("/api/v1/approvals/requests/", {"type": "shipment_release"}).json()["results"]
    assert [r["id"] for r in by_type] == [first.pk]
    decided = client.get("/api/v1/approvals/requests/", {"decided_by": "fay.finance", "status": "approved"})
    assert [r["id"] for r in decided.json()["results"]] == [first.pk]


def test_only_admins_write_policy_versions(policies, people, admin_user):
    definition = {"routes": [{"name": "Everything straight", "when": {}, "control_model": "straight_through"}]}
    payload = {"request_type": "carrier_upgrade", "site": "BRU", "definition": definition, "note": "pilot"}
    assert client_for(people["manager"]).post("/api/v1/approvals/policies/", payload, format="json").status_code == 403
    created = client_for(admin_user).post("/api/v1/approvals/policies/", payload, format="json")
    assert created.status_code == 201 and created.json()["label"] == "carrier_upgrade@BRU:v1"
    bad = client_for(admin_user).post(
        "/api/v1/approvals/policies/", {**payload, "definition": {"routes": []}}, format="json"
    )
    assert bad.status_code == 400 and "routes" in bad.json()["detail"]
    listed = client_for(people["manager"]).get("/api/v1/approvals/policies/").json()
    assert listed["count"] == len(listed["results"]) == ApprovalPolicy.objects.count()


def test_a_person_raises_a_request_through_the_api_and_cannot_approve_it(make_request, people):
    response = client_for(people["finance"]).post(
        "/api/v1/approvals/requests/", {"request_type": "shipment_release", "picking": "NOPE/1", "reason": "x"}
    )
    assert response.status_code == 400 and "No transfer" in response.json()["detail"]
    missing_reason = client_for(people["finance"]).post(
        "/api/v1/approvals/requests/", {"request_type": "order_release"}
    )
    assert missing_reason.status_code == 400 and missing_reason.json()["errors"]["reason"]


def test_period_delegation_through_the_api(make_request, people):
    request = make_request(RequestType.SHIPMENT_RELEASE)
    response = client_for(people["finance"]).post(
        "/api/v1/approvals/delegations/",
        {"delegate": "max.manager", "starts_at": "2020-01-01T00:00:00Z", "ends_at": "2099-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 201
    assert client_for(people["manager"]).get("/api/v1/approvals/inbox/").json()["results"][0]["id"] == request.pk
