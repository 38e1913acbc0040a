"""Retention: how long each kind of finished record is kept, and who may purge it.

Core owns the registry; each app registers its own kinds in ``AppConfig.ready()`` (one call)::

    # apps/cases/apps.py
    register_retention_kind(
        RetentionKind(
            code="cases",
            label=_("Closed exception cases"),
            model=Case,
            timestamp_field="resolved_at",
            finished=Q(is_open=False),
            setting="RETENTION_CASES_DAYS",
        )
    )

A row of a kind is *expired* when it is finished (``finished``) and its ``timestamp_field`` is
older than the period the setting gives (days; 0 keeps it forever). The purge
(``apps.core.retention.services.retention_purge``) deletes expired rows in short batches, with
their children (Django's cascade), and records what it did per kind (``RetentionState``).

A higher app that still points at rows of a lower app's kind by id (an approval request at its
outbox entry, an open case at a dead outbox entry) registers a ``RetentionKeeper``: the purge asks
it which of the candidate ids must stay, so retention never breaks a reference a live record needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.registry import Registry


@dataclass(frozen=True)
class RetentionKind:
    """One kind of record with a retention period."""

    code: str  # stable: the metrics label, the state row's key, --kind of purge_expired
    label: Any  # what people read (a lazy translation)
    model: type[models.Model]
    timestamp_field: str  # when the record finished (closed, decided, processed…), UTC
    finished: Q  # what "finished" means for this kind: only those rows are ever purged
    setting: str  # the settings name holding the period in days (0: keep forever)

    @property
    def period_days(self) -> int:
        return int(getattr(settings, self.setting))  # the name is the kind's own declaration, not a default

    def expired(self, cutoff: Any) -> models.QuerySet[Any]:
        """Finished rows whose timestamp is strictly older than ``cutoff`` (a row at the cutoff stays)."""
        manager = self.model._default_manager
        return manager.filter(self.finished, **{f"{self.timestamp_field}__lt": cutoff})


@dataclass(frozen=True)
class RetentionKeeper:
    """A higher app's claim on rows of a kind: ``still_needed(ids)`` returns those that must stay."""

    kind: str  # a RetentionKind.code
    name: str  # who claims them, for logs: "approvals: requests point at their outbox entry"
    still_needed: Callable[[list[int]], Iterable[int]]
    held_by: str = ""  # the kind whose rows refer to them, if it is one: purged first in a run


RETENTION_KINDS: Registry[RetentionKind] = Registry("retention kinds")
RETENTION_KEEPERS: Registry[RetentionKeeper] = Registry("retention keepers")


def register_retention_kind(kind: RetentionKind) -> RetentionKind:
    """Called once per kind from the owning app's ``AppConfig.ready()`` (idempotent)."""
    return RETENTION_KINDS.register(kind, name=kind.code)


def register_retention_keeper(keeper: RetentionKeeper) -> RetentionKeeper:
    """Called from the ``ready()`` of an app that refers to another app's rows by id."""
    return RETENTION_KEEPERS.register(keeper, name=f"{keeper.kind}:{keeper.name}")


def complete_since(kind_codes: Iterable[str], now: datetime) -> datetime | None:
    """The moment since which every row of these kinds is still in the database: the purge removes only
    rows finished before ``now`` minus their period. None when none of them is ever purged (period 0).

    What reads history from purged rows (KPI snapshots) recomputes a period only from this moment on.
    """
    codes = set(kind_codes)
    horizons = [
        now - timedelta(days=kind.period_days)
        for kind in RETENTION_KINDS
        if kind.code in codes and kind.period_days > 0
    ]
    return max(horizons) if horizons else None


def keepers_for(kind_code: str) -> list[RetentionKeeper]:
    return [keeper for keeper in RETENTION_KEEPERS if keeper.kind == kind_code]
