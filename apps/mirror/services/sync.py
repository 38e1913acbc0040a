"""Incremental sync of one Odoo model into the mirror, by write_date, page by page.

Polling is the backbone (webhooks only make it faster). Each page is upserted in its own
transaction and the cursor moves with it, so a failure mid-run loses nothing: the next run
restarts from the last committed page.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.mirror.changes import dispatch_on_commit
from apps.mirror.locks import exclusive
from apps.mirror.models import SyncState
from apps.mirror.prefetch import prefetched
from apps.mirror.specs import MirrorSpec, spec_for
from apps.mirror.upsert import upsert_rows
from apps.odoo.client import OdooClient, get_client
from apps.odoo.errors import OdooError

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (model, rows read, rows changed)


@dataclass
class SyncResult:
    odoo_model: str
    rows: int = 0
    changed: int = 0
    seconds: float = 0.0
    error: str = ""
    rejected: int = 0  # rows left out because they could not be read
    rejected_detail: str = ""  # the first of them: "stock.move 42: ValueError: …"

    @property
    def ok(self) -> bool:
        return not self.error


def sync_model(
    odoo_model: str, *, full: bool = False, client: OdooClient | None = None, progress: Progress | None = None
) -> SyncResult:
    """One sync pass of `odoo_model`. Raises AlreadyRunning if another pass of it is under way.

    Odoo errors end the run cleanly (recorded on the model's SyncState) and are returned, not raised.
    """
    spec = spec_for(odoo_model)
    client = client or get_client()
    with exclusive(f"sync:{odoo_model}", timeout_s=settings.MIRROR_SYNC_LOCK_S) as renew_lock:
        state, _ = SyncState.objects.get_or_create(odoo_model=odoo_model)
        SyncState.objects.filter(pk=state.pk).update(last_started_at=timezone.now())
        result = SyncResult(odoo_model)
        started = time.perf_counter()
        try:
            _run(spec, state, client, None if full else state.cursor, result, progress, renew_lock)
        except OdooError as exc:
            result.error = str(exc)
            logger.warning("sync failed", extra={"odoo_model": odoo_model, "error": result.error})
        result.seconds = time.perf_counter() - started
        _record_run(state, result)
        return result


def _run(
    spec: MirrorSpec,
    state: SyncState,
    client: OdooClient,
    since: datetime | None,
    result: SyncResult,
    progress: Progress | None,
    renew_lock: Callable[[], None],
) -> None:
    cursor = state.cursor
    newest = state.newest_write_date
    overlap = timedelta(seconds=settings.MIRROR_OVERLAP_S)
    pages = client.iter_changed(
        spec.odoo_model, spec.odoo_fields, since, overlap=overlap, include_archived=spec.has_active
    )
    for page in prefetched(pages):
        newest = _latest(newest, page.max_write_date)
        # Everything before resume_from is now read; never move the cursor backwards (overlap).
        cursor = _latest(cursor, page.resume_from)
        with transaction.atomic():
            changes = upsert_rows(spec, page.rows)
            SyncState.objects.filter(pk=state.pk).update(cursor=cursor, newest_write_date=newest)
            dispatch_on_commit(changes)
        renew_lock()
        result.rows += len(page.rows)
        result.changed += changes.size
        if changes.rejected:
            result.rejected += len(changes.rejected)
            odoo_id, reason = next(iter(changes.rejected.items()))
            result.rejected_detail = result.rejected_detail or f"{spec.odoo_model} {odoo_id}: {reason}"
        if progress:
            progress(spec.odoo_model, result.rows, result.changed)
    # The run read everything up to the newest change: the next one starts there (minus overlap).
    SyncState.objects.filter(pk=state.pk).update(cursor=_latest(cursor, newest), newest_write_date=newest)


def _record_run(state: SyncState, result: SyncResult) -> None:
    now = timezone.now()
    values = {
        "last_finished_at": now,
        "last_rows": result.rows,
        "last_changed": result.changed,
        "last_duration_ms": int(result.seconds * 1000),
        "last_error": result.error,
        "last_rejected": result.rejected,
        "last_rejected_detail": result.rejected_detail[:2000],
    }
    if result.ok:
        values.update(last_success_at=now, consecutive_failures=0)
        SyncState.objects.filter(pk=state.pk).update(**values)
    else:
        state.refresh_from_db(fields=["consecutive_failures"])
        SyncState.objects.filter(pk=state.pk).update(consecutive_failures=state.consecutive_failures + 1, **values)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)
