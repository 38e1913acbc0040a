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
from datetime import datetime

from django.utils import timezone

from apps.audit.services import audit_record
from apps.odoo.config import OdooConfig
from apps.odoo.health import odoo_status
from apps.odoo.resilience import get_breaker
from apps.writeback.models import OutboxEntry

logger = logging.getLogger(__name__)

Probe = Callable[[], bool]


def _odoo_answers() -> bool:
    return bool(odoo_status(check_login=False)["ok"])


def waiting_on_odoo(now: datetime):
    """Entries that failed and wait for their next try (Odoo was down, or failing)."""
    return OutboxEntry.objects.filter(status=OutboxEntry.Status.PENDING, attempts__gt=0, next_attempt_at__gt=now)


def outbox_recover(*, now: datetime | None = None, probe: Probe | None = None) -> list[int]:
    """Ids of the entries made due now because Odoo answers again, oldest decision first; [] when
    nothing waits or Odoo still does not answer. Safe to repeat: a second call finds them due."""
    now = now or timezone.now()
    waiting = waiting_on_odoo(now)
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
