"""/metrics: what an operator alerts on, for Prometheus with a token or an admin signed in."""

from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import RequestType
from apps.approvals.services.raising import RequestDraft, request_raise
from apps.cases.models import Case, Severity
from apps.mirror.models import InboundEvent, SyncState
from apps.outbound.models import OutboundDelivery
from apps.outbound.services import Draft, deliveries_enqueue
from apps.writeback.models import OutboxEntry
from apps.writeback.pause import outbox_pause, outbox_resume

TOKEN = "scrape-token-for-tests"


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client, **headers) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_a_scraper_needs_the_token(client, db, metrics_token):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def test_without_a_configured_token_no_bearer_gets_in(client, db, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 401


def test_admins_may_read_metrics_signed_in_but_site_scoped_users_may_not(client, admin_user, manager):
    client.force_login(manager)
    assert client.get("/metrics").status_code == 403  # metrics count every site
    client.force_login(admin_user)
    assert ("controltower_outbox_backlog", ()) in scrape(client)


def test_metrics_tell_sync_lag_outbox_backlog_failed_webhooks_stuck_approvals_and_open_cases(
    client, sites, metrics_token
):
    now = timezone.now()
    SyncState.objects.create(
        odoo_model="stock.picking",
        newest_write_date=now - timedelta(minutes=10),
        last_success_at=now - timedelta(minutes=2),
        consecutive_failures=3,
    )
    OutboxEntry.objects.create(
        operation="post_note", odoo_model="stock.picking", odoo_id=7, idempotency_key="k1", cause_type="test",
        cause_id="1", created_at=now - timedelta(minutes=5),
    )  # fmt: skip
    InboundEvent.objects.create(dedupe_key="dead-1", status=InboundEvent.Status.DEAD)
    ensure_default_policies()
    request = request_raise(
        draft=RequestDraft(
            request_type=RequestType.SHIPMENT_RELEASE,
            site=sites["BRU"],
            odoo_model="stock.picking",
            odoo_id=4242,
            title="Release BRU/OUT/00042",
            dedupe_key="metrics:1",
            facts={"over_limit_amount": 5000.0, "over_limit_pct": 25.0, "credit_ok": False},
            context={},
            effect={"operation": "release_delivery", "odoo_model": "stock.picking", "odoo_id": 4242, "arguments": {}},
            raised_by_rule="test",
        ),
        requested_by=None,
    )
    type(request).objects.filter(pk=request.pk).update(due_at=now - timedelta(minutes=1))
    Case.objects.create(
        site=sites["CHI"], kind="late_receipt", dedupe_key="late:1", title="Late receipt", severity=Severity.CRITICAL,
        opened_at=now - timedelta(hours=3), last_seen_at=now, sla_due_at=now - timedelta(hours=1),
    )  # fmt: skip

    metrics = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    picking = (("model", "stock.picking"),)
    assert metrics[("controltower_sync_lag_seconds", picking)] == pytest.approx(600, abs=30)
    assert metrics[("controltower_sync_last_success_age_seconds", picking)] == pytest.approx(120, abs=30)
    assert metrics[("controltower_sync_consecutive_failures", picking)] == 3
    assert metrics[("controltower_outbox_backlog", ())] == 1
    assert metrics[("controltower_outbox_oldest_pending_age_seconds", ())] == pytest.approx(300, abs=30)
    assert metrics[("controltower_webhook_events", (("status", "dead"),))] == 1
    assert metrics[("controltower_approvals_waiting", (("site", "BRU"),))] == 1
    assert metrics[("controltower_approvals_past_sla", (("site", "BRU"),))] == 1
    assert metrics[("controltower_cases_open", (("severity", "critical"), ("site", "CHI")))] == 1
    assert metrics[("controltower_cases_past_sla", (("site", "CHI"),))] == 1
    assert metrics[("controltower_odoo_circuit_open", ())] == 0


def test_outbound_deliveries_are_counted_by_state(client, db, metrics_token):
    ids = deliveries_enqueue(drafts=[Draft(source="webhook", url="https://93.184.215.14/x", body={})] * 3)
    OutboundDelivery.objects.filter(pk=ids[0]).update(state="dead", attempts=12)
    OutboundDelivery.objects.filter(pk=ids[1]).update(attempts=2)  # waiting to retry
    samples = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert samples[("controltower_outbound_deliveries", (("state", "dead"),))] == 1
    assert samples[("controltower_outbound_deliveries", (("state", "pending"),))] == 2
    assert samples[("controltower_outbound_backlog", ())] == 2
    assert samples[("controltower_outbound_failing", ())] == 1
    assert samples[("controltower_outbound_dead", ())] == 1


def test_metrics_say_when_write_back_is_paused(client, admin_user):
    client.force_login(admin_user)
    assert scrape(client)[("controltower_outbox_paused", ())] == 0
    outbox_pause(reason="Restore in progress", actor=admin_user)
    assert scrape(client)[("controltower_outbox_paused", ())] == 1
    outbox_resume(actor=admin_user)
    assert scrape(client)[("controltower_outbox_paused", ())] == 0
