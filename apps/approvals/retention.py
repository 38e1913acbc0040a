"""Retention of approval requests (apps.core.retention): decided requests go with their steps,
decisions and timeline after RETENTION_APPROVALS_DAYS, once their outbox entry has finished; an
outbox entry stays as long as the request that made it."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.approvals.models import ApprovalRequest, RequestStatus
from apps.core.retention import RetentionKeeper, RetentionKind
from apps.writeback.models import OutboxEntry

FINISHED_OUTBOX = (
    OutboxEntry.Status.DONE,
    OutboxEntry.Status.SKIPPED,
    OutboxEntry.Status.CANCELLED,
    OutboxEntry.Status.DEAD,
)
DECIDED = (RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.STRAIGHT_THROUGH, RequestStatus.CANCELLED)

APPROVALS = RetentionKind(
    code="approvals",
    label=_("Decided approval requests"),
    model=ApprovalRequest,
    timestamp_field="decided_at",
    # a decision whose write to Odoo has not finished is still live, however old
    finished=Q(status__in=DECIDED)
    & ~Q(outbox_entry_id__in=OutboxEntry.objects.exclude(status__in=FINISHED_OUTBOX).values("pk")),
    setting="RETENTION_APPROVALS_DAYS",
)


def outbox_entries_requests_need(ids: list[int]) -> set[int]:
    """Outbox entries a request still shows (its "sent to Odoo" line): kept while the request is."""
    found = ApprovalRequest.objects.filter(outbox_entry_id__in=ids).values_list("outbox_entry_id", flat=True)
    return {entry_id for entry_id in found if entry_id is not None}


OUTBOX_OF_REQUESTS = RetentionKeeper(
    kind="outbox",
    name="approvals: requests show their outbox entry",
    still_needed=outbox_entries_requests_need,
    held_by="approvals",
)
