"""The SLA sweep sends reminders; escalation past the due time is the escalation engine's (one sweep for cases
and approvals), which records each level here. Everything is in the database (remind_at, due_at, reminded_at,
escalated_at), so a restart of worker or beat loses nothing, and each reminder is claimed with a conditional update
so two sweeps never act twice."""

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


def sla_sweep(*, now: datetime | None = None, limit: int = 500) -> SweepResult:
    """Remind the approvers of steps past their reminder time."""
    now = now or timezone.now()
    result = SweepResult()
    active = ApprovalStep.objects.filter(status=StepStatus.ACTIVE, request__status__in=OPEN)
    for step_id in active.filter(reminded_at__isnull=True, remind_at__lte=now).values_list("pk", flat=True)[:limit]:
        result.reminded += _remind(step_id, now)
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
def step_escalation_record(
    *, step_id: int, level: int, message: str, to_role: str = "", now: datetime, data: dict | None = None
) -> bool:
    """Put one escalation level of an approval step on its request's timeline (called by the escalation engine,
    which decides when and whom to notify). The first level marks the step escalated; a level naming a role lets
    that role decide too (the inbox's "escalated" mark). Returns False when the step is no longer waiting."""
    step = ApprovalStep.objects.select_related("request__site", "request__policy__site").get(pk=step_id)
    request = step.request
    if step.status != StepStatus.ACTIVE or request.status not in OPEN:
        return False
    ApprovalStep.objects.filter(pk=step_id, escalated_at__isnull=True).update(escalated_at=now)
    # a step that breaches before its reminder went out gets no separate reminder afterwards
    ApprovalStep.objects.filter(pk=step_id, reminded_at__isnull=True).update(reminded_at=now)
    if to_role and request.escalated_role != to_role:
        ApprovalRequest.objects.filter(pk=request.pk).update(escalated_role=to_role)
        request.escalated_role = to_role
    timeline_add(
        request, kind="escalated", message=message, data={"step": step.position, "level": level, **(data or {})}
    )
    audit(request, action="escalated", data={"step": step.position, "level": level, "to": to_role})
    announce(request)
    return True


@transaction.atomic
def step_escalation_note(*, step_id: int, message: str, data: dict | None = None) -> None:
    """A line about a step's escalation that is not a level (held for quiet hours, stopped) on its timeline."""
    step = ApprovalStep.objects.select_related("request").get(pk=step_id)
    timeline_add(step.request, kind="escalation", message=message, data={"step": step.position, **(data or {})})
