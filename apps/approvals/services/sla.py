"""The SLA sweep: reminders, then escalation to the step's target. Everything it needs is in the
database (remind_at, due_at, reminded_at, escalated_at), so a restart of worker or beat loses nothing,
and each step is claimed with a conditional update so two sweeps never act twice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from apps.approvals.models import ApprovalRequest, ApprovalStep, RequestStatus, StepStatus
from apps.approvals.services.timeline import announce, audit, timeline_add

if TYPE_CHECKING:
    from datetime import datetime

OPEN = [RequestStatus.PENDING, RequestStatus.INFO_REQUESTED]


@dataclass
class SweepResult:
    reminded: int = 0
    escalated: int = 0


def sla_sweep(*, now: datetime | None = None, limit: int = 500) -> SweepResult:
    """Remind the approvers of steps past their reminder time; escalate steps past their due time."""
    now = now or timezone.now()
    result = SweepResult()
    active = ApprovalStep.objects.filter(status=StepStatus.ACTIVE, request__status__in=OPEN)
    for step_id in active.filter(reminded_at__isnull=True, remind_at__lte=now).values_list("pk", flat=True)[:limit]:
        result.reminded += _remind(step_id, now)
    for step_id in active.filter(escalated_at__isnull=True, due_at__lte=now).values_list("pk", flat=True)[:limit]:
        result.escalated += _escalate(step_id, now)
    return result


@transaction.atomic
def _remind(step_id: int, now: datetime) -> int:
    if not ApprovalStep.objects.filter(pk=step_id, reminded_at__isnull=True).update(reminded_at=now):
        return 0  # another sweep got there first
    step = ApprovalStep.objects.select_related("request__site", "request__policy__site").get(pk=step_id)
    request = step.request
    due_at = step.due_at
    assert due_at is not None  # the sweep only picks steps that have a due time
    minutes_left = max(0, int((due_at - now).total_seconds() // 60))
    timeline_add(
        request,
        kind="reminder",
        message=f"Reminder: '{step.name}' is due in {minutes_left} min ({step.role or 'named approvers'})",
        data={"step": step.position},
    )
    audit(request, action="reminded", data={"step": step.position, "due_at": due_at.isoformat()})
    announce(request, user_ids=list(step.approvers.values_list("pk", flat=True)))
    return 1


@transaction.atomic
def _escalate(step_id: int, now: datetime) -> int:
    if not ApprovalStep.objects.filter(pk=step_id, escalated_at__isnull=True).update(escalated_at=now):
        return 0  # another sweep got there first
    # a step that breaches before its reminder went out gets no separate reminder afterwards
    ApprovalStep.objects.filter(pk=step_id, reminded_at__isnull=True).update(reminded_at=now)
    step = ApprovalStep.objects.select_related("request__site", "request__policy__site").get(pk=step_id)
    request = step.request
    target = step.escalate_to_role
    if target:
        ApprovalRequest.objects.filter(pk=request.pk).update(escalated_role=target)
        request.escalated_role = target
    due_at = step.due_at
    assert due_at is not None  # the sweep only picks steps that have a due time
    overdue = int((now - due_at).total_seconds() // 60)
    timeline_add(
        request,
        kind="escalated",
        message=f"SLA breached on '{step.name}' ({overdue} min late): escalated to {target or 'nobody (no target)'}",
        data={"step": step.position, "to": target},
    )
    audit(request, action="escalated", data={"step": step.position, "to": target, "due_at": due_at.isoformat()})
    announce(request)
    return 1
