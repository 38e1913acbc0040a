"""Retention of outbox entries (apps.core.retention): finished entries go with their attempts after
RETENTION_OUTBOX_DAYS. Their effects stay (the entry link is cleared): the rules tell our own past
writes in Odoo from new events by them, for as long as the record shows that write."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.retention import RetentionKind
from apps.writeback.models import OutboxEntry

S = OutboxEntry.Status

OUTBOX = RetentionKind(
    code="outbox",
    label=_("Finished outbox entries"),
    model=OutboxEntry,
    timestamp_field="finished_at",
    finished=Q(status__in=[S.DONE, S.SKIPPED, S.CANCELLED, S.DEAD]),
    setting="RETENTION_OUTBOX_DAYS",
)
