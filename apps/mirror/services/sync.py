"""Incremental sync of one Odoo model into the mirror, by write_date, page by page.

Polling is the backbone (webhooks only make it faster). Each page is upserted in its own
transaction and the cursor moves with it, so a failure mid-run loses nothing: the next run
restarts from the last committed page.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.mirror.changes import ChangeSet, dispatch_on_commit
from apps.mirror.locks import AlreadyRunning, exclusive
from apps.mirror.models import SyncRun, SyncState
from apps.mirror.prefetch import prefetched
from apps.mirror.services.sync_runs import sync_run_finish, sync_run_model_progress, sync_run_start
from apps.mirror.specs import SYNC_ORDER, MirrorSpec, spec_for
from apps.mirror.upsert import upsert_rows
from apps.odoo.client import OdooClient, get_client
from apps.odoo.datetimes import format_datetime, parse_datetime, truncate_to_second
from apps.odoo.errors import OdooError

logger = logging.getLogger(__name__)

# Committed pages are handed downstream together once this many rows changed (and at the end of a
# pass): one task per page cost a building sync as much as writing the page did. A periodic pass
# rarely reaches it, so detectors still see each pass's changes as soon as it ends.
NOTIFY_EVERY_ROWS = 5000

Progress = Callable[[str, int, int], None]  # (model, rows read, rows changed)
RunProgress = Callable[[SyncRun, str], None]  # (first-sync record as just saved, model that moved)


@dataclass
class SyncResult:
    odoo_model: str
    rows: int = 0
    changed: int = 0
    seconds: float = 0.0
    error: str = ""
    rejected: int = 0  # rows left out because they could not be read
    rejected_detail: str = ""  # the first of them: "stock.move 42: ValueError: …"
    rows_total: int | None = None  # what the pass had to read (Odoo's count when it started)

    @property
    def ok(self) -> bool:
        return not self.error


def sync_model(
    odoo_model: str,
    *,
    full: bool = False,
    client: OdooClient | None = None,
    progress: Progress | None = None,
    run_id: int | None = None,
    run_progress: RunProgress | None = None,
) -> SyncResult:
    """One sync pass of `odoo_model`. Raises AlreadyRunning if another pass of it is under way.

    Odoo errors end the run cleanly (recorded on the model's SyncState) and are returned, not raised.
    A model's first successful pass, or a `full` one, builds the mirror: its change sets
    are marked historical, so rules raise no decisions about the past. `run_id`: the SyncRun it
    belongs to (the change sets carry it, for rules to report what they skipped).
    """
    spec = spec_for(odoo_model)
    client = client or get_client()
    with exclusive(f"sync:{odoo_model}", timeout_s=settings.MIRROR_SYNC_LOCK_S) as renew_lock:
        state, _ = SyncState.objects.get_or_create(odoo_model=odoo_model)
        SyncState.objects.filter(pk=state.pk).update(last_started_at=timezone.now())
        result = SyncResult(odoo_model)
        started = time.perf_counter()
        try:
            # Building the mirror (never synced yet, or a full pass) reads Odoo's past: historical.
            historical = full or state.last_success_at is None
            since = None if full else state.cursor
            _run(
                spec,
                state,
                client,
                since,
                result,
                progress,
                renew_lock,
                run_id=run_id,
                run_progress=run_progress,
                historical=historical,
            )
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
    *,
    run_id: int | None = None,
    run_progress: RunProgress | None = None,
    historical: bool = False,
) -> None:
    cursor = state.cursor
    newest = state.newest_write_date
    overlap = timedelta(seconds=settings.MIRROR_OVERLAP_S)
    if run_id is not None:  # the first-sync record shows rows done of rows total, per model
        start = [("write_date", ">=", format_datetime(truncate_to_second(since - overlap)))] if since else []
        context = {"active_test": False} if spec.has_active else None
        result.rows_total = client.search_count(spec.odoo_model, start, context=context)
    # Taken before the listing: every transaction that started before `read_at - overlap` has
    # committed by then (the overlap's premise; it must also cover a clock skew with Odoo).
    read_at = timezone.now()
    pages = client.iter_changed(
        spec.odoo_model,
        spec.odoo_fields,
        since,
        overlap=overlap,
        settled_until=state.settled_until if since else None,
        already_read=_settled_in_mirror(spec, read_at - overlap) if since else None,
        include_archived=spec.has_active,
    )
    unnotified = ChangeSet(spec.odoo_model, historical=historical, sync_run_id=run_id)
    try:
        for page in prefetched(pages):
            newest = _latest(newest, page.max_write_date)
            # Everything before resume_from is now read; never move the cursor backwards (overlap).
            cursor = _latest(cursor, page.resume_from)
            with transaction.atomic():
                _commit_quickly()
                changes = upsert_rows(spec, page.rows)
                SyncState.objects.filter(pk=state.pk).update(cursor=cursor, newest_write_date=newest)
            unnotified.absorb(changes)  # committed: safe to hand downstream
            if unnotified.size >= NOTIFY_EVERY_ROWS:
                dispatch_on_commit(unnotified)
                unnotified = ChangeSet(spec.odoo_model, historical=historical, sync_run_id=run_id)
            renew_lock()
            result.rows += len(page.rows)
            result.changed += changes.size
            if changes.rejected:
                result.rejected += len(changes.rejected)
                odoo_id, reason = next(iter(changes.rejected.items()))
                result.rejected_detail = result.rejected_detail or f"{spec.odoo_model} {odoo_id}: {reason}"
            if progress:
                progress(spec.odoo_model, result.rows, result.changed)
            if run_id is not None:
                run = sync_run_model_progress(
                    run_id=run_id, odoo_model=spec.odoo_model, rows_done=result.rows, rows_total=result.rows_total
                )
                if run_progress:
                    run_progress(run, spec.odoo_model)
    finally:  # what committed is handed downstream, even when Odoo failed halfway
        dispatch_on_commit(unnotified)
    # The run read everything up to the newest change: the next one starts there (minus overlap),
    # but not before what is settled: whole seconds up to the newest one read, once the clock is
    # past them by the overlap (late commits there are impossible).
    settled = state.settled_until
    if newest is not None:
        settled = _latest(settled, min(truncate_to_second(newest) + timedelta(seconds=1), read_at - overlap))
    SyncState.objects.filter(pk=state.pk).update(
        cursor=_latest(cursor, newest), newest_write_date=newest, settled_until=settled
    )


@dataclass
class SyncPassResult:
    results: dict[str, SyncResult | None] = field(default_factory=dict)  # None: already running elsewhere
    run: SyncRun | None = None

    @property
    def ok(self) -> bool:
        return all(result is None or result.ok for result in self.results.values())


def sync_pass(
    *, models: list[str] | None = None, full: bool = False, on_progress: RunProgress | None = None
) -> SyncPassResult:
    """One pass over `models` (all, in dependency order, by default). Recorded as a SyncRun when it
    builds the mirror: `full`, or some model was never synced (the first sync after connecting)."""
    models = models or list(SYNC_ORDER)
    synced = set(SyncState.objects.filter(last_success_at__isnull=False).values_list("odoo_model", flat=True))
    kind = SyncRun.Kind.FULL if full else SyncRun.Kind.FIRST if set(models) - synced else None
    outcome = SyncPassResult(run=sync_run_start(kind=kind, models=models) if kind else None)
    run_id = outcome.run.pk if outcome.run else None
    errors = []
    for odoo_model in models:
        try:
            result = sync_model(odoo_model, full=full, run_id=run_id, run_progress=on_progress)
        except AlreadyRunning:
            outcome.results[odoo_model] = None
            continue
        outcome.results[odoo_model] = result
        if result.error:
            errors.append(f"{odoo_model}: {result.error}")
        if run_id is not None:
            run = sync_run_model_progress(
                run_id=run_id,
                odoo_model=odoo_model,
                rows_done=result.rows,
                rows_total=result.rows_total,
                finished=True,
                error=result.error,
            )
            if on_progress:
                on_progress(run, odoo_model)
    if run_id is not None:
        outcome.run = sync_run_finish(run_id=run_id, error="; ".join(errors))
    return outcome


def _commit_quickly() -> None:
    """Let this transaction's commit return before its WAL reaches the disk. The mirror is a copy of
    Odoo: after a database crash the last pages (and the cursor, written with them) are simply
    gone, and the next pass reads them again. Nothing else is written in this transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _settled_in_mirror(spec: MirrorSpec, settled_before: datetime) -> Callable[[list[dict]], set[int]]:
    """Listed rows the mirror holds with the same write_date, written in a second the clock has left
    behind by the overlap: nothing can still commit there, so the row read then is the row now."""

    def already_read(listing: list[dict]) -> set[int]:
        listed = {}
        for row in listing:
            written = parse_datetime(row.get("write_date"))
            if written is not None and truncate_to_second(written) + timedelta(seconds=1) <= settled_before:
                listed[row["id"]] = truncate_to_second(written)
        if not listed:
            return set()
        held = spec.model._default_manager.filter(odoo_id__in=list(listed)).values_list("odoo_id", "odoo_write_date")
        return {odoo_id for odoo_id, stored in held if stored is not None and stored == listed[odoo_id]}

    return already_read


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
