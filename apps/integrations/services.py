"""Webhook subscriptions (create, update, rotate the secret, delete), the events they receive and their
test event. Admin edits are audited; deliveries go through the outbound delivery service."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.audit.services import audit_record
from apps.integrations.events import WebhookEvent, webhook_events_for
from apps.integrations.models import EventType, WebhookSubscription
from apps.outbound.guard import UnsafeUrl, check_url
from apps.outbound.models import OutboundDelivery
from apps.outbound.services import Draft, deliveries_enqueue
from apps.outbound.signing import secret_new
from apps.sites.models import Site

SOURCE = "webhook"  # the outbound deliveries of event webhooks
SIGNER = "webhook-subscription"  # signs with the subscription's current secrets
TEST_EVENT = "webhook.test"


class IntegrationError(Exception):
    """A subscription cannot be saved as asked; the message says what to fix."""


@dataclass(frozen=True)
class NewSubscription:
    subscription: WebhookSubscription
    secret: str  # shown once


def _clean(url: str, event_types: list[str]) -> tuple[str, list[str]]:
    url = url.strip()
    try:
        check_url(url)
    except UnsafeUrl as exc:
        raise IntegrationError(str(exc)) from None
    unknown = sorted(set(event_types) - set(EventType.values))
    if unknown:
        raise IntegrationError(f"Unknown event types: {', '.join(unknown)}. Known: {', '.join(EventType.values)}.")
    if not event_types:
        raise IntegrationError("Choose at least one event type.")
    return url, [value for value in EventType.values if value in event_types]  # one order, no repeats


def _audit(subscription: WebhookSubscription, *, action: str, actor: Any, data: dict | None = None) -> None:
    audit_record(
        action=f"webhook.{action}",
        subject=f"webhook_subscription:{subscription.pk}",
        actor=actor,
        site_code=subscription.site.code if subscription.site else "",
        data={"name": subscription.name, "url": subscription.url, "events": subscription.event_types, **(data or {})},
    )


@transaction.atomic
def subscription_create(
    *, name: str, url: str, event_types: list[str], site: Site | None, actor: Any
) -> NewSubscription:
    """A new subscription with a fresh secret (returned once: it is never shown again)."""
    url, event_types = _clean(url, event_types)
    if not name.strip():
        raise IntegrationError("Give the subscription a name (who receives it, e.g. 'n8n case flow').")
    secret = secret_new()
    subscription = WebhookSubscription.objects.create(
        name=name.strip()[:100], url=url, event_types=event_types, site=site, secret=secret,
        created_by=actor if getattr(actor, "pk", None) else None, created_at=timezone.now(),
    )  # fmt: skip
    _audit(subscription, action="created", actor=actor)
    return NewSubscription(subscription, secret)


@transaction.atomic
def subscription_update(
    *, subscription: WebhookSubscription, actor: Any, url: str | None = None, event_types: list[str] | None = None,
    is_active: bool | None = None, name: str | None = None,
) -> WebhookSubscription:  # fmt: skip
    """Change the URL, events, name or pause it; the change is audited (old and new values)."""
    before = {"url": subscription.url, "events": subscription.event_types, "active": subscription.is_active}
    new_url, new_events = _clean(
        subscription.url if url is None else url,
        subscription.event_types if event_types is None else event_types,
    )
    subscription.url, subscription.event_types = new_url, new_events
    if is_active is not None:
        subscription.is_active = is_active
    if name is not None and name.strip():
        subscription.name = name.strip()[:100]
    subscription.save()
    _audit(subscription, action="updated", actor=actor, data={"before": before, "active": subscription.is_active})
    return subscription


@transaction.atomic
def subscription_rotate_secret(*, subscription: WebhookSubscription, actor: Any) -> NewSubscription:
    """A new secret signs from now on; the previous one signs too for WEBHOOK_SECRET_OVERLAP_H hours, so
    the receiver can switch over without rejecting anything. Returns the new secret (shown once)."""
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_until = timezone.now() + timedelta(hours=settings.WEBHOOK_SECRET_OVERLAP_H)
    subscription.secret = secret_new()
    subscription.save()
    _audit(
        subscription,
        action="secret_rotated",
        actor=actor,
        data={"old_valid_until": str(subscription.previous_secret_until)},
    )
    return NewSubscription(subscription, subscription.secret)


@transaction.atomic
def subscription_delete(*, subscription: WebhookSubscription, actor: Any) -> None:
    """Remove the subscription. Its past deliveries stay in the log; waiting ones become dead letters at their
    next attempt (no secret signs them any more), so nothing unsigned goes out."""
    _audit(subscription, action="deleted", actor=actor)
    subscription.delete()


def secrets_for_delivery(source_ref: str) -> list[str]:
    """SIGNERS callback: the secrets that sign a delivery of this subscription right now."""
    subscription = WebhookSubscription.objects.filter(pk=int(source_ref or 0)).first()
    if subscription is None:
        raise KeyError(f"webhook subscription {source_ref} no longer exists")
    found = [subscription.secret]
    if (
        subscription.previous_secret
        and subscription.previous_secret_until
        and (subscription.previous_secret_until > timezone.now())
    ):
        found.append(subscription.previous_secret)
    return found


def envelope(event: WebhookEvent, *, site_code: str, at: str) -> dict:
    """The JSON body every subscriber receives: {"type", "timestamp", "site", "data"}."""
    return {"type": event.type, "timestamp": at, "site": site_code, "data": event.data}


def webhook_events_record(*, site_code: str, events: list[WebhookEvent]) -> list[int]:
    """One delivery per event and active subscription of the site (or of every site) that asked for its
    type (an event without a site goes to every such subscription); an event with a once-key is not sent
    twice to one subscription. Inside the caller's transaction."""
    active = WebhookSubscription.objects.filter(is_active=True)
    if site_code:  # a site's event; an event of no site (the sync from Odoo) concerns every site
        active = active.filter(Q(site__isnull=True) | Q(site__code=site_code))
    subscriptions = [
        subscription for subscription in active if any(event.type in subscription.event_types for event in events)
    ]
    if not subscriptions:
        return []
    now = timezone.now()
    at = now.isoformat()
    once_ids = {event.message_id("") for event in events if event.once_key}
    already = set(
        OutboundDelivery.objects.filter(
            source=SOURCE, message_id__in=once_ids, source_ref__in=[str(s.pk) for s in subscriptions]
        ).values_list("source_ref", "message_id")
    ) if once_ids else set()  # fmt: skip
    drafts = []
    for event in events:
        message_id = event.message_id(uuid.uuid4().hex)
        for subscription in subscriptions:
            if event.type not in subscription.event_types or (str(subscription.pk), message_id) in already:
                continue
            drafts.append(
                Draft(
                    source=SOURCE,
                    url=subscription.url,
                    body=envelope(event, site_code=site_code, at=at),
                    source_ref=str(subscription.pk),
                    message_id=message_id,
                    event_type=event.type,
                    site_code=site_code,
                    signer=SIGNER,
                )
            )
    return deliveries_enqueue(drafts=drafts, now=now)


def record_published(event: str, site_code: str, payload: dict) -> None:
    """PUBLISH_RECORDERS callback (apps/live/publisher.py): save the deliveries in a savepoint of the
    caller's transaction, so they commit with the change that caused them."""
    events = webhook_events_for(event, payload)
    if events:
        with transaction.atomic():
            webhook_events_record(site_code=site_code, events=events)


def webhook_test_send(*, subscription: WebhookSubscription, actor: Any) -> int:
    """The "send test event" button: one signed webhook.test delivery to this subscription only."""
    event = WebhookEvent(
        TEST_EVENT, {"subscription": subscription.pk, "by": getattr(actor, "username", "system"), "test": True}
    )
    now = timezone.now()
    with transaction.atomic():
        (delivery_id,) = deliveries_enqueue(
            drafts=[
                Draft(
                    source=SOURCE,
                    url=subscription.url,
                    body=envelope(
                        event, site_code=subscription.site.code if subscription.site else "", at=now.isoformat()
                    ),
                    source_ref=str(subscription.pk),
                    message_id=event.message_id(uuid.uuid4().hex),
                    event_type=TEST_EVENT,
                    site_code=subscription.site.code if subscription.site else "",
                    signer=SIGNER,
                )
            ],
            now=now,
        )
        _audit(subscription, action="test_sent", actor=actor, data={"delivery": delivery_id})
    return delivery_id


def sync_stalled_record(*, failing_since: str, error: str) -> list[int]:
    """A sync.stalled event to every subscription that asked for it, once per stall (keyed by its start)."""
    event = WebhookEvent(
        EventType.SYNC_STALLED, {"failing_since": failing_since, "error": error[:500]}, once_key=f"sync:{failing_since}"
    )
    with transaction.atomic():
        return webhook_events_record(site_code="", events=[event])
