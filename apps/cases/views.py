"""The exception queue and case screens: thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.decorators import role_required
from apps.accounts.selectors import sites_visible_to
from apps.cases import forms
from apps.cases.detectors import kind_choices
from apps.cases.models import ResolutionCode, Severity, Status
from apps.cases.selectors import (
    READING_ROLES,
    CaseFilters,
    assignable_users,
    can_act_on,
    case_get,
    case_list,
    open_counts,
)
from apps.cases.services import actions, followups
from apps.cases.services.actions import CaseError
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
        statuses=[("active", "Active (not closed)"), *Status.choices, ("closed", "Closed"), ("all", "All")],
        owners=[
            ("", "Anyone"),
            ("me", "Assigned to me"),
            ("unassigned", "Unassigned"),
            ("supervisor", "Supervisors"),
            ("approver_finance", "Finance"),
            ("admin", "Administrators"),
        ],
        counts=open_counts(user=request.user, site=filters.site),
        selected=selected,
        panel=_panel_context(request, selected) if selected else None,
        live_groups=[site_group(s.code) for s in watched],
        query=request.GET.urlencode(),
        assignees=assignable_users(site_codes=[s.code for s in watched]),
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


def _visible_case(request: HttpRequest, case_id: int):
    case = case_get(user=request.user, case_id=case_id)
    if case is None:
        raise Http404("No such case on your sites.")
    return case


@role_required(*READING_ROLES)
@require_GET
def panel(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _visible_case(request, case_id)
    response = render(request, "cases/partials/case_panel.html", _panel_context(request, case))
    response["Cache-Control"] = "no-store"
    return response


@role_required(*READING_ROLES)
@require_GET
def detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _visible_case(request, case_id)
    context = _panel_context(request, case)
    context.update(live_groups=[site_group(case.site.code)] if case.site else [], full_page=True)
    return render(request, "cases/case.html", context)


def _run_action(request: HttpRequest, case, action: str) -> None:
    """Validate the action's form and call its service (raises CaseError or ValueError)."""
    data, user = request.POST, request.user
    if action == "acknowledge":
        actions.case_acknowledge(case_id=case.pk, actor=user)
    elif action == "start":
        actions.case_start(case_id=case.pk, actor=user)
    elif action == "assign":
        form = _valid(forms.AssignForm(data))
        actions.case_assign(case_id=case.pk, actor=user, assignee_id=form.cleaned_data["assignee"])
    elif action == "comment":
        form = _valid(forms.CommentForm(data))
        actions.case_comment(case_id=case.pk, actor=user, text=form.cleaned_data["text"])
    elif action == "snooze":
        form = _valid(forms.SnoozeForm(data))
        actions.case_snooze(case_id=case.pk, actor=user, until=form.until())
    elif action == "resolve":
        form = _valid(forms.ResolveForm(data))
        actions.case_resolve(case_id=case.pk, actor=user, **form.cleaned_data)
    elif action == "escalate":
        form = _valid(forms.EscalateForm(data))
        actions.case_escalate(case_id=case.pk, actor=user, **form.cleaned_data)
    elif action == "odoo-note":
        form = _valid(forms.OdooNoteForm(data))
        followups.case_note_to_odoo(case_id=case.pk, actor=user, body=form.cleaned_data["body"])
    elif action == "odoo-activity":
        form = _valid(forms.OdooActivityForm(data))
        followups.case_schedule_odoo_activity(case_id=case.pk, actor=user, **form.cleaned_data)
    else:
        raise Http404("Unknown action.")


def _valid(form):
    if not form.is_valid():
        problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
        raise CaseError(f"Check the form — {problems}")
    return form


@role_required(*READING_ROLES)
@require_POST
def act(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    case = _visible_case(request, case_id)
    if not can_act_on(request.user, case):
        raise PermissionDenied("Your role can read this case but not act on it.")
    wants_json = request.headers.get("X-Requested-With") == "cases.js"
    try:
        _run_action(request, case, action)
    except CaseError as exc:
        if wants_json:
            return JsonResponse({"ok": False, "error": str(exc)}, status=409)
        messages.error(request, str(exc))
    else:
        if wants_json:
            return JsonResponse({"ok": True})
    return redirect(safe_next(request, reverse("cases:detail", args=[case.pk])))


@role_required(*READING_ROLES)
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    form = forms.BulkForm(request.POST)
    back = safe_next(request, reverse("cases:queue"))
    if not form.is_valid():
        messages.error(request, "Select cases and an action first.")
        return redirect(back)
    allowed = [
        case.pk
        for case in case_list(user=request.user, filters=CaseFilters(status="all")).filter(pk__in=form.case_ids())
        if can_act_on(request.user, case)
    ]
    if form.cleaned_data["action"] == "acknowledge":
        done, errors = actions.bulk(actions.case_acknowledge, case_ids=allowed, actor=request.user)
    else:
        done, errors = actions.bulk(
            actions.case_assign, case_ids=allowed, actor=request.user, assignee_id=form.cleaned_data["assignee"]
        )
    if request.headers.get("X-Requested-With") == "cases.js":
        return JsonResponse({"ok": not errors, "done": [c.pk for c in done], "errors": errors})
    messages.info(
        request,
        f"{len(done)} case(s) updated."
        + (f" {len(errors)} could not be: " + "; ".join(errors.values()) if errors else ""),
    )
    return redirect(back)
