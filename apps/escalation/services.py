"""Writes: contacts, the on-call calendar (weekly slots, rotations, holidays, covers) and policies, each audited
with who changed what, from what to what. The engine that sends escalations is apps.escalation.engine."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import Role
from apps.audit.services import audit_record
from apps.escalation import notify
from apps.escalation.engine import deliver
from apps.escalation.models import (
    AppliesTo,
    Contact,
    Delivery,
    EscalationLevel,
    EscalationPolicy,
    Holiday,
    OnCallOverride,
    OnCallSlot,
    Rotation,
    RotationMember,
)
from apps.sites.models import Site

Actor = AbstractBaseUser | AnonymousUser | None  # who made the change (None: the system)

CONTACT_FIELDS = ("name", "role", "email", "chat_webhook_url", "phone", "is_active", "user_id")


class EscalationError(Exception):
    """A change that cannot be made as asked (the message says what to fix)."""


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ".join(
            f"{name.replace('_', ' ').capitalize()}: {' '.join(msgs)}" for name, msgs in error.message_dict.items()
        )
    return " ".join(error.messages)


def _masked_url(url: str) -> str:
    # Incoming webhook URLs carry their secret in the path: the audit log keeps only where they point.
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…" if url else ""


def _snapshot(contact: Contact) -> dict[str, Any]:
    values = {name: getattr(contact, name) for name in CONTACT_FIELDS}
    values["chat_webhook_url"] = _masked_url(contact.chat_webhook_url)
    return values


# --- Contacts and calendar ---------------------------------------------------------------------------------------


@transaction.atomic
def contact_create(*, actor: Actor, site: Site, **values: Any) -> Contact:
    """Add a contact to a site after validating it (an email that is not one is refused with a clear message)."""
    contact = Contact(site=site, **values)
    try:
        contact.full_clean()
    except ValidationError as error:
        raise EscalationError(_messages(error)) from error
    contact.save()
    audit_record(
        action="escalation.contact_created",
        subject=f"contact:{contact.pk}",
        actor=actor,
        site_code=site.code,
        data={"after": _snapshot(contact)},
    )
    return contact


@transaction.atomic
def contact_update(*, actor: Actor, contact_id: int, **values: Any) -> Contact:
    """Change a contact's fields; records who changed what, from what to what. Repeating it changes nothing."""
    contact = Contact.objects.select_for_update().select_related("site").get(pk=contact_id)
    before = _snapshot(contact)
    raw_before = {name: getattr(contact, name) for name in CONTACT_FIELDS}
    for name, value in values.items():
        if name not in CONTACT_FIELDS:
            raise EscalationError(f"{name!r} is not a contact field.")
        setattr(contact, name, value)
    try:
        contact.full_clean()
    except ValidationError as error:
        raise EscalationError(_messages(error)) from error
    after = _snapshot(contact)
    changed = [name for name in CONTACT_FIELDS if raw_before[name] != getattr(contact, name)]
    changes = {name: {"from": before[name], "to": after[name]} for name in changed}
    if not changes:
        return contact
    if not contact.is_active and contact.on_call_slots.exists() and before["is_active"]:
        # Deactivating someone still in the calendar leaves a gap; allowed, but the history says so.
        changes["warning"] = {"from": "", "to": "still in the on-call calendar: the slots are now gaps"}
    contact.save()
    audit_record(
        action="escalation.contact_changed",
        subject=f"contact:{contact.pk}",
        actor=actor,
        site_code=contact.site.code,
        data={"name": contact.name, "changes": changes},
    )
    return contact


@transaction.atomic
def on_call_slot_set(
    *, actor: Actor, site: Site, role: str, weekday: int, shift_name: str, contact_id: int | None
) -> None:
    """Put a contact on call for one shift of one weekday (None clears the slot). Audited from whom to whom."""
    slot = OnCallSlot.objects.select_for_update().filter(site=site, role=role, weekday=weekday, shift_name=shift_name)
    current = slot.first()
    before = current.contact_id if current else None
    if before == contact_id:
        return
    if contact_id is None:
        slot.delete()
    else:
        contact = Contact.objects.filter(pk=contact_id, site=site).first()
        if contact is None:
            raise EscalationError("That contact does not belong to this site.")
        OnCallSlot.objects.update_or_create(
            site=site, role=role, weekday=weekday, shift_name=shift_name, defaults={"contact": contact}
        )
    audit_record(
        action="escalation.on_call_changed",
        subject=f"on_call:{site.code}:{role}:{weekday}:{shift_name}",
        actor=actor,
        site_code=site.code,
        data={"changes": {"contact_id": {"from": before, "to": contact_id}}},
    )


@transaction.atomic
def on_call_override_create(
    *, actor: Actor, site: Site, role: str, contact_id: int, starts_at: datetime, ends_at: datetime, note: str = ""
) -> OnCallOverride:
    """ "I cover Tuesday night": someone on call ahead of the weekly calendar for a stretch of time."""
    if ends_at <= starts_at:
        raise EscalationError("The cover must end after it starts.")
    contact = Contact.objects.filter(pk=contact_id, site=site).first()
    if contact is None:
        raise EscalationError("That contact does not belong to this site.")
    override, _ = OnCallOverride.objects.get_or_create(
        site=site, role=role, contact=contact, starts_at=starts_at, ends_at=ends_at, defaults={"note": note}
    )
    audit_record(
        action="escalation.override_created",
        subject=f"override:{override.pk}",
        actor=actor,
        site_code=site.code,
        data={"contact": contact.name, "role": role, "starts_at": starts_at, "ends_at": ends_at, "note": note},
    )
    return override


@transaction.atomic
def policy_level_add(
    *,
    actor: Actor,
    policy: EscalationPolicy,
    delay_min: int,
    target_role: str = "",
    target_contact_id: int | None = None,
) -> EscalationLevel:
    """Append a level to a policy. Refuses a target nobody can reach (no active contact with an email or chat)."""
    if bool(target_role) == bool(target_contact_id):
        raise EscalationError("Choose either the on-call of a role or one person as the target of this level.")
    if target_contact_id is not None:
        contact = Contact.objects.filter(pk=target_contact_id, site=policy.site).first()
        if contact is None or not contact.is_reachable:
            raise EscalationError("That person cannot be reached: give them an email address or a chat webhook.")
    elif (
        not Contact.objects.filter(site=policy.site, role=target_role, is_active=True)
        .exclude(email="", chat_webhook_url="")
        .exists()
    ):
        raise EscalationError(f"Nobody at {policy.site.code} with the role {target_role!r} can be reached yet.")
    last = policy.levels.order_by("-number").first()
    if last and delay_min <= last.delay_min:
        raise EscalationError(
            f"Level {last.number + 1} must come later than level {last.number} ({last.delay_min} min)."
        )
    level = EscalationLevel.objects.create(
        policy=policy,
        number=(last.number + 1) if last else 1,
        delay_min=delay_min,
        target_role=target_role,
        target_contact_id=target_contact_id,
    )
    audit_record(
        action="escalation.level_added",
        subject=f"policy:{policy.pk}",
        actor=actor,
        site_code=policy.site.code,
        data={"level": level.number, "delay_min": delay_min, "role": target_role, "contact_id": target_contact_id},
    )
    return level


@transaction.atomic
def policy_create(*, actor: Actor, site: Site, **scope: Any) -> EscalationPolicy:
    """A new policy for a scope (cases: kind and severity; approvals: request type and step name), without levels
    yet. Refuses a scope that already has one."""
    policy = EscalationPolicy(site=site, **scope)
    try:
        policy.full_clean()
    except ValidationError as error:
        raise EscalationError(_messages(error)) from error
    policy.save()
    audit_record(
        action="escalation.policy_created",
        subject=f"policy:{policy.pk}",
        actor=actor,
        site_code=site.code,
        data={"name": str(policy), "after": {name: getattr(policy, name) for name in POLICY_SCOPE}},
    )
    return policy


POLICY_SCOPE = ("applies_to", "case_kind", "severity", "request_type", "step_name")
POLICY_RULES = ("repeat_every_min", "repeat_limit", "quiet_start", "quiet_end", "is_active")


@transaction.atomic
def policy_rules_update(*, actor: Actor, policy_id: int, **values: Any) -> EscalationPolicy:
    """Change a policy's repeat rule, quiet hours or whether it is in force; audited from what to what."""
    policy = EscalationPolicy.objects.select_for_update().select_related("site").get(pk=policy_id)
    before = {name: getattr(policy, name) for name in POLICY_RULES}
    for name, value in values.items():
        if name not in POLICY_RULES:
            raise EscalationError(f"{name!r} is not a policy rule ({', '.join(POLICY_RULES)}).")
        setattr(policy, name, value)
    if bool(policy.repeat_every_min) != bool(policy.repeat_limit):
        raise EscalationError("A repeat rule needs both an interval (minutes) and a limit (times); or neither.")
    if (policy.quiet_start is None) != (policy.quiet_end is None) or (
        policy.quiet_start is not None and policy.quiet_start == policy.quiet_end
    ):
        raise EscalationError("Quiet hours need a start and a different end (e.g. 22:00 to 06:00), or neither.")
    if policy.quiet_start is not None and policy.applies_to != AppliesTo.CASE:
        raise EscalationError("Quiet hours hold low-severity cases; approval policies have no severity.")
    changes = {
        name: {"from": _plain(before[name]), "to": _plain(getattr(policy, name))}
        for name in POLICY_RULES
        if before[name] != getattr(policy, name)
    }
    if not changes:
        return policy
    policy.save()
    audit_record(
        action="escalation.policy_changed",
        subject=f"policy:{policy.pk}",
        actor=actor,
        site_code=policy.site.code,
        data={"name": str(policy), "changes": changes},
    )
    return policy


def _plain(value: Any) -> Any:
    return value.strftime("%H:%M") if isinstance(value, time) else value


@transaction.atomic
def rotation_set(
    *,
    actor: Actor,
    site: Site,
    role: str,
    name: str,
    period: str,
    starts_on: date,
    contact_ids: list[int],
    for_holidays: bool = False,
) -> Rotation | None:
    """Set (or, with no people, remove) the rotation of a role: who takes turns, in what order, a week or a day
    each from a local start date. Every person must be a contact of the site who can be reached."""
    if period not in Rotation.Period.values:
        raise EscalationError(f"A turn is {' or '.join(Rotation.Period.values)}, not {period!r}.")
    contacts = {contact.pk: contact for contact in Contact.objects.filter(site=site, pk__in=contact_ids)}
    missing = [pk for pk in contact_ids if pk not in contacts]
    if missing:
        raise EscalationError("Every person in a rotation must be a contact of this site.")
    unreachable = [contacts[pk].name for pk in contact_ids if not contacts[pk].is_reachable]
    if unreachable:
        raise EscalationError(
            f"Cannot be reached, so cannot take a turn: {', '.join(unreachable)} (inactive, or no email or chat)."
        )
    if len(set(contact_ids)) != len(contact_ids):
        raise EscalationError("Name each person once; the order is who comes next.")
    current = Rotation.objects.select_for_update().filter(site=site, role=role, for_holidays=for_holidays).first()
    before = _rotation_snapshot(current)
    if not contact_ids:
        if current is not None:
            current.delete()
        rotation = None
    else:
        rotation, _ = Rotation.objects.update_or_create(
            site=site,
            role=role,
            for_holidays=for_holidays,
            defaults={"name": name.strip() or "Rotation", "period": period, "starts_on": starts_on},
        )
        rotation.turns.all().delete()
        RotationMember.objects.bulk_create(
            RotationMember(rotation=rotation, position=position, contact=contacts[pk])
            for position, pk in enumerate(contact_ids, start=1)
        )
    after = _rotation_snapshot(rotation)
    changes = {
        key: {"from": before.get(key), "to": after.get(key)}
        for key in ROTATION_FIELDS
        if before.get(key) != after.get(key)
    }
    if changes:
        audit_record(
            action="escalation.rotation_changed",
            subject=f"rotation:{site.code}:{role}:{'holidays' if for_holidays else 'regular'}",
            actor=actor,
            site_code=site.code,
            data={
                "name": f"{'Holiday rota' if for_holidays else 'Rotation'} for {Role(role).label.lower()}",
                "changes": changes,
            },
        )
    return rotation


ROTATION_FIELDS = ("name", "period", "starts_on", "people")


def _rotation_snapshot(rotation: Rotation | None) -> dict[str, Any]:
    if rotation is None:
        return {}
    return {
        "name": rotation.name,
        "period": rotation.period,
        "starts_on": rotation.starts_on.isoformat(),
        "people": ", ".join(turn.contact.name for turn in rotation.turns.select_related("contact")),
    }


@transaction.atomic
def holiday_add(*, actor: Actor, site: Site, day: date, name: str) -> Holiday:
    """Mark a local date a holiday at the site: only the holiday rota is on call then. Safe to repeat."""
    if not name.strip():
        raise EscalationError("Name the holiday (e.g. Christmas Day).")
    holiday, created = Holiday.objects.get_or_create(site=site, date=day, defaults={"name": name.strip()})
    if created:
        audit_record(
            action="escalation.holiday_added",
            subject=f"holiday:{site.code}:{day.isoformat()}",
            actor=actor,
            site_code=site.code,
            data={"name": name.strip(), "changes": {"holiday": {"from": "", "to": f"{day.isoformat()} {name}"}}},
        )
    return holiday


@transaction.atomic
def holiday_remove(*, actor: Actor, site: Site, day: date) -> None:
    """Make a holiday an ordinary day again. Safe to repeat."""
    holiday = Holiday.objects.filter(site=site, date=day).first()
    if holiday is None:
        return
    holiday.delete()
    audit_record(
        action="escalation.holiday_removed",
        subject=f"holiday:{site.code}:{day.isoformat()}",
        actor=actor,
        site_code=site.code,
        data={"name": holiday.name, "changes": {"holiday": {"from": f"{day.isoformat()} {holiday.name}", "to": ""}}},
    )


# --- Test notification ----------------------------------------------------------------------------------------


def notification_test_send(*, actor: Actor, contact_id: int) -> list[Delivery]:
    """The "send test notification" button: one message on each of the contact's channels, each result recorded."""
    contact = Contact.objects.select_related("site").get(pk=contact_id)
    if not (contact.email or contact.chat_webhook_url):
        raise EscalationError(f"{contact.name} has no email address or chat webhook to test.")
    now = timezone.now()
    message = notify.Message(
        subject=f"[{contact.site.code}] Test notification from Control Tower",
        body=f"This is a test for {contact.name}, sent by {getattr(actor, 'username', 'system')}. No action needed.",
        link=settings.PUBLIC_BASE_URL.rstrip("/") + reverse("escalation:settings"),
    )
    deliveries = deliver(contact, message, case=None, level=None, now=now, repeated=False)
    audit_record(
        action="escalation.test_sent",
        subject=f"contact:{contact.pk}",
        actor=actor,
        site_code=contact.site.code,
        data={"results": {d.channel: d.ok for d in deliveries}},
    )
    return deliveries
