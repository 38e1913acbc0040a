"""Deliveries against a local receiver that fails on purpose: retries with backoff, dead letters and replay,
timeouts, redirects, huge answers, and the guard at send time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.outbound.models import DeliveryState, OutboundDelivery
from apps.outbound.selectors import dead_letters, outbound_overview
from apps.outbound.services import (
    Draft,
    OutboundError,
    backoff_s,
    deliveries_enqueue,
    deliveries_sweep,
    delivery_replay,
    delivery_send,
)
from tests.outbound.receiver import Receiver

pytestmark = pytest.mark.django_db


def enqueue(url: str, **extra) -> OutboundDelivery:
    (delivery_id,) = deliveries_enqueue(drafts=[Draft(source="test", url=url, body={"hello": "world"}, **extra)])
    return OutboundDelivery.objects.get(pk=delivery_id)


def make_due(delivery: OutboundDelivery) -> None:
    OutboundDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_a_delivery_is_posted_as_json_and_recorded_as_sent(receiver):
    delivery = delivery_send(delivery_id=enqueue(receiver.url).pk)
    assert delivery is not None
    assert (delivery.state, delivery.attempts, delivery.last_status) == (DeliveryState.SENT, 1, 200)
    headers, body, _ = receiver.requests[0]
    assert body == b'{"hello":"world"}' and headers["content-type"] == "application/json"
    assert delivery_send(delivery_id=delivery.pk) is None  # sent once: a second dispatch does nothing


def test_a_failing_receiver_is_retried_with_backoff_then_dead_lettered_and_replayed(receiver):
    receiver.status = 500
    delivery = enqueue(receiver.url)
    first = delivery_send(delivery_id=delivery.pk)
    assert first is not None and first.state == DeliveryState.PENDING and first.last_error == "HTTP 500"
    wait = (first.next_attempt_at - first.last_attempt_at).total_seconds()
    assert 15 <= wait <= 30  # 30 s with jitter
    assert delivery_send(delivery_id=delivery.pk) is None  # not due yet
    assert deliveries_sweep() == []
    for _ in range(2):  # OUTBOUND_MAX_ATTEMPTS = 3 in these tests
        make_due(delivery)
        assert deliveries_sweep() == [delivery.pk]
        delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, len(receiver.requests)) == (DeliveryState.DEAD, 3, 3)
    assert list(dead_letters(OutboundDelivery.objects.all())) == [delivery]
    assert outbound_overview()["dead"] == 1

    receiver.status = 204
    replayed = delivery_replay(delivery_id=delivery.pk)
    assert (replayed.state, replayed.attempts, replayed.replays) == (DeliveryState.PENDING, 0, 1)
    sent = delivery_send(delivery_id=delivery.pk)
    assert sent is not None and sent.state == DeliveryState.SENT and len(receiver.requests) == 4
    with pytest.raises(OutboundError, match="not a dead letter"):
        delivery_replay(delivery_id=delivery.pk)


def test_backoff_doubles_up_to_six_hours_with_jitter():
    assert 30 <= backoff_s(2) <= 60
    assert 15 * 2**9 <= backoff_s(10) <= 30 * 2**9
    assert 3 * 3600 <= backoff_s(40) <= 6 * 3600


def test_a_receiver_that_hangs_is_cut_off_and_does_not_hold_up_the_next_delivery(receiver):
    receiver.mode, receiver.hang_s = "hang", 4.0
    with Receiver() as healthy:
        hanging, working = enqueue(receiver.url), enqueue(healthy.url)
        for delivery_id in deliveries_sweep():
            delivery_send(delivery_id=delivery_id)
        assert healthy.requests  # the second delivery went out after the first was cut off
    hanging.refresh_from_db()
    working.refresh_from_db()
    assert working.state == DeliveryState.SENT
    assert hanging.state == DeliveryState.PENDING and hanging.last_error == "No answer within 1 s"


def test_a_redirect_is_not_followed_and_counts_as_a_failure(receiver):
    receiver.mode = "redirect"
    delivery = delivery_send(delivery_id=enqueue(receiver.url).pk)
    assert delivery is not None and delivery.state == DeliveryState.PENDING and delivery.last_status == 302
    assert "redirect to http://169.254.169.254/latest/meta-data/ not followed" in delivery.last_error
    assert len(receiver.requests) == 1


def test_a_10_mb_answer_is_not_read_to_the_end(receiver, settings):
    receiver.mode = "huge"
    delivery = delivery_send(delivery_id=enqueue(receiver.url).pk)
    assert delivery is not None and delivery.state == DeliveryState.SENT and delivery.last_status == 200


def test_the_guard_refuses_a_loopback_receiver_at_send_time_without_calling_it(receiver, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    delivery = delivery_send(delivery_id=enqueue(receiver.url).pk)
    assert delivery is not None and delivery.state == DeliveryState.DEAD  # no point retrying a refused address
    assert "loopback" in delivery.last_error and "OUTBOUND_ALLOWED_HOSTS" in delivery.last_error
    assert receiver.requests == []


def test_a_claim_left_by_a_dead_worker_is_taken_back_by_the_sweep(receiver, settings):
    delivery = enqueue(receiver.url)
    stale = timezone.now() - timedelta(seconds=settings.OUTBOUND_CLAIM_STALE_S + 5)
    OutboundDelivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.SENDING, claimed_at=stale)
    assert deliveries_sweep() == [delivery.pk]
    assert delivery_send(delivery_id=delivery.pk).state == DeliveryState.SENT  # type: ignore[union-attr]
