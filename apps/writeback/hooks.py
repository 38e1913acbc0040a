"""Notifications for other apps when an entry needs a person: ``on_needs_attention(callback)``.

The exception-case app subscribes to open a case. Callbacks run after the transaction that put the
entry in ``needs_attention`` or ``dead`` has committed, receive the fresh ``OutboxEntry``, and a
failing callback is logged without stopping the others (the outbox state is already saved).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from apps.core.registry import Hooks
from apps.writeback.models import OutboxEntry

NeedsAttentionCallback = Callable[[OutboxEntry], None]
# Filled by the higher apps in their AppConfig.ready (see apps/core/registry.py).
NEEDS_ATTENTION: Hooks[[OutboxEntry]] = Hooks("outbox needs-attention callbacks")
# ``on_needs_attention(callback)`` registers (usable as a decorator; registering twice keeps one);
# ``remove_needs_attention(callback)`` forgets it (tests).
on_needs_attention = NEEDS_ATTENTION.register
remove_needs_attention = NEEDS_ATTENTION.unregister


def notify_on_commit(entry_id: int) -> None:
    """Call every callback with the entry once the current transaction commits."""
    transaction.on_commit(lambda: _notify(entry_id))


def _notify(entry_id: int) -> None:
    entry = OutboxEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        return
    NEEDS_ATTENTION.call_each(entry)
