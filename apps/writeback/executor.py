"""Running outbox entries: claim, re-read, check, act, verify, record — once per entry at a time.

``outbox_execute`` is what the ``writeback.execute_entry`` task calls; ``outbox_sweep`` is what the
``writeback.sweep`` task calls to find due retries, lost dispatches and stale claims. Tests and
operators can drive both synchronously (``outbox_run_due``).

How "exactly once" holds without idempotency keys in Odoo:
- a claim is a conditional update (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL), so two
  workers never run one entry, and a result is recorded only under the claim that produced it;
- every attempt re-reads the record and asks the operation whether the effect is already there
  before writing, so a retry after a timeout or a dead worker never repeats a write that landed;
- ``write_started_at`` is saved before the first write: once set, the ``write_date`` precondition
  is no longer compared (our own write may have moved it), the state check still is.
"""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.audit.services import audit_record
from apps.mirror.changes import dispatch_on_commit
from apps.mirror.specs import SPECS
from apps.mirror.upsert import upsert_rows
from apps.odoo.client import get_client
from apps.odoo.datetimes import parse_datetime
from apps.odoo.errors import OdooAccessDenied, OdooConfigurationError, OdooError
from apps.writeback import conf, hooks
from apps.writeback.models import OutboxAttempt, OutboxEffect, OutboxEntry
from apps.writeback.operations import OPERATIONS, OperationRefused
from apps.writeback.operations.base import ProducedRecord
from apps.writeback.pause import outbox_is_paused
from apps.writeback.recording import RecordingClient

logger = logging.getLogger(__name__)

Status = OutboxEntry.Status
Outcome = OutboxAttempt.Outcome
UNKNOWN_OUTCOME = " The outcome is unknown: the next attempt re-reads the record before acting."
# Credentials or settings are wrong for every entry alike: retry (until fixed or dead), not one case each.
CONFIGURATION_ERRORS = (OdooAccessDenied, OdooConfigurationError)
LOST_MESSAGE = "The worker stopped before recording a result; the next attempt re-read Odoo before acting."


@dataclass
class Result:
    """What one attempt decided: the entry's next status and the attempt's outcome."""

    status: str
    outcome: str
    message: str = ""
    error_type: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    retry_at: datetime | None = None
    record: dict | None = None  # the last row read from Odoo (refreshes the mirror)
    produced: list[ProducedRecord] = field(default_factory=list)  # what our write made in Odoo


def claimable(now: datetime) -> Q:
    """Due pending entries, and running ones whose worker has not reported for too long."""
    stale_before = now - timedelta(seconds=conf.claim_stale_s())
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(status=Status.RUNNING, claimed_at__lt=stale_before)


def _claim(entry_id: int, now: datetime) -> tuple[OutboxEntry, OutboxAttempt] | None:
    """Take the entry for this worker, or None when it is not due or someone else has it."""
    token = uuid.uuid4().hex
    if outbox_is_paused():  # after a restore, until a person resumes it (apps/writeback/pause.py)
        return None
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            entry = OutboxEntry.objects.select_for_update(skip_locked=True).filter(claimable(now), pk=entry_id).first()
            if entry is None:
                return None
            was_stale = entry.status == Status.RUNNING
            OutboxEntry.objects.filter(pk=entry_id).update(
                status=Status.RUNNING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
            )
        else:
            # SQLite has no row locks; the UPDATE's WHERE decides, and only one writer gets rowcount 1.
            before = OutboxEntry.objects.filter(pk=entry_id).values_list("status", flat=True).first()
            claimed = OutboxEntry.objects.filter(claimable(now), pk=entry_id).update(
                status=Status.RUNNING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
            )
            if claimed != 1:
                return None
            was_stale = before == Status.RUNNING
        if was_stale:
            entry_attempts = OutboxAttempt.objects.filter(entry_id=entry_id, outcome=Outcome.RUNNING)
            entry_attempts.update(outcome=Outcome.LOST, finished_at=now, message=LOST_MESSAGE)
        entry = OutboxEntry.objects.get(pk=entry_id)
        number = (
            OutboxAttempt.objects.filter(entry_id=entry_id).order_by("-number").values_list("number", flat=True).first()
            or 0
        ) + 1
        attempt = OutboxAttempt.objects.create(entry=entry, number=number, started_at=now)
    return entry, attempt


def outbox_execute(*, entry_id: int, now: datetime | None = None) -> OutboxEntry | None:
    """Run one entry if it is due and nobody else runs it; return it as recorded, else None.

    Never raises for Odoo failures: they become the entry's status (retry later, needs attention,
    dead). Safe to call any number of times for the same entry.
    """
    now = now or timezone.now()
    claim = _claim(entry_id, now)
    if claim is None:
        return None
    entry, attempt = claim
    client = RecordingClient(get_client())
    try:
        result = _attempt(entry, client)
    except OdooError as exc:
        result = _failure(entry, exc, now)
    except SoftTimeLimitExceeded:
        # Stopped mid-call by the task's time limit: like a timeout, the next attempt re-reads first.
        result = _retry_later(entry, f"The attempt ran out of time.{UNKNOWN_OUTCOME}", "SoftTimeLimitExceeded", now)
    except OperationRefused as exc:
        result = Result(Status.NEEDS_ATTENTION, Outcome.NEEDS_ATTENTION, str(exc), error_type="OperationRefused")
    except Exception as exc:  # a bug must stop the entry for a person, not loop or vanish
        logger.exception("outbox entry %s failed in Control Tower", entry_id)
        message = f"Control Tower failed while running {entry.operation}: {type(exc).__name__}: {exc}"
        result = Result(Status.NEEDS_ATTENTION, Outcome.NEEDS_ATTENTION, message, error_type=type(exc).__name__)
    return _record(entry, attempt, result, client.calls)


def _attempt(entry: OutboxEntry, client: RecordingClient) -> Result:
    operation = OPERATIONS[entry.operation]
    record = operation.read(client, entry)
    if record is None:
        return Result(
            Status.NEEDS_ATTENTION, Outcome.NEEDS_ATTENTION, f"{entry.target} does not exist in Odoo (any more)."
        )
    if operation.already_done(client, entry, record):
        note = " (an earlier attempt had started writing)" if entry.write_started_at else ""
        # An earlier attempt of ours wrote it (and died before recording): its effects are still ours.
        produced = operation.produced(client, entry, record) if entry.write_started_at else []
        return Result(
            Status.SKIPPED,
            Outcome.SKIPPED,
            f"Already in Odoo{note}; nothing written.",
            record=record,
            produced=produced,
        )
    problems = operation.check_preconditions(entry, record, write_date_strict=entry.write_started_at is None)
    if problems:
        return Result(Status.NEEDS_ATTENTION, Outcome.NEEDS_ATTENTION, " ".join(problems), record=record)
    _mark_write_started(entry)
    answer = operation.perform(client, entry, record)
    after = operation.read(client, entry) if operation.changes_record else record
    if after is None or not operation.already_done(client, entry, after):
        raise OperationRefused(operation.not_visible(entry, after))
    return Result(
        Status.DONE,
        Outcome.DONE,
        "Written and verified in Odoo.",
        result={"odoo": answer},
        record=after,
        produced=operation.produced(client, entry, after),
    )


def _mark_write_started(entry: OutboxEntry) -> None:
    if entry.write_started_at is None:
        entry.write_started_at = timezone.now()
        OutboxEntry.objects.filter(pk=entry.pk, claim_token=entry.claim_token).update(
            write_started_at=entry.write_started_at
        )


def _failure(entry: OutboxEntry, exc: OdooError, now: datetime) -> Result:
    error_type = type(exc).__name__
    if not (exc.transient or isinstance(exc, CONFIGURATION_ERRORS)):
        # Odoo said no (validation, access, missing record...): repeating would get the same answer.
        return Result(Status.NEEDS_ATTENTION, Outcome.NEEDS_ATTENTION, str(exc), error_type=error_type)
    unknown = UNKNOWN_OUTCOME if exc.outcome_unknown else ""
    return _retry_later(entry, f"{exc}{unknown}", error_type, now)


def _retry_later(entry: OutboxEntry, message: str, error_type: str, now: datetime) -> Result:
    """Pending again after a backoff delay, or dead once the attempts are used up."""
    if entry.attempts >= conf.max_attempts():
        return Result(
            Status.DEAD, Outcome.DEAD, f"Gave up after {entry.attempts} attempts: {message}", error_type=error_type
        )
    retry_at = now + timedelta(seconds=backoff_delay_s(entry.attempts))
    return Result(Status.PENDING, Outcome.RETRY, message, error_type=error_type, retry_at=retry_at)


def backoff_delay_s(attempts: int) -> float:
    """Exponential backoff with jitter: base·2^(n−1), capped, then a random half to full of it."""
    ceiling = min(conf.backoff_max_s(), conf.backoff_base_s() * 2 ** max(attempts - 1, 0))
    # Jitter spreads the retries of many entries that failed together (Odoo down); not security.
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311


def _record(entry: OutboxEntry, attempt: OutboxAttempt, result: Result, calls: list[dict]) -> OutboxEntry:
    finished = timezone.now()
    values: dict[str, Any] = {
        "status": result.status,
        "last_error": "" if result.status in (Status.DONE, Status.SKIPPED) else result.message,
        "claim_token": "",
        "claimed_at": None,
        "dispatched_at": None,
        "updated_at": finished,
    }
    if result.retry_at is not None:
        values["next_attempt_at"] = result.retry_at
    else:
        values["finished_at"] = finished
        values["result"] = {"message": result.message, **result.result}
    with transaction.atomic():
        recorded = OutboxEntry.objects.filter(pk=entry.pk, status=Status.RUNNING, claim_token=entry.claim_token).update(
            **values
        )
        outcome = result.outcome if recorded == 1 else Outcome.SUPERSEDED
        OutboxAttempt.objects.filter(pk=attempt.pk).update(
            outcome=outcome, finished_at=finished, calls=calls, message=result.message, error_type=result.error_type
        )
        if recorded != 1:
            # The claim went stale and another worker took the entry: its result is the one that counts.
            logger.warning("outbox entry %s: result of a superseded claim dropped", entry.pk)
            return OutboxEntry.objects.get(pk=entry.pk)
        entry.refresh_from_db()
        _record_effects(entry, result.produced)
        _audit(entry, attempt, result)
        if result.status in (Status.DONE, Status.SKIPPED) and result.record is not None:
            _refresh_mirror(entry, result.record)
        if result.status in (Status.NEEDS_ATTENTION, Status.DEAD):
            hooks.notify_on_commit(entry.pk)
    return entry


def _record_effects(entry: OutboxEntry, produced: list[ProducedRecord]) -> None:
    """Link the entry to what it made in Odoo, in the transaction that records it done (before the
    mirror refresh's change set runs the rules), so no rule mistakes our effect for a new event."""
    for record in produced:
        OutboxEffect.objects.update_or_create(
            entry=entry,
            odoo_model=record.odoo_model,
            odoo_id=record.odoo_id,
            defaults={"write_date": parse_datetime(record.write_date), "created": record.created},
        )


def _audit(entry: OutboxEntry, attempt: OutboxAttempt, result: Result) -> None:
    action = "outbox.retry_scheduled" if result.status == Status.PENDING else f"outbox.{result.status}"
    audit_record(
        action=action,
        subject=entry.subject,
        site_code=entry.site_code,
        data={
            "operation": entry.operation,
            "target": entry.target,
            "cause": {"type": entry.cause_type, "id": entry.cause_id},
            "idempotency_key": entry.idempotency_key,
            "requested_by": getattr(entry.requested_by, "username", None),
            "attempt": attempt.number,
            "message": result.message,
            "error_type": result.error_type,
            "next_attempt_at": result.retry_at,
        },
    )


def _refresh_mirror(entry: OutboxEntry, row: dict) -> None:
    """Update the mirror's row from the row just read, so screens need not wait for the next sync.

    Only a row the mirror already holds: a record it has not synced yet arrives with the sync,
    together with the records it points to (partner, type), which detectors expect to find.
    """
    spec = SPECS.get(entry.odoo_model)
    if spec is None or not set(spec.odoo_fields) <= set(row):
        return
    if entry.odoo_id is None or not spec.model._default_manager.filter(odoo_id=entry.odoo_id).exists():
        return
    try:
        with transaction.atomic():
            dispatch_on_commit(upsert_rows(spec, [row]))
    except Exception:  # the write-back stands; the scheduled sync will bring the mirror up to date
        logger.exception("mirror refresh after outbox entry %s failed", entry.pk)


# --- Sweeping ----------------------------------------------------------------------------------


def outbox_sweep(*, now: datetime | None = None, limit: int | None = None) -> list[int]:
    """Ids of entries to run now (due retries, lost dispatches, stale claims), marked as dispatched.

    Entries whose task was sent less than ``WRITEBACK_REDISPATCH_AFTER_S`` ago are left to it, so
    a backed-up queue is not flooded with duplicates (a duplicate would be harmless: the claim
    lets one through).
    """
    now = now or timezone.now()
    if outbox_is_paused():
        return []
    redispatch_before = now - timedelta(seconds=conf.redispatch_after_s())
    not_recently_sent = Q(dispatched_at__isnull=True) | Q(dispatched_at__lte=redispatch_before)
    due = OutboxEntry.objects.filter(claimable(now)).filter(not_recently_sent | Q(status=Status.RUNNING))
    ids = list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[: limit or conf.sweep_batch()])
    if ids:
        OutboxEntry.objects.filter(pk__in=ids, status=Status.PENDING).update(dispatched_at=now)
    return ids


def outbox_run_due(*, now: datetime | None = None, limit: int | None = None) -> dict[str, int]:
    """Sweep and run the due entries in this process, one after the other; counts by resulting status."""
    counts: dict[str, int] = {}
    for entry_id in outbox_sweep(now=now, limit=limit):
        entry = outbox_execute(entry_id=entry_id, now=now)
        if entry is not None:
            counts[entry.status] = counts.get(entry.status, 0) + 1
    return counts
