"""Reading the audit log, and checking that nobody rewrote it."""

from __future__ import annotations

from dataclasses import dataclass, field

from apps.audit.models import AuditArchive, AuditEntry
from apps.audit.services import GENESIS, entry_digest


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None  # id of the first entry that does not match
    reason: str = ""
    archived: int = 0  # entries moved to archive files (their anchors), not checked here
    notes: list[str] = field(default_factory=list)  # not failures: what an operator should know

    @property
    def intact(self) -> bool:
        return not self.reason


def audit_chain_verify() -> ChainReport:
    """Recompute every hash in order; report the first entry that was altered, removed or inserted.

    When old entries were archived (apps.audit.archive), the chain starts at the last anchor's
    ``end_hash``; the anchors must chain from the genesis, and the last one must be recorded in the
    chain itself (its ``audit.archived`` entry).
    """
    anchors = list(AuditArchive.objects.order_by("last_id"))
    report = ChainReport(checked=0, archived=sum(anchor.entry_count for anchor in anchors))
    previous = GENESIS
    for anchor in anchors:
        if anchor.start_hash != previous:
            report.reason = (
                f"the archive anchor of entries {anchor.first_id}–{anchor.last_id} does not follow the one before it"
            )
            return report
        previous = anchor.end_hash
    latest = anchors[-1] if anchors else None
    first = AuditEntry.objects.order_by("id").first()
    must_pass: tuple[int, str] | None = None  # an interrupted archive: the chain must run through its end
    if latest is not None and first is not None and first.pk <= latest.last_id:
        if latest.completed_at is not None:
            report.broken_at, report.reason = first.pk, "it was archived (its anchor exists) but is still in the log"
            return report
        report.notes.append(
            f"archiving of entries {latest.first_id}–{latest.last_id} was interrupted: "
            "run audit_archive again to finish"
        )
        previous = latest.start_hash if first.pk == latest.first_id else first.previous_hash
        must_pass = (latest.last_id, latest.end_hash)
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.previous_hash != previous:
            report.broken_at = entry.pk
            report.reason = "does not follow the entry before it (one was removed or inserted)"
            return report
        if entry_digest(entry) != entry.entry_hash:
            report.broken_at, report.reason = entry.pk, "its content was changed after it was written"
            return report
        if must_pass is not None and entry.pk == must_pass[0] and entry.entry_hash != must_pass[1]:
            report.broken_at, report.reason = entry.pk, "it is not the entry its archive anchor ends with"
            return report
        previous = entry.entry_hash
        report.checked += 1
    if latest is not None and latest.completed_at is not None:
        recorded = AuditEntry.objects.filter(action="audit.archived", subject=f"audit_archive:{latest.pk}").first()
        if recorded is None or recorded.data.get("end_hash") != latest.end_hash:
            report.reason = (
                f"the archive anchor of entries {latest.first_id}–{latest.last_id} has no matching audit.archived entry"
            )
    return report
