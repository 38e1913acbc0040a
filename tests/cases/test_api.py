"""The cases API: who may read and act, site scoping, filters, paging, and the OpenAPI schema."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.cases.detectors import detector
from apps.cases.models import Case
from apps.cases.services.detection import detect_subjects
from tests.cases import factories as f

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def cases(world):
    """A late receipt at each site and a blocked shipment (owned by finance) at Brussels."""
    for code in ("BRU", "CHI"):
        picking = f.make_picking(world[code], "incoming", state="assigned", scheduled_date=f.at(hours=-3))
        detect_subjects(detector=detector("late_receipt"), subject_ids=[picking.odoo_id])
    partner = f.make_partner(picking_warn="block")
    f.make_order(world["BRU"], partner)
    detect_subjects(detector=detector("blocked_shipment"), subject_ids=[partner.odoo_id])
    return {
        "bru": Case.objects.get(kind="late_receipt", site__code="BRU"),
        "chi": Case.objects.get(kind="late_receipt", site__code="CHI"),
        "blocked": Case.objects.get(kind="blocked_shipment"),
    }


def test_anonymous_users_are_refused(cases):
    response = client_for(None).get("/api/v1/cases/")
    assert response.status_code == 403
    assert "results" not in response.json()


def test_a_display_has_no_desk_role_and_is_refused(cases, display):
    response = client_for(display).get("/api/v1/cases/")
    assert response.status_code == 403
    assert "results" not in response.json()


def test_a_user_without_a_site_gets_an_empty_list(cases, stranger):
    response = client_for(stranger).get("/api/v1/cases/")
    assert response.status_code == 200
    assert (response.json()["count"], response.json()["results"]) == (0, [])


def test_a_supervisor_of_brussels_never_sees_chicago(cases, supervisor):
    client = client_for(supervisor)
    listed = client.get("/api/v1/cases/").json()
    assert {row["site"] for row in listed["results"]} == {"BRU"}
    assert client.get(f"/api/v1/cases/{cases['chi'].pk}/").status_code == 404
    assert client.post(f"/api/v1/cases/{cases['chi'].pk}/acknowledge/").status_code == 404
    assert client.get("/api/v1/cases/?site=CHI").json()["count"] == 0


def test_admins_see_every_site(cases, admin_user):
    listed = client_for(admin_user).get("/api/v1/cases/").json()
    assert {row["site"] for row in listed["results"]} == {"BRU", "CHI"}


def test_filters_and_paging(cases, admin_user):
    client = client_for(admin_user)
    assert client.get("/api/v1/cases/?type=blocked_shipment").json()["count"] == 1
    assert client.get("/api/v1/cases/?site=CHI&type=late_receipt").json()["count"] == 1
    assert client.get("/api/v1/cases/?owner=approver_finance").json()["count"] == 1
    page = client.get("/api/v1/cases/?page_size=1&page=2").json()
    assert page["count"] == 3 and len(page["results"]) == 1 and page["next"] and page["previous"]
    assert client.get("/api/v1/cases/?status=closed").json()["count"] == 0
    past_the_end = client.get("/api/v1/cases/?page_size=1&page=4")
    assert past_the_end.status_code == 404 and past_the_end.json()["code"] == "not_found"
    unreadable = client.get("/api/v1/cases/?page_size=lots")
    assert unreadable.status_code == 400 and "page_size" in unreadable.json()["errors"]


def test_the_list_is_sorted_most_urgent_first(cases, admin_user):
    rows = client_for(admin_user).get("/api/v1/cases/").json()["results"]
    ranks = [(row["severity"], row["priority_score"]) for row in rows]
    order = {"critical": 4, "high": 3, "medium": 2, "low": 1}
    assert ranks == sorted(ranks, key=lambda r: (-order[r[0]], -r[1]))


def test_detail_has_context_steps_and_timeline(cases, supervisor):
    body = client_for(supervisor).get(f"/api/v1/cases/{cases['bru'].pk}/").json()
    assert body["context"]["site"]["code"] == "BRU" and body["events"][0]["kind"] == "detected"
    assert body["reference"].startswith("EX-")


def test_a_supervisor_acts_and_a_repeat_is_harmless(cases, supervisor):
    client = client_for(supervisor)
    url = f"/api/v1/cases/{cases['bru'].pk}/acknowledge/"
    assert client.post(url).json()["status"] == "acknowledged"
    assert client.post(url).status_code == 200
    resolved = client.post(f"/api/v1/cases/{cases['bru'].pk}/resolve/", {"reason_code": "fixed_in_odoo"})
    assert resolved.json()["status"] == "resolved"
    conflict = client.post(url)
    assert conflict.status_code == 409 and conflict["content-type"] == "application/problem+json"
    assert conflict.json()["code"] == "conflict" and "already resolved" in conflict.json()["detail"]


def test_bad_input_says_what_to_fix(cases, supervisor):
    response = client_for(supervisor).post(f"/api/v1/cases/{cases['bru'].pk}/resolve/", {"reason_code": "x"})
    assert response.status_code == 400 and "reason_code" in response.json()["errors"]


def test_an_approver_reads_all_but_acts_only_on_what_their_role_owns(cases, approver):
    client = client_for(approver)
    assert client.get(f"/api/v1/cases/{cases['bru'].pk}/").status_code == 200
    refused = client.post(f"/api/v1/cases/{cases['bru'].pk}/acknowledge/")
    assert refused.status_code == 403 and "not act on it" in refused.json()["detail"]
    assert client.post(f"/api/v1/cases/{cases['blocked'].pk}/acknowledge/").status_code == 200


def test_bulk_acknowledge_skips_cases_of_other_sites(cases, supervisor):
    response = client_for(supervisor).post(
        "/api/v1/cases/bulk/",
        {"action": "acknowledge", "case_ids": [cases["bru"].pk, cases["blocked"].pk, cases["chi"].pk]},
        format="json",
    )
    body = response.json()
    assert sorted(body["done"]) == sorted([cases["bru"].pk, cases["blocked"].pk])
    assert str(cases["chi"].pk) in body["errors"]
    cases["chi"].refresh_from_db()
    assert cases["chi"].status == "open"


def test_pick_failures_are_reported_once_and_only_at_your_sites(world, supervisor):
    client = client_for(supervisor)
    location = world["BRU"].stock.odoo_id
    for external_id in ("scan-1", "scan-1", "scan-2"):
        response = client.post(
            "/api/v1/pick-failures/", {"location_odoo_id": location, "reason": "empty", "external_id": external_id}
        )
        assert response.status_code == 201
    assert Case.objects.filter(kind="pick_failure", site__code="BRU", is_open=True).count() == 1
    elsewhere = client.post("/api/v1/pick-failures/", {"location_odoo_id": world["CHI"].stock.odoo_id})
    assert elsewhere.status_code == 403 and "not in one of your sites" in elsewhere.json()["detail"]


def test_the_api_is_documented_in_the_openapi_schema(admin_user):
    schema = client_for(admin_user).get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    assert "/api/v1/cases/" in paths and "/api/v1/cases/{case_id}/resolve/" in paths
    names = {p["name"] for p in paths["/api/v1/cases/"]["get"]["parameters"]}
    assert {"site", "type", "severity", "status", "owner", "page", "page_size"} <= names


def test_the_screen_and_the_api_run_an_action_on_the_same_input(cases, supervisor, client):
    client.force_login(supervisor)
    panel = client.get(f"/exceptions/{cases['bru'].pk}/panel/").content.decode()
    assert 'name="assignee_id"' in panel and 'name="minutes"' in panel  # what the panel posts, the API reads
    screen = client.post(
        f"/exceptions/{cases['bru'].pk}/assign/", {"assignee_id": supervisor.pk}, HTTP_X_REQUESTED_WITH="cases.js"
    )
    assert screen.json() == {"ok": True}
    api = client_for(supervisor).post(f"/api/v1/cases/{cases['blocked'].pk}/assign/", {"assignee_id": supervisor.pk})
    assert api.json()["assignee"] == supervisor.username
    client.post(f"/exceptions/{cases['bru'].pk}/snooze/", {"minutes": "60"}, HTTP_X_REQUESTED_WITH="cases.js")
    client_for(supervisor).post(f"/api/v1/cases/{cases['blocked'].pk}/snooze/", {"minutes": 60})
    for case in (cases["bru"], cases["blocked"]):
        case.refresh_from_db()
        left = (case.snoozed_until - timezone.now()).total_seconds()
        assert case.assignee == supervisor and case.status == "snoozed" and 3500 < left <= 3600


def test_bulk_refuses_alike_on_the_screen_and_in_the_api(cases, approver, client):
    """An approver acts only on cases their role owns, whichever path they take."""
    ids = [cases["bru"].pk, cases["blocked"].pk, cases["chi"].pk]
    client.force_login(approver)
    screen = client.post(
        "/exceptions/bulk/",
        {"action": "acknowledge", "case_ids": ",".join(map(str, ids))},
        HTTP_X_REQUESTED_WITH="cases.js",
    ).json()
    api = client_for(approver).post("/api/v1/cases/bulk/", {"action": "acknowledge", "case_ids": ids}).json()
    assert screen["done"] == api["done"] == [cases["blocked"].pk]
    assert set(screen["errors"]) == set(api["errors"]) == {str(cases["bru"].pk), str(cases["chi"].pk)}
    assert "not act on it" in api["errors"][str(cases["bru"].pk)]
    cases["bru"].refresh_from_db()
    assert cases["bru"].status == "open"
