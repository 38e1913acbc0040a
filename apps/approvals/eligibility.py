"""Who may act on a request now: the one place the four-eyes and delegation rules live.

The inbox query (selectors.inbox_for) and the decision services both use it, so a request is in
someone's inbox exactly when they may decide it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.accounts.roles import roles_of
from apps.accounts.selectors import sites_visible_to
from apps.approvals.models import (
    ApprovalDecision,
    ApprovalRequest,
    ApprovalStep,
    DecisionKind,
    Delegation,
    RequestStatus,
)

if TYPE_CHECKING:
    from apps.accounts.models import User

#: decisions that fill a step: whoever made one on a request may not fill another step of it
FILLING = (DecisionKind.APPROVE, DecisionKind.REJECT)


@dataclass(frozen=True)
class Authority:
    """May act, and on whose behalf (None: in one's own right)."""

    allowed: bool
    reason: str = ""
    on_behalf_of: User | None = None


def active_delegations(user) -> QuerySet[Delegation]:
    now = timezone.now()
    return Delegation.objects.filter(
        delegate=user, starts_at__lte=now, ends_at__gt=now, revoked_at__isnull=True
    ).select_related("delegator")


def _direct_authority(user, request: ApprovalRequest, step: ApprovalStep) -> bool:
    roles = roles_of(user)
    if step.role and step.role in roles:
        return True
    if request.escalated_role and request.escalated_role in roles:
        return True
    return step.approvers.filter(pk=user.pk).exists()


def _four_eyes(user, request: ApprovalRequest) -> str:
    """Why this person may not fill a step of this request, or '' when they may."""
    if request.requested_by_id == user.pk:
        return "You raised this request; someone else has to decide it."
    if (
        ApprovalDecision.objects.filter(request=request, kind__in=FILLING)
        .filter(Q(user=user) | Q(on_behalf_of=user))
        .exists()
    ):
        return "You already decided a step of this request; another person has to take this one."
    return ""


def authority(user, request: ApprovalRequest) -> Authority:
    """Can `user` approve or reject the request's active step now? Says why not when not."""
    if not getattr(user, "is_authenticated", False):
        return Authority(False, "Sign in first.")
    if request.status != RequestStatus.PENDING or request.active_step_id is None:
        return Authority(False, f"This request is {request.get_status_display().lower()}; nothing to decide.")
    if not sites_visible_to(user).filter(pk=request.site_id).exists():
        return Authority(False, "You are not a member of this request's site.")
    refusal = _four_eyes(user, request)
    if refusal:
        return Authority(False, refusal)
    step = request.active_step
    assert step is not None  # active_step_id was checked above
    if _direct_authority(user, request, step):
        return Authority(True)
    for delegation in active_delegations(user).filter(Q(request__isnull=True) | Q(request=request)):
        delegator = delegation.delegator
        if (
            sites_visible_to(delegator).filter(pk=request.site_id).exists()
            and not _four_eyes(delegator, request)
            and _direct_authority(delegator, request, step)
        ):
            return Authority(True, on_behalf_of=delegator)
    return Authority(False, f"The step '{step.name}' waits on {step.role or 'named approvers'}, not on you.")


def actionable_q(user) -> Q:
    """Requests this user may decide now, as one filter (four-eyes and delegations included)."""
    return _authority_q(user) | _delegated_q(user)


def _authority_q(user, *, request_id: int | None = None) -> Q:
    roles = list(roles_of(user))
    # Steps naming this person, read once: a correlated EXISTS per pending row costs more at 5k rows.
    named_steps = list(
        ApprovalStep.approvers.through.objects.filter(user_id=user.pk, approvalstep__status="active").values_list(
            "approvalstep_id", flat=True
        )
    )
    q = (
        Q(status=RequestStatus.PENDING, site__in=sites_visible_to(user).values("pk"))
        & (Q(active_role__in=roles) | Q(escalated_role__in=roles) | Q(active_step_id__in=named_steps))
        & ~Q(requested_by_id=user.pk)
        & ~Q(pk__in=_decided_by(user))
    )
    if request_id is not None:
        q &= Q(pk=request_id)
    return q


def _delegated_q(user) -> Q:
    """What the delegators could decide, narrowed to the sites the delegate may see themselves."""
    q = Q(pk__in=[])
    delegate_sites = sites_visible_to(user).values("pk")
    for delegation in active_delegations(user):
        q |= (
            _authority_q(delegation.delegator, request_id=delegation.request_id)
            & Q(site__in=delegate_sites)
            & ~Q(requested_by_id=user.pk)
            & ~Q(pk__in=_decided_by(user))
        )
    return q


def _decided_by(user) -> QuerySet:
    """Ids of requests with a step filled by this person (in their own right or on someone's behalf)."""
    return (
        ApprovalDecision.objects.filter(kind__in=FILLING)
        .filter(Q(user_id=user.pk) | Q(on_behalf_of_id=user.pk))
        .values("request_id")
    )
