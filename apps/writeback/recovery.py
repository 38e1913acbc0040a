"""When Odoo answers again after an outage, the entries waiting on it go at once, oldest first.

Without this, an entry that failed while Odoo was down waits out its backoff (30 s doubling,
jittered) and the next 30 s sweep: minutes after Odoo is back. ``outbox_recover`` runs every few
seconds (beat, ``writeback.recover``): when entries wait on a retry it probes Odoo once (the probe
bypasses the circuit breaker), and when Odoo answers it closes the breaker and makes the waiting
entries due now, in the order they were decided; the task sends them at a rate Odoo can take.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from apps.audit.services import audit_record
from apps.odoo.client import get_client
from apps.odoo.config import OdooConfig
from apps.odoo.errors import OdooError
from apps.odoo.health import odoo_status
from apps.odoo.resilience import get_breaker
from apps.writeback.models import OutboxAttempt, OutboxEntry
from apps.writeback.operations import OPERATIONS
from apps.writeback.pause import outbox_is_paused
from apps.writeback.recording import RecordingClient

logger = logging.getLogger(__name__)

Probe = Callable[[], bool]


def _odoo_answers() -> bool:
    return bool(odoo_status(check_login=False)["ok"])


# The failures that mean "Odoo did not answer" (not "Odoo said no"): only those wait on its return.
UNREACHABLE = ("OdooConnectionError", "OdooTimeout", "OdooUnavailable", "SoftTimeLimitExceeded")


def waiting_on_odoo():
    """Pending entries whose last attempt failed because Odoo did not answer, due or not."""
    last_error = (
        OutboxAttempt.objects.filter(entry=OuterRef("pk")).order_by("-number").values_list("error_type", flat=True)[:1]
    )
    return (
        OutboxEntry.objects.filter(status=OutboxEntry.Status.PENDING, attempts__gt=0)
        .annotate(last_error_type=Subquery(last_error))
        .filter(last_error_type__in=UNREACHABLE)
    )


def outbox_recover(*, now: datetime | None = None, probe: Probe | None = None) -> list[int]:
    """Ids of the entries made due now because Odoo answers again, oldest decision first; [] when
    nothing waits or Odoo still does not answer. Safe to repeat: a second call finds them due."""
    now = now or timezone.now()
    if outbox_is_paused():  # nothing may be written: leave them waiting, released at the resume
        return []
    waiting = waiting_on_odoo()
    if not waiting.exists():
        return []
    if not (probe or _odoo_answers)():
        return []
    get_breaker(OdooConfig.from_settings()).reset()  # Odoo answers: no need to wait for the trial call
    ids = list(waiting.order_by("created_at", "id").values_list("pk", flat=True))
    released = OutboxEntry.objects.filter(pk__in=ids, status=OutboxEntry.Status.PENDING).update(
        next_attempt_at=now, dispatched_at=now, updated_at=now
    )
    logger.info("odoo answers again: %s waiting outbox entries released", released)
    audit_record(
        action="outbox.released_after_outage",
        subject="outbox",
        site_code="",
        data={"entries": len(ids), "first": ids[0], "last": ids[-1]},
    )
    return ids


RESTORE_LOOKBACK = timedelta(days=1)  # without a restore point, entries done in the last day are checked


class Effect:
    """What Odoo shows of an entry's effect (``effect_in_odoo``)."""

    SHOWN = "shown"  # the record is there and the operation's effect is on it
    MISSING = "missing"  # the record is there, the effect is not
    GONE = "gone"  # the record itself is gone
    UNCHECKED = "unchecked"  # Odoo did not answer or refused the read


def effect_in_odoo(client: RecordingClient, entry: OutboxEntry) -> tuple[str, str]:
    """(one of ``Effect``, Odoo's error when unchecked): the same read and already-done check the
    executor makes before writing, so a report and the next attempt agree."""
    operation = OPERATIONS[entry.operation]
    try:
        record = operation.read(client, entry)
        if record is None:
            return Effect.GONE, ""
        return (Effect.SHOWN if operation.already_done(client, entry, record) else Effect.MISSING), ""
    except OdooError as exc:
        return Effect.UNCHECKED, str(exc)


def outbox_lost_in_restore(since: datetime | None) -> list[str]:
    """Entries done after the restore point whose effect Odoo no longer shows: a person reissues
    them (the decision stands; Odoo lost its effect). One line each; Odoo errors are lines too."""
    since = since or timezone.now() - RESTORE_LOOKBACK
    done = OutboxEntry.objects.filter(status=OutboxEntry.Status.DONE, finished_at__gte=since).order_by("finished_at")
    client = RecordingClient(get_client())
    lines = []
    for entry in done:
        effect, error = effect_in_odoo(client, entry)
        if effect == Effect.SHOWN:
            continue
        why = {
            Effect.GONE: "the record is gone",
            Effect.MISSING: "Odoo no longer shows its effect",
        }.get(effect, f"could not be checked ({error})")
        lines.append(
            f"outbox:{entry.pk} {entry.operation} on {entry.target}, done {entry.finished_at:%Y-%m-%d %H:%M} UTC: "
            f"{why}; reissue it from the outbox admin"
        )
    return lines
