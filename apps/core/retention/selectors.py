"""Reading what the retention purge did, per kind, for the integration page and /metrics."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from apps.core.models import RetentionState
from apps.core.retention import RETENTION_KINDS


class RetentionRow(TypedDict):
    kind: str
    label: Any
    setting: str
    period_days: int  # as configured now (0: kept forever)
    last_run_at: datetime | None  # None: never purged yet
    last_removed: int
    total_removed: int
    waiting: int
    kept: int
    last_duration_ms: int
    last_error: str


def retention_overview() -> list[RetentionRow]:
    """One row per registered kind, in registration order, with its last purge (zeros before any)."""
    states = {state.kind: state for state in RetentionState.objects.all()}
    rows: list[RetentionRow] = []
    for kind in RETENTION_KINDS:
        state = states.get(kind.code)
        rows.append(
            {
                "kind": kind.code,
                "label": kind.label,
                "setting": kind.setting,
                "period_days": kind.period_days,
                "last_run_at": state.last_run_at if state else None,
                "last_removed": state.last_removed if state else 0,
                "total_removed": state.total_removed if state else 0,
                "waiting": state.waiting if state else 0,
                "kept": state.kept if state else 0,
                "last_duration_ms": state.last_duration_ms if state else 0,
                "last_error": state.last_error if state else "",
            }
        )
    return rows
