"""The escalation settings screen (/settings/escalation/): who is on call now, contacts, the weekly on-call
calendar per role, policies and the change history. Admins only; every edit goes through apps.escalation.services."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.accounts.selectors import sites_visible_to
from apps.escalation.forms import ContactForm, HolidayForm, OverrideForm, PolicyRulesForm, RotationForm, SlotForm
from apps.escalation.models import Rotation, Weekday
from apps.escalation.selectors import (
    calendar_warnings,
    calendar_week,
    change_history,
    contacts_visible_to,
    holidays_ahead,
    on_call_at,
    overrides_ahead,
    policies_for,
    policies_for_user,
    policy_warnings,
    rotations_for,
)
from apps.escalation.services import (
    EscalationError,
    contact_create,
    contact_update,
    holiday_add,
    holiday_remove,
    notification_test_send,
    on_call_override_create,
    on_call_slot_set,
    policy_rules_update,
    rotation_set,
)
from apps.sites.models import Site
from apps.sites.selectors import site_shift_pattern

CALENDAR_ROLES = (Role.SUPERVISOR, Role.MANAGER, Role.APPROVER_FINANCE, Role.APPROVER_OPERATIONS)


def _site(request: HttpRequest) -> Site:
    sites = sites_visible_to(request.user)
    code = request.GET.get("site") or request.POST.get("site")
    if code:
        return get_object_or_404(sites, code=code)
    site = sites.first()
    if site is None:
        raise Http404("There is no site to configure yet.")
    return site


def _page_url(site: Site, role: str = "") -> str:
    query = f"?site={site.code}" + (f"&role={role}" if role else "")
    return reverse("escalation:settings") + query


TURNS_ON_SCREEN = 6  # places in the rotation form; a longer rotation is set through the API


def _turn_slots(rotation: Rotation | None) -> list[int | None]:
    """The rotation form's choices, in turn order: who holds each place now (None: empty)."""
    chosen: list[int | None] = [turn.contact_id for turn in rotation.turns.all()] if rotation else []
    return (chosen + [None] * TURNS_ON_SCREEN)[: max(TURNS_ON_SCREEN, len(chosen))]


@role_required(Role.ADMIN)
def settings_page(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    asked = request.GET.get("role") or ""
    role: str = asked if asked in Role.values else Role.SUPERVISOR
    now = timezone.now()
    shift_names = [name for _, name in site_shift_pattern(site)]
    week = calendar_week(site, role, shift_names)
    rotations = list(rotations_for(site))
    rotation = next((each for each in rotations if each.role == role and not each.for_holidays), None)
    context = {
        "site": site,
        "sites": sites_visible_to(request.user),
        "role": role,
        "role_label": Role(role).label,
        "roles": Role.choices,
        "on_call": [on_call_at(site, each, now) for each in CALENDAR_ROLES],
        "contacts": contacts_visible_to(request.user).filter(site=site),
        "site_contacts": contacts_visible_to(request.user).filter(site=site, role=role, is_active=True),
        "weekdays": Weekday.choices,
        "week": week,
        "warnings": calendar_warnings(site, role, shift_names, now),
        "rotation": rotation,
        "rotations": rotations,
        "turn_slots": _turn_slots(rotation),
        "holidays": holidays_ahead(site, now.astimezone(site.tzinfo).date()),
        "policies": policies_for(site),
        "policy_warnings": policy_warnings(site),
        "overrides": overrides_ahead(site, now),
        "history": change_history(site),
    }
    return render(request, "escalation/settings.html", context)


@role_required(Role.ADMIN)
def contact_edit(request: HttpRequest, contact_id: int | None = None) -> HttpResponse:
    """GET: the form. POST: save through the service; a mistake comes back on the form with what to fix."""
    contact = get_object_or_404(contacts_visible_to(request.user), pk=contact_id) if contact_id else None
    site = contact.site if contact else _site(request)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in ContactForm.Meta.fields}
        try:
            if contact is None:
                contact = contact_create(actor=request.user, site=site, **values)
            else:
                contact = contact_update(actor=request.user, contact_id=contact.pk, **values)
        except EscalationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Saved {contact.name}.")
            return redirect(_page_url(site))
    return render(request, "escalation/contact_form.html", {"form": form, "contact": contact, "site": site})


@require_POST
@role_required(Role.ADMIN)
def contact_test(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = get_object_or_404(contacts_visible_to(request.user), pk=contact_id)
    try:
        deliveries = notification_test_send(actor=request.user, contact_id=contact.pk)
    except EscalationError as error:
        messages.error(request, str(error))
    else:
        for delivery in deliveries:
            word = "sent" if delivery.ok else f"failed ({delivery.error})"
            level = messages.SUCCESS if delivery.ok else messages.ERROR
            messages.add_message(
                request, level, f"Test {delivery.get_channel_display().lower()} to {delivery.address}: {word}."
            )
    return redirect(_page_url(contact.site))


@require_POST
@role_required(Role.ADMIN)
def slot_set(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    form = SlotForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role, a weekday and a shift.")
        return redirect(_page_url(site))
    data = form.cleaned_data
    try:
        on_call_slot_set(
            actor=request.user,
            site=site,
            role=data["role"],
            weekday=data["weekday"],
            shift_name=data["shift_name"],
            contact_id=data["contact"],
        )
    except EscalationError as error:
        messages.error(request, str(error))
    return redirect(_page_url(site, data["role"]))


@require_POST
@role_required(Role.ADMIN)
def override_add(request: HttpRequest) -> HttpResponse:
    """Someone covers a stretch ahead of the weekly calendar; the times are the site's local time."""
    site = _site(request)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role, a contact, and when the cover starts and ends.")
        return redirect(_page_url(site) + "#overrides")
    data = form.cleaned_data
    # The form's datetimes are naive wall-clock times at the site, not in the server's zone.
    starts = data["starts_at"].replace(tzinfo=None).replace(tzinfo=site.tzinfo)
    ends = data["ends_at"].replace(tzinfo=None).replace(tzinfo=site.tzinfo)
    try:
        on_call_override_create(
            actor=request.user,
            site=site,
            role=data["role"],
            contact_id=data["contact"],
            starts_at=starts,
            ends_at=ends,
            note=data["note"],
        )
    except EscalationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Cover saved.")
    return redirect(_page_url(site) + "#overrides")


@require_POST
@role_required(Role.ADMIN)
def rotation_save(request: HttpRequest) -> HttpResponse:
    """Set a role's rotation (or holiday rota): who takes turns, in the order chosen; no one removes it."""
    site = _site(request)
    form = RotationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role, a turn length and the date the first turn starts.")
        return redirect(_page_url(site) + "#rotations")
    data = form.cleaned_data
    try:
        rotation_set(
            actor=request.user,
            site=site,
            role=data["role"],
            name=data["name"],
            period=data["period"],
            starts_on=data["starts_on"],
            contact_ids=data["people"],
            for_holidays=data["for_holidays"],
        )
    except EscalationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Rotation saved." if data["people"] else "Rotation removed.")
    return redirect(_page_url(site, data["role"]) + "#rotations")


@require_POST
@role_required(Role.ADMIN)
def holiday_save(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    form = HolidayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the holiday a date and a name.")
        return redirect(_page_url(site) + "#holidays")
    try:
        holiday_add(actor=request.user, site=site, day=form.cleaned_data["date"], name=form.cleaned_data["name"])
    except EscalationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Holiday {form.cleaned_data['name']} saved.")
    return redirect(_page_url(site) + "#holidays")


@require_POST
@role_required(Role.ADMIN)
def holiday_delete(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    form = HolidayForm({"date": request.POST.get("date"), "name": "-"})
    if form.is_valid():
        holiday_remove(actor=request.user, site=site, day=form.cleaned_data["date"])
    return redirect(_page_url(site) + "#holidays")


@require_POST
@role_required(Role.ADMIN)
def policy_rules(request: HttpRequest, policy_id: int) -> HttpResponse:
    """A policy's repeat rule and quiet hours; a rule that makes no sense comes back with what to fix."""
    policy = get_object_or_404(policies_for_user(request.user), pk=policy_id)
    form = PolicyRulesForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Minutes and times: " + " ".join(form.errors.as_text().split()))
        return redirect(_page_url(policy.site) + "#policies")
    data = form.cleaned_data
    try:
        policy_rules_update(
            actor=request.user,
            policy_id=policy.pk,
            repeat_every_min=data["repeat_every_min"] or 0,
            repeat_limit=data["repeat_limit"] or 0,
            quiet_start=data["quiet_start"],
            quiet_end=data["quiet_end"],
        )
    except EscalationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Rules of {policy} saved.")
    return redirect(_page_url(policy.site) + "#policies")
