"""Odoo webhooks in: authenticate, validate, store once, then refresh the record by RPC.

Odoo 17 sends its automation webhook inside the triggering transaction, before commit, with no
signature and no retry. So the payload is only a hint: we store it, answer at once, and re-read
the record from Odoo a moment later (never trusting the payload's values).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import ParseError

from apps.core.api.parsers import check_shape, refuse_constant
from apps.core.numbers import MAX_ODOO_ID
from apps.mirror.changes import dispatch_on_commit
from apps.mirror.models import InboundEvent
from apps.mirror.specs import SPECS, spec_for
from apps.mirror.upsert import upsert_rows
from apps.odoo.client import get_client

logger = logging.getLogger(__name__)

REFRESH_TASK = "mirror.refresh_from_webhook"
KEEP_REJECTED_BYTES = 10_000
DUPLICATE_WINDOW_S = 10  # payloads without write_date: identical bodies this close are one event


class WebhookRejected(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class RecordNotReadableYet(Exception):
    """Odoo sent the webhook before committing: the record cannot be read yet."""


class NothingChangedYet(Exception):
    """The record reads as the mirror has it: Odoo may not have committed the change yet."""


def secret_matches(given: str) -> bool:
    """Constant-time comparison, so the secret cannot be guessed one character at a time."""
    return hmac.compare_digest(given.encode(), settings.ODOO_WEBHOOK_SECRET.encode())


def webhook_receive(*, body: bytes) -> tuple[InboundEvent, bool]:
    """Store one webhook; return (event, is_new). Raises WebhookRejected (kept for inspection)."""
    if len(body) > settings.MIRROR_WEBHOOK_MAX_BYTES:
        _keep_rejected(body, f"body of {len(body)} bytes exceeds {settings.MIRROR_WEBHOOK_MAX_BYTES}")
        raise WebhookRejected(f"Body too large: at most {settings.MIRROR_WEBHOOK_MAX_BYTES} bytes.", status=413)
    try:
        payload = _validated(body)
    except WebhookRejected as exc:
        _keep_rejected(body, str(exc))
        raise
    key = _dedupe_key(payload, body)
    try:
        with transaction.atomic():
            event = InboundEvent.objects.create(
                dedupe_key=key,
                odoo_model=payload["_model"],
                odoo_id=payload["_id"],
                action=str(payload.get("_action", ""))[:200],
                payload=payload,
            )
            transaction.on_commit(lambda: _queue_refresh(event.pk))
    except IntegrityError:
        existing = InboundEvent.objects.filter(dedupe_key=key).first()
        if existing is None:
            raise  # another constraint failed: a real error, not a duplicate
        return existing, False
    return event, True


def _validated(body: bytes) -> dict:
    try:
        payload = json.loads(body, parse_constant=refuse_constant)
        check_shape(payload)
    except RecursionError:
        raise WebhookRejected("Body is nested too deeply.") from None
    except ParseError as exc:
        raise WebhookRejected(str(exc.detail)) from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, NaN/Infinity, over-long integers
        raise WebhookRejected(f"Body is not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise WebhookRejected("Body must be a JSON object with _model and _id.")
    model, record_id = payload.get("_model"), payload.get("_id")
    if not isinstance(model, str) or model not in SPECS:
        raise WebhookRejected(f"_model must be one of the mirrored models ({', '.join(SPECS)}), got {model!r}.")
    if isinstance(record_id, bool) or not isinstance(record_id, int) or not 0 < record_id <= MAX_ODOO_ID:
        raise WebhookRejected(f"_id must be a positive integer record id, got {record_id!r}.")
    return payload


def _dedupe_key(payload: dict, body: bytes) -> str:
    write_date = payload.get("write_date")
    if isinstance(write_date, str) and write_date:
        basis = f"{payload['_model']}:{payload['_id']}:{write_date}"
    else:
        basis = f"{hashlib.sha256(body).hexdigest()}:{int(time.time() // DUPLICATE_WINDOW_S)}"
    return hashlib.sha256(basis.encode()).hexdigest()


def _keep_rejected(body: bytes, reason: str) -> None:
    InboundEvent.objects.create(
        dedupe_key=uuid.uuid4().hex,
        # PostgreSQL text cannot hold NUL: keep it visible but storable
        raw_body=body[:KEEP_REJECTED_BYTES].decode("utf-8", errors="replace").replace("\x00", "\\u0000"),
        status=InboundEvent.Status.REJECTED,
        last_error=reason,
    )
    logger.warning("webhook rejected", extra={"reason": reason})


def _queue_refresh(event_id: int) -> None:
    # By name: the task module imports this one.
    current_app.send_task(REFRESH_TASK, args=(event_id,), countdown=settings.MIRROR_WEBHOOK_DELAY_S)


def event_refresh(event_id: int, *, expect_change: bool = False) -> InboundEvent | None:
    """Re-read the event's record from Odoo and upsert it. Safe to repeat.

    Raises RecordNotReadableYet when Odoo has not committed it yet, and OdooError when Odoo fails;
    the task retries both. With `expect_change`, a read identical to the mirror raises
    NothingChangedYet instead of closing the event: Odoo sends the webhook before its commit, so an
    early read can still see the old state.
    """
    event = InboundEvent.objects.filter(pk=event_id).exclude(status=InboundEvent.Status.REJECTED).first()
    if event is None or event.status == InboundEvent.Status.PROCESSED:
        return event
    InboundEvent.objects.filter(pk=event.pk).update(attempts=event.attempts + 1)
    assert event.odoo_id is not None  # only rejected events (excluded above) have no record id
    spec = spec_for(event.odoo_model)
    context = {"active_test": False} if spec.has_active else None
    rows = get_client().read(event.odoo_model, [event.odoo_id], [*spec.odoo_fields, "write_date"], context=context)
    if not rows:
        raise RecordNotReadableYet(f"{event.odoo_model}#{event.odoo_id} is not readable in Odoo (yet)")
    with transaction.atomic():
        changes = upsert_rows(spec, rows)
        if changes.rejected:  # retrying reads the same answer: dead-letter it for an admin to replay
            reason = next(iter(changes.rejected.values()))
            event_give_up(event.pk, f"Odoo's answer cannot be read: {reason}", dead=True)
            return event
        if expect_change and not changes:
            raise NothingChangedYet(f"{event.odoo_model}#{event.odoo_id} unchanged so far")
        dispatch_on_commit(changes)
        InboundEvent.objects.filter(pk=event.pk).update(
            status=InboundEvent.Status.PROCESSED, processed_at=timezone.now(), last_error=""
        )
    return event


def event_give_up(event_id: int, error: str, *, dead: bool) -> None:
    """After the last retry: dead-letter it (Odoo kept failing) or close it (record never appeared)."""
    status = InboundEvent.Status.DEAD if dead else InboundEvent.Status.PROCESSED
    InboundEvent.objects.filter(pk=event_id).update(status=status, last_error=error[:2000], processed_at=timezone.now())


def event_replay(event_id: int) -> None:
    """An admin replays a dead event: back to received, refresh queued after commit."""
    updated = InboundEvent.objects.filter(pk=event_id, status=InboundEvent.Status.DEAD).update(
        status=InboundEvent.Status.RECEIVED, attempts=0, last_error=""
    )
    if updated:
        transaction.on_commit(lambda: _queue_refresh(event_id))


# --- how fast the intake answers -----------------------------------------------------------------
# Odoo posts inside the user's save with a 1 s timeout: a slow intake slows every save in Odoo.
ANSWER_TIMES_KEY = "mirror:webhook:answer_ms"
ANSWER_TIMES_KEPT = 200


def webhook_answer_time_record(milliseconds: float) -> None:
    """Remember how long the intake took to answer (the last ANSWER_TIMES_KEPT, shared by all processes)."""
    try:
        times = cache.get(ANSWER_TIMES_KEY) or []
        cache.set(ANSWER_TIMES_KEY, [*times, round(milliseconds, 1)][-ANSWER_TIMES_KEPT:], timeout=7 * 24 * 3600)
    except Exception:  # timing is a nicety: never fail a webhook over it
        logger.debug("could not record the webhook answer time", exc_info=True)


def webhook_answer_times() -> dict:
    """``{"count", "p50_ms", "p95_ms", "max_ms"}`` of the intake's recent answers (None when there were none)."""
    try:
        times = sorted(cache.get(ANSWER_TIMES_KEY) or [])
    except Exception:
        times = []
    if not times:
        return {"count": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}
    return {
        "count": len(times),
        "p50_ms": times[len(times) // 2],
        "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
        "max_ms": times[-1],
    }
