"""Notifications for other apps when an entry needs a person: ``on_needs_attention(callback)``.

The exception-case app subscribes to open a case. Callbacks run after the transaction that put the
entry in ``needs_attention`` or ``dead`` has committed, receive the fresh ``OutboxEntry``, and a
failing callback is logged without stopping the others (the outbox state is already saved).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

from apps.writeback.models import OutboxEntry

logger = logging.getLogger(__name__)

NeedsAttentionCallback = Callable[[OutboxEntry], None]
_callbacks: list[NeedsAttentionCallback] = []


def on_needs_attention(callback: NeedsAttentionCallback) -> NeedsAttentionCallback:
    """Register ``callback(entry)`` for entries that need attention or are dead (usable as a decorator).

    Registering the same callback twice keeps one registration.
    """
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def remove_needs_attention(callback: NeedsAttentionCallback) -> None:
    """Forget a callback (tests, reloads)."""
    if callback in _callbacks:
        _callbacks.remove(callback)


def notify_on_commit(entry_id: int) -> None:
    """Call every callback with the entry once the current transaction commits."""
    transaction.on_commit(lambda: _notify(entry_id))


def _notify(entry_id: int) -> None:
    entry = OutboxEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        return
    for callback in list(_callbacks):
        try:
            callback(entry)
        except Exception:
            logger.exception("outbox needs-attention callback failed", extra={"outbox_entry": entry_id})
