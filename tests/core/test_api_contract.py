"""The API contract: every operation in the OpenAPI schema answers its errors in the one documented
shape (RFC 9457 problem details, application/problem+json), and lists come in the two documented
shapes. The test walks the schema, so a new endpoint is held to the contract without being named."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.decorators import login_not_required
from django.db import OperationalError
from django.http import HttpResponse
from django.urls import URLResolver, get_resolver, path
from drf_spectacular.generators import SchemaGenerator
from redis.exceptions import ConnectionError as RedisConnectionError
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient
from rest_framework.views import APIView

from apps.accounts.api_tokens import api_token_create
from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.advisor.services import recommendation_propose, run_record
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import RequestType
from apps.approvals.services.raising import RequestDraft, request_raise
from apps.cases.models import Case
from apps.core.api import problems
from apps.docks.models import Appointment, DockDoor
from apps.escalation.models import Contact, EscalationPolicy
from apps.integrations.services import subscription_create
from apps.outbound.models import OutboundDelivery
from apps.outbound.services import Draft, deliveries_enqueue
from apps.writeback.models import OutboxEntry

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "errors"}
UNKNOWN_ID = 999_999
SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
OPERATIONS = [
    (url, method, operation)
    for url, item in SCHEMA["paths"].items()
    for method, operation in item.items()
    if method in ("get", "post", "put", "patch", "delete")
]
OPERATION_IDS = [f"{method.upper()} {url}" for url, method, _ in OPERATIONS]
WEBHOOK = "/api/v1/hooks/odoo/{secret}/"
# Endpoints any signed-in user may read, whatever their role: no "wrong role" to try.
FOR_EVERY_SIGNED_IN_USER = {"/api/v1/schema/"}


def assert_problem(response, status: int, code: str, url: str | None = None, method: str | None = None) -> dict:
    """One shape, one media type, the status repeated in the body, and the schema promises it."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/problem+json", response["Content-Type"]
    body = json.loads(response.content)
    assert set(body) == PROBLEM_KEYS, body
    assert body["status"] == status and body["code"] == code, body
    assert body["type"] == f"urn:control-tower:problem:{code}"
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"].strip()
    assert isinstance(body["errors"], dict)
    assert all(isinstance(m, list) and all(isinstance(t, str) for t in m) for m in body["errors"].values())
    if url is not None:
        documented = SCHEMA["paths"][url][method]["responses"]
        assert str(status) in documented, f"{method.upper()} {url} answers {status} but does not document it"
        content = documented[str(status)]["content"]["application/problem+json"]
        assert content["schema"] == {"$ref": "#/components/schemas/Problem"}
    return body


@pytest.fixture
def real(sites, settings) -> dict[str, str]:
    """An object of each kind the paths name, at Brussels, so a wrong body meets a real object."""
    ensure_default_policies()
    case = Case.objects.create(
        site=sites["BRU"],
        kind="late_receipt",
        dedupe_key="contract:1",
        title="Receipt BRU/IN/00001 late",
        opened_at="2026-01-05T08:00:00Z",
        last_seen_at="2026-01-05T08:00:00Z",
    )
    approval = request_raise(
        draft=RequestDraft(
            request_type=RequestType.SHIPMENT_RELEASE,
            site=sites["BRU"],
            odoo_model="stock.picking",
            odoo_id=4242,
            title="Release BRU/OUT/04242",
            dedupe_key="contract:1",
            facts={"over_limit_amount": 5000.0, "over_limit_pct": 25.0, "credit_ok": False},
            context={},
            effect={
                "operation": "release_delivery",
                "odoo_model": "stock.picking",
                "odoo_id": 4242,
                "arguments": {},
                "preconditions": {},
                "summary": "Release",
            },
            raised_by_rule="test",
        ),
        requested_by=None,
    )
    entry = OutboxEntry.objects.create(
        operation="post_message",
        odoo_model="stock.picking",
        odoo_id=11,
        arguments={"body": "x"},
        idempotency_key="contract-1",
        cause_type="case",
        cause_id=str(case.pk),
        site_code="BRU",
        status=OutboxEntry.Status.NEEDS_ATTENTION,
    )
    door = DockDoor.objects.create(site=sites["BRU"], name="D1")
    planned = datetime(2026, 12, 2, 9, tzinfo=UTC)
    appointment = Appointment.objects.create(
        site=sites["BRU"], door=door, planned_start=planned, planned_end=planned + timedelta(hours=1)
    )
    contact = Contact.objects.create(site=sites["BRU"], name="Ann Early", email="ann@example.com")
    policy = EscalationPolicy.objects.create(site=sites["BRU"])
    owner = user_upsert(username="tina.token", password="not-used-here-1", roles=[Role.ADMIN])
    token = api_token_create(user=owner, name="Contract", scopes=["read"], created_by=owner).token
    subscription = subscription_create(
        name="Contract", url="https://93.184.215.14/hooks", event_types=["case.opened"], site=sites["BRU"], actor=owner
    ).subscription
    (delivery_id,) = deliveries_enqueue(
        drafts=[Draft(source="webhook", url=subscription.url, body={}, source_ref=str(subscription.pk))]
    )
    OutboundDelivery.objects.filter(pk=delivery_id).update(state="dead")
    advice = run_record(
        advisor="delay_risk", version="contract", site=sites["BRU"], inputs={}, output={}, confidence=0.7
    )
    recommendation = recommendation_propose(run=advice, title="Contract", dedupe_key="contract:1")
    return {
        "recommendation_id": str(recommendation.pk),
        "subscription_id": str(subscription.pk),
        "delivery_id": str(delivery_id),
        "token_id": str(token.pk),
        "appointment_id": str(appointment.pk),
        "contact_id": str(contact.pk),
        "policy_id": str(policy.pk),
        "case_id": str(case.pk),
        "request_id": str(approval.pk),
        "entry_id": str(entry.pk),
        "secret": settings.ODOO_WEBHOOK_SECRET,
        "kpi": "exception_aging",
    }


def concrete(url: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda match: values[match.group(1)], url)


def unknown(url: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda match: "wrong-secret" if match.group(1) == "secret" else str(UNKNOWN_ID), url)


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def send(client: APIClient, method: str, url: str, body: bytes | None = None):
    return client.generic(method.upper(), url, body or b"", content_type="application/json")


def is_open_to_anyone(operation: dict) -> bool:
    return operation.get("security") == [{}]


@pytest.mark.parametrize(("url", "method", "operation"), OPERATIONS, ids=OPERATION_IDS)
def test_every_operation_answers_errors_as_problems(url, method, operation, real, admin_user, display, settings):
    # Anonymous: refused as not signed in (403 under session authentication), before anything else.
    if not is_open_to_anyone(operation):
        assert_problem(send(client_for(), method, concrete(url, real)), 403, "not_authenticated", url, method)
    if not is_open_to_anyone(operation) and url not in FOR_EVERY_SIGNED_IN_USER:
        # Signed in, but a role the endpoint is not for (a wall display).
        assert_problem(send(client_for(display), method, concrete(url, real)), 403, "permission_denied", url, method)

    admin = client_for(admin_user)
    # An id that does not exist (or a wrong webhook secret).
    if "{" in url:
        assert_problem(send(admin, method, unknown(url), b"{}"), 404, "not_found", url, method)

    # A method the path does not offer.
    offered = set(SCHEMA["paths"][url])
    for other in sorted({"get", "post", "put", "patch", "delete"} - offered):
        assert_problem(send(admin, other, concrete(url, real)), 405, "method_not_allowed", url, method)

    if "requestBody" in operation:
        # A body that is not JSON.
        bad = assert_problem(send(admin, method, concrete(url, real), b"{not json"), 400, "invalid", url, method)
        assert bad["errors"], "a 400 names what is wrong"
        # A body without its required fields: each one named in `errors`.
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        if "$ref" in schema:
            schema = SCHEMA["components"]["schemas"][schema["$ref"].split("/")[-1]]
        required = schema.get("required", [])
        if required:
            missing = assert_problem(send(admin, method, concrete(url, real), b"{}"), 400, "invalid", url, method)
            assert set(required) <= set(missing["errors"]), missing
        # A body over the cap.
        # The API's JSON cap, and the webhook's own (it reads the raw body, no parser).
        settings.API_MAX_BODY_BYTES = settings.MIRROR_WEBHOOK_MAX_BYTES = 2048
        huge = json.dumps({"padding": "x" * 4096}).encode()
        assert_problem(send(admin, method, concrete(url, real), huge), 413, "payload_too_large", url, method)


def _routes(patterns, prefix: str = "") -> list[str]:
    routes = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes += _routes(pattern.url_patterns, route)
        else:
            routes.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
    return routes


def test_the_walk_covers_every_api_url():
    """Each URL the project serves under /api/ is in the schema, so the walk above reaches it."""
    served = {route for route in _routes(get_resolver().url_patterns) if route.startswith("/api/")}
    served.discard("/api/v1/docs/")  # the Swagger UI page that renders the schema
    assert served and served <= set(SCHEMA["paths"]), served - set(SCHEMA["paths"])


def test_every_operation_documents_the_problem_shape():
    problem = SCHEMA["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == PROBLEM_KEYS
    for url, method, operation in OPERATIONS:
        errors = {code: answer for code, answer in operation["responses"].items() if code >= "400"}
        assert {"405", "429", "500"} <= set(errors), f"{method} {url}"
        for answer in errors.values():
            assert answer["content"] == {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            }


def _answer_schema(operation: dict) -> dict[str, Any]:
    answer = operation["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in answer:
        return SCHEMA["components"]["schemas"][answer["$ref"].split("/")[-1]]
    return answer


def test_lists_come_in_the_two_documented_shapes():
    """No bare arrays: a list is either numbered pages or a cursor feed, with page_size capped."""
    shapes = {}
    for url, method, operation in OPERATIONS:
        answer = _answer_schema(operation)
        assert answer.get("type") != "array", f"{method.upper()} {url} answers a bare list"
        if "results" not in answer.get("properties", {}):
            continue
        names = {parameter["name"] for parameter in operation["parameters"]}
        if "count" in answer["properties"]:
            assert {"page", "page_size"} <= names, url
            shapes[url] = "pages"
        else:
            assert {"cursor", "page_size"} <= names, url
            shapes[url] = "feed"
    assert shapes["/api/v1/cases/"] == "pages" and shapes["/api/v1/writeback/outbox/"] == "feed"
    assert shapes["/api/v1/approvals/inbox/"] == shapes["/api/v1/approvals/requests/"] == "pages"


def test_page_size_is_capped_and_a_bad_page_is_a_problem_not_a_crash(real, admin_user):
    client = client_for(admin_user)
    capped = client.get("/api/v1/cases/", {"page_size": 10_000})
    assert capped.status_code == 200 and "page_size=200" not in capped.content.decode()  # one page holds all
    assert_problem(client.get("/api/v1/cases/", {"page": "last-but-one"}), 404, "not_found")
    assert_problem(client.get("/api/v1/cases/", {"page": 99}), 404, "not_found")
    assert_problem(client.get("/api/v1/cases/", {"page_size": "0"}), 400, "invalid")
    assert_problem(client.get("/api/v1/writeback/outbox/", {"cursor": "not-a-cursor"}), 404, "not_found")
    assert_problem(client.get("/api/v1/writeback/outbox/", {"page_size": "many"}), 400, "invalid")


def test_a_url_under_the_api_that_does_not_exist_is_a_problem(client, admin_user):
    client.force_login(admin_user)
    assert_problem(client.get("/api/v1/no-such-thing/"), 404, "not_found")
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")  # screens keep their page


# --- What no endpoint does on demand: too many requests, and our own crash --------------------------


class Crashing(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("a bug")


class Busy(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise Throttled(wait=30)


def crashing_outside_drf(request):
    raise RuntimeError("a bug in a plain view")


class DatabaseAway(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise OperationalError("terminating connection due to administrator command")


class RedisAway(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@login_not_required
def database_away_outside_drf(request):
    raise OperationalError("database is not currently accepting connections")


def plain_page(request):
    return HttpResponse("ok")


urlpatterns = [
    path("api/v1/crash/", Crashing.as_view()),
    path("api/v1/busy/", Busy.as_view()),
    path("api/v1/plain-crash/", crashing_outside_drf),
    path("api/v1/database-away/", DatabaseAway.as_view()),
    path("api/v1/redis-away/", RedisAway.as_view()),
    path("api/v1/plain-database-away/", database_away_outside_drf),
    path("plain-database-away/", database_away_outside_drf),
]
handler500 = problems.handler500


@pytest.fixture
def test_urls(settings):
    settings.ROOT_URLCONF = __name__


def test_a_bug_in_an_api_view_is_a_logged_500_problem_without_internals(test_urls, caplog):
    response = APIClient().get("/api/v1/crash/")
    body = assert_problem(response, 500, "server_error")
    assert "a bug" not in body["detail"] and "Traceback" not in response.content.decode()
    assert any("Unhandled API error" in record.message and record.exc_info for record in caplog.records)


def test_a_crash_outside_drf_under_the_api_is_a_problem_too(test_urls):
    client = APIClient(raise_request_exception=False)
    assert_problem(client.get("/api/v1/plain-crash/"), 500, "server_error")


def test_throttling_is_a_problem_with_retry_after(test_urls):
    response = APIClient().get("/api/v1/busy/")
    assert_problem(response, 429, "throttled")
    assert response["Retry-After"] == "30"


def test_the_api_settings_resolve_in_a_fresh_process_before_any_view_is_imported():
    # A Celery worker runs Django's checks first, which resolve DRF's settings before anything imports
    # a view: our pagination and parser classes must import cleanly in that order too.
    code = (
        "import django; django.setup()\n"
        "from rest_framework.settings import api_settings\n"
        "print(api_settings.DEFAULT_PAGINATION_CLASS.__name__, api_settings.DEFAULT_PARSER_CLASSES[0].__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "controltower.settings"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["PagePagination", "CappedJSONParser"]


def test_a_database_that_does_not_answer_is_a_503_to_retry_not_a_500(test_urls):
    """PostgreSQL restarting or dropping connections (the fault suite does it): try again shortly."""
    client = APIClient(raise_request_exception=False)
    for url in ("/api/v1/database-away/", "/api/v1/plain-database-away/"):
        response = client.get(url)
        body = assert_problem(response, 503, "unavailable")
        assert response["Retry-After"] == "5" and "accepting" not in body["detail"]
    page = client.get("/plain-database-away/")
    assert page.status_code == 503 and page["Retry-After"] == "5"


def test_a_redis_that_does_not_answer_is_a_503_to_retry_not_a_500(test_urls):
    """Throttling reads the cache in Redis: while Redis restarts, the API says so and when to retry."""
    response = APIClient().get("/api/v1/redis-away/")
    body = assert_problem(response, 503, "unavailable")
    assert response["Retry-After"] == "5" and "6379" not in body["detail"]
