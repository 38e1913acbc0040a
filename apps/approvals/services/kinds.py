"""Requests other apps ask for through the approval-kinds contract (apps/core/approval_kinds.py):
raised like any other request (policy, steps, SLA, inbox), and the asking app hears the decision."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from apps.approvals.models import ApprovalRequest, RequestStatus
from apps.approvals.services.raising import RequestDraft, request_raise
from apps.core.approval_kinds import ApprovalAsk, AskAnswer, approval_decided
from apps.sites.models import Site


def ask_from_kind(ask: ApprovalAsk) -> AskAnswer:
    """The desk registered for other apps: route and raise the request in the caller's transaction.
    The request has no effect of its own: what happens on approval is the asking app's to do."""
    site = Site.objects.get(code=ask.site_code)
    requested_by = get_user_model().objects.filter(pk=ask.requested_by_id).first() if ask.requested_by_id else None
    draft = RequestDraft(
        request_type=ask.kind,
        site=site,
        odoo_model=ask.odoo_model,
        odoo_id=ask.odoo_id,
        title=ask.title,
        dedupe_key=ask.dedupe_key,
        facts=ask.facts,
        # the subject's id rides with the request, so the decision can name it back to the asker
        context={**ask.context, "kind_subject_id": ask.subject_id},
        reason=ask.reason,
        raised_by_rule="" if requested_by else ask.kind,
    )
    request = request_raise(draft=draft, requested_by=requested_by)
    if request is None:
        return AskAnswer(request_id=None, pending=False)
    # Asked without a person, request_raise returns an earlier request of the same key even when
    # closed: a rejected one must not read as "go ahead".
    refused = request.status in (RequestStatus.REJECTED, RequestStatus.CANCELLED)
    return AskAnswer(request_id=request.pk, pending=request.is_open, refused=refused)


def kind_decided(*, request: ApprovalRequest, actor_id: int | None) -> None:
    """Tell the asking app that its request was approved or rejected (inside the decision)."""
    if request.status not in (RequestStatus.APPROVED, RequestStatus.REJECTED):
        return
    approval_decided(
        kind=request.request_type,
        subject_id=int(request.context.get("kind_subject_id", 0)),
        request_id=request.pk,
        approved=request.status == RequestStatus.APPROVED,
        actor_id=actor_id,
    )
