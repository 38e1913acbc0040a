"""Notification channels behind one small module: email through Django's mail backend, chat through a generic
JSON incoming webhook (Slack, Teams and Mattermost all accept {"text": ...}).

Issue 21 brings one outbound delivery service (log, dead letters, the guard against private addresses); until then
this module is the only place escalation sends from, so swapping it changes nothing else.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)


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
    """POST {"text": ...} to an incoming webhook, with a timeout and a few retries (backoff with jitter) on
    connection errors and 5xx/429 answers; other 4xx answers are final."""
    attempts = max(1, settings.ESCALATION_WEBHOOK_ATTEMPTS)
    payload = {"text": f"*{message.subject}*\n{message.body}\n<{message.link}|Open>"}
    error = ""
    for attempt in range(1, attempts + 1):
        try:
            response = requests.post(url, json=payload, timeout=settings.ESCALATION_WEBHOOK_TIMEOUT_S)
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        else:
            if response.status_code < 300:
                return Result(ok=True, attempts=attempt)
            error = f"HTTP {response.status_code}"
            if response.status_code < 500 and response.status_code != 429:
                return Result(ok=False, attempts=attempt, error=error)
        if attempt < attempts:
            time.sleep(min(2.0, 0.2 * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0))  # noqa: S311  jitter
    logger.warning("escalation chat webhook failed after %s attempts: %s", attempts, error)
    return Result(ok=False, attempts=attempts, error=error)
