"""Decisions on a request: approve, reject, ask for information, answer, delegate, acknowledge.

Each service locks the request row, checks the current state and the four-eyes rules first, and
raises DecisionRefused (with a message for the person) instead of acting on a stale screen.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from apps.accounts.roles import Role, has_role
from apps.accounts.selectors import sites_visible_to
from apps.approvals.eligibility import Authority, authority
from apps.approvals.models import (
    ApprovalDecision,
    ApprovalRequest,
    DecisionKind,
    Delegation,
    RequestStatus,
    StepStatus,
)
from apps.approvals.services.kinds import kind_decided
from apps.approvals.services.outbox import effect_enqueue
from apps.approvals.services.raising import step_activate
from apps.approvals.services.timeline import announce, audit, timeline_add
from apps.core.numbers import MAX_RECORD_ID

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.approvals.models import ApprovalStep


class DecisionRefused(Exception):
    """The decision cannot be taken; `str(exc)` says why, `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def _locked(request: ApprovalRequest) -> ApprovalRequest:
    return (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("site", "policy", "policy__site", "active_step", "requested_by")
        .get(pk=request.pk)
    )


def _require_authority(user: User, request: ApprovalRequest) -> Authority:
    granted = authority(user, request)
    if not granted.allowed:
        raise DecisionRefused(granted.reason, status=403 if request.is_open else 409)
    return granted


def _active_step(request: ApprovalRequest) -> ApprovalStep:
    """The step waiting for a decision (authority() already refused a request without one)."""
    if request.active_step is None:
        raise DecisionRefused("No step of this request waits for a decision.", status=409)
    return request.active_step


@transaction.atomic
def request_approve(
    *, request: ApprovalRequest, user: User, reason: str = "", shown: dict | None = None
) -> ApprovalRequest:
    """Approve the active step; the last step's approval approves the request and queues its effect."""
    request = _locked(request)
    granted = _require_authority(user, request)
    step = _active_step(request)
    if step.reason_required and not reason.strip():
        raise DecisionRefused(f"The step '{step.name}' needs a reason with the approval.", status=400)
    _decide(request, step, user, granted.on_behalf_of, DecisionKind.APPROVE, reason, shown)
    approvals = step.decisions.filter(kind=DecisionKind.APPROVE).count()
    now = timezone.now()
    if approvals < step.approvals_needed:
        timeline_add(
            request,
            kind="approval_counted",
            message=f"{approvals} of {step.approvals_needed} approvals for '{step.name}'",
            actor=user,
        )
        announce(request)
        return request
    step.status, step.completed_at = StepStatus.APPROVED, now
    step.save(update_fields=["status", "completed_at"])
    following = request.steps.filter(position__gt=step.position).order_by("position").first()
    if following is not None:
        step_activate(request=request, position=following.position)
        return request
    request.status, request.decided_at = RequestStatus.APPROVED, now
    request.active_step, request.active_role, request.escalated_role, request.due_at = None, "", "", None
    request.save(update_fields=["status", "decided_at", "active_step", "active_role", "escalated_role", "due_at"])
    timeline_add(request, kind="approved", message="Approved: every step is complete", actor=user)
    audit(request, action="approved", actor=user, data={"reason": reason, "shown": shown or {}})
    effect_enqueue(request=request, actor=user)
    kind_decided(request=request, actor_id=user.pk)
    announce(request)
    return request


@transaction.atomic
def request_reject(*, request: ApprovalRequest, user: User, reason: str, shown: dict | None = None) -> ApprovalRequest:
    """Reject the request (a reason is required); nothing is written to Odoo."""
    if not reason.strip():
        raise DecisionRefused("Say why you reject it: the requester and the audit log need the reason.", status=400)
    request = _locked(request)
    granted = _require_authority(user, request)
    step = _active_step(request)
    _decide(request, step, user, granted.on_behalf_of, DecisionKind.REJECT, reason, shown)
    now = timezone.now()
    step.status, step.completed_at = StepStatus.REJECTED, now
    step.save(update_fields=["status", "completed_at"])
    request.steps.filter(status=StepStatus.WAITING).update(status=StepStatus.SKIPPED)
    request.status, request.decided_at = RequestStatus.REJECTED, now
    request.active_step, request.active_role, request.escalated_role, request.due_at = None, "", "", None
    request.save(update_fields=["status", "decided_at", "active_step", "active_role", "escalated_role", "due_at"])
    timeline_add(request, kind="rejected", message=f"Rejected: {reason}", actor=user)
    audit(request, action="rejected", actor=user, data={"reason": reason, "shown": shown or {}})
    kind_decided(request=request, actor_id=user.pk)
    announce(request)
    return request


@transaction.atomic
def request_ask_info(
    *, request: ApprovalRequest, user: User, question: str, shown: dict | None = None
) -> ApprovalRequest:
    """Put the request on hold until the requester (or a supervisor) answers the question."""
    if not question.strip():
        raise DecisionRefused("Write the question you need answered.", status=400)
    request = _locked(request)
    granted = _require_authority(user, request)
    _decide(request, _active_step(request), user, granted.on_behalf_of, DecisionKind.REQUEST_INFO, question, shown)
    request.status = RequestStatus.INFO_REQUESTED
    request.save(update_fields=["status"])
    timeline_add(request, kind="info_requested", message=f"Asked: {question}", actor=user)
    audit(request, action="info_requested", actor=user, data={"question": question, "shown": shown or {}})
    announce(request, user_ids=[request.requested_by_id] if request.requested_by_id else [])
    return request


@transaction.atomic
def request_provide_info(*, request: ApprovalRequest, user: User, answer: str) -> ApprovalRequest:
    """Answer the open question; the request goes back to its approvers with the same step and SLA."""
    request = _locked(request)
    if request.status != RequestStatus.INFO_REQUESTED:
        raise DecisionRefused("Nobody asked for information on this request.")
    may_answer = request.requested_by_id == user.pk or (
        has_role(user, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)
        and sites_visible_to(user).filter(pk=request.site_id).exists()
    )
    if not may_answer:
        raise DecisionRefused("Only the requester or a supervisor of the site can answer.", status=403)
    if not answer.strip():
        raise DecisionRefused("Write the answer.", status=400)
    ApprovalDecision.objects.create(
        request=request, step=request.active_step, user=user, kind=DecisionKind.PROVIDE_INFO, reason=answer
    )
    request.status = RequestStatus.PENDING
    request.save(update_fields=["status"])
    timeline_add(request, kind="info_provided", message=f"Answered: {answer}", actor=user)
    audit(request, action="info_provided", actor=user, data={"answer": answer})
    announce(request)
    return request


@transaction.atomic
def request_delegate(
    *, request: ApprovalRequest, user: User, to_user: User, until: datetime, reason: str = ""
) -> Delegation:
    """Let another eligible person decide this request in your place until `until`."""
    request = _locked(request)
    granted = _require_authority(user, request)
    if granted.on_behalf_of is not None:
        raise DecisionRefused("You act here on someone's behalf; only they can delegate it.", status=403)
    if until <= timezone.now():
        raise DecisionRefused("The delegation has to end in the future.", status=400)
    _check_delegate(request, to_user)
    delegation = Delegation.objects.create(
        delegator=user, delegate=to_user, request=request, starts_at=timezone.now(), ends_at=until, reason=reason
    )
    ApprovalDecision.objects.create(
        request=request,
        step=request.active_step,
        user=user,
        kind=DecisionKind.DELEGATE,
        reason=reason,
        shown={"to": to_user.get_username(), "until": until.isoformat()},
    )
    timeline_add(
        request,
        kind="delegated",
        message=f"Delegated to {to_user.get_username()} until {until:%Y-%m-%d %H:%M} UTC"
        + (f": {reason}" if reason else ""),
        actor=user,
    )
    audit(request, action="delegated", actor=user, data={"to": to_user.get_username(), "until": until.isoformat()})
    announce(request, user_ids=[to_user.pk])
    return delegation


APPROVING_ROLES = (
    Role.SUPERVISOR,
    Role.MANAGER,
    Role.APPROVER_FINANCE,
    Role.APPROVER_OPERATIONS,
    Role.APPROVER_PROCUREMENT,
)


def _check_delegate(request: ApprovalRequest, to_user: User) -> None:
    if to_user.pk == request.requested_by_id:
        raise DecisionRefused("The requester cannot decide their own request.", status=400)
    if not sites_visible_to(to_user).filter(pk=request.site_id).exists():
        raise DecisionRefused(f"{to_user.get_username()} is not a member of {request.site.code}.", status=400)
    if not has_role(to_user, *APPROVING_ROLES):
        raise DecisionRefused(f"{to_user.get_username()} holds no approving role.", status=400)
    if request.decisions.filter(kind__in=[DecisionKind.APPROVE, DecisionKind.REJECT], user=to_user).exists():
        raise DecisionRefused(f"{to_user.get_username()} already decided a step of this request.", status=400)


def _check_period_delegate(delegator: User, delegate: User) -> None:
    """A period delegation reaches only sites both may see; use narrows it again (eligibility)."""
    if not has_role(delegate, *APPROVING_ROLES):
        raise DecisionRefused(f"{delegate.get_username()} holds no approving role.", status=400)
    shared = sites_visible_to(delegator).filter(pk__in=sites_visible_to(delegate).values("pk"))
    if not shared.exists():
        raise DecisionRefused(f"{delegate.get_username()} is not a member of any site you decide for.", status=400)


@transaction.atomic
def delegation_create(
    *, delegator: User, delegate: User, starts_at: datetime, ends_at: datetime, reason: str = ""
) -> Delegation:
    """Hand all of one's approvals to someone for a period (holidays, a shift off)."""
    if ends_at <= starts_at:
        raise DecisionRefused("The delegation has to end after it starts.", status=400)
    if delegate.pk == delegator.pk:
        raise DecisionRefused("Delegate to someone else.", status=400)
    _check_period_delegate(delegator, delegate)
    existing = Delegation.objects.filter(
        delegator=delegator, delegate=delegate, request__isnull=True, starts_at=starts_at, ends_at=ends_at
    ).first()
    return existing or Delegation.objects.create(
        delegator=delegator, delegate=delegate, starts_at=starts_at, ends_at=ends_at, reason=reason
    )


@transaction.atomic
def request_acknowledge(*, request: ApprovalRequest, user: User) -> bool:
    """Record the first time an approver of the active step opened it (time to acknowledge ≠ to decide)."""
    if request.acknowledged_at is not None and request.active_step and request.active_step.acknowledged_at:
        return False
    request = _locked(request)
    if not authority(user, request).allowed:
        return False
    now = timezone.now()
    step = _active_step(request)
    changed = False
    if step.acknowledged_at is None:
        step.acknowledged_at = now
        step.save(update_fields=["acknowledged_at"])
        changed = True
    if request.acknowledged_at is None:
        request.acknowledged_at = now
        request.save(update_fields=["acknowledged_at"])
    if changed:
        timeline_add(request, kind="acknowledged", message=f"Opened by {user.get_username()}", actor=user)
    return changed


def _decide(
    request: ApprovalRequest,
    step: ApprovalStep,
    user: User,
    on_behalf_of: User | None,
    kind: str,
    reason: str,
    shown: dict[str, Any] | None,
) -> None:
    ApprovalDecision.objects.create(
        request=request, step=step, user=user, on_behalf_of=on_behalf_of, kind=kind, reason=reason, shown=shown or {}
    )
    if step is not None and step.acknowledged_at is None:
        step.acknowledged_at = timezone.now()
        step.save(update_fields=["acknowledged_at"])
    if request.acknowledged_at is None:
        request.acknowledged_at = timezone.now()
        request.save(update_fields=["acknowledged_at"])


def bulk_approve(*, request_ids: list[int], user: User, shown: dict | None = None) -> dict[str, list]:
    """Approve each low-risk request of the user's sites they may decide (the inbox's bulk approve and
    the API); the others are listed with the reason."""
    approved: list[int] = []
    refused: list[dict[str, Any]] = []
    request_ids = [pk for pk in request_ids if 0 < pk <= MAX_RECORD_ID]  # past the column's range: none such
    # Only the user's sites: a request elsewhere answers exactly like one that does not exist.
    visible = ApprovalRequest.objects.filter(pk__in=request_ids, site__in=sites_visible_to(user).values("pk"))
    for request in visible.order_by("pk"):
        if not request.is_low_risk:
            refused.append({"id": request.pk, "reason": "Not marked low-risk by its policy: decide it on its own."})
            continue
        try:
            request_approve(request=request, user=user, shown=shown)
            approved.append(request.pk)
        except DecisionRefused as exc:
            refused.append({"id": request.pk, "reason": str(exc)})
    missing = set(request_ids) - set(approved) - {item["id"] for item in refused}
    refused.extend({"id": pk, "reason": "No such request."} for pk in sorted(missing))
    return {"approved": approved, "refused": refused}
