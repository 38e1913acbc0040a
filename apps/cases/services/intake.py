"""Cases from outside the mirror: write-back entries needing attention, pick-failure reports."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from apps.cases.detectors import detector
from apps.cases.detectors.writeback import attention_key
from apps.cases.models import SEVERITY_RANK, Case, CaseEvent, CaseSettings, PickFailureReport, Severity
from apps.cases.scoring import priority_for
from apps.cases.services.detection import detect_subjects
from apps.cases.services.publishing import publish_case
from apps.sites.models import Site

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.writeback.models import OutboxEntry

logger = logging.getLogger(__name__)


@transaction.atomic
def case_for_writeback_attention(entry: OutboxEntry) -> Case:
    """Open (once) the case for an outbox entry that needs a person. Called by the outbox hook."""
    key = attention_key(entry.pk)
    existing = Case.objects.filter(dedupe_key=key, is_open=True).first()
    if existing is not None:
        return existing
    now = timezone.now()
    site = Site.objects.filter(code=entry.site_code).first() if entry.site_code else None
    severity = Severity.HIGH
    title = f"Odoo write-back failed: {entry.operation} on {entry.odoo_model}"
    title += f" #{entry.odoo_id}" if entry.odoo_id else ""
    settings = CaseSettings.objects.filter(site=site).first() if site else None
    sla = (settings or CaseSettings()).sla_minutes(severity)
    priority = priority_for(severity=severity)
    case = Case.objects.create(
        site=site,
        kind="writeback_attention",
        dedupe_key=key,
        title=title[:300],
        severity=severity,
        severity_rank=SEVERITY_RANK[severity],
        priority_score=priority.score,
        priority_reasons=[*priority.reasons, "A decision has not reached Odoo"],
        owner_role=detector("writeback_attention").owner_role,
        odoo_model=entry.odoo_model,
        odoo_id=entry.odoo_id,
        record_name=f"{entry.odoo_model} #{entry.odoo_id}" if entry.odoo_id else entry.odoo_model,
        subject_ids=[entry.pk],
        detail={"outbox_entry": entry.pk, "last_error": (entry.last_error or "")[:2000]},
        context={
            "captured_at": now.isoformat(),
            "outbox": {
                "id": entry.pk,
                "operation": entry.operation,
                "odoo_model": entry.odoo_model,
                "odoo_id": entry.odoo_id,
                "last_error": entry.last_error or "",
                "cause": f"{entry.cause_type}:{entry.cause_id}",
            },
        },
        opened_at=now,
        last_seen_at=now,
        sla_due_at=now + timedelta(minutes=sla),
    )
    CaseEvent.objects.create(case=case, at=now, kind=CaseEvent.Kind.DETECTED, text=entry.last_error or title)
    publish_case(case, "case.opened")
    return case


def on_outbox_needs_attention(entry: OutboxEntry) -> None:
    """The outbox hook: never let a failure here hide the entry (the outbox keeps its own state)."""
    case_for_writeback_attention(entry)


@transaction.atomic
def pick_failure_report(
    *,
    location_odoo_id: int,
    picking_odoo_id: int | None = None,
    product_odoo_id: int | None = None,
    reason: str = "",
    reported_by: User | None = None,
    reported_at: datetime | None = None,
    external_id: str | None = None,
) -> PickFailureReport:
    """Record a failed pick and re-judge its location. The sender's external_id makes a resend harmless."""
    if external_id:
        existing = PickFailureReport.objects.filter(external_id=external_id).first()
        if existing is not None:
            return existing
    report = PickFailureReport.objects.create(
        location_odoo_id=location_odoo_id,
        picking_odoo_id=picking_odoo_id,
        product_odoo_id=product_odoo_id,
        reason=reason[:200],
        reported_by=reported_by if getattr(reported_by, "pk", None) else None,
        reported_at=reported_at or timezone.now(),
        external_id=external_id or None,
    )
    detect_subjects(detector=detector("pick_failure"), subject_ids=[location_odoo_id])
    return report
