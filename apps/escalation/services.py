"""Writes: contacts and the on-call calendar (audited, from what to what), and the escalation engine.

The engine is a sweep over timers stored in the database, so nothing is lost when a worker or beat restarts. Each
level is claimed by a conditional update before anything is sent: in normal operation a level goes out once; a
worker that dies between sending and recording leaves its claim, which is taken back after ESCALATION_CLAIM_STALE_S
and sent again, marked "possibly sent twice" on the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.audit.services import audit_record
from apps.cases.models import Case, CaseEvent, Status
from apps.cases.services.publishing import publish_case
from apps.core.vocabulary import duration_words, severity_text
from apps.escalation import notify
from apps.escalation.models import (
    Contact,
    Delivery,
    EscalationLevel,
    EscalationPolicy,
    EscalationTimer,
    OnCallOverride,
    OnCallSlot,
)
from apps.escalation.selectors import on_call_at, policy_for_case
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


# --- Engine ------------------------------------------------------------------------------------------------------


@dataclass
class SweepOutcome:
    started: int = 0
    stopped: int = 0
    levels_sent: list[tuple[int, int]] = field(default_factory=list)  # (case id, level)


def _stop_reason(case: Case) -> str:
    if not case.is_open:
        return "resolved"
    if case.acknowledged_at or case.status in (Status.ACKNOWLEDGED, Status.IN_PROGRESS):
        return "acknowledged"
    if case.assignee_id:
        return "assigned"
    return ""


def escalation_timers_start(*, now: datetime) -> int:
    """Start a timer for every open, unowned case whose site has a policy for it. Safe to repeat."""
    started = 0
    waiting = (
        Case.objects.filter(is_open=True, status=Status.OPEN, acknowledged_at__isnull=True, assignee__isnull=True)
        .filter(escalation_timer__isnull=True, site__escalation_policies__is_active=True)
        .distinct()
        .select_related("site")
    )
    for case in waiting:
        policy = policy_for_case(case)
        if policy is None:
            continue
        first = policy.levels.order_by("number").first()
        assert first is not None  # policy_for_case only returns policies with levels
        _, created = EscalationTimer.objects.get_or_create(
            case=case,
            defaults={
                "policy": policy,
                "next_level": first.number,
                "due_at": case.opened_at + timedelta(minutes=first.delay_min),
            },
        )
        started += int(created)
    return started


def escalations_sweep(*, now: datetime | None = None) -> SweepOutcome:
    """One pass: start timers, stop those whose case is owned or closed, send every level that is due."""
    now = now or timezone.now()
    outcome = SweepOutcome(started=escalation_timers_start(now=now))
    live = EscalationTimer.objects.filter(state__in=[EscalationTimer.State.PENDING, EscalationTimer.State.SENDING])
    for timer in live.select_related("case__site"):
        if _stop_reason(timer.case) and escalation_stop(timer_id=timer.pk, now=now):
            outcome.stopped += 1
    stale = now - timedelta(seconds=settings.ESCALATION_CLAIM_STALE_S)
    due = live.filter(
        Q(state=EscalationTimer.State.PENDING, due_at__lte=now)
        | Q(state=EscalationTimer.State.SENDING, claimed_at__lt=stale)
    ).order_by("due_at")
    for timer in due:
        level = escalation_level_send(timer_id=timer.pk, level_number=timer.next_level, now=now)
        if level is not None:
            outcome.levels_sent.append((timer.case_id, level))
    return outcome


def escalation_stop(*, timer_id: int, now: datetime) -> bool:
    """Stop further levels of a case that is acknowledged, assigned or closed; notes it on the timeline once."""
    with transaction.atomic():
        timer = EscalationTimer.objects.select_for_update(of=("self",)).select_related("case__site").get(pk=timer_id)
        reason = _stop_reason(timer.case)
        if not reason or timer.state in (EscalationTimer.State.STOPPED, EscalationTimer.State.DONE):
            return False
        timer.state, timer.stopped_reason, timer.due_at = EscalationTimer.State.STOPPED, reason, None
        timer.save(update_fields=["state", "stopped_reason", "due_at"])
        if timer.next_level > 1:  # only a case that was escalated gets the note
            CaseEvent.objects.create(
                case=timer.case,
                at=now,
                kind=CaseEvent.Kind.ESCALATED,
                text=f"Escalation stopped: {reason}.",
                data={"stopped": reason},
            )
        return True


def _claim(timer_id: int, level_number: int, now: datetime) -> tuple[bool, bool]:
    """Take a level for sending with one conditional update. Returns (claimed, taken back from a dead worker)."""
    stale = now - timedelta(seconds=settings.ESCALATION_CLAIM_STALE_S)
    fresh = EscalationTimer.objects.filter(
        pk=timer_id, next_level=level_number, state=EscalationTimer.State.PENDING, due_at__lte=now
    ).update(state=EscalationTimer.State.SENDING, claimed_at=now)
    if fresh:
        return True, False
    retaken = EscalationTimer.objects.filter(
        pk=timer_id, next_level=level_number, state=EscalationTimer.State.SENDING, claimed_at__lt=stale
    ).update(claimed_at=now)
    return bool(retaken), bool(retaken)


def case_message(case: Case, level: int, now: datetime) -> notify.Message:
    """What is wrong, where, and for how long, with a link to the case."""
    site = case.site.name if case.site else "no site"
    age = duration_words((now - case.opened_at).total_seconds())
    return notify.Message(
        subject=f"[{case.site.code if case.site else '—'}] {severity_text(case.severity)}: {case.title}",
        body=(f"{case.title}\nWhere: {site}\nOpen for {age}, nobody has acknowledged it.\nEscalation level {level}."),
        link=settings.PUBLIC_BASE_URL.rstrip("/") + reverse("cases:detail", args=[case.pk]),
    )


def _targets(level: EscalationLevel, case: Case, now: datetime) -> tuple[list[Contact], str]:
    if level.target_contact_id:
        contact = level.target_contact
        return ([contact] if contact and contact.is_active else []), "named contact"
    assert case.site is not None
    on_call = on_call_at(case.site, level.target_role, now)
    return (
        [on_call.contact] if on_call.contact else []
    ), f"on call ({on_call.source}) for {level.get_target_role_display()}"


def deliver(
    contact: Contact, message: notify.Message, *, case: Case | None, level: int | None, now: datetime, repeated: bool
) -> list[Delivery]:
    """Send to each of the contact's channels independently (a failing webhook never holds up email) and record
    each result."""
    deliveries = []
    channels = [
        (Delivery.Channel.EMAIL, contact.email, notify.send_email),
        (Delivery.Channel.CHAT, contact.chat_webhook_url, notify.send_chat),
    ]
    for channel, address, send in channels:
        if not address:
            continue
        result = send(address, message)
        deliveries.append(
            Delivery.objects.create(
                case=case,
                level=level,
                contact=contact,
                channel=channel,
                address=address,
                ok=result.ok,
                attempts=result.attempts,
                error=result.error,
                possibly_repeated=repeated,
                at=now,
            )
        )
    return deliveries


def _delivery_words(contacts: list[Contact], deliveries: list[Delivery]) -> str:
    """'Ann Early by email and chat webhook (failed: HTTP 500)' per contact, for the timeline."""
    parts = []
    for contact in contacts:
        mine = [d for d in deliveries if d.contact_id == contact.pk]
        if not mine:
            parts.append(f"{contact.name} (no email or chat set)")
            continue
        channels = " and ".join(
            d.get_channel_display().lower() + ("" if d.ok else f" (failed: {d.error})") for d in mine
        )
        parts.append(f"{contact.name} by {channels}")
    return ", ".join(parts)


def escalation_level_send(*, timer_id: int, level_number: int, now: datetime) -> int | None:
    """Claim one level of one case, send it, put it on the case's timeline and move the timer to the next level.
    Returns the level sent, or None when someone else has it, the case is owned, or it is not due."""
    claimed, repeated = _claim(timer_id, level_number, now)
    if not claimed:
        return None
    timer = EscalationTimer.objects.select_related("case__site", "policy").get(pk=timer_id)
    case = timer.case
    if _stop_reason(case):  # acknowledged between the sweep's look and the claim: nothing goes out
        EscalationTimer.objects.filter(pk=timer_id).update(state=EscalationTimer.State.PENDING)
        escalation_stop(timer_id=timer_id, now=now)
        return None
    level = timer.policy.levels.select_related("target_contact").filter(number=level_number).first()
    if level is None:
        EscalationTimer.objects.filter(pk=timer_id).update(state=EscalationTimer.State.DONE, due_at=None)
        return None
    message = case_message(case, level_number, now)
    contacts, how = _targets(level, case, now)
    deliveries = [
        d
        for contact in contacts
        for d in deliver(contact, message, case=case, level=level_number, now=now, repeated=repeated)
    ]
    following = timer.policy.levels.filter(number__gt=level_number).order_by("number").first()
    with transaction.atomic():
        if contacts:
            text = f"Level {level_number}: notified {_delivery_words(contacts, deliveries)} — {how}."
        else:
            text = (
                f"Level {level_number}: nobody to notify — no one {how.replace('on call (nobody) for', 'on call for')}."
            )
        if repeated:
            text += " Possibly sent twice (a worker stopped while sending)."
        CaseEvent.objects.create(
            case=case,
            at=now,
            kind=CaseEvent.Kind.ESCALATED,
            text=text,
            data={
                "level": level_number,
                "automatic": True,
                "deliveries": [d.pk for d in deliveries],
                "possibly_sent_twice": repeated,
            },
        )
        Case.objects.filter(pk=case.pk, escalation_level__lt=level_number).update(
            escalation_level=level_number, escalated_at=now
        )
        if following is None:
            EscalationTimer.objects.filter(pk=timer_id).update(state=EscalationTimer.State.DONE, due_at=None)
        else:
            EscalationTimer.objects.filter(pk=timer_id).update(
                state=EscalationTimer.State.PENDING,
                next_level=following.number,
                due_at=case.opened_at + timedelta(minutes=following.delay_min),
            )
    case.refresh_from_db()
    publish_case(case, "case.escalated")
    return level_number


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
