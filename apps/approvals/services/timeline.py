"""The request's timeline, its audit entries and its live announcements, written in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apps.approvals.models import ApprovalEvent, ApprovalRequest
from apps.audit.services import audit_record
from apps.live.publisher import publish

if TYPE_CHECKING:
    from apps.accounts.models import User

LIVE_EVENT = "approval.changed"


def timeline_add(
    request: ApprovalRequest, *, kind: str, message: str, actor: User | None = None, data: dict[str, Any] | None = None
) -> ApprovalEvent:
    """One line on the request's timeline (inside the caller's transaction)."""
    return ApprovalEvent.objects.create(
        request=request,
        kind=kind,
        message=message[:500],
        actor=actor if getattr(actor, "pk", None) else None,
        data=data or {},
    )


def audit(
    request: ApprovalRequest, *, action: str, actor: User | None = None, data: dict[str, Any] | None = None
) -> None:
    """An audit entry about the request, naming the policy version and the condition that routed it."""
    audit_record(
        action=f"approval.{action}",
        subject=request.subject,
        actor=actor,
        site_code=request.site.code,
        policy_version=request.policy.label,
        data={
            "request_type": request.request_type,
            "status": request.status,
            "route": request.route_name,
            "condition": request.condition_text,
            "odoo": f"{request.odoo_model}:{request.odoo_id}",
            **(data or {}),
        },
    )


def announce(request: ApprovalRequest, *, user_ids: list[int] | tuple[int, ...] = ()) -> None:
    """Tell the site's screens (and named people) after commit that the request changed.

    Inboxes are per person, so the message carries the facts and each page refetches its own list.
    """
    payload = {
        "id": request.pk,
        "status": request.status,
        "request_type": request.request_type,
        "active_role": request.active_role,
        "escalated_role": request.escalated_role,
        "due_at": request.due_at.isoformat() if request.due_at else None,
    }
    publish(LIVE_EVENT, request.site.code, payload)
    for user_id in set(user_ids):
        publish(LIVE_EVENT, request.site.code, payload, user_id=user_id)
