"""Issue 16 finding 3: bad numbers and shapes give a 400 with a message, never a 500.

Every API endpoint, page form and the webhook intake gets unicode digits, huge integers,
NaN/Infinity, missing fields, unbounded page/limit, deep JSON and NUL characters.
"""

import json

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from apps.approvals.defaults import ensure_default_policies

pytestmark = pytest.mark.django_db

HUGE = 10**30
BAD_SCALARS = ["١٢", HUGE, -HUGE, "NaN", "Infinity", "-Infinity", "1e999", "\x00", "a\x00b", "", None, [], {}]
FIELDS = [
    "action", "reason", "ids", "cases", "to_user", "until", "delegate", "starts_at", "ends_at", "request_type",
    "site", "odoo_id", "odoo_model", "facts", "counted_quantity", "steps", "conditions", "note", "user", "username",
    "minutes", "until", "text", "comment", "summary", "activity_type_id", "user_id", "sla_minutes", "thresholds",
    "picking", "reference", "quantity", "location", "product", "straight_through", "version", "type", "quant_id",
    "orderpoint_id", "carrier_id", "freight_delta", "purchase_order", "assignee", "definition", "session_days",
]  # fmt: skip
QUERY_KEYS = ["page", "limit", "page_size", "offset", "site", "type", "status", "since", "until", "q", "severity"]


def api_posts():
    return [
        "/api/v1/approvals/requests/", "/api/v1/approvals/requests/1/decide/", "/api/v1/approvals/bulk-approve/",
        "/api/v1/approvals/policies/", "/api/v1/approvals/delegations/", "/api/v1/cases/bulk/",
        "/api/v1/cases/1/acknowledge/", "/api/v1/cases/1/start/", "/api/v1/cases/1/assign/",
        "/api/v1/cases/1/comment/", "/api/v1/cases/1/snooze/", "/api/v1/cases/1/resolve/",
        "/api/v1/cases/1/escalate/", "/api/v1/cases/1/odoo-note/", "/api/v1/cases/1/odoo-activity/",
        "/api/v1/writeback/outbox/1/retry/", "/api/v1/writeback/outbox/1/cancel/",
    ]  # fmt: skip


def api_gets():
    return [
        "/api/v1/approvals/inbox/", "/api/v1/approvals/requests/", "/api/v1/approvals/requests/1/",
        "/api/v1/approvals/policies/", "/api/v1/cases/", "/api/v1/cases/1/", "/api/v1/pick-failures/",
        "/api/v1/writeback/outbox/", "/api/v1/writeback/outbox/1/", "/api/v1/integration/sync/",
    ]  # fmt: skip


PAGE_GETS = [
    "/", "/exceptions/", "/exceptions/rows/", "/approvals/", "/approvals/inbox/list/", "/approvals/history/",
    "/approvals/policies/", "/approvals/audit.csv", "/health/integration/", "/wall/BRU/",
]  # fmt: skip
PAGE_POSTS = [
    "/exceptions/bulk/", "/exceptions/1/acknowledge/", "/exceptions/1/snooze/", "/exceptions/1/assign/",
    "/exceptions/1/comment/", "/approvals/bulk-approve/", "/approvals/1/decide/",
    "/approvals/new/inventory_adjustment/", "/approvals/new/carrier_upgrade/", "/approvals/new/emergency_purchase/",
]  # fmt: skip


@pytest.fixture
def admin_api(admin_user):
    ensure_default_policies()
    client = APIClient()
    client.force_authenticate(admin_user)
    return client


def bodies():
    for value in BAD_SCALARS:
        yield {field: value for field in FIELDS}
    yield {}
    yield {"ids": [HUGE, "١", None], "cases": [HUGE], "steps": [{"sla_minutes": HUGE, "approvals_needed": "NaN"}]}


def assert_not_5xx(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code} {response.content[:300]!r}"


@pytest.mark.parametrize("url", api_posts())
def test_api_posts_answer_bad_shapes_with_4xx(admin_api, url):
    for body in bodies():
        assert_not_5xx(admin_api.post(url, body, format="json"), f"{url} {body}")
    for raw in ["[" * 100_000 + "]" * 100_000, '{"action": NaN}', '{"reason": "a\\u0000b"}', "{" * 3000, "\x00"]:
        response = admin_api.generic("POST", url, raw, content_type="application/json")
        assert_not_5xx(response, f"{url} {raw[:20]}")
        assert response.status_code == 400 or response.status_code in (403, 404, 405)


@pytest.mark.parametrize("url", api_gets() + PAGE_GETS)
def test_query_parameters_never_cause_5xx(admin_api, admin_user, client, url):
    client.force_login(admin_user)
    for value in ["١٢", str(HUGE), "9" * 5000, "-1", "NaN", "a\x00b", "0"]:
        query = {key: value for key in QUERY_KEYS}
        target = client if not url.startswith("/api/") else admin_api
        assert_not_5xx(target.get(url, query), f"{url} {value[:10]}")


@pytest.mark.parametrize("url", PAGE_POSTS)
def test_page_forms_answer_bad_shapes_without_5xx(admin_user, client, url):
    ensure_default_policies()
    client.force_login(admin_user)
    for value in ["١٢", str(HUGE), "9" * 5000, "NaN", "Infinity", "a\x00b", ""]:
        form = {field: value for field in FIELDS}
        assert_not_5xx(client.post(url, form), f"{url} {value[:10]}")
    assert_not_5xx(client.post(url, {}), f"{url} empty")


def test_webhook_intake_answers_bad_bodies_with_4xx(client, sites):
    url = f"/api/v1/hooks/odoo/{settings.ODOO_WEBHOOK_SECRET}/"
    bad = [
        "[" * 100_000 + "]" * 100_000, '{"_model": "stock.picking", "_id": NaN}', "\x00", "{}", "[]", "null",
        json.dumps({"_model": "stock.picking", "_id": HUGE}), json.dumps({"_model": "stock.picking", "_id": "١٢"}),
        json.dumps({"_model": "a\x00b", "_id": 1}), json.dumps({"_model": "stock.picking", "id": -1}),
        json.dumps({"_model": "stock.picking", "_id": 1.5}), json.dumps({"_model": ["x"], "_id": {"a": 1}}),
    ]  # fmt: skip
    for raw in bad:
        response = client.generic("POST", url, raw, content_type="application/json")
        assert_not_5xx(response, raw[:40])


ID_URLS = [
    "/exceptions/{n}/", "/exceptions/{n}/panel/", "/approvals/{n}/", "/approvals/{n}/panel/",
    "/api/v1/cases/{n}/", "/api/v1/approvals/requests/{n}/", "/api/v1/writeback/outbox/{n}/",
]  # fmt: skip


@pytest.mark.parametrize("url", ID_URLS)
def test_huge_ids_in_the_path_are_not_found_not_5xx(admin_api, admin_user, client, url):
    client.force_login(admin_user)
    for n in [HUGE, 2**63, 2**31]:
        target = admin_api if url.startswith("/api/") else client
        assert target.get(url.format(n=n)).status_code == 404


def test_bodies_over_the_cap_get_413(admin_api, client, settings):
    settings.API_MAX_BODY_BYTES = 10_000
    big = json.dumps({"reason": "x" * 20_000})
    assert (
        admin_api.generic("POST", "/api/v1/approvals/delegations/", big, content_type="application/json").status_code
        == 413
    )
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    url = f"/api/v1/hooks/odoo/{settings.ODOO_WEBHOOK_SECRET}/"
    assert client.generic("POST", url, big, content_type="application/json").status_code == 413


def test_display_token_session_days_are_bounded(admin_user, client, sites):
    client.force_login(admin_user)
    for days in [10**9, 0, -1]:
        response = client.post(
            "/admin/accounts/displaytoken/add/",
            {"name": "TV", "site": sites["BRU"].pk, "board": "floor", "session_days": days},
        )
        assert response.status_code == 200 and response.context["adminform"].form.errors  # the form says what to fix
