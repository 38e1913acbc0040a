"""Pages: the timeline by door (with its live board partial and the selected appointment's panel),
and the dock clerk's tablet view. Thin: read input, call one selector or service, render."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import ValidationError

from apps.accounts.decorators import role_required
from apps.accounts.roles import has_role
from apps.accounts.selectors import sites_visible_to
from apps.core.api import validation_sentence
from apps.docks import forms
from apps.docks.blocks import door_blocks, door_proposal_blocks
from apps.docks.proposals import proposal_accept, proposal_dismiss, proposals_accept_day
from apps.docks.selectors import (
    CLERK_ROLES,
    PLANNING_ROLES,
    READING_ROLES,
    appointment_view,
    clerk_list,
    local_day_window,
    proposal_view,
    site_for,
    site_today,
    timeline,
)
from apps.docks.services import EVENTS, DockError, appointment_cancel
from apps.live.groups import site_group
from apps.live.publisher import current_sequence


def _day(request: HttpRequest) -> date | None:
    try:
        return date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return None


def _back(request: HttpRequest, fallback: str) -> str:
    """Where a form returns to: its `next` when it stays on this host, else the fallback."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@role_required(*READING_ROLES)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The dock schedule of the user's first site (the page lets them switch)."""
    site = sites_visible_to(request.user).first()
    if site is None:
        return render(request, "docks/no_site.html", status=200)
    return redirect("docks:timeline", site.code)


def _timeline_context(request: HttpRequest, site_code: str) -> dict:
    board = timeline(user=request.user, site_code=site_code, day=_day(request))
    selected = None
    if request.GET.get("selected", "").isdigit():
        selected = appointment_view(user=request.user, appointment_id=int(request.GET["selected"]))
        if selected.appointment.site_id != board.site.pk:
            selected = None
    proposal = None
    if selected is None and request.GET.get("proposal", "").isdigit():
        proposal = proposal_view(user=request.user, proposal_id=int(request.GET["proposal"]))
        if proposal.proposal.site_id != board.site.pk:
            proposal = None
    day_query = f"day={board.day.isoformat()}&amp;"
    selected_id = selected.appointment.pk if selected else None
    proposal_id = proposal.proposal.pk if proposal else None
    for row in board.doors:
        row.blocks = mark_safe(  # noqa: S308  (both parts are built escaped in apps/docks/blocks.py)
            door_blocks(row.appointments, day_query=day_query, selected_id=selected_id)
            + door_proposal_blocks(row.proposals, day_query=day_query, selected_id=proposal_id)
        )
    return {
        "board": board,
        "selected": selected,
        "proposal": proposal,
        "day_proposals": sorted(
            (item for row in board.doors for item in row.proposals), key=lambda item: item.proposal.planned_start
        ),
        "doors": [row.door for row in board.doors],
        "previous_day": board.day - timedelta(days=1),
        "next_day": board.day + timedelta(days=1),
        "is_today": board.day == site_today(board.site),
        "can_plan": has_role(request.user, *PLANNING_ROLES),
        "can_record": has_role(request.user, *CLERK_ROLES),
        "events": EVENTS,
        "query": request.GET.urlencode(),
    }


@role_required(*READING_ROLES)
@require_GET
def timeline_page(request: HttpRequest, site_code: str) -> HttpResponse:
    """The Gantt view by door for one local day, with a now-line and marked appointments."""
    context = _timeline_context(request, site_code)
    context["sites"] = list(sites_visible_to(request.user))
    context["live_groups"] = [site_group(site_code)]
    return render(request, "docks/timeline.html", context)


@role_required(*READING_ROLES)
@require_GET
def timeline_board(request: HttpRequest, site_code: str) -> HttpResponse:
    """The board alone: refetched by the page after a live event or a missed message."""
    response = render(request, "docks/partials/board.html", _timeline_context(request, site_code))
    group = site_group(site_code)
    response["X-Live-Group"], response["X-Live-Seq"] = group, str(current_sequence(group))
    response["Cache-Control"] = "no-store"
    return response


@role_required(*PLANNING_ROLES)
@require_POST
def move(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """The keyboard/form way to move or resize (the drag on the timeline posts here too)."""
    appointment = forms.appointment_or_404(request.user, appointment_id)
    fallback = f"{reverse('docks:timeline', args=[appointment.site.code])}?selected={appointment.pk}"
    wants_json = request.headers.get("X-Requested-With") == "docks.js"
    try:
        moved = forms.move_with_input(user=request.user, appointment=appointment, data=request.POST)
        message, status = "Appointment moved.", 200
        if moved.pending_approval_id is not None:
            message = (
                f"The move waits for approval (request #{moved.pending_approval_id}); "
                "the appointment stays where it is until it is decided."
            )
    except ValidationError as exc:
        message, status = validation_sentence(exc), 400
    except DockError as exc:
        message, status = str(exc), exc.status
    if wants_json:
        return JsonResponse({"ok": status == 200, "message": message}, status=status)
    (messages.success if status == 200 else messages.error)(request, message)
    return redirect(_back(request, fallback))


@role_required(*CLERK_ROLES)
@require_POST
def record(request: HttpRequest, appointment_id: int, event: str) -> HttpResponse:
    """Check-in, on door, start, off door, departed: the clerk's big buttons and the panel's."""
    appointment = forms.appointment_or_404(request.user, appointment_id)
    try:
        forms.record_with_input(user=request.user, appointment=appointment, event=event, data=request.POST)
        messages.success(request, f"{EVENTS[event].label}: {appointment.label} recorded.")
    except ValidationError as exc:
        messages.error(request, validation_sentence(exc))
    except DockError as exc:
        messages.error(request, str(exc))
    return redirect(_back(request, reverse("docks:clerk", args=[appointment.site.code])))


@role_required(*PLANNING_ROLES)
@require_POST
def cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = forms.appointment_or_404(request.user, appointment_id)
    try:
        appointment_cancel(appointment=appointment, actor=request.user)
        messages.success(request, f"{appointment.label} cancelled; the door is free.")
    except DockError as exc:
        messages.error(request, str(exc))
    return redirect(_back(request, reverse("docks:timeline", args=[appointment.site.code])))


@role_required(*PLANNING_ROLES)
@require_POST
def proposal_decide(request: HttpRequest, proposal_id: int, decision: str) -> HttpResponse:
    """Accept a proposed appointment (it becomes planned) or dismiss it."""
    if decision not in ("accept", "dismiss"):
        raise Http404("Accept or dismiss.")
    view = proposal_view(user=request.user, proposal_id=proposal_id)
    proposal = view.proposal
    timeline_url = reverse("docks:timeline", args=[proposal.site.code])
    day = view.local_start.date().isoformat() if view.local_start else ""
    fallback = f"{timeline_url}?day={day}"
    try:
        if decision == "accept":
            appointment = proposal_accept(proposal=proposal, actor=request.user)
            messages.success(request, f"Proposal accepted: {appointment.label} is planned on {appointment.door.name}.")
            fallback = f"{fallback}&selected={appointment.pk}"
        else:
            proposal_dismiss(proposal=proposal, actor=request.user)
            messages.success(request, f"Proposal dismissed: {proposal.label} will not be proposed again.")
    except DockError as exc:
        messages.error(request, str(exc))
    return redirect(_back(request, fallback))


@role_required(*PLANNING_ROLES)
@require_POST
def proposals_accept_all(request: HttpRequest, site_code: str) -> HttpResponse:
    """Accept every open proposal of the site's local day shown on the timeline."""
    site = site_for(request.user, site_code)
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        day = site_today(site)
    start, end = local_day_window(site, day)
    outcome = proposals_accept_day(site=site, start=start, end=end, actor=request.user)
    if outcome.accepted:
        messages.success(request, f"{len(outcome.accepted)} proposal(s) accepted for {day:%a %d %b}.")
    for proposal, reason in outcome.refused:
        messages.error(request, f"{proposal.label}: {reason}")
    if not outcome.accepted and not outcome.refused:
        messages.info(request, "No open proposals on that day.")
    return redirect(_back(request, f"{reverse('docks:timeline', args=[site.code])}?day={day.isoformat()}"))


@role_required(*CLERK_ROLES)
@require_GET
def clerk(request: HttpRequest, site_code: str) -> HttpResponse:
    """The dock clerk's tablet view: today's trucks in order, one big button for the next step."""
    context = clerk_list(user=request.user, site_code=site_code)
    context["events"] = EVENTS
    context["live_groups"] = [site_group(site_code)]
    return render(request, "docks/clerk.html", context)


@role_required(*CLERK_ROLES)
@require_GET
def clerk_rows(request: HttpRequest, site_code: str) -> HttpResponse:
    """The clerk's list alone, refetched after a live event (same partial as the first load)."""
    context = clerk_list(user=request.user, site_code=site_code)
    context["events"] = EVENTS
    response = render(request, "docks/partials/clerk_list.html", context)
    group = site_group(site_code)
    response["X-Live-Group"], response["X-Live-Seq"] = group, str(current_sequence(group))
    response["Cache-Control"] = "no-store"
    return response
