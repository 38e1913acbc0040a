"""The retention purge: expired rows of each kind deleted in short batches, and what it did recorded.

Why batches: a purge that deletes a year of cases in one transaction holds locks (and, on SQLite,
the database's only write lock) for as long as it runs, and the screens wait. Each batch is a few
hundred ids in its own short transaction; a run stops at a cap so the next run (an hour later)
carries on, and ``waiting`` says how many rows were left past their period.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.models import RetentionState
from apps.core.retention import RETENTION_KEEPERS, RETENTION_KINDS, RetentionKeeper, RetentionKind, keepers_for

logger = logging.getLogger(__name__)


@dataclass
class KindPurge:
    """What one run did (or, dry, would do) for one kind."""

    kind: str
    period_days: int
    cutoff: datetime | None  # None: kept forever (period 0)
    removed: int = 0  # rows of the kind itself (their children go with them, not counted here)
    children_removed: dict[str, int] = field(default_factory=dict)  # model label → rows
    batches: int = 0
    kept: int = 0  # expired but still referenced by a live record
    waiting: int = 0  # past their period after the run
    capped: bool = False  # stopped at the per-run cap; the next run goes on
    error: str = ""

    def as_log(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "period_days": self.period_days,
            "removed": self.removed,
            "children_removed": sum(self.children_removed.values()),
            "batches": self.batches,
            "kept": self.kept,
            "waiting": self.waiting,
            "capped": self.capped,
        }


def retention_purge(
    *,
    kinds: list[str] | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    batch_size: int | None = None,
    max_rows: int | None = None,
) -> list[KindPurge]:
    """Delete the expired rows of every registered kind (or of ``kinds``); return one report per kind.

    ``dry_run`` counts what would go and writes nothing. Safe to repeat and to run beside the
    product: each batch re-checks, inside its transaction, that its rows are still finished and
    past the cutoff, and asks the kind's keepers which ids a live record still points at.
    """
    now = now or timezone.now()
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    max_rows = settings.RETENTION_MAX_ROWS_PER_RUN if max_rows is None else max_rows
    # Kinds that hold rows of other kinds go first, so what they release goes in the same run.
    holders = {keeper.held_by for keeper in RETENTION_KEEPERS}
    chosen = [kind for kind in RETENTION_KINDS if kinds is None or kind.code in kinds]
    chosen.sort(key=lambda kind: kind.code not in holders)
    unknown = set(kinds or []) - {kind.code for kind in chosen}
    if unknown:
        raise ValueError(
            f"unknown retention kind(s): {', '.join(sorted(unknown))} (known: {', '.join(RETENTION_KINDS.names())})"
        )
    reports = []
    for kind in chosen:
        started = time.monotonic()
        try:
            report = _purge_kind(kind, now=now, dry_run=dry_run, batch_size=batch_size, max_rows=max_rows)
        except Exception as exc:  # one kind failing (a lock timeout) must not stop the others
            logger.exception("retention purge failed", extra={"kind": kind.code})
            report = KindPurge(kind=kind.code, period_days=kind.period_days, cutoff=None, error=str(exc)[:500])
        if not dry_run:
            _record(report, now=now, duration_ms=int((time.monotonic() - started) * 1000))
        logger.info("retention %s", "dry run" if dry_run else "purge", extra=report.as_log())
        reports.append(report)
    return reports


def _purge_kind(kind: RetentionKind, *, now: datetime, dry_run: bool, batch_size: int, max_rows: int) -> KindPurge:
    period = kind.period_days
    if period <= 0:
        return KindPurge(kind=kind.code, period_days=0, cutoff=None)
    cutoff = now - timedelta(days=period)
    report = KindPurge(kind=kind.code, period_days=period, cutoff=cutoff)
    keepers = keepers_for(kind.code)
    after = 0  # walk by primary key, so rows a keeper holds are passed over, not met again each batch
    while True:
        if not dry_run and report.removed >= max_rows:
            report.capped = True
            break
        size = batch_size if dry_run else min(batch_size, max_rows - report.removed)
        ids = list(kind.expired(cutoff).filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            break
        after = ids[-1]
        held = _still_needed(kind, keepers, ids)
        report.kept += len(held)
        doomed = [pk for pk in ids if pk not in held]
        if dry_run:
            report.removed += len(doomed)
            continue
        if doomed:
            _delete_batch(kind, keepers, doomed, cutoff, report)
    if dry_run:
        report.waiting = report.removed + report.kept
    else:
        report.waiting = kind.expired(cutoff).count()
    return report


def _still_needed(kind: RetentionKind, keepers: list[RetentionKeeper], ids: list[int]) -> set[int]:
    held: set[int] = set()
    for keeper in keepers:
        held.update(keeper.still_needed(ids))
    return held


def _delete_batch(
    kind: RetentionKind, keepers: list[RetentionKeeper], ids: list[int], cutoff: datetime, report: KindPurge
) -> None:
    """One short transaction: re-check, then delete the rows and (cascade) their children."""
    with transaction.atomic():
        # Re-read under the transaction: a row reopened, or claimed by a keeper, since the scan stays.
        still = list(kind.expired(cutoff).filter(pk__in=ids).values_list("pk", flat=True))
        held = _still_needed(kind, keepers, still)
        doomed = [pk for pk in still if pk not in held]
        if not doomed:
            return
        _, per_model = kind.model._default_manager.filter(pk__in=doomed).delete()
    report.batches += 1
    label = kind.model._meta.label
    report.removed += per_model.get(label, 0)
    for model_label, count in per_model.items():
        if model_label != label and count:
            report.children_removed[model_label] = report.children_removed.get(model_label, 0) + count


def _record(report: KindPurge, *, now: datetime, duration_ms: int) -> None:
    state, _ = RetentionState.objects.get_or_create(kind=report.kind)
    state.period_days = report.period_days
    state.last_run_at = now
    state.last_removed = report.removed
    state.total_removed += report.removed
    state.waiting = report.waiting
    state.kept = report.kept
    state.last_duration_ms = duration_ms
    state.last_error = report.error
    state.save()
