"""Change sets: what one sync step changed, handed to the one downstream hook after commit.

Detectors, live screens and KPIs subscribe with `subscribe(callback)` (in their AppConfig.ready;
`subscribe` is `CHANGE_SUBSCRIBERS.register`, one of the registries of apps/core/registry.py);
each callback receives a ChangeSet after the transaction that wrote the rows has committed. By
default the change set travels to a worker as a task (`mirror.dispatch_changes`), so detectors
never slow the sync down and a failing one never stops it; MIRROR_CHANGES_INLINE runs them in the
syncing process instead (tests, single-process tools). Subscribers read the mirror's current state
rather than trusting the order of change sets, so at-least-once, out-of-order delivery is fine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from celery import current_app
from django.conf import settings
from django.db import transaction

from apps.core.registry import Hooks


@dataclass
class ChangeSet:
    odoo_model: str
    created: list[int] = field(default_factory=list)
    updated: dict[int, list[str]] = field(default_factory=dict)  # odoo id → changed columns
    archived: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    # Rows of Odoo's answer that could not be read (odoo id → why). Left out of the mirror and not
    # handed downstream; the sync reports them. They come back when the record changes again.
    rejected: dict[int | None, str] = field(default_factory=dict)
    # True when the rows come from building the mirror (a model's first sync, a full pass): they show
    # Odoo's past, so rules raise no decisions about past events from them (cases on what is still
    # wrong now are fine). `sync_run_id`: the SyncRun to report skipped decisions to.
    historical: bool = False
    sync_run_id: int | None = None
    # Why records are deleted, when it is not Odoo's own doing ("gone after an Odoo restore").
    reason: str = ""

    def __bool__(self) -> bool:
        return bool(self.created or self.updated or self.archived or self.deleted)

    @property
    def size(self) -> int:
        return len(self.created) + len(self.updated) + len(self.deleted)

    def absorb(self, later: ChangeSet) -> None:
        """Add what a later step of the same pass changed (a sync notifies per batch of pages)."""
        self.created.extend(later.created)
        for odoo_id, columns in later.updated.items():
            known = self.updated.setdefault(odoo_id, [])
            known.extend(column for column in columns if column not in known)
        self.archived.extend(later.archived)
        self.deleted.extend(later.deleted)

    def to_json(self) -> dict:
        # Not dataclasses.asdict: it deep-copies value by value, and a full page carries a thousand ids.
        return {
            "odoo_model": self.odoo_model,
            "created": list(self.created),
            "updated": dict(self.updated),
            "archived": list(self.archived),
            "deleted": list(self.deleted),
            "historical": self.historical,
            "sync_run_id": self.sync_run_id,
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: dict) -> ChangeSet:
        updated = {int(odoo_id): columns for odoo_id, columns in data.get("updated", {}).items()}
        return cls(
            data["odoo_model"],
            data.get("created", []),
            updated,
            data.get("archived", []),
            data.get("deleted", []),
            historical=bool(data.get("historical", False)),
            sync_run_id=data.get("sync_run_id"),
            reason=data.get("reason", ""),
        )


Subscriber = Callable[[ChangeSet], None]
# Filled by the higher apps in their AppConfig.ready (the mirror never imports them).
CHANGE_SUBSCRIBERS: Hooks[[ChangeSet]] = Hooks("mirror change-set subscribers")
subscribe = CHANGE_SUBSCRIBERS.register  # usable as a decorator; idempotent
unsubscribe = CHANGE_SUBSCRIBERS.unregister


DISPATCH_TASK = "mirror.dispatch_changes"


def dispatch_on_commit(changes: ChangeSet) -> None:
    """Hand the change set to every subscriber once the current transaction commits."""
    if not changes:
        return
    if settings.MIRROR_CHANGES_INLINE:
        transaction.on_commit(lambda: dispatch(changes))
    else:
        # By name: the task module imports this one.
        transaction.on_commit(lambda: current_app.send_task(DISPATCH_TASK, args=(changes.to_json(),)))


def dispatch(changes: ChangeSet) -> None:
    """Call every subscriber now (the dispatch task, or inline)."""
    CHANGE_SUBSCRIBERS.call_each(changes)
