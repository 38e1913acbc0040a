"""Change sets: what one sync step changed, handed to the one downstream hook after commit.

Detectors, live screens and KPIs subscribe with `subscribe(callback)`; each callback receives a
ChangeSet after the transaction that wrote the rows has committed. A failing subscriber is logged
and does not stop the others (or the sync).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass
class ChangeSet:
    odoo_model: str
    created: list[int] = field(default_factory=list)
    updated: dict[int, list[str]] = field(default_factory=dict)  # odoo id → changed columns
    archived: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.created or self.updated or self.archived or self.deleted)

    @property
    def size(self) -> int:
        return len(self.created) + len(self.updated) + len(self.deleted)


Subscriber = Callable[[ChangeSet], None]
_subscribers: list[Subscriber] = []


def subscribe(callback: Subscriber) -> Subscriber:
    """Register a downstream consumer of change sets (usable as a decorator). Idempotent."""
    if callback not in _subscribers:
        _subscribers.append(callback)
    return callback


def unsubscribe(callback: Subscriber) -> None:
    if callback in _subscribers:
        _subscribers.remove(callback)


def dispatch_on_commit(changes: ChangeSet) -> None:
    """Hand the change set to every subscriber once the current transaction commits."""
    if changes:
        transaction.on_commit(lambda: _dispatch(changes))


def _dispatch(changes: ChangeSet) -> None:
    for callback in list(_subscribers):
        try:
            callback(changes)
        except Exception:
            logger.exception("change-set subscriber failed", extra={"subscriber": repr(callback)})
