"""Reads: who is on call, which policy applies, what an admin may see and edit. Scoped by the user's sites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from apps.accounts.roles import Role
from apps.accounts.selectors import sites_visible_to
from apps.approvals.models import ApprovalStep
from apps.audit.models import AuditEntry
from apps.cases.models import Case
from apps.escalation.models import (
    AppliesTo,
    Contact,
    EscalationPolicy,
    Holiday,
    OnCallOverride,
    OnCallSlot,
    Rotation,
    Weekday,
)
from apps.sites.models import Site
from apps.sites.selectors import ShiftWindow, site_shift_at

AnyUser = AbstractBaseUser | AnonymousUser  # what request.user is


@dataclass(frozen=True)
class OnCall:
    """Who covers a role at a site at one moment, and why: "override", "holiday rota", "holiday" (nobody: the site's
    holiday without a holiday rota), "calendar" (the weekly slot), "rotation" or "nobody"."""

    site: Site
    role: str
    shift: ShiftWindow
    contact: Contact | None
    source: str

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


def rotation_turn(rotation: Rotation, day: date) -> Contact | None:
    """Whose turn it is on a local date: turns of a week or a day, counted from the rotation's start date.

    Counting local dates (not hours) keeps a turn a calendar week or day long across DST changes."""
    members = [turn.contact for turn in rotation.turns.all()]
    days = (day - rotation.starts_on).days
    if not members or days < 0:
        return None
    span = 7 if rotation.period == Rotation.Period.WEEK else 1
    return members[(days // span) % len(members)]


def _rotation(site: Site, role: str, *, for_holidays: bool) -> Rotation | None:
    return (
        Rotation.objects.filter(site=site, role=role, for_holidays=for_holidays)
        .prefetch_related("turns__contact")
        .first()
    )


def on_call_at(site: Site, role: str, when: datetime) -> OnCall:
    """The contact on call for `role` at `site` at `when`, in this order:

    1. an override ("I cover Tuesday night") covering that moment;
    2. on a site holiday (the local date the shift started), the holiday rota's turn, else nobody;
    3. the weekly calendar slot of the shift on (weekday of the local date the shift started, so a night shift
       belongs to the evening it began);
    4. the rotation's turn for that date.
    An inactive contact is never on call: their slot or turn is a gap."""
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
    day = shift.starts.date()

    def turn_of(rotation: Rotation | None, source: str) -> OnCall:
        contact = rotation_turn(rotation, day) if rotation else None
        if contact is not None and contact.is_active:
            return OnCall(site=site, role=role, shift=shift, contact=contact, source=source)
        return OnCall(site=site, role=role, shift=shift, contact=None, source="nobody")

    if Holiday.objects.filter(site=site, date=day).exists():
        on_holiday = turn_of(_rotation(site, role, for_holidays=True), "holiday rota")
        return on_holiday if on_holiday.contact else OnCall(site, role, shift, None, "holiday")
    slot = (
        OnCallSlot.objects.filter(
            site=site,
            role=role,
            weekday=day.weekday(),
            shift_name=shift.name,
            contact__is_active=True,
        )
        .select_related("contact")
        .first()
    )
    if slot:
        return OnCall(site=site, role=role, shift=shift, contact=slot.contact, source="calendar")
    return turn_of(_rotation(site, role, for_holidays=False), "rotation")


def overrides_ahead(site: Site, now: datetime) -> QuerySet[OnCallOverride]:
    """Covers that are on now or still to come, soonest first."""
    return OnCallOverride.objects.filter(site=site, ends_at__gt=now).select_related("contact").order_by("starts_at")


def on_call_roles(site: Site) -> list[str]:
    """Roles that have anyone in the site's on-call calendar, in the order of the Role enum."""
    used = set(OnCallSlot.objects.filter(site=site).values_list("role", flat=True))
    used |= set(OnCallOverride.objects.filter(site=site).values_list("role", flat=True))
    used |= set(Rotation.objects.filter(site=site).values_list("role", flat=True))
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
    """The weekly calendar as rows per shift and a cell per weekday (None where no one is set: covered by the
    rotation if there is one, else a gap)."""
    by_key = {(slot.weekday, slot.shift_name): slot.contact for slot in slots_for(site, role)}
    return [{"shift": name, "cells": [by_key.get((day, name)) for day in range(7)]} for name in shift_names]


def rotations_for(site: Site) -> QuerySet[Rotation]:
    return Rotation.objects.filter(site=site).prefetch_related("turns__contact")


def holidays_ahead(site: Site, today: date) -> QuerySet[Holiday]:
    return Holiday.objects.filter(site=site, date__gte=today).order_by("date")


def calendar_warnings(site: Site, role: str, shift_names: list[str], now: datetime) -> list[str]:
    """What an admin should look at in a role's on-call calendar: gaps (a shift nobody covers), overlaps (two covers
    at once, a slot and a rotation both set), holidays nobody covers, and people in it who cannot be reached."""
    warnings: list[str] = []
    rotation = _rotation(site, role, for_holidays=False)
    week = calendar_week(site, role, shift_names)
    days = dict(Weekday.choices)
    if rotation is None or not rotation.turns.exists():
        gaps = [f"{days[day]} {row['shift']}" for row in week for day, cell in enumerate(row["cells"]) if cell is None]
        if gaps:
            warnings.append(
                f"Gap: nobody on call for {len(gaps)} shift(s) a week ({', '.join(gaps[:4])}"
                + (", …" if len(gaps) > 4 else "")
                + ")."
            )
    else:
        both = sum(1 for row in week for cell in row["cells"] if cell is not None)
        if both:
            warnings.append(
                f"Overlap: {both} weekly slot(s) and the rotation '{rotation.name}' both cover a shift; the slot wins."
            )
    inactive = {cell.name for row in week for cell in row["cells"] if cell is not None and not cell.is_reachable}
    if rotation is not None:
        inactive |= {turn.contact.name for turn in rotation.turns.all() if not turn.contact.is_reachable}
    if inactive:
        warnings.append(f"Cannot be reached (inactive, or no email or chat): {', '.join(sorted(inactive))}.")
    covers = list(OnCallOverride.objects.filter(site=site, role=role, ends_at__gt=now).order_by("starts_at"))
    for earlier, later in pairwise(covers):
        if later.starts_at < earlier.ends_at:
            warnings.append(
                f"Overlap: covers by {earlier.contact.name} and {later.contact.name} overlap; the later start wins."
            )
    holiday_rota = _rotation(site, role, for_holidays=True)
    for holiday in holidays_ahead(site, now.astimezone(site.tzinfo).date())[:20]:
        if holiday_rota is None or rotation_turn(holiday_rota, holiday.date) is None:
            warnings.append(f"Holiday {holiday.name} ({holiday.date:%d %b}): nobody on call for this role.")
    return warnings


def policy_for_case(case: Case) -> EscalationPolicy | None:
    """The most specific active policy of the case's site: kind and severity, kind, severity, then any."""
    if case.site_id is None:
        return None
    candidates = EscalationPolicy.objects.filter(
        site_id=case.site_id, applies_to=AppliesTo.CASE, is_active=True
    ).prefetch_related("levels")
    for kind, severity in ((case.kind, case.severity), (case.kind, ""), ("", case.severity), ("", "")):
        policy = next((p for p in candidates if p.case_kind == kind and p.severity == severity), None)
        if policy is not None and policy.levels.exists():
            return policy
    return None


def policy_for_step(step: ApprovalStep) -> EscalationPolicy | None:
    """The most specific active approval policy of the request's site: request type and step name, request type,
    step name, then any."""
    request = step.request
    candidates = EscalationPolicy.objects.filter(
        site_id=request.site_id, applies_to=AppliesTo.APPROVAL, is_active=True
    ).prefetch_related("levels")
    for request_type, step_name in (
        (request.request_type, step.name),
        (request.request_type, ""),
        ("", step.name),
        ("", ""),
    ):
        policy = next((p for p in candidates if p.request_type == request_type and p.step_name == step_name), None)
        if policy is not None and policy.levels.exists():
            return policy
    return None


def policy_warnings(site: Site) -> list[str]:
    """Levels that would reach nobody today: a role with no active contact who has an email or chat at the site, or a
    named person who can no longer be reached (policies from the upgrade name the supervisor's role, for one)."""
    reachable_roles = set(
        Contact.objects.filter(site=site, is_active=True)
        .exclude(email="", chat_webhook_url="")
        .values_list("role", flat=True)
    )
    warnings = []
    for policy in policies_for(site).filter(is_active=True):
        for level in policy.levels.all():
            if level.target_contact_id and level.target_contact and not level.target_contact.is_reachable:
                warnings.append(f"{policy}, level {level.number}: {level.target_contact.name} cannot be reached.")
            elif level.target_role and level.target_role not in reachable_roles:
                warnings.append(
                    f"{policy}, level {level.number}: nobody with the role {Role(level.target_role).label} can be "
                    "reached at this site."
                )
    return warnings


def policies_for_user(user: AnyUser) -> QuerySet[EscalationPolicy]:
    return EscalationPolicy.objects.filter(site__in=sites_visible_to(user)).select_related("site")


def policies_for(site: Site) -> QuerySet[EscalationPolicy]:
    return EscalationPolicy.objects.filter(site=site).prefetch_related("levels__target_contact")


FIELD_LABELS = {
    "chat_webhook_url": "chat webhook",
    "is_active": "active",
    "user_id": "user",
    "contact_id": "contact",
    "repeat_every_min": "repeat every (min)",
    "repeat_limit": "repeats at most",
    "quiet_start": "quiet from",
    "quiet_end": "quiet until",
    "period": "turns",
    "starts_on": "first turn on",
    "people": "people in turn",
}


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


def on_call_emails_at(site_code: str, when: datetime) -> list[str]:
    """E-mail addresses of the contacts on call at a site at `when`, one per role with anyone on call
    (registered in apps/core/on_call.py for apps that cannot import escalation)."""
    site = Site.objects.filter(code=site_code).first()
    if site is None:
        return []
    addresses = []
    for role in on_call_roles(site):
        contact = on_call_at(site, role, when).contact
        if contact is not None and contact.is_active and contact.email:
            addresses.append(contact.email)
    return addresses
