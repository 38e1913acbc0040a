"""Screens of the text advisors: message triage (/advisor/triage/<site>/) and shift summaries
(/advisor/summary/<site>/). They call the same services as the API."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role, has_role
from apps.accounts.selectors import sites_visible_to
from apps.advisor.errors import AdvisorError
from apps.advisor.models import AdvisorName, Recommendation
from apps.advisor.services import DECIDER_ROLES, recommendation_accept, recommendation_reject
from apps.advisor.summary.selectors import shift_summaries
from apps.advisor.summary.services import shift_summary_write
from apps.advisor.triage.services import TriageResult, message_triage
from apps.sites.models import Site

READER_ROLES = (*DECIDER_ROLES,)
SUMMARY_WRITERS = (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)


def _site(request: HttpRequest, site_code: str) -> Site:
    return get_object_or_404(sites_visible_to(request.user), code=site_code)


def _first_site(request: HttpRequest) -> Site:
    site = sites_visible_to(request.user).order_by("code").first()
    if site is None:
        raise Http404(_("You have no site yet."))
    return site


@role_required(*READER_ROLES)
def triage_index(request: HttpRequest) -> HttpResponse:
    return redirect("advisor_text:triage", site_code=_first_site(request).code)


@role_required(*READER_ROLES)
def triage(request: HttpRequest, site_code: str) -> HttpResponse:
    """Paste a message (POST reads it and proposes; nothing goes to Odoo until Confirm)."""
    site = _site(request, site_code)
    result: TriageResult | None = None
    error = ""
    text = ""
    status = 200
    if request.method == "POST":
        text = request.POST.get("message", "")
        try:
            result = message_triage(site=site, text=text, user=request.user)  # type: ignore[arg-type]
        except AdvisorError as exc:
            error, status = str(exc), exc.status
    recent = Recommendation.objects.filter(site=site, advisor=AdvisorName.MESSAGE_TRIAGE).order_by("-created_at")[:8]
    context = {
        "site": site,
        "sites": sites_visible_to(request.user).order_by("code"),
        "result": result,
        "error": error,
        "text": text,
        "recent": recent,
    }
    return render(request, "advisor/triage.html", context, status=status)


@require_POST
@role_required(*DECIDER_ROLES)
def triage_decide(request: HttpRequest, site_code: str, recommendation_id: int) -> HttpResponse:
    """Confirm (queues the update in the outbox) or reject (with a reason) a proposed update."""
    site = _site(request, site_code)
    get_object_or_404(Recommendation, pk=recommendation_id, site=site, advisor=AdvisorName.MESSAGE_TRIAGE)
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("decision") == "confirm":
            recommendation_accept(recommendation_id=recommendation_id, user=request.user, reason=reason)  # type: ignore[arg-type]
            messages.success(request, _("Confirmed: the update is queued for Odoo (see the outbox)."))
        else:
            recommendation_reject(recommendation_id=recommendation_id, user=request.user, reason=reason)  # type: ignore[arg-type]
            messages.info(request, _("Rejected: nothing is sent to Odoo."))
    except AdvisorError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("advisor_text:triage", args=[site.code]))


@role_required(*READER_ROLES)
def summary_index(request: HttpRequest) -> HttpResponse:
    return redirect("advisor_text:summary", site_code=_first_site(request).code)


@role_required(*READER_ROLES)
def summary(request: HttpRequest, site_code: str) -> HttpResponse:
    """The site's latest shift summaries, newest first; supervisors may write the current shift's now."""
    site = _site(request, site_code)
    if request.method == "POST":
        if not has_role(request.user, *SUMMARY_WRITERS):
            raise PermissionDenied(_("Your role cannot write a summary."))
        shift_summary_write(site=site)
        return redirect(reverse("advisor_text:summary", args=[site.code]))
    context = {
        "site": site,
        "sites": sites_visible_to(request.user).order_by("code"),
        "summaries": list(shift_summaries(site=site)),
    }
    return render(request, "advisor/summary.html", context)
