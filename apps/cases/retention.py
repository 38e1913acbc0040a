"""Retention of exception cases (apps.core.retention): closed cases go with their timeline and
escalation records after RETENTION_CASES_DAYS; an open write-back case keeps its outbox entry."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.cases.detectors.writeback import attention_key
from apps.cases.models import Case
from apps.core.retention import RetentionKeeper, RetentionKind

CASES = RetentionKind(
    code="cases",
    label=_("Closed exception cases"),
    model=Case,
    timestamp_field="resolved_at",
    finished=Q(is_open=False, resolved_at__isnull=False),
    setting="RETENTION_CASES_DAYS",
)


def outbox_entries_open_cases_need(ids: list[int]) -> set[int]:
    """Dead outbox entries an open "write-back failed" case is about: the case shows and retries them."""
    keys = {attention_key(entry_id): entry_id for entry_id in ids}
    open_keys = Case.objects.filter(is_open=True, dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True)
    return {keys[key] for key in open_keys}


OUTBOX_OF_OPEN_CASES = RetentionKeeper(
    kind="outbox", name="cases: open write-back cases", still_needed=outbox_entries_open_cases_need, held_by="cases"
)
