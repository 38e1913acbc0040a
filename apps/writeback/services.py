"""Writes of the outbox: enqueue a write-back with a decision, retry or cancel an entry.

Running entries lives in :mod:`apps.writeback.executor` (``outbox_execute``, ``outbox_sweep``,
``outbox_run_due``), re-exported here so callers have one module to import.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from celery import current_app
from django.db import IntegrityError, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from apps.audit.services import audit_record
from apps.writeback.executor import outbox_execute, outbox_run_due, outbox_sweep
from apps.writeback.models import OutboxEntry
from apps.writeback.operations import InvalidOutboxRequest, get_operation

if TYPE_CHECKING:
    from apps.accounts.models import User

logger = logging.getLogger(__name__)

EXECUTE_TASK = "writeback.execute_entry"
Status = OutboxEntry.Status
RETRYABLE = (Status.NEEDS_ATTENTION, Status.DEAD, Status.PENDING)
CANCELLABLE = (Status.PENDING, Status.NEEDS_ATTENTION, Status.DEAD)

__all__ = [
    "InvalidOutboxRequest",
    "OutboxStateError",
    "outbox_cancel",
    "outbox_enqueue",
    "outbox_execute",
    "outbox_retry",
    "outbox_run_due",
    "outbox_sweep",
]


class OutboxStateError(Exception):
    """The entry's status does not allow what was asked (retry a done entry, cancel a running one)."""


def outbox_enqueue(
    *,
    operation: str,
    odoo_model: str,
    odoo_id: int | None,
    arguments: dict,
    preconditions: dict,
    idempotency_key: str,
    cause_type: str,
    cause_id: str,
    requested_by: User | None = None,
    site_code: str = "",
) -> OutboxEntry:
    """Record a write to Odoo as part of the caller's decision; it runs once the decision commits.

    Must be called inside the decision's ``transaction.atomic()``, so the decision and its
    write-back land together or not at all. The same ``idempotency_key`` returns the existing
    entry (a double-click, a replayed request); reusing a key for another operation or record
    raises InvalidOutboxRequest, as do unknown operations and bad arguments (see each operation's
    docstring in :mod:`apps.writeback.operations`).
    """
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError("outbox_enqueue must run inside the decision's transaction.atomic().")
    if not idempotency_key:
        raise InvalidOutboxRequest("An outbox entry needs an idempotency key.")
    existing = OutboxEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_request(existing, operation=operation, odoo_model=odoo_model, odoo_id=odoo_id)
    cleaned = get_operation(operation).validate(
        odoo_model=odoo_model, odoo_id=odoo_id, arguments=arguments or {}, preconditions=preconditions or {}
    )
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin must not break the caller's transaction
            entry = OutboxEntry.objects.create(
                operation=operation,
                odoo_model=odoo_model,
                odoo_id=odoo_id,
                arguments=cleaned,
                preconditions=dict(preconditions or {}),
                idempotency_key=idempotency_key,
                cause_type=cause_type,
                cause_id=str(cause_id),
                requested_by=requested_by if getattr(requested_by, "pk", None) else None,
                site_code=site_code,
                next_attempt_at=now,
                dispatched_at=now,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        existing = OutboxEntry.objects.get(idempotency_key=idempotency_key)
        return _same_request(existing, operation=operation, odoo_model=odoo_model, odoo_id=odoo_id)
    dispatch_on_commit(entry.pk)
    return entry


def _same_request(entry: OutboxEntry, *, operation: str, odoo_model: str, odoo_id: int | None) -> OutboxEntry:
    if (entry.operation, entry.odoo_model, entry.odoo_id) != (operation, odoo_model, odoo_id):
        raise InvalidOutboxRequest(
            f"Idempotency key {entry.idempotency_key!r} already names outbox entry {entry.pk} "
            f"({entry.operation} on {entry.target})."
        )
    return entry


def dispatch_on_commit(entry_id: int) -> None:
    """Send the execute task once the current transaction commits (robust: never breaks the caller)."""
    transaction.on_commit(lambda: _send(entry_id), robust=True)


def _send(entry_id: int) -> None:
    try:
        # By name: the task module imports this one.
        current_app.send_task(EXECUTE_TASK, args=(entry_id,))
    except Exception:
        # The broker is down: forget the dispatch so the sweeper sends it at its next run.
        logger.exception("could not queue outbox entry %s; the sweeper will", entry_id)
        OutboxEntry.objects.filter(pk=entry_id, status=Status.PENDING).update(dispatched_at=None)


@transaction.atomic
def outbox_retry(*, entry_id: int, actor: User, now: datetime | None = None) -> OutboxEntry:
    """Run an entry that needs attention or is dead again, now, with a fresh attempt budget (audited).

    A pending entry is simply made due now. Preconditions still apply: when the record moved on,
    cancel the entry and decide again instead.
    """
    now = now or timezone.now()
    entry = OutboxEntry.objects.get(pk=entry_id)
    if entry.status not in RETRYABLE:
        raise OutboxStateError(
            f"Outbox entry {entry.pk} is {entry.get_status_display().lower()}; only an entry "
            "that needs attention, is dead or is pending can be retried."
        )
    previous = entry.status
    updated = OutboxEntry.objects.filter(pk=entry.pk, status=previous).update(
        status=Status.PENDING,
        attempts=0,
        next_attempt_at=now,
        dispatched_at=now,
        finished_at=None,
        last_error="",
        updated_at=now,
    )
    if updated != 1:
        raise OutboxStateError(f"Outbox entry {entry.pk} changed while retrying it; look again.")
    if previous != Status.PENDING:
        audit_record(
            action="outbox.retried",
            subject=entry.subject,
            actor=actor,
            site_code=entry.site_code,
            data={
                "operation": entry.operation,
                "target": entry.target,
                "previous_status": previous,
                "last_error": entry.last_error,
                "cause": {"type": entry.cause_type, "id": entry.cause_id},
            },
        )
    dispatch_on_commit(entry.pk)
    entry.refresh_from_db()
    return entry


@transaction.atomic
def outbox_cancel(*, entry_id: int, actor: User, reason: str = "", now: datetime | None = None) -> OutboxEntry:
    """Give up an entry that has not reached Odoo's effect (pending, needs attention, dead); audited.

    Cancelling a cancelled entry returns it unchanged. A running entry cannot be cancelled: its
    call may be in flight.
    """
    now = now or timezone.now()
    entry = OutboxEntry.objects.get(pk=entry_id)
    if entry.status == Status.CANCELLED:
        return entry
    if entry.status not in CANCELLABLE:
        raise OutboxStateError(
            f"Outbox entry {entry.pk} is {entry.get_status_display().lower()}; only a pending "
            "entry, or one that needs attention or is dead, can be cancelled."
        )
    previous = entry.status
    updated = OutboxEntry.objects.filter(pk=entry.pk, status=previous).update(
        status=Status.CANCELLED, finished_at=now, updated_at=now, claim_token="", claimed_at=None
    )
    if updated != 1:
        raise OutboxStateError(
            f"Outbox entry {entry.pk} changed while cancelling it (a worker picked it up); look again."
        )
    audit_record(
        action="outbox.cancelled",
        subject=entry.subject,
        actor=actor,
        site_code=entry.site_code,
        data={
            "operation": entry.operation,
            "target": entry.target,
            "previous_status": previous,
            "reason": reason,
            "cause": {"type": entry.cause_type, "id": entry.cause_id},
        },
    )
    entry.refresh_from_db()
    return entry
