"""One entry point for a decision by name, shared by the screens and the API (same rules for both)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

from apps.approvals.models import ApprovalRequest
from apps.approvals.selectors import shown_snapshot
from apps.approvals.services.decisions import (
    DecisionRefused,
    request_approve,
    request_ask_info,
    request_delegate,
    request_provide_info,
    request_reject,
)

if TYPE_CHECKING:
    from apps.accounts.models import User

ACTIONS = ("approve", "reject", "request_info", "provide_info", "delegate")


def request_decide(
    *,
    request: ApprovalRequest,
    user: User,
    action: str,
    reason: str = "",
    to_user: str = "",
    until: datetime | None = None,
) -> str:
    """Take the named decision; returns a sentence for the person. Raises DecisionRefused."""
    shown = shown_snapshot(request)
    if action == "approve":
        result = request_approve(request=request, user=user, reason=reason, shown=shown)
        return f"Approved #{request.pk}" + (" — waiting for the next step" if result.status == "pending" else "")
    if action == "reject":
        request_reject(request=request, user=user, reason=reason, shown=shown)
        return f"Rejected #{request.pk}"
    if action == "request_info":
        request_ask_info(request=request, user=user, question=reason, shown=shown)
        return f"Asked for information on #{request.pk}"
    if action == "provide_info":
        request_provide_info(request=request, user=user, answer=reason)
        return f"Answered on #{request.pk}"
    if action == "delegate":
        delegate = get_user_model().objects.filter(username=to_user).first()
        if delegate is None:
            raise DecisionRefused(f"No user {to_user!r}.", status=400)
        if until is None:
            raise DecisionRefused("Say until when the delegation holds.", status=400)
        request_delegate(request=request, user=user, to_user=delegate, until=until, reason=reason)
        return f"Delegated #{request.pk} to {delegate.get_username()}"
    raise DecisionRefused(f"Unknown action {action!r}; use one of {', '.join(ACTIONS)}.", status=400)
