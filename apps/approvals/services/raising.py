"""Raising a request: route it by the policy in force, copy the steps, start the first SLA clock.

Straight-through routes are released at once and recorded as such; routes with steps wait for
people. Raising the same condition again returns the request already raised.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.approvals.models import (
    OPEN_STATUSES,
    ApprovalRequest,
    ApprovalStep,
    RequestStatus,
    StepStatus,
)
from apps.approvals.policies import PolicyError, Routing, current_policy, route
from apps.approvals.services.outbox import effect_enqueue
from apps.approvals.services.timeline import announce, audit, timeline_add
from apps.sites.models import Site

if TYPE_CHECKING:
    from apps.accounts.models import User


@dataclass
class RequestDraft:
    """What a rule or a person asks for, before a policy routes it."""

    request_type: str
    site: Site
    odoo_model: str
    odoo_id: int | None
    title: str
    dedupe_key: str
    facts: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    effect: dict[str, Any] = field(default_factory=dict)
    raised_by_rule: str = ""
    reason: str = ""


def request_raise(*, draft: RequestDraft, requested_by: User | None = None) -> ApprovalRequest | None:
    """Route and record the request; None when the policy in force does not call for one.

    Rules (no requester) raise a condition once: any earlier request with the same key is returned.
    People may raise again once the earlier request on the record is closed.
    """
    existing = ApprovalRequest.objects.filter(dedupe_key=draft.dedupe_key)
    if requested_by is not None:
        existing = existing.filter(status__in=OPEN_STATUSES)
    found = existing.order_by("-id").first()
    if found is not None:
        return found
    _check_facts(draft.facts)
    policy = current_policy(request_type=draft.request_type, site=draft.site)
    if policy is None:
        raise PolicyError(f"No approval policy for {draft.request_type} at {draft.site.code}; run approvals_defaults.")
    routing = route(policy, draft.facts)
    if routing is None:
        return None
    try:
        with transaction.atomic():
            return _create(draft, routing, requested_by)
    except IntegrityError:  # another worker raised the same open request a moment ago
        raced = ApprovalRequest.objects.filter(dedupe_key=draft.dedupe_key, status__in=OPEN_STATUSES).first()
        if raced is None:
            raise  # some other constraint failed: an error to see, never a silent "duplicate"
        return raced


def _check_facts(facts: dict[str, Any]) -> None:
    """NaN compares false with every threshold, so it would read as "no approval needed": refuse it."""
    for name, value in facts.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise PolicyError(f"The fact {name} is {value}, not a number a policy can judge.")


def _create(draft: RequestDraft, routing: Routing, requested_by: User | None) -> ApprovalRequest:
    now = timezone.now()
    request = ApprovalRequest.objects.create(
        site=draft.site,
        request_type=draft.request_type,
        status=RequestStatus.STRAIGHT_THROUGH if routing.straight_through else RequestStatus.PENDING,
        title=draft.title[:300],
        dedupe_key=draft.dedupe_key,
        odoo_model=draft.odoo_model,
        odoo_id=draft.odoo_id,
        policy=routing.policy,
        route_name=routing.route_name,
        control_model=routing.control_model,
        condition_text=routing.condition_text[:500],
        is_low_risk=routing.low_risk,
        facts=draft.facts,
        context=draft.context,
        effect=draft.effect,
        raised_by_rule=draft.raised_by_rule,
        requested_by=requested_by,
        reason=draft.reason,
        decided_at=now if routing.straight_through else None,
    )
    who = f"by {requested_by.get_username()}" if requested_by else f"by rule {draft.raised_by_rule or 'unknown'}"
    timeline_add(request, kind="raised", message=f"Raised {who}", actor=requested_by, data={"facts": draft.facts})
    timeline_add(
        request,
        kind="routed",
        message=f"Routed by {routing.policy.label}, route '{routing.route_name}' because {routing.condition_text}",
        data={"policy": routing.policy.pk, "route": routing.route_name},
    )
    if routing.straight_through:
        timeline_add(request, kind="straight_through", message="Released straight-through: no approval needed")
        audit(request, action="straight_through", actor=requested_by, data={"facts": draft.facts})
        effect_enqueue(request=request, actor=requested_by)
        announce(request)
        return request
    users = get_user_model().objects
    for position, spec in enumerate(routing.steps, start=1):
        step = ApprovalStep.objects.create(
            request=request,
            position=position,
            name=spec.name,
            role=spec.role,
            approvals_needed=spec.approvals_needed,
            reason_required=spec.reason_required,
            sla_minutes=spec.sla_minutes,
            reminder_minutes=spec.reminder_after,
        )
        if spec.approvers:
            step.approvers.set(users.filter(username__in=spec.approvers))
    audit(request, action="raised", actor=requested_by, data={"facts": draft.facts, "context": draft.context})
    step_activate(request=request, position=1)
    return request


def step_activate(*, request: ApprovalRequest, position: int) -> ApprovalStep:
    """Start a step's clocks and make it the one inboxes show (inside the caller's transaction)."""
    now = timezone.now()
    step = request.steps.get(position=position)
    step.status = StepStatus.ACTIVE
    step.activated_at = now
    step.remind_at = now + timedelta(minutes=step.reminder_minutes)
    step.due_at = now + timedelta(minutes=step.sla_minutes)
    step.save(update_fields=["status", "activated_at", "remind_at", "due_at"])
    request.active_step = step
    request.active_role = step.role
    request.escalated_role = ""
    request.due_at = step.due_at
    request.save(update_fields=["active_step", "active_role", "escalated_role", "due_at"])
    waits_on = step.role or ", ".join(step.approvers.values_list("username", flat=True))
    timeline_add(
        request,
        kind="step_activated",
        message=f"Step {position} '{step.name}' waits on {waits_on}; due {step.due_at:%Y-%m-%d %H:%M} UTC",
        data={"step": position, "due_at": step.due_at.isoformat()},
    )
    announce(request, user_ids=list(step.approvers.values_list("pk", flat=True)))
    return step
