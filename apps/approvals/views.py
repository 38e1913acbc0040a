"""Pages: the inbox (with its live list and detail pane), a request's page, history, new requests,
policies, and the audit export. Thin: read input, call one service or selector, render."""

from __future__ import annotations

import csv
import json

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import ValidationError

from apps.accounts.decorators import role_required
from apps.accounts.roles import APPROVER_ROLES, Role
from apps.accounts.selectors import sites_visible_to
from apps.approvals.builders import DraftError
from apps.approvals.forms import FORMS, ApprovalBulkInputSerializer, decide_with_input, request_or_404
from apps.approvals.models import RequestStatus, RequestType
from apps.approvals.policies import PolicyError
from apps.approvals.selectors import (
    HistoryFilters,
    InboxFilterKwargs,
    InboxFilters,
    audit_rows,
    history_for,
    inbox_for,
    policies_visible_to,
    request_page,
)
from apps.approvals.services.decisions import DecisionRefused, bulk_approve, request_acknowledge
from apps.approvals.services.people import request_raise_by_person
from apps.core.api import validation_sentence
from apps.core.redirects import safe_next
from apps.core.spreadsheets import safe_row
from apps.live.groups import site_group, user_group
from apps.live.publisher import current_sequence

DESK = (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN, *APPROVER_ROLES)


def _inbox_filters(request) -> InboxFilterKwargs:
    return InboxFilters.from_query(request.GET).as_kwargs()


@role_required(*DESK)
@require_GET
def inbox(request):
    """The approver's inbox: what waits on them now, soonest due first."""
    sites = list(sites_visible_to(request.user))
    filters = _inbox_filters(request)
    return render(
        request,
        "approvals/inbox.html",
        {
            "inbox": inbox_for(request.user, **filters),
            "sites": sites,
            "filters": filters,
            "request_types": RequestType.choices,
            "query": request.GET.urlencode(),
            "live_groups": [user_group(request.user.pk), *(site_group(site.code) for site in sites)],
            "user_live_group": user_group(request.user.pk),
        },
    )


@role_required(*DESK)
@require_GET
def inbox_list(request):
    """The inbox list alone: refetched by the page after a live event or a missed message."""
    group = user_group(request.user.pk)
    seq = current_sequence(group)
    response = render(
        request,
        "approvals/partials/inbox_list.html",
        {
            "inbox": inbox_for(request.user, **_inbox_filters(request)),
            "query": request.GET.urlencode(),
            "user_live_group": group,
        },
    )
    response["X-Live-Group"], response["X-Live-Seq"], response["Cache-Control"] = group, str(seq), "no-store"
    return response


@role_required(*DESK)
@require_GET
def request_panel(request, request_id: int):
    """The inbox's right-hand pane: the request's context and the decision buttons (read only:
    the page's script posts `acknowledge` once it shows the pane)."""
    approval = request_or_404(request.user, request_id)
    return render(request, "approvals/partials/panel.html", request_page(request.user, approval))


@role_required(*DESK)
@require_GET
def request_detail(request, request_id: int):
    approval = request_or_404(request.user, request_id)
    context = request_page(request.user, approval)
    context["live_groups"] = [site_group(approval.site.code)]
    return render(request, "approvals/detail.html", context)


@role_required(*DESK)
@require_POST
def acknowledge(request, request_id: int):
    """An approver of the active step has the request on screen (time to acknowledge ≠ to decide).

    A POST, not part of opening the pane: a GET must not change state (link prefetchers, crawlers).
    """
    approval = request_or_404(request.user, request_id)
    return JsonResponse({"acknowledged": request_acknowledge(request=approval, user=request.user)})


@role_required(*DESK)
@require_POST
def decide(request, request_id: int):
    """Approve, reject, ask, answer or delegate; answers JSON to the inbox's script, redirects a form."""
    approval = request_or_404(request.user, request_id)
    wants_json = request.headers.get("X-Requested-With") == "approvals.js"
    try:
        message, status = decide_with_input(request=approval, user=request.user, data=request.POST), 200
    except ValidationError as exc:
        message, status = validation_sentence(exc), 400
    except DecisionRefused as exc:
        message, status = str(exc), exc.status
    if wants_json:
        return JsonResponse({"ok": status == 200, "message": message}, status=status)
    (messages.success if status == 200 else messages.error)(request, message)
    return redirect(safe_next(request, reverse("approvals:detail", args=[approval.pk])))


@role_required(*DESK)
@require_POST
def bulk(request):
    """Approve the selected low-risk requests; each one is checked on its own (same input and service as the API)."""
    data = ApprovalBulkInputSerializer(data=request.POST)
    ids = data.validated_data["ids"] if data.is_valid() else []
    result = bulk_approve(request_ids=ids, user=request.user)
    if request.headers.get("X-Requested-With") == "approvals.js":
        return JsonResponse(result)
    messages.info(
        request,
        _("Approved %(approved)d; refused %(refused)d.")
        % {"approved": len(result["approved"]), "refused": len(result["refused"])},
    )
    return redirect("approvals:inbox")


@role_required(*DESK)
@require_GET
def history(request):
    params = request.GET
    filters = HistoryFilters.from_query(params)
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "approvals/history.html",
        {
            "history": history_for(request.user, filters),
            "filters": filters,
            "statuses": RequestStatus.choices,
            "request_types": RequestType.choices,
            "sites": sites_visible_to(request.user),
            "query": query.urlencode(),
        },
    )


@role_required(*DESK)
def new_request(request, request_type: str):
    """A form per request type; the policy in force decides whether it needs people."""
    if request_type not in FORMS:
        raise Http404("Unknown request type.")
    form = FORMS[request_type](request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            raised = request_raise_by_person(request_type=request_type, user=request.user, data=form.cleaned_data)
        except (DraftError, PolicyError) as exc:
            form.add_error(None, str(exc))
        else:
            if raised is None:
                messages.info(request, "The policy in force needs no approval for this; nothing was raised.")
                return redirect("approvals:inbox")
            messages.success(request, f"Request #{raised.pk}: {raised.get_status_display()}")
            return redirect("approvals:detail", raised.pk)
    return render(
        request,
        "approvals/new.html",
        {
            "form": form,
            "request_type": request_type,
            "label": RequestType(request_type).label,
            "types": RequestType.choices,
        },
    )


@role_required(*DESK)
@require_GET
def policies(request):
    rows = [
        {"policy": policy, "definition": json.dumps(policy.definition, indent=2)}
        for policy in policies_visible_to(request.user)
    ]
    return render(request, "approvals/policies.html", {"rows": rows})


@role_required(Role.MANAGER, Role.ADMIN, *APPROVER_ROLES, Role.SUPERVISOR)
@require_GET
def audit_export(request):
    """The approvals audit trail of the user's sites as CSV: who, what, when, policy version, condition, screen."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="approvals-audit.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["at", "actor", "action", "subject", "site", "policy_version", "condition", "reason", "shown", "hash"]
    )
    for entry in audit_rows(request.user).iterator(chunk_size=1000):
        data = entry.data or {}
        writer.writerow(
            safe_row(
                [
                    entry.at.isoformat(),
                    entry.actor_label,
                    entry.action,
                    entry.subject,
                    entry.site_code,
                    entry.policy_version,
                    data.get("condition", ""),
                    data.get("reason", ""),
                    json.dumps(data.get("shown", {}), sort_keys=True),
                    entry.entry_hash,
                ]
            )
        )
    return response
