"""Reading the audit log, and checking that nobody rewrote it."""

from __future__ import annotations

from dataclasses import dataclass

from apps.audit.models import AuditEntry
from apps.audit.services import GENESIS, entry_digest


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None  # id of the first entry that does not match
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def audit_chain_verify() -> ChainReport:
    """Recompute every hash in order; report the first entry that was altered, removed or inserted."""
    previous = GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.previous_hash != previous:
            return ChainReport(checked, entry.pk, "does not follow the entry before it (one was removed or inserted)")
        if entry_digest(entry) != entry.entry_hash:
            return ChainReport(checked, entry.pk, "its content was changed after it was written")
        previous = entry.entry_hash
        checked += 1
    return ChainReport(checked)
