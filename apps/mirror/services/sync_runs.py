"""The first-sync record: one SyncRun row per first or full sync, with per-model progress updated
per page, and the decisions the rules skipped because the events were in the past.

`apps.mirror.services.sync.sync_pass` opens and closes runs; the rules report what they skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.mirror.models import SyncRun


def _waiting() -> dict:
    return {"rows_done": 0, "rows_total": None, "started_at": None, "finished_at": None}


def sync_run_start(*, kind: str, models: Iterable[str]) -> SyncRun:
    """Open a run with every model waiting (rows_total unknown until its pass counts them).

    A first sync that has not finished (Odoo failed, the worker stopped) is taken up again rather
    than a new row opened by every periodic pass while it keeps failing."""
    if kind == SyncRun.Kind.FIRST:
        unfinished = SyncRun.objects.filter(kind=kind).exclude(status=SyncRun.Status.DONE).order_by("-started_at")
        run = unfinished.first()
        if run is not None:
            run.progress = {model: run.progress.get(model) or _waiting() for model in models}
            run.status, run.error, run.finished_at = SyncRun.Status.RUNNING, "", None
            run.save(update_fields=["progress", "status", "error", "finished_at"])
            return run
    return SyncRun.objects.create(kind=kind, progress={model: _waiting() for model in models})


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def sync_run_model_progress(
    *, run_id: int, odoo_model: str, rows_done: int, rows_total: int | None, finished: bool = False, error: str = ""
) -> SyncRun:
    """Record how far one model has come (called per page); estimates its time left from its pace."""
    now = timezone.now()
    with transaction.atomic():
        run = SyncRun.objects.select_for_update().get(pk=run_id)
        entry = dict(run.progress.get(odoo_model) or {})
        started = entry.get("started_at") or now.isoformat()
        entry.update(rows_done=rows_done, rows_total=rows_total, started_at=started)
        elapsed = (now - datetime.fromisoformat(started)).total_seconds()
        left = None
        if rows_total is not None and rows_done and not finished:
            left = round(elapsed / rows_done * max(rows_total - rows_done, 0), 1)
        entry["seconds_left"] = 0.0 if finished else left
        if finished:
            entry["finished_at"] = _iso(now)
        if error:
            entry["error"] = error
        run.progress = {**run.progress, odoo_model: entry}
        run.save(update_fields=["progress"])
    return run


def sync_run_note_skipped(*, run_id: int | None, decisions: int) -> None:
    """Count decisions a rule did not raise because they were about the past (safe without a run)."""
    if run_id and decisions:
        SyncRun.objects.filter(pk=run_id).update(decisions_skipped=F("decisions_skipped") + decisions)


def sync_run_finish(*, run_id: int, error: str = "") -> SyncRun:
    status = SyncRun.Status.FAILED if error else SyncRun.Status.DONE
    SyncRun.objects.filter(pk=run_id).update(status=status, error=error, finished_at=timezone.now())
    return SyncRun.objects.get(pk=run_id)
