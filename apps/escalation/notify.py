"""Notification channels behind one small module: email through Django's mail backend, chat through a generic
JSON incoming webhook (Slack, Teams and Mattermost all accept {"text": ...}).

Chat goes through the one outbound delivery service (apps/outbound: delivery log, dead letters, the guard against
private addresses); this module stays the only place escalation sends from.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail

from apps.outbound.models import DeliveryState
from apps.outbound.services import delivery_send_inline

logger = logging.getLogger(__name__)

CHAT_SOURCE = "escalation.chat"  # the outbound deliveries of chat notifications


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    link: str


@dataclass(frozen=True)
class Result:
    ok: bool
    attempts: int = 1
    error: str = ""


def send_email(address: str, message: Message) -> Result:
    """One email through the configured backend (EMAIL_URL); a failure is returned, never raised."""
    try:
        send_mail(message.subject, f"{message.body}\n\n{message.link}", settings.DEFAULT_FROM_EMAIL, [address])
    except Exception as error:  # SMTP errors come in many classes; every one is recorded on the delivery
        logger.warning("escalation email to %s failed: %s", address, error)
        return Result(ok=False, error=str(error)[:500])
    return Result(ok=True)


def send_chat(url: str, message: Message) -> Result:
    """POST {"text": ...} to an incoming webhook through the outbound delivery service (the private-address
    guard, a timeout, a capped answer, a delivery row): a few quick tries with backoff and jitter on connection
    errors and 5xx/429 answers; other 4xx answers are final. What still fails is a dead letter a person can
    replay from the integrations screen."""
    payload = {"text": f"*{message.subject}*\n{message.body}\n<{message.link}|Open>"}
    delivery = delivery_send_inline(
        source=CHAT_SOURCE,
        url=url,
        body=payload,
        tries=max(1, settings.ESCALATION_WEBHOOK_ATTEMPTS),
        timeout_s=settings.ESCALATION_WEBHOOK_TIMEOUT_S,
    )
    ok = delivery.state == DeliveryState.SENT
    if not ok:
        logger.warning("escalation chat webhook failed after %s attempts: %s", delivery.attempts, delivery.last_error)
    return Result(ok=ok, attempts=delivery.attempts, error="" if ok else delivery.last_error)
