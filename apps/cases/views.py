"""The exception queue and case screens: thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import ValidationError

from apps.accounts.decorators import role_required
from apps.accounts.selectors import sites_visible_to
from apps.cases import forms
from apps.cases.detectors import kind_choices
from apps.cases.models import ResolutionCode, Severity, Status
from apps.cases.orderings import ordering_choices
from apps.cases.selectors import (
    READING_ROLES,
    CaseFilters,
    assignable_users,
    can_act_on,
    case_get,
    case_list,
    open_counts,
)
from apps.cases.services.actions import CaseError, cases_bulk_act
from apps.core.api import validation_sentence
from apps.core.redirects import safe_next
from apps.live.groups import site_group

QUEUE_ROWS = 100  # more than a person scans; filters narrow the rest


def _queue_context(request: HttpRequest, filters: CaseFilters) -> dict:
    cases = case_list(user=request.user, filters=filters)
    rows = list(cases[: QUEUE_ROWS + 1])
    return {"cases": rows[:QUEUE_ROWS], "more": len(rows) > QUEUE_ROWS, "filters": filters}


@role_required(*READING_ROLES)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    filters = CaseFilters.from_query(request.GET)
    sites = list(sites_visible_to(request.user))
    watched = [s for s in sites if not filters.site or s.code == filters.site]
    context = _queue_context(request, filters)
    selected = None
    if request.GET.get("case", "").isdigit():
        selected = case_get(user=request.user, case_id=int(request.GET["case"]))
    elif context["cases"]:
        selected = context["cases"][0]
    context.update(
        sites=sites,
        kinds=kind_choices(),
        severities=Severity.choices,
        statuses=[("active", _("Active (not closed)")), *Status.choices, ("closed", _("Closed")), ("all", _("All"))],
        owners=[
            ("", _("Anyone")),
            ("me", _("Assigned to me")),
            ("unassigned", _("Unassigned")),
            ("supervisor", _("Supervisors")),
            ("approver_finance", _("Finance")),
            ("admin", _("Administrators")),
        ],
        counts=open_counts(user=request.user, site=filters.site),
        selected=selected,
        panel=_panel_context(request, selected) if selected else None,
        live_groups=[site_group(s.code) for s in watched],
        query=request.GET.urlencode(),
        assignees=assignable_users(site_codes=[s.code for s in watched]),
        sorts=ordering_choices(),
    )
    return render(request, "cases/queue.html", context)


@role_required(*READING_ROLES)
@require_GET
def rows(request: HttpRequest) -> HttpResponse:
    """The queue's rows for the current filters (refetched after a missed live message)."""
    context = _queue_context(request, CaseFilters.from_query(request.GET))
    response = render(request, "cases/partials/case_rows.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _panel_context(request: HttpRequest, case) -> dict:
    return {
        "case": case,
        "events": list(case.events.select_related("actor").order_by("-at", "-id")),
        "can_act": can_act_on(request.user, case),
        "reasons": ResolutionCode.choices,
        "snooze_choices": forms.SNOOZE_CHOICES,
        "assignees": assignable_users(site_codes=[case.site.code] if case.site else []),
        "today": timezone.localdate(),
    }


@role_required(*READING_ROLES)
@require_GET
def panel(request: HttpRequest, case_id: int) -> HttpResponse:
    case = forms.case_or_404(request.user, case_id)
    response = render(request, "cases/partials/case_panel.html", _panel_context(request, case))
    response["Cache-Control"] = "no-store"
    return response


@role_required(*READING_ROLES)
@require_GET
def detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = forms.case_or_404(request.user, case_id)
    context = _panel_context(request, case)
    context.update(live_groups=[site_group(case.site.code)] if case.site else [], full_page=True)
    return render(request, "cases/case.html", context)


@role_required(*READING_ROLES)
@require_POST
def act(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    """A button of the case panel: the same input and service as the API's action endpoint."""
    if action not in forms.CASE_ACTIONS:
        raise Http404("Unknown action.")
    case = forms.case_or_404(request.user, case_id)
    wants_json = request.headers.get("X-Requested-With") == "cases.js"
    try:
        forms.case_act(case=case, actor=request.user, action=action, data=request.POST)
    except (CaseError, ValidationError) as exc:
        message = (
            _("Check the form — %(problem)s") % {"problem": validation_sentence(exc)}
            if isinstance(exc, ValidationError)
            else str(exc)
        )
        if wants_json:
            return JsonResponse({"ok": False, "error": message}, status=409)
        messages.error(request, message)
    else:
        if wants_json:
            return JsonResponse({"ok": True})
    return redirect(safe_next(request, reverse("cases:detail", args=[case.pk])))


@role_required(*READING_ROLES)
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """The queue's bulk bar: the same input and service as the API's bulk endpoint."""
    data = forms.CaseBulkInput(data=request.POST)
    back = safe_next(request, reverse("cases:queue"))
    if not data.is_valid():
        messages.error(request, _("Select cases and an action first."))
        return redirect(back)
    done, errors = cases_bulk_act(actor=request.user, **data.validated_data)
    if request.headers.get("X-Requested-With") == "cases.js":
        return JsonResponse({"ok": not errors, "done": [c.pk for c in done], "errors": errors})
    messages.info(
        request,
        f"{len(done)} case(s) updated."
        + (f" {len(errors)} could not be: " + "; ".join(errors.values()) if errors else ""),
    )
    return redirect(back)
