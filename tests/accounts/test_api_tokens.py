"""API tokens (issue 21, points 1 and 2): an integration calls the API with `Authorization: Bearer ct_…`,
never with more than the token's user may do, narrowed by the token's scopes, sites and carrier."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.api_tokens import api_token_create, api_token_revoke
from apps.accounts.models import ApiToken
from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import RequestStatus, RequestType
from apps.approvals.services.raising import RequestDraft, request_raise
from apps.audit.models import AuditEntry
from apps.cases.services.intake import case_for_writeback_attention
from apps.core.logging import KeyValueFormatter
from apps.core.redaction import RedactSecretsFilter
from apps.docks.models import Appointment, DockDoor
from apps.writeback.models import OutboxEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "errors"}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(raw: str) -> APIClient:
    """A client that sends only the token: no session, and CSRF checked as a browser's would be."""
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) == PROBLEM_KEYS and body["status"] == status and body["code"] == code, body
    return body


def make_case(site_code: str, key: str):
    entry = OutboxEntry.objects.create(
        operation="post_note", odoo_model="stock.picking", odoo_id=5, idempotency_key=key, cause_type="approval",
        cause_id="1", site_code=site_code, status=OutboxEntry.Status.NEEDS_ATTENTION, last_error="refused",
    )  # fmt: skip
    return case_for_writeback_attention(entry)


def make_request(site, number: int):
    return request_raise(
        draft=RequestDraft(
            request_type=RequestType.SHIPMENT_RELEASE, site=site, odoo_model="stock.picking", odoo_id=7000 + number,
            title=f"Release {number}", dedupe_key=f"tokens:{number}",
            facts={"over_limit_amount": 5000.0, "over_limit_pct": 25.0, "credit_ok": False},
            context={}, effect={"operation": "release_delivery", "odoo_model": "stock.picking",
                                "odoo_id": 7000 + number, "arguments": {}, "preconditions": {}, "summary": "Release"},
            raised_by_rule="test",
        )
    )  # fmt: skip


@pytest.fixture
def two_sites(sites):
    """One open case and one pending release at each site."""
    ensure_default_policies()
    return {
        "cases": {"BRU": make_case("BRU", "t-bru"), "CHI": make_case("CHI", "t-chi")},
        "requests": {"BRU": make_request(sites["BRU"], 1), "CHI": make_request(sites["CHI"], 2)},
    }


def test_the_token_is_shown_once_and_stored_only_as_a_hash(supervisor):
    new = api_token_create(user=supervisor, name="n8n", scopes=["read"], created_by=supervisor)

    match = re.fullmatch(r"ct_([0-9a-f]{8})_([A-Za-z0-9_-]+)", new.raw)
    assert match, new.raw
    prefix, secret = match.groups()
    token = ApiToken.objects.get()
    assert token.prefix == prefix and token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    row = json.dumps(next(iter(ApiToken.objects.values())), default=str)
    assert secret not in row  # nowhere in clear, nor in the audit trail
    assert all(secret not in json.dumps(entry.data) for entry in AuditEntry.objects.all())
    listed = bearer(new.raw).get("/api/v1/tokens/")
    assert listed.status_code == 403  # read scope only: managing tokens needs "admin"
    session = APIClient()
    session.force_login(supervisor)
    body = session.get("/api/v1/tokens/").json()
    assert body["count"] == 1 and body["results"][0]["display_prefix"] == f"ct_{prefix}_…"
    assert secret not in json.dumps(body)


def test_a_read_token_for_one_site_cannot_decide_nor_see_the_other_site(two_sites, sites):
    # An administrator sees both sites with a session; her token is limited to Brussels and to reading.
    ada = user_upsert(username="ada.admin", password=PASSWORD, roles=[Role.ADMIN], sites=[])
    raw = api_token_create(user=ada, name="BI", scopes=["read"], sites=[sites["BRU"]], created_by=ada).raw
    client = bearer(raw)
    bru_case, chi_case = two_sites["cases"]["BRU"], two_sites["cases"]["CHI"]
    bru_request, chi_request = two_sites["requests"]["BRU"], two_sites["requests"]["CHI"]

    cases = client.get("/api/v1/cases/").json()
    assert cases["count"] == 1 and [row["id"] for row in cases["results"]] == [bru_case.pk]
    assert_problem(client.get(f"/api/v1/cases/{chi_case.pk}/"), 404, "not_found")
    requests = client.get("/api/v1/approvals/requests/").json()
    assert [row["id"] for row in requests["results"]] == [bru_request.pk]
    assert_problem(client.get(f"/api/v1/approvals/requests/{chi_request.pk}/"), 404, "not_found")

    refused = assert_problem(
        client.post(f"/api/v1/approvals/requests/{bru_request.pk}/decide/", {"action": "approve"}, format="json"),
        403,
        "permission_denied",
    )
    assert "'decide' scope" in refused["detail"]
    assert_problem(
        client.post(f"/api/v1/cases/{bru_case.pk}/acknowledge/", {}, format="json"), 403, "permission_denied"
    )
    bru_request.refresh_from_db()
    assert bru_request.status == RequestStatus.PENDING
    # The same user's session still sees both sites: the limit is the token's, not the user's.
    session = APIClient()
    session.force_login(ada)
    assert session.get("/api/v1/cases/").json()["count"] == 2


def test_a_decide_token_approves_without_csrf_but_never_beyond_its_user(two_sites, approver, sites):
    raw = api_token_create(user=approver, name="n8n", scopes=["read", "decide"], created_by=approver).raw
    client = bearer(raw)
    bru_request, chi_request = two_sites["requests"]["BRU"], two_sites["requests"]["CHI"]

    # The approver is a member of Brussels only: the token sees no more.
    assert_problem(
        client.post(f"/api/v1/approvals/requests/{chi_request.pk}/decide/", {"action": "approve"}, format="json"),
        404,
        "not_found",
    )
    done = client.post(f"/api/v1/approvals/requests/{bru_request.pk}/decide/", {"action": "approve"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["request"]["status"] == RequestStatus.APPROVED
    # A session call without its CSRF token is still refused (403): only token calls skip CSRF.
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(approver)
    refused = session.post(f"/api/v1/approvals/requests/{chi_request.pk}/decide/", {"action": "approve"}, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    # The token cannot create one with more sites or scopes than it has (no admin scope: refused outright).
    assert_problem(client.post("/api/v1/tokens/", {"name": "x", "scopes": ["read"]}, format="json"), 403,
                   "permission_denied")  # fmt: skip


def test_a_token_made_by_a_token_gets_no_more_than_its_parent(supervisor, sites):
    parent = api_token_create(
        user=supervisor, name="parent", scopes=["read", "admin"], sites=[sites["BRU"]], carrier="DHL",
        created_by=supervisor, expires_in_days=5,
    )  # fmt: skip
    client = bearer(parent.raw)
    wider = client.post("/api/v1/tokens/", {"name": "child", "scopes": ["read", "decide"]}, format="json")
    assert assert_problem(wider, 400, "invalid")["detail"] == "The calling token lacks these scopes: decide."
    made = client.post("/api/v1/tokens/", {"name": "child", "scopes": ["read"], "expires_in_days": 90}, format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["sites"] == ["BRU"] and body["carrier"] == "DHL" and body["token"].startswith("ct_")
    child = ApiToken.objects.get(pk=body["id"])
    assert child.expires_at == parent.token.expires_at  # 5 days, not 90


def test_revoked_and_expired_tokens_are_refused_at_once(supervisor, two_sites):
    new = api_token_create(user=supervisor, name="portal", scopes=["read", "admin"], created_by=supervisor)
    client = bearer(new.raw)
    assert client.get("/api/v1/cases/").status_code == 200

    revoked = client.post(f"/api/v1/tokens/{new.token.pk}/revoke/", format="json")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    refused = client.get("/api/v1/cases/")
    assert assert_problem(refused, 401, "not_authenticated")["detail"] == "This API token was revoked."
    assert refused["WWW-Authenticate"].startswith("Bearer")

    other = api_token_create(user=supervisor, name="bi", scopes=["read"], created_by=supervisor)
    assert bearer(other.raw).get("/api/v1/cases/").status_code == 200
    ApiToken.objects.filter(pk=other.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = bearer(other.raw).get("/api/v1/cases/")
    assert assert_problem(expired, 401, "not_authenticated")["detail"] == "This API token has expired."

    # A wrong secret with a real prefix, and a made-up token: refused alike.
    forged = f"ct_{other.token.prefix}_{'A' * 43}"
    assert assert_problem(bearer(forged).get("/api/v1/cases/"), 401, "not_authenticated")["detail"] == (
        "Unknown API token."
    )
    assert_problem(bearer("ct_nothex").get("/api/v1/cases/"), 401, "not_authenticated")
    # A deactivated user's tokens stop working with the user.
    third = api_token_create(user=supervisor, name="third", scopes=["read"], created_by=supervisor)
    supervisor.is_active = False
    supervisor.save()
    assert_problem(bearer(third.raw).get("/api/v1/cases/"), 401, "not_authenticated")


def test_the_rate_limit_answers_429_with_retry_after_per_token(supervisor, settings, two_sites):
    settings.API_TOKEN_RATE = "3/min"
    first = api_token_create(user=supervisor, name="busy", scopes=["read"], created_by=supervisor)
    second = api_token_create(user=supervisor, name="calm", scopes=["read"], created_by=supervisor)
    for token in (first.token, second.token):
        cache.delete(f"throttle:api_token:{token.pk}")
    busy = bearer(first.raw)
    assert [busy.get("/api/v1/cases/").status_code for _ in range(3)] == [200, 200, 200]

    limited = busy.get("/api/v1/cases/")

    assert_problem(limited, 429, "throttled")
    assert 1 <= int(limited["Retry-After"]) <= 60  # three calls a minute: the first leaves the window within 60 s
    assert bearer(second.raw).get("/api/v1/cases/").status_code == 200  # each token has its own budget
    session = APIClient()
    session.force_login(supervisor)
    assert all(session.get("/api/v1/cases/").status_code == 200 for _ in range(5))  # sessions are not limited here


def test_a_carrier_limited_token_sees_and_changes_only_its_carriers_appointments(supervisor, sites):
    door = DockDoor.objects.create(site=sites["BRU"], name="D1", direction="both")
    start = timezone.now() + timedelta(hours=3)
    dhl, ups = (
        Appointment.objects.create(
            site=sites["BRU"],
            door=door,
            direction="inbound",
            carrier=carrier,
            planned_start=start + timedelta(hours=hour),
            planned_end=start + timedelta(hours=hour + 1),
        )
        for hour, carrier in ((0, "DHL"), (2, "UPS"))
    )
    raw = api_token_create(user=supervisor, name="DHL portal", scopes=["docks"], carrier="dhl",
                           created_by=supervisor).raw  # fmt: skip
    client = bearer(raw)

    listed = client.get("/api/v1/docks/appointments/").json()
    assert [row["id"] for row in listed["results"]] == [dhl.pk]
    assert_problem(client.get(f"/api/v1/docks/appointments/{ups.pk}/"), 404, "not_found")
    assert_problem(client.post(f"/api/v1/docks/appointments/{ups.pk}/cancel/", format="json"), 404, "not_found")
    assert client.post(f"/api/v1/docks/appointments/{dhl.pk}/cancel/", format="json").status_code == 200
    ups.refresh_from_db()
    dhl.refresh_from_db()
    assert (dhl.status, ups.status) == ("cancelled", "planned")
    # Booking for another carrier is refused; for its own, allowed.
    body = {"site": "BRU", "door": door.pk, "direction": "inbound",
            "planned_start": (start + timedelta(hours=6)).isoformat(),
            "planned_end": (start + timedelta(hours=7)).isoformat()}  # fmt: skip
    other = client.post("/api/v1/docks/appointments/", {**body, "carrier": "UPS"}, format="json")
    assert assert_problem(other, 400, "invalid")["errors"] == {"carrier": ["This API token books only for dhl."]}
    own = client.post("/api/v1/docks/appointments/", body, format="json")
    assert own.status_code == 201, own.content
    assert own.json()["carrier"] == "dhl"
    # The docks scope is needed for dock calls; a read token gets a 403 there, and the docks token
    # cannot read cases.
    reader = bearer(api_token_create(user=supervisor, name="r", scopes=["read"], created_by=supervisor).raw)
    assert_problem(reader.get("/api/v1/docks/appointments/"), 403, "permission_denied")
    assert_problem(client.get("/api/v1/cases/"), 403, "permission_denied")


def test_last_use_is_recorded_at_most_once_a_minute(supervisor, two_sites):
    new = api_token_create(user=supervisor, name="bi", scopes=["read"], created_by=supervisor)
    client = bearer(new.raw)
    client.get("/api/v1/cases/")
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    client.get("/api/v1/cases/")
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - timedelta(seconds=61))
    client.get("/api/v1/cases/")
    assert ApiToken.objects.get().last_used_at > first


def test_the_secret_never_reaches_the_logs(supervisor, two_sites):
    """Through the configured redaction filter and formatter: requests (refused ones log a warning
    with the request), a log line that quotes the header, and an `extra` field."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(KeyValueFormatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecretsFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    new = api_token_create(user=supervisor, name="n8n", scopes=["read"], created_by=supervisor)
    secret = new.raw.split("_", 2)[2]
    try:
        bearer(new.raw).get("/api/v1/cases/")
        bearer(new.raw).post("/api/v1/cases/bulk/", {}, format="json")  # 403: logged by django.request
        api_token_revoke(token=new.token, revoked_by=supervisor)
        bearer(new.raw).get(f"/api/v1/cases/?token={new.raw}")  # 401, and a token in the query string
        logging.getLogger("integration").warning("calling with %s", new.raw, extra={"header": f"Bearer {new.raw}"})
    finally:
        root.removeHandler(handler)
    text = stream.getvalue()
    assert "Unauthorized" in text or "Forbidden" in text  # the refusals were logged…
    assert f"ct_{new.token.prefix}_" in text  # …with the public prefix, so a person can tell which token
    assert secret not in text


def test_the_screen_creates_shows_the_secret_once_and_revokes(client, supervisor, manager, admin_user, sites):
    client.force_login(supervisor)
    page = client.get("/settings/tokens/")
    assert page.status_code == 200 and "No tokens yet." in page.content.decode()

    form = {"name": "Sheets export", "scopes": ["read", "decide"], "sites": [sites["BRU"].pk], "carrier": "",
            "expires_in_days": "30", "once": uuid.uuid4().hex}  # fmt: skip
    created = client.post("/settings/tokens/", form)

    html = created.content.decode()
    raw = re.search(r'value="(ct_[0-9a-f]{8}_[A-Za-z0-9_-]+)"', html).group(1)
    token = ApiToken.objects.get()
    assert (token.name, token.scopes, [s.code for s in token.sites.all()]) == ("Sheets export", ["read", "decide"],
                                                                              ["BRU"])  # fmt: skip
    assert "shown only once" in html and "Copy" in html
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    again = client.get("/settings/tokens/").content.decode()
    assert raw not in again and f"ct_{token.prefix}_…" in again and "● active" in again
    assert bearer(raw).get("/api/v1/cases/").status_code == 200
    resent = client.post("/settings/tokens/", form, follow=True)  # a reload of the page that showed the secret
    assert "That token was already created" in resent.content.decode() and raw not in resent.content.decode()
    assert ApiToken.objects.count() == 1

    # Chicago is not one of the supervisor's sites: the form does not offer it.
    refused = client.post("/settings/tokens/", {"name": "x", "scopes": ["read"], "sites": [sites["CHI"].pk],
                                                "expires_in_days": "30", "once": uuid.uuid4().hex})  # fmt: skip
    assert refused.status_code == 400 and ApiToken.objects.count() == 1

    # Someone else's token is not theirs to revoke; an admin sees and may revoke it.
    other = signed_in(manager)
    assert other.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
    assert "Sheets export" not in other.get("/settings/tokens/").content.decode()
    assert "Sheets export" in signed_in(admin_user).get("/settings/tokens/").content.decode()

    revoked = client.post(f"/settings/tokens/{token.pk}/revoke/", follow=True)
    assert "calls with it are refused now" in revoked.content.decode() and "✖ revoked" in revoked.content.decode()
    assert_problem(bearer(raw).get("/api/v1/cases/"), 401, "not_authenticated")


def test_tokens_are_in_the_openapi_schema(admin_user):
    client = APIClient()
    client.force_login(admin_user)
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert {"/api/v1/tokens/", "/api/v1/tokens/{token_id}/revoke/"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
