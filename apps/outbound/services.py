"""Outbound deliveries: enqueue (inside the caller's transaction), claim, attempt, retry with backoff, dead
letters and replay. Every write checks the current state first, so a second call is harmless."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.outbound import signing, transport
from apps.outbound.models import DeliveryState, OutboundDelivery

logger = logging.getLogger(__name__)

SEND_TASK = "outbound.send"
USER_AGENT = "ControlTower-Webhooks/1"


class OutboundError(Exception):
    """A delivery cannot be changed that way (replaying one that is not a dead letter)."""


@dataclass(frozen=True)
class Draft:
    """What one delivery sends; `body` is JSON-serialisable."""

    source: str
    url: str
    body: dict
    source_ref: str = ""
    message_id: str = ""
    event_type: str = ""
    site_code: str = ""
    headers: dict | None = None
    signer: str = ""


def backoff_s(attempts: int) -> float:
    """Wait after the n-th failed attempt: base × 2^(n-1), capped, with jitter (half to all of it) so that
    receivers coming back are not hit by every waiting delivery at once."""
    wait = min(settings.OUTBOUND_BACKOFF_MAX_S, settings.OUTBOUND_BACKOFF_BASE_S * 2 ** max(0, attempts - 1))
    return wait * random.uniform(0.5, 1.0)  # noqa: S311  jitter, not security


def dispatch_on_commit(delivery_ids: list[int]) -> None:
    """Hand the deliveries to the worker once the transaction that created them commits. A lost dispatch
    (broker down, process killed) is picked up by the sweep: the rows are already saved."""

    def send() -> None:
        for delivery_id in delivery_ids:
            try:
                current_app.send_task(SEND_TASK, args=(delivery_id,))
            except Exception:  # broker down: the sweep sends it later
                logger.warning("outbound dispatch failed; the sweep will send it", extra={"delivery": delivery_id})
                return

    if delivery_ids:
        transaction.on_commit(send, robust=True)


def deliveries_enqueue(*, drafts: list[Draft], now: datetime | None = None, dispatch: bool = True) -> list[int]:
    """Save one pending delivery per draft (inside the caller's transaction) and dispatch them after commit."""
    now = now or timezone.now()
    rows = OutboundDelivery.objects.bulk_create(
        [
            OutboundDelivery(
                source=draft.source,
                source_ref=draft.source_ref,
                message_id=draft.message_id,
                event_type=draft.event_type,
                site_code=draft.site_code,
                url=draft.url,
                headers=draft.headers or {},
                body=json.dumps(draft.body, separators=(",", ":"), sort_keys=True, default=str),
                signer=draft.signer,
                max_attempts=settings.OUTBOUND_MAX_ATTEMPTS,
                timeout_s=settings.OUTBOUND_TIMEOUT_S,
                next_attempt_at=now,
                created_at=now,
            )
            for draft in drafts
        ]
    )
    ids = [row.pk for row in rows]
    if dispatch:
        dispatch_on_commit(ids)
    return ids


def _request_headers(delivery: OutboundDelivery) -> dict[str, str]:
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, **delivery.headers}
    if delivery.signer:
        secrets = signing.SIGNERS.get(delivery.signer)(delivery.source_ref)
        if secrets:
            headers |= signing.signed_headers(secrets, delivery.message_id, int(time.time()), delivery.body)
    return headers


def _claim(delivery_id: int, now: datetime) -> bool:
    """Take a due delivery for sending with one conditional update; True only for the one who changed it."""
    return bool(
        OutboundDelivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING, next_attempt_at__lte=now).update(
            state=DeliveryState.SENDING, claimed_at=now
        )
    )


def _record(delivery: OutboundDelivery, answer: transport.Answer, *, retry: bool) -> OutboundDelivery:
    """Save the attempt's outcome: sent, waiting for the next try, or a dead letter."""
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status = answer.status
    delivery.last_error = "" if answer.ok else answer.error
    delivery.last_duration_ms = answer.duration_ms
    delivery.claimed_at = None
    if answer.ok:
        delivery.state, delivery.sent_at, delivery.next_attempt_at = DeliveryState.SENT, now, None
    elif answer.final or not retry or delivery.attempts >= delivery.max_attempts:
        delivery.state, delivery.next_attempt_at = DeliveryState.DEAD, None
    else:
        delivery.state = DeliveryState.PENDING
        delivery.next_attempt_at = now + timedelta(seconds=backoff_s(delivery.attempts))
    delivery.save(
        update_fields=[
            "attempts", "last_attempt_at", "last_status", "last_error", "last_duration_ms", "claimed_at", "state",
            "sent_at", "next_attempt_at",
        ]
    )  # fmt: skip
    return delivery


def _attempt(delivery: OutboundDelivery) -> transport.Answer:
    try:
        headers = _request_headers(delivery)
    except KeyError as exc:  # the signer's app is gone: nothing sensible can be sent
        return transport.Answer(False, None, str(exc), 0, final=True)
    return transport.post(delivery.url, body=delivery.body.encode(), headers=headers, timeout_s=delivery.timeout_s)


def delivery_send(*, delivery_id: int) -> OutboundDelivery | None:
    """Claim one due delivery and make one attempt; None when it is not due, already taken, or gone."""
    if not _claim(delivery_id, timezone.now()):
        return None
    delivery = OutboundDelivery.objects.get(pk=delivery_id)
    return _record(delivery, _attempt(delivery), retry=True)


def delivery_send_inline(
    *,
    source: str,
    url: str,
    body: dict,
    tries: int,
    timeout_s: float,
    final_on_client_error: bool = True,
    pause: Callable[[int], float] = lambda attempt: min(2.0, 0.2 * 2 ** (attempt - 1)),
) -> OutboundDelivery:
    """Send now, in the caller's process, with a few quick tries (a chat notification must go out while it
    matters). The row records every attempt like any other; what still fails is left as a dead letter for a
    person to replay. A 4xx other than 408/429 stops the tries when ``final_on_client_error``."""
    now = timezone.now()
    delivery = OutboundDelivery.objects.create(
        source=source, url=url, body=json.dumps(body, separators=(",", ":")), max_attempts=max(1, tries),
        timeout_s=timeout_s, state=DeliveryState.SENDING, claimed_at=now, created_at=now,
    )  # fmt: skip
    while True:
        answer = _attempt(delivery)
        status = answer.status or 0
        client_error = final_on_client_error and 400 <= status < 500 and status not in (408, 429)
        last = answer.ok or answer.final or client_error or delivery.attempts + 1 >= delivery.max_attempts
        _record(delivery, answer, retry=not last)
        if last:
            return delivery
        delivery.state, delivery.claimed_at = DeliveryState.SENDING, timezone.now()
        delivery.save(update_fields=["state", "claimed_at"])
        time.sleep(pause(delivery.attempts) * random.uniform(0.5, 1.0))  # noqa: S311  jitter


def delivery_replay(*, delivery_id: int, actor_name: str = "") -> OutboundDelivery:
    """Send a dead letter again: a fresh set of attempts, starting now. Replaying one that is already
    waiting or sent changes nothing (OutboundError says so)."""
    now = timezone.now()
    with transaction.atomic():
        changed = OutboundDelivery.objects.filter(pk=delivery_id, state=DeliveryState.DEAD).update(
            state=DeliveryState.PENDING, attempts=0, next_attempt_at=now, max_attempts=settings.OUTBOUND_MAX_ATTEMPTS,
            timeout_s=settings.OUTBOUND_TIMEOUT_S,
        )  # fmt: skip
        delivery = OutboundDelivery.objects.get(pk=delivery_id)
        if not changed:
            raise OutboundError(f"Delivery {delivery_id} is {delivery.get_state_display().lower()}, not a dead letter.")
        OutboundDelivery.objects.filter(pk=delivery_id).update(replays=delivery.replays + 1)
        delivery.replays += 1
        logger.info("outbound delivery replayed", extra={"delivery": delivery_id, "by": actor_name})
        dispatch_on_commit([delivery_id])
    return delivery


def deliveries_sweep(*, now: datetime | None = None) -> list[int]:
    """The due deliveries (retries whose time has come, lost dispatches) and stale claims of dead workers,
    oldest first; stale claims are put back to pending first."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOUND_CLAIM_STALE_S)
    OutboundDelivery.objects.filter(state=DeliveryState.SENDING, claimed_at__lt=stale).update(
        state=DeliveryState.PENDING, next_attempt_at=now, claimed_at=None
    )
    return list(
        OutboundDelivery.objects.filter(Q(state=DeliveryState.PENDING) & Q(next_attempt_at__lte=now))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[: settings.OUTBOUND_SWEEP_BATCH]
    )
