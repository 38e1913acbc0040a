"""Webhook events: recorded with the change that caused them, per subscription's events and site, signed with
the subscription's secret (two during a rotation), sent once for state events."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import RequestType
from apps.approvals.services.decisions import request_reject
from apps.approvals.services.raising import RequestDraft, request_raise
from apps.cases.models import ResolutionCode
from apps.cases.services.actions import case_resolve
from apps.cases.services.publishing import BULK_REFRESH_OVER, publish_case, publish_cases
from apps.integrations.models import EventType, WebhookSubscription
from apps.integrations.services import (
    IntegrationError,
    subscription_create,
    subscription_rotate_secret,
    sync_stalled_record,
    webhook_test_send,
)
from apps.integrations.tasks import sync_watch
from apps.mirror.models import SyncState
from apps.outbound.models import DeliveryState, OutboundDelivery
from apps.outbound.services import delivery_send
from tests.escalation.conftest import make_case
from tests.integrations.helpers import verify

pytestmark = pytest.mark.django_db


def subscribe(receiver, admin, *, events, site=None, name="n8n"):
    return subscription_create(name=name, url=receiver.url, event_types=events, site=site, actor=admin)


def sent_bodies(receiver) -> list[dict]:
    return [json.loads(body) for _, body, _ in receiver.requests]


def send_all() -> None:
    for delivery_id in (
        OutboundDelivery.objects.filter(state=DeliveryState.PENDING).order_by("id").values_list("id", flat=True)
    ):
        delivery_send(delivery_id=delivery_id)


def test_a_case_opened_at_the_subscribed_site_arrives_signed(receiver, sites, admin_user):
    new = subscribe(receiver, admin_user, events=[EventType.CASE_OPENED], site=sites["BRU"])
    publish_case(make_case(sites["BRU"]), "case.opened")
    publish_case(make_case(sites["CHI"], title="Chicago receipt late"), "case.opened")  # another site: not sent
    send_all()
    assert len(receiver.requests) == 1
    headers, body, _ = receiver.requests[0]
    assert verify(new.secret, headers, body)
    assert not verify(new.secret, headers, body.replace(b"late", b"LATE"))  # a tampered body is refused
    event = json.loads(body)
    assert (event["type"], event["site"], event["data"]["title"]) == (
        "case.opened", "BRU", "Receipt WH/IN/00042 is late"
    )  # fmt: skip
    assert headers["webhook-id"].startswith("msg_")


def test_an_all_site_subscription_gets_every_site_and_only_its_event_types(receiver, sites, admin_user):
    subscribe(receiver, admin_user, events=[EventType.CASE_RESOLVED])
    bru, chi = make_case(sites["BRU"]), make_case(sites["CHI"], title="Chicago receipt late")
    publish_case(bru, "case.opened")  # not asked for
    for case in (bru, chi):
        case_resolve(case_id=case.pk, actor=admin_user, reason_code=ResolutionCode.FIXED_ON_FLOOR)
    send_all()
    assert sorted((e["type"], e["site"]) for e in sent_bodies(receiver)) == [
        ("case.resolved", "BRU"), ("case.resolved", "CHI")
    ]  # fmt: skip


def test_deliveries_commit_with_the_change_or_not_at_all(receiver, sites, admin_user):
    subscribe(receiver, admin_user, events=[EventType.CASE_OPENED])
    case = make_case(sites["BRU"])
    with pytest.raises(RuntimeError), transaction.atomic():
        publish_case(case, "case.opened")
        assert OutboundDelivery.objects.count() == 1  # saved inside the change's transaction
        raise RuntimeError("the change fails after publishing")
    assert OutboundDelivery.objects.count() == 0


def test_a_write_back_that_needs_a_person_is_also_a_writeback_failed_event(receiver, sites, admin_user):
    subscribe(receiver, admin_user, events=[EventType.WRITEBACK_FAILED])
    case = make_case(sites["BRU"], kind="writeback_attention", title="Write-back of WH/OUT/7 failed")
    publish_case(case, "case.opened")
    publish_case(case, "case.opened")  # announced twice: sent once
    send_all()
    assert [e["type"] for e in sent_bodies(receiver)] == ["writeback.failed"]


def test_approval_requested_and_decided_are_sent_once_each(receiver, sites, admin_user, approver):
    ensure_default_policies()
    subscribe(receiver, admin_user, events=[EventType.APPROVAL_REQUESTED, EventType.APPROVAL_DECIDED])
    request = request_raise(
        draft=RequestDraft(
            request_type=RequestType.SHIPMENT_RELEASE, site=sites["BRU"], odoo_model="stock.picking", odoo_id=9,
            title="Release WH/OUT/9", dedupe_key="hooks", facts={"over_limit_amount": 5000.0, "over_limit_pct": 25.0,
            "credit_ok": False}, raised_by_rule="test",
        )
    )  # fmt: skip
    assert request is not None
    request_reject(request=request, user=approver, reason="Credit hold stays")
    send_all()
    events = sent_bodies(receiver)
    assert [(e["type"], e["data"]["id"]) for e in events] == [
        ("approval.requested", request.pk), ("approval.decided", request.pk)
    ]  # fmt: skip
    assert events[1]["data"]["status"] == "rejected"


def test_a_rotation_signs_with_both_secrets_until_the_overlap_ends(receiver, sites, admin_user):
    old = subscribe(receiver, admin_user, events=[EventType.CASE_OPENED])
    new = subscription_rotate_secret(subscription=old.subscription, actor=admin_user)
    assert new.secret != old.secret
    publish_case(make_case(sites["BRU"]), "case.opened")
    send_all()
    headers, body, _ = receiver.requests[0]
    assert verify(new.secret, headers, body) and verify(old.secret, headers, body)

    WebhookSubscription.objects.update(previous_secret_until=timezone.now() - timedelta(seconds=1))
    webhook_test_send(subscription=old.subscription, actor=admin_user)
    send_all()
    headers, body, _ = receiver.requests[1]
    assert verify(new.secret, headers, body) and not verify(old.secret, headers, body)
    assert json.loads(body)["type"] == "webhook.test"


def test_a_sync_stall_is_announced_once_per_stall_to_every_site_s_subscribers(receiver, sites, admin_user):
    subscribe(receiver, admin_user, events=[EventType.SYNC_STALLED])
    subscribe(receiver, admin_user, events=[EventType.SYNC_STALLED], site=sites["CHI"], name="Chicago")
    subscribe(receiver, admin_user, events=[EventType.CASE_OPENED], site=sites["BRU"], name="Cases only")
    assert len(sync_stalled_record(failing_since="2026-03-04T09:00:00+00:00", error="Odoo unreachable")) == 2
    assert sync_stalled_record(failing_since="2026-03-04T09:00:00+00:00", error="Odoo unreachable") == []


@pytest.mark.parametrize(
    ("url", "words"),
    [("ftp://example.com", "https://"), ("http://10.0.0.8/hook", "private"), ("https://", "no host")],
)
def test_a_subscription_to_a_bad_url_is_refused_with_the_reason(sites, admin_user, settings, url, words):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    with pytest.raises(IntegrationError, match=words):
        subscription_create(name="x", url=url, event_types=[EventType.CASE_OPENED], site=None, actor=admin_user)


def test_the_sync_watch_announces_a_long_failing_sync_once(receiver, sites, admin_user):
    subscribe(receiver, admin_user, events=[EventType.SYNC_STALLED])
    long_ago = timezone.now() - timedelta(hours=1)
    state = SyncState.objects.create(
        odoo_model="stock.picking", last_success_at=long_ago, last_finished_at=timezone.now(),
        consecutive_failures=40, last_error="Odoo unreachable: connection refused",
    )  # fmt: skip
    assert sync_watch() == 1
    assert sync_watch() == 0  # the same stall
    send_all()
    (event,) = sent_bodies(receiver)
    assert event["type"] == "sync.stalled" and event["data"]["error"] == "Odoo unreachable: connection refused"

    SyncState.objects.filter(pk=state.pk).update(last_success_at=timezone.now(), consecutive_failures=0)
    assert sync_watch() == 0  # healthy again: nothing to say


def test_a_bulk_of_case_changes_still_sends_each_case(receiver, sites, admin_user):
    subscribe(receiver, admin_user, events=[EventType.CASE_OPENED])
    cases = [make_case(sites["BRU"], title=f"Receipt {n} late") for n in range(BULK_REFRESH_OVER + 1)]
    publish_cases([(case, "case.opened") for case in cases])  # the screens get one refresh
    assert OutboundDelivery.objects.count() == len(cases)
