"""The pages: inbox (only what the user can act on), request page, history, forms, policies, audit CSV."""

import csv
import io

import pytest

from apps.approvals.models import RequestType
from apps.approvals.services.decisions import request_approve

pytestmark = pytest.mark.django_db


def test_inbox_shows_only_what_waits_on_the_user_with_sla_and_context(client, make_request, people):
    mine = make_request(RequestType.SHIPMENT_RELEASE)
    not_mine = make_request(RequestType.INVENTORY_ADJUSTMENT)
    client.force_login(people["finance"])
    page = client.get("/approvals/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="approval-{mine.pk}"' in html and f'id="approval-{not_mine.pk}"' not in html
    assert "left</span>" in html and "user." in page.context["live_groups"][0]
    panel = client.get(f"/approvals/{mine.pk}/panel/").content.decode()
    assert "Over the credit limit" in panel and "over_limit_pct ≥ 10 (was 25)" in panel and "Approve" in panel


def test_inbox_page_is_refused_to_display_screens(client, display):
    client.force_login(display)
    assert client.get("/approvals/").status_code == 403


def test_deciding_from_the_page_and_the_request_timeline(client, make_request, people):
    request = make_request(RequestType.SHIPMENT_RELEASE)
    client.force_login(people["finance"])
    response = client.post(
        f"/approvals/{request.pk}/decide/", {"action": "reject"}, HTTP_X_REQUESTED_WITH="approvals.js"
    )
    assert response.status_code == 400 and "Say why" in response.json()["message"]
    response = client.post(
        f"/approvals/{request.pk}/decide/", {"action": "approve"}, HTTP_X_REQUESTED_WITH="approvals.js"
    )
    assert response.json() == {"ok": True, "message": f"Approved #{request.pk}"}
    detail = client.get(f"/approvals/{request.pk}/").content.decode()
    for words in (
        "Raised by rule",
        "Routed by shipment_release@*:v1",
        "Approved: every step is complete",
        "Queued for Odoo",
    ):
        assert words in detail
    assert "Odoo: <strong>Pending</strong>" in detail


def test_other_sites_requests_are_not_found(client, make_request, people):
    chicago = make_request(RequestType.SHIPMENT_RELEASE, site="CHI")
    client.force_login(people["finance"])
    assert client.get(f"/approvals/{chicago.pk}/").status_code == 404
    assert client.post(f"/approvals/{chicago.pk}/decide/", {"action": "approve"}).status_code == 404


def test_history_filters_in_the_url(client, make_request, people):
    first = make_request(RequestType.SHIPMENT_RELEASE)
    second = make_request(RequestType.CARRIER_UPGRADE)
    client.force_login(people["manager"])
    html = client.get("/approvals/history/?type=carrier_upgrade").content.decode()
    assert f"/approvals/{second.pk}/" in html and f"/approvals/{first.pk}/" not in html


def test_audit_export_has_who_what_policy_condition_and_screen(client, make_request, people):
    request = make_request(RequestType.SHIPMENT_RELEASE)
    request_approve(request=request, user=people["finance"], shown={"title": request.title})
    make_request(RequestType.SHIPMENT_RELEASE, site="CHI")
    client.force_login(people["manager"])
    response = client.get("/approvals/audit.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    approved = [row for row in rows if row["action"] == "approval.approved"]
    assert len(approved) == 1
    assert approved[0]["actor"] == "fay.finance" and approved[0]["policy_version"] == "shipment_release@*:v1"
    assert approved[0]["condition"] == request.condition_text and request.title in approved[0]["shown"]
    assert {row["site"] for row in rows} == {"BRU"}


def test_new_request_form_reports_what_to_fix(client, policies, people):
    client.force_login(people["supervisor"])
    assert client.get("/approvals/new/carrier_upgrade/").status_code == 200
    response = client.post("/approvals/new/shipment_release/", {"picking": "BRU/OUT/99999", "reason": "urgent"})
    assert "No transfer" in response.content.decode()
    assert client.get("/approvals/new/teleport/").status_code == 404


def test_policies_page_lists_versions(client, policies, people):
    client.force_login(people["finance"])
    html = client.get("/approvals/policies/").content.decode()
    assert "shipment_release@*:v1" in html and "in force" in html


def test_navigation_shows_approvals_to_approvers(client, people, display):
    client.force_login(people["finance"])
    assert 'href="/approvals/"' in client.get("/").content.decode()
    client.force_login(display)
    assert 'href="/approvals/"' not in client.get("/").content.decode()
