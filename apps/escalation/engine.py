"""The escalation engine: one sweep over timers stored in the database, for exception cases and approval steps.

Nothing is lost when a worker or beat restarts: a timer row says which level is due when. Each level (and each repeat
of the last level) is claimed by a conditional update before anything is sent, so in normal operation it goes out
once; a worker that dies between sending and recording leaves its claim, which is taken back after
ESCALATION_CLAIM_STALE_S and sent again, marked "possibly sent twice" on the timeline.

A case's levels count from its opening; an approval step's from its due time (its SLA). A case raised a level by
hand ("Escalate now") has that level sent at the next sweep. Acknowledgement, assignment,
resolution or a decision stops further levels at once. Quiet hours hold a low-severity case's level until they end;
repeat rules send the last level again every N minutes, up to a limit, until someone acknowledges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from apps.approvals.models import ApprovalStep, RequestStatus, StepStatus
from apps.approvals.services.sla import step_escalation_note, step_escalation_record
from apps.cases.models import Case, CaseEvent, Severity, Status
from apps.cases.services.publishing import publish_case
from apps.core.vocabulary import duration_words, severity_text
from apps.escalation import notify
from apps.escalation.models import AppliesTo, Contact, Delivery, EscalationLevel, EscalationPolicy, EscalationTimer
from apps.escalation.selectors import on_call_at, policy_for_case, policy_for_step
from apps.sites.models import Site

OPEN_REQUESTS = (RequestStatus.PENDING, RequestStatus.INFO_REQUESTED)
QUIET_SEVERITIES = (Severity.LOW,)  # quiet hours hold only these; anything worse goes out at night too


@dataclass
class SweepOutcome:
    started: int = 0
    stopped: int = 0
    held: int = 0
    levels_sent: list[tuple[str, int]] = field(default_factory=list)  # (subject, level)


# --- What a timer follows ----------------------------------------------------------------------------------------


def _case_stop_reason(case: Case) -> str:
    if not case.is_open:
        return "resolved"
    if case.acknowledged_at or case.status in (Status.ACKNOWLEDGED, Status.IN_PROGRESS):
        return "acknowledged"
    if case.assignee_id:
        return "assigned"
    return ""


def _step_stop_reason(step: ApprovalStep) -> str:
    if step.status != StepStatus.ACTIVE or step.request.status not in OPEN_REQUESTS:
        return "decided"
    if step.acknowledged_at:
        return "acknowledged"
    return ""


def _stop_reason(timer: EscalationTimer) -> str:
    if timer.case is not None:
        return _case_stop_reason(timer.case)
    assert timer.approval_step is not None
    return _step_stop_reason(timer.approval_step)


def _site(timer: EscalationTimer) -> Site:
    site = timer.case.site if timer.case is not None else timer.approval_step.request.site  # type: ignore[union-attr]
    assert site is not None  # timers start only for subjects with a site
    return site


def _anchor(timer: EscalationTimer) -> datetime:
    """The moment a subject's levels count from: the case's opening, the step's due time."""
    if timer.case is not None:
        return timer.case.opened_at
    assert timer.approval_step is not None and timer.approval_step.due_at is not None
    return timer.approval_step.due_at


def _subject(timer: EscalationTimer) -> str:
    return f"case:{timer.case_id}" if timer.case_id else f"approval_step:{timer.approval_step_id}"


def _note(timer: EscalationTimer, text: str, now: datetime, data: dict) -> None:
    """A line on the subject's timeline that is not a level sent (held, stopped)."""
    if timer.case is not None:
        CaseEvent.objects.create(case=timer.case, at=now, kind=CaseEvent.Kind.ESCALATED, text=text, data=data)
    else:
        step_escalation_note(step_id=timer.approval_step_id, message=text, data=data)  # type: ignore[arg-type]


def _live(queryset=None):
    return (queryset or EscalationTimer.objects).select_related(
        "case__site", "approval_step__request__site", "policy__site"
    )


# --- Timers ------------------------------------------------------------------------------------------------------


def _timer_start(policy: EscalationPolicy | None, anchor: datetime, **subject: object) -> int:
    if policy is None:
        return 0
    first = policy.levels.order_by("number").first()
    assert first is not None  # the policy selectors only return policies with levels
    _, created = EscalationTimer.objects.get_or_create(
        **subject,
        defaults={"policy": policy, "next_level": first.number, "due_at": anchor + timedelta(minutes=first.delay_min)},
    )
    return int(created)


def escalation_timers_start(*, now: datetime) -> int:
    """Start a timer for every open, unowned case and every waiting approval step past nothing yet but with a due
    time, whose site has a policy for it. Safe to repeat (one timer per case or step)."""
    started = 0
    cases = (
        Case.objects.filter(is_open=True, status=Status.OPEN, acknowledged_at__isnull=True, assignee__isnull=True)
        .filter(
            escalation_timer__isnull=True,
            site__escalation_policies__is_active=True,
            site__escalation_policies__applies_to=AppliesTo.CASE,
        )
        .distinct()
        .select_related("site")
    )
    for case in cases:
        started += _timer_start(policy_for_case(case), case.opened_at, case=case)
    steps = (
        ApprovalStep.objects.filter(
            status=StepStatus.ACTIVE,
            request__status__in=OPEN_REQUESTS,
            acknowledged_at__isnull=True,
            due_at__isnull=False,
            escalation_timer__isnull=True,
            request__site__escalation_policies__is_active=True,
            request__site__escalation_policies__applies_to=AppliesTo.APPROVAL,
        )
        .distinct()
        .select_related("request__site")
    )
    for step in steps:
        assert step.due_at is not None
        started += _timer_start(policy_for_step(step), step.due_at, approval_step=step)
    return started


def escalations_sweep(*, now: datetime | None = None) -> SweepOutcome:
    """One pass for cases and approvals: start timers, stop those whose subject is owned, decided or closed, send
    every level that is due (or hold it for quiet hours)."""
    now = now or timezone.now()
    outcome = SweepOutcome(started=escalation_timers_start(now=now))
    live = EscalationTimer.objects.filter(state__in=[EscalationTimer.State.PENDING, EscalationTimer.State.SENDING])
    for timer in _live(live):
        if _stop_reason(timer) and escalation_stop(timer_id=timer.pk, now=now):
            outcome.stopped += 1
    # "Escalate now" on a case raises its level by hand: the level it reached is sent at this sweep, not at its time.
    live.filter(
        state=EscalationTimer.State.PENDING, case__escalation_level__gte=F("next_level"), due_at__gt=now
    ).update(due_at=now)
    stale = now - timedelta(seconds=settings.ESCALATION_CLAIM_STALE_S)
    due = live.filter(
        Q(state=EscalationTimer.State.PENDING, due_at__lte=now)
        | Q(state=EscalationTimer.State.SENDING, claimed_at__lt=stale)
    ).order_by("due_at")
    for timer in due:
        sent = escalation_level_send(timer_id=timer.pk, level_number=timer.next_level, now=now)
        if sent is None:
            outcome.held += int(EscalationTimer.objects.filter(pk=timer.pk, due_at__gt=now).exists())
        else:
            outcome.levels_sent.append((_subject(timer), sent))
    return outcome


def escalation_stop(*, timer_id: int, now: datetime) -> bool:
    """Stop further levels of a subject that is acknowledged, assigned, decided or closed; noted once, and only on
    a subject that was escalated."""
    with transaction.atomic():
        timer = _live(EscalationTimer.objects.select_for_update(of=("self",))).get(pk=timer_id)
        reason = _stop_reason(timer)
        if not reason or timer.state in (EscalationTimer.State.STOPPED, EscalationTimer.State.DONE):
            return False
        first = timer.policy.levels.order_by("number").values_list("number", flat=True).first()
        timer.state, timer.stopped_reason, timer.due_at = EscalationTimer.State.STOPPED, reason, None
        timer.save(update_fields=["state", "stopped_reason", "due_at"])
        if first is not None and timer.next_level > first:
            _note(timer, f"Escalation stopped: {reason}.", now, {"stopped": reason})
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


# --- Quiet hours -------------------------------------------------------------------------------------------------


def _local_moment(site: Site, day, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=site.tzinfo).astimezone(UTC)


def quiet_until(policy: EscalationPolicy, site: Site, now: datetime) -> datetime | None:
    """When the policy's quiet hours end, if `now` falls inside them (site's local time; may span midnight)."""
    if not policy.has_quiet_hours:
        return None
    start, end = policy.quiet_start, policy.quiet_end
    assert start is not None and end is not None
    local = now.astimezone(site.tzinfo)
    clock, today = local.time(), local.date()
    if start < end:
        return _local_moment(site, today, end) if start <= clock < end else None
    if clock >= start:
        return _local_moment(site, today + timedelta(days=1), end)
    if clock < end:
        return _local_moment(site, today, end)
    return None


def _is_quiet_subject(timer: EscalationTimer) -> bool:
    return timer.case is not None and timer.case.severity in QUIET_SEVERITIES


# --- Messages and deliveries -------------------------------------------------------------------------------------


def _link(name: str, pk: int) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(name, args=[pk])


def case_message(case: Case, level: int, now: datetime) -> notify.Message:
    """What is wrong, where, and for how long, with a link to the case."""
    site = case.site.name if case.site else "no site"
    age = duration_words((now - case.opened_at).total_seconds())
    return notify.Message(
        subject=f"[{case.site.code if case.site else '—'}] {severity_text(case.severity)}: {case.title}",
        body=(f"{case.title}\nWhere: {site}\nOpen for {age}, nobody has acknowledged it.\nEscalation level {level}."),
        link=_link("cases:detail", case.pk),
    )


def step_message(step: ApprovalStep, level: int, now: datetime) -> notify.Message:
    """Which approval waits on whom, where, and how late, with a link to the request."""
    request = step.request
    assert step.due_at is not None
    late = duration_words((now - step.due_at).total_seconds())
    waits_on = step.role or "named approvers"
    return notify.Message(
        subject=f"[{request.site.code}] Approval waiting: {request.title}",
        body=(
            f"{request.title}\nWhere: {request.site.name}\nStep '{step.name}' ({waits_on}) is {late} past its SLA, "
            f"nobody has acknowledged it.\nEscalation level {level}."
        ),
        link=_link("approvals:detail", request.pk),
    )


def _targets(level: EscalationLevel, site: Site, now: datetime) -> tuple[list[Contact], str]:
    if level.target_contact_id:
        contact = level.target_contact
        return ([contact] if contact and contact.is_active else []), "named contact"
    on_call = on_call_at(site, level.target_role, now)
    return (
        [on_call.contact] if on_call.contact else []
    ), f"on call ({on_call.source}) for {level.get_target_role_display()}"


def deliver(
    contact: Contact,
    message: notify.Message,
    *,
    case: Case | None,
    level: int | None,
    now: datetime,
    repeated: bool,
    approval_step: ApprovalStep | None = None,
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
                approval_step=approval_step,
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


# --- Sending one level -------------------------------------------------------------------------------------------


def _level_for(timer: EscalationTimer, number: int) -> tuple[EscalationLevel | None, int]:
    """The level a timer's `next_level` stands for, and which repeat it is: numbers past the last level are the
    last level sent again (last + 1 is its first repeat), so every repeat is claimed once like a level."""
    levels = list(timer.policy.levels.select_related("target_contact").order_by("number"))
    if not levels:
        return None, 0
    last = levels[-1]
    if number > last.number:
        return last, number - last.number
    return next((level for level in levels if level.number == number), None), 0


def _release(timer_id: int, **values: object) -> None:
    EscalationTimer.objects.filter(pk=timer_id).update(**values)


def escalation_level_send(*, timer_id: int, level_number: int, now: datetime) -> int | None:
    """Claim one level of one case or approval step, send it, put it on the timeline and move the timer on.

    Returns the level sent, or None when someone else has it, the subject is owned, it is not due, or quiet hours
    hold it (then the timer waits for their end, and the timeline says so once)."""
    claimed, repeated = _claim(timer_id, level_number, now)
    if not claimed:
        return None
    timer = _live().get(pk=timer_id)
    if _stop_reason(timer):  # acknowledged between the sweep's look and the claim: nothing goes out
        _release(timer_id, state=EscalationTimer.State.PENDING)
        escalation_stop(timer_id=timer_id, now=now)
        return None
    level, repeat = _level_for(timer, level_number)
    if level is None:
        _release(timer_id, state=EscalationTimer.State.DONE, due_at=None)
        return None
    site = _site(timer)
    held_until = quiet_until(timer.policy, site, now) if _is_quiet_subject(timer) else None
    if held_until is not None:
        _release(timer_id, state=EscalationTimer.State.PENDING, due_at=held_until)
        local_end = held_until.astimezone(site.tzinfo)
        _note(
            timer,
            f"Level {level.number} held until {local_end:%H:%M} (quiet hours for low severity).",
            now,
            {"level": level.number, "held_until": held_until.isoformat()},
        )
        return None
    if timer.case is not None:
        message = case_message(timer.case, level.number, now)
    else:
        assert timer.approval_step is not None
        message = step_message(timer.approval_step, level.number, now)
    contacts, how = _targets(level, site, now)
    deliveries = [
        d
        for contact in contacts
        for d in deliver(
            contact,
            message,
            case=timer.case,
            approval_step=timer.approval_step,
            level=level.number,
            now=now,
            repeated=repeated,
        )
    ]
    text = _level_text(level.number, repeat, timer.policy, contacts, deliveries, how, repeated)
    data = {
        "level": level.number,
        "repeat": repeat,
        "automatic": True,
        "deliveries": [d.pk for d in deliveries],
        "possibly_sent_twice": repeated,
    }
    with transaction.atomic():
        _record(timer, level, text, data, now)
        _release(timer_id, **_next_state(timer, level_number, now))
    if timer.case is not None:
        timer.case.refresh_from_db()
        publish_case(timer.case, "case.escalated")
    return level.number


def _level_text(
    number: int,
    repeat: int,
    policy: EscalationPolicy,
    contacts: list[Contact],
    deliveries: list[Delivery],
    how: str,
    repeated: bool,
) -> str:
    label = f"Level {number}" + (f" again (repeat {repeat} of {policy.repeat_limit})" if repeat else "")
    if contacts:
        text = f"{label}: notified {_delivery_words(contacts, deliveries)} — {how}."
    else:
        text = f"{label}: nobody to notify — no one {how.replace('on call (nobody) for', 'on call for')}."
    if repeated:
        text += " Possibly sent twice (a worker stopped while sending)."
    return text


def _record(timer: EscalationTimer, level: EscalationLevel, text: str, data: dict, now: datetime) -> None:
    """The level on the subject's timeline, and the marks the screens show (case level, approval 'escalated')."""
    if timer.case is not None:
        CaseEvent.objects.create(case=timer.case, at=now, kind=CaseEvent.Kind.ESCALATED, text=text, data=data)
        Case.objects.filter(pk=timer.case.pk, escalation_level__lt=level.number).update(
            escalation_level=level.number, escalated_at=now
        )
    else:
        step_escalation_record(
            step_id=timer.approval_step_id,  # type: ignore[arg-type]
            level=level.number,
            message=text,
            to_role=level.target_role,
            now=now,
            data=data,
        )


def _next_state(timer: EscalationTimer, sent_number: int, now: datetime) -> dict:
    """Where the timer goes after a send: the next level, a repeat of the last one, or done."""
    following = timer.policy.levels.filter(number__gt=sent_number).order_by("number").first()
    if following is not None:
        return {
            "state": EscalationTimer.State.PENDING,
            "next_level": following.number,
            "due_at": _anchor(timer) + timedelta(minutes=following.delay_min),
        }
    last = timer.policy.levels.order_by("-number").values_list("number", flat=True).first() or sent_number
    repeats_done = max(0, sent_number - last)
    policy = timer.policy
    if policy.repeat_every_min and repeats_done < policy.repeat_limit:
        return {
            "state": EscalationTimer.State.PENDING,
            "next_level": sent_number + 1,
            "due_at": now + timedelta(minutes=policy.repeat_every_min),
        }
    return {"state": EscalationTimer.State.DONE, "due_at": None}
