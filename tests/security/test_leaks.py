"""Issue 16 finding 5: no information leaks to those who should not have it."""

import io
import logging

import pytest
from django.conf import settings
from django.test import Client

from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import RequestType
from apps.approvals.services.raising import RequestDraft, request_raise
from apps.health import checks
from apps.writeback.models import OutboxEntry
from controltower.serve import RedactingServer

pytestmark = pytest.mark.django_db


def test_anonymous_readyz_says_ready_or_not_without_addresses_or_error_text(client, settings):
    settings.ODOO_URL = "http://odoo.internal.example:8069"  # nothing answers there
    checks._odoo_probe["result"] = None
    try:
        response = client.get("/readyz")
    finally:
        checks._odoo_probe["result"] = None
    body = response.content.decode()
    assert response.status_code == 200 and response.json()["checks"]["odoo"]["ok"] is False
    assert "odoo.internal.example" not in body and "error" not in body and "version" not in body


def _entry(site_code: str, error: str) -> OutboxEntry:
    return OutboxEntry.objects.create(
        operation="post_note", odoo_model="stock.picking", odoo_id=1, idempotency_key=f"leak-{site_code}",
        cause_type="approval", cause_id=site_code, site_code=site_code, status=OutboxEntry.Status.DEAD,
        last_error=error,
    )  # fmt: skip


def test_a_single_site_manager_sees_only_their_sites_outbox_on_the_health_page(client, manager, admin_user):
    _entry("BRU", "Brussels picking refused")
    _entry("CHI", "Chicago customer ACME-SECRET refused")
    client.force_login(manager)
    page = client.get("/health/integration/").content.decode()
    assert "ACME-SECRET" not in page
    client.force_login(admin_user)
    assert "ACME-SECRET" in client.get("/health/integration/").content.decode()


def test_bulk_approve_answers_another_sites_request_exactly_like_a_missing_one(client, approver, sites):
    ensure_default_policies()
    draft = RequestDraft(
        request_type=RequestType.SHIPMENT_RELEASE, site=sites["CHI"], odoo_model="stock.picking", odoo_id=77,
        title="CHI release", dedupe_key="leak:chi", facts={"over_limit_amount": 50.0, "over_limit_pct": 1.0,
        "credit_ok": False}, raised_by_rule="test",
    )  # fmt: skip
    at_chi = request_raise(draft=draft)
    client.force_login(approver)
    answer = client.post(
        "/approvals/bulk-approve/", {"ids": [at_chi.pk, 987654]}, headers={"X-Requested-With": "approvals.js"}
    ).json()
    reasons = {item["id"]: item["reason"] for item in answer["refused"]}
    assert reasons[at_chi.pk] == reasons[987654] == "No such request."


def test_secrets_are_masked_in_application_logs(client):
    handler = next(
        h for h in logging.getLogger().handlers if any(f.__class__.__name__ == "RedactSecretsFilter" for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        Client().post("/api/v1/hooks/odoo/guessed-secret-value/", "{}", content_type="application/json")
        logging.getLogger("apps.test").warning("calling %s", f"/api/v1/hooks/odoo/{settings.ODOO_WEBHOOK_SECRET}/")
        logging.getLogger("apps.test").warning("TV at /wall/BRU/?token=abcdefSECRET123&x=1 with Bearer tok3n.value")
    finally:
        handler.setStream(previous)
    logged = stream.getvalue()
    assert "guessed-secret-value" not in logged and settings.ODOO_WEBHOOK_SECRET not in logged
    assert "abcdefSECRET123" not in logged and "tok3n.value" not in logged
    assert "<redacted>" in logged


def test_secrets_are_masked_in_the_access_log():
    from daphne.access import AccessLogGenerator

    stream = io.StringIO()
    server = RedactingServer(application=None, endpoints=["tcp:port=0"], action_logger=AccessLogGenerator(stream))
    server.action_logger(
        "http",
        "complete",
        {"client": "10.0.0.1", "method": "GET", "path": "/wall/BRU/?token=SeCrEt-TV-token", "status": 302, "size": 0},
    )
    server.action_logger(
        "http",
        "complete",
        {
            "client": "10.0.0.2",
            "method": "POST",
            "path": f"/api/v1/hooks/odoo/{settings.ODOO_WEBHOOK_SECRET}/",
            "status": 202,
            "size": 10,
        },
    )
    logged = stream.getvalue()
    assert "SeCrEt-TV-token" not in logged and settings.ODOO_WEBHOOK_SECRET not in logged
    assert logged.count("<redacted>") == 2
