"""Thin tasks: load ids, call a service, retry only the errors they name."""

import random

from celery import shared_task
from django.conf import settings

from apps.mirror.changes import ChangeSet, dispatch
from apps.mirror.locks import AlreadyRunning
from apps.mirror.services.reconcile import reconcile_model
from apps.mirror.services.sync import sync_pass
from apps.mirror.services.volatile import refresh_all_volatile
from apps.mirror.services.webhooks import NothingChangedYet, RecordNotReadableYet, event_give_up, event_refresh
from apps.mirror.specs import SYNC_ORDER
from apps.odoo.errors import OdooError

REFRESH_RETRIES = 6
UNCHANGED_RECHECKS = 2  # an unchanged read is looked at again this many times (the commit may lag)


@shared_task(name="mirror.dispatch_changes", soft_time_limit=120, time_limit=150)
def dispatch_changes(changes: dict) -> None:
    """Run the change-set subscribers (detectors, screens) for one committed sync page."""
    dispatch(ChangeSet.from_json(changes))


@shared_task(name="mirror.sync_all", soft_time_limit=600, time_limit=660)
def sync_all() -> dict:
    """One incremental pass over every mirrored model (a first sync when some were never synced,
    recorded as such); a model already syncing is skipped."""
    outcome = sync_pass()
    return {
        odoo_model: "already running" if result is None else (result.error or result.rows)
        for odoo_model, result in outcome.results.items()
    }


@shared_task(name="mirror.refresh_volatile", soft_time_limit=600, time_limit=660)
def refresh_volatile_fields() -> dict:
    """Re-read fields Odoo does not stamp with write_date (receivable, product cost)."""
    return refresh_all_volatile()


@shared_task(name="mirror.reconcile_all", soft_time_limit=1200, time_limit=1260)
def reconcile_all() -> dict:
    summary: dict[str, dict[str, int] | str] = {}
    for odoo_model in SYNC_ORDER:
        try:
            result = reconcile_model(odoo_model)
            summary[odoo_model] = {"deleted": len(result.deleted), "recovered": len(result.recovered)}
        except (AlreadyRunning, OdooError) as exc:
            summary[odoo_model] = repr(exc)
    return summary


@shared_task(
    name="mirror.refresh_from_webhook",
    bind=True,
    max_retries=REFRESH_RETRIES,
    soft_time_limit=60,
    time_limit=90,
)
def refresh_from_webhook(self, event_id: int) -> None:
    """Re-read a webhook's record from Odoo. Retries with backoff while the record is not committed
    yet or Odoo fails; then closes the event (record never appeared) or dead-letters it (Odoo failed)."""
    try:
        event_refresh(event_id, expect_change=self.request.retries < UNCHANGED_RECHECKS)
    except NothingChangedYet as exc:
        raise self.retry(exc=exc, countdown=settings.MIRROR_WEBHOOK_RECHECK_S) from None
    except (RecordNotReadableYet, OdooError) as exc:
        if self.request.retries >= REFRESH_RETRIES:
            event_give_up(event_id, str(exc), dead=isinstance(exc, OdooError))
            return
        countdown = settings.MIRROR_WEBHOOK_DELAY_S * (2**self.request.retries) * random.uniform(1, 1.5)  # noqa: S311
        raise self.retry(exc=exc, countdown=countdown) from None
