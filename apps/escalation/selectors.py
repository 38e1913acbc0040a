"""Reads: who is on call, which policy applies, what an admin may see and edit. Scoped by the user's sites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from apps.accounts.roles import Role
from apps.accounts.selectors import sites_visible_to
from apps.audit.models import AuditEntry
from apps.cases.models import Case
from apps.escalation.models import Contact, EscalationPolicy, OnCallOverride, OnCallSlot
from apps.sites.models import Site
from apps.sites.selectors import ShiftWindow, site_shift_at

AnyUser = AbstractBaseUser | AnonymousUser  # what request.user is


@dataclass(frozen=True)
class OnCall:
    """Who covers a role at a site at one moment, and why (the weekly calendar or an override)."""

    site: Site
    role: str
    shift: ShiftWindow
    contact: Contact | None
    source: str  # "override", "calendar" or "nobody"

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def on_call_at(site: Site, role: str, when: datetime) -> OnCall:
    """The contact on call for `role` at `site` at `when`: an override covering that moment first, then the weekly
    calendar slot of the shift on (weekday of the local date the shift started, so a night shift belongs to the
    evening it began)."""
    shift = site_shift_at(site, when)
    override = (
        OnCallOverride.objects.filter(
            site=site, role=role, starts_at__lte=when, ends_at__gt=when, contact__is_active=True
        )
        .select_related("contact")
        .order_by("-starts_at", "-id")
        .first()
    )
    if override:
        return OnCall(site=site, role=role, shift=shift, contact=override.contact, source="override")
    slot = (
        OnCallSlot.objects.filter(
            site=site,
            role=role,
            weekday=shift.starts.weekday(),
            shift_name=shift.name,
            contact__is_active=True,
        )
        .select_related("contact")
        .first()
    )
    if slot:
        return OnCall(site=site, role=role, shift=shift, contact=slot.contact, source="calendar")
    return OnCall(site=site, role=role, shift=shift, contact=None, source="nobody")


def overrides_ahead(site: Site, now: datetime) -> QuerySet[OnCallOverride]:
    """Covers that are on now or still to come, soonest first."""
    return OnCallOverride.objects.filter(site=site, ends_at__gt=now).select_related("contact").order_by("starts_at")


def on_call_roles(site: Site) -> list[str]:
    """Roles that have anyone in the site's on-call calendar, in the order of the Role enum."""
    used = set(OnCallSlot.objects.filter(site=site).values_list("role", flat=True))
    used |= set(OnCallOverride.objects.filter(site=site).values_list("role", flat=True))
    return [role for role in Role.values if role in used]


def on_call_board(user: AnyUser, when: datetime, site_code: str | None = None) -> list[OnCall]:
    """Who is on call now for every role with a calendar, at each site the user can see."""
    sites = sites_visible_to(user)
    if site_code:
        sites = sites.filter(code=site_code)
    return [on_call_at(site, role, when) for site in sites for role in on_call_roles(site)]


def contacts_visible_to(user: AnyUser) -> QuerySet[Contact]:
    return Contact.objects.filter(site__in=sites_visible_to(user)).select_related("site", "user")


def slots_for(site: Site, role: str) -> QuerySet[OnCallSlot]:
    return OnCallSlot.objects.filter(site=site, role=role).select_related("contact")


def calendar_week(site: Site, role: str, shift_names: list[str]) -> list[dict]:
    """The weekly calendar as rows per shift and a cell per weekday (None where nobody is on call: a gap)."""
    by_key = {(slot.weekday, slot.shift_name): slot.contact for slot in slots_for(site, role)}
    return [{"shift": name, "cells": [by_key.get((day, name)) for day in range(7)]} for name in shift_names]


def policy_for_case(case: Case) -> EscalationPolicy | None:
    """The most specific active policy of the case's site: kind and severity, kind, severity, then any."""
    if case.site_id is None:
        return None
    candidates = EscalationPolicy.objects.filter(site_id=case.site_id, is_active=True).prefetch_related("levels")
    for kind, severity in ((case.kind, case.severity), (case.kind, ""), ("", case.severity), ("", "")):
        policy = next((p for p in candidates if p.case_kind == kind and p.severity == severity), None)
        if policy is not None and policy.levels.exists():
            return policy
    return None


def policies_for(site: Site) -> QuerySet[EscalationPolicy]:
    return EscalationPolicy.objects.filter(site=site).prefetch_related("levels__target_contact")


FIELD_LABELS = {"chat_webhook_url": "chat webhook", "is_active": "active", "user_id": "user", "contact_id": "contact"}


def change_history(site: Site, limit: int = 50) -> list[dict]:
    """Escalation settings changes at a site, newest first: who changed what, from what to what."""
    entries = AuditEntry.objects.filter(action__startswith="escalation.", site_code=site.code).order_by("-id")[:limit]
    rows = []
    for entry in entries:
        changes = entry.data.get("changes", {})
        rows.append(
            {
                "at": entry.at,
                "who": entry.actor_label,
                "action": entry.action.removeprefix("escalation.").replace("_", " "),
                "subject": entry.data.get("name") or entry.subject,
                "changes": [
                    (FIELD_LABELS.get(name, name), change.get("from"), change.get("to"))
                    for name, change in changes.items()
                ],
                "data": {k: v for k, v in entry.data.items() if k not in ("changes", "name")},
            }
        )
    return rows
