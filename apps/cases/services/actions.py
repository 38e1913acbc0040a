"""What people do with a case: acknowledge, start, assign, comment, snooze, resolve, escalate.

Every service is keyword-only, atomic, audited, and safe to repeat: it reads the case's current
state under a row lock and does nothing (returning the case) when the action is already done, or
raises CaseError with a message a supervisor can act on when it cannot be done.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.accounts.selectors import user_can_see_site
from apps.audit.services import audit_record
from apps.cases.models import Case, CaseEvent, ResolutionCode, Status
from apps.cases.selectors import CaseFilters, can_act_on, case_list
from apps.cases.services.publishing import publish_case

if TYPE_CHECKING:
    from collections.abc import Callable

    from apps.accounts.models import User
    from apps.accounts.types import AnyUser

MAX_SNOOZE = timedelta(days=7)


class CaseError(Exception):
    """The action cannot be done on this case as it stands (the message says why)."""


def locked_case(case_id: int) -> Case:
    case = Case.objects.select_for_update(of=("self",)).select_related("site").filter(pk=case_id).first()
    if case is None:
        raise CaseError(f"Case {case_id} does not exist.")
    return case


def record_action(case: Case, *, kind: str, actor: User, text: str = "", data: dict | None = None, event: str) -> None:
    """Timeline, audit and screens, in that order, inside the caller's transaction."""
    now = timezone.now()
    CaseEvent.objects.create(case=case, at=now, kind=kind, actor=actor, text=text, data=data or {})
    audit_record(
        action=f"case.{kind}",
        subject=f"case:{case.pk}",
        actor=actor,
        site_code=case.site.code if case.site else "",
        data={"status": case.status, "kind": case.kind, "record": f"{case.odoo_model}:{case.odoo_id}", **(data or {})},
    )
    publish_case(case, event)


def require_active(case: Case, action: str) -> None:
    if not case.is_open:
        raise CaseError(f"{case.reference} is already {case.get_status_display().lower()}; it cannot be {action}.")


@transaction.atomic
def case_acknowledge(*, case_id: int, actor: User) -> Case:
    """Someone has seen it and owns the next step. Wakes a snoozed case."""
    case = locked_case(case_id)
    require_active(case, "acknowledged")
    if case.status in (Status.ACKNOWLEDGED, Status.IN_PROGRESS):
        return case
    case.status = Status.ACKNOWLEDGED
    case.acknowledged_at = case.acknowledged_at or timezone.now()
    case.snoozed_until = None
    case.save()
    record_action(case, kind=CaseEvent.Kind.ACKNOWLEDGED, actor=actor, event="case.changed")
    return case


@transaction.atomic
def case_start(*, case_id: int, actor: User) -> Case:
    """Work has started: in progress, assigned to the actor when nobody is."""
    case = locked_case(case_id)
    require_active(case, "started")
    if case.status == Status.IN_PROGRESS:
        return case
    case.status = Status.IN_PROGRESS
    case.acknowledged_at = case.acknowledged_at or timezone.now()
    case.assignee = case.assignee or actor
    case.snoozed_until = None
    case.save()
    record_action(case, kind=CaseEvent.Kind.STARTED, actor=actor, event="case.changed")
    return case


@transaction.atomic
def case_assign(*, case_id: int, actor: User, assignee_id: int | None) -> Case:
    """Give the case to a person who can see its site (None takes it back to the role's pool)."""
    case = locked_case(case_id)
    require_active(case, "assigned")
    if case.assignee_id == assignee_id:
        return case
    assignee = None
    if assignee_id is not None:
        assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()
        if assignee is None:
            raise CaseError(f"User {assignee_id} does not exist or is inactive.")
        if case.site and not user_can_see_site(assignee, case.site.code):
            raise CaseError(
                f"{assignee.get_username()} is not a member of {case.site.code}; add them to the site first."
            )
    case.assignee = assignee
    case.save()
    who = assignee.get_username() if assignee else "nobody"
    record_action(
        case,
        kind=CaseEvent.Kind.ASSIGNED,
        actor=actor,
        text=f"Assigned to {who}.",
        event="case.changed",
        data={"assignee": assignee_id},
    )
    return case


@transaction.atomic
def case_comment(*, case_id: int, actor: User, text: str) -> Case:
    """Add a comment to the timeline. The same text from the same person twice in a row is kept once
    (a double submit)."""
    text = (text or "").strip()
    if not text:
        raise CaseError("Write a comment first.")
    case = locked_case(case_id)
    last = case.events.order_by("-at", "-id").first()
    if (
        last
        and last.kind == CaseEvent.Kind.COMMENTED
        and last.actor_id == getattr(actor, "pk", None)
        and last.text == text
    ):
        return case
    record_action(case, kind=CaseEvent.Kind.COMMENTED, actor=actor, text=text[:4000], event="case.changed")
    return case


@transaction.atomic
def case_snooze(*, case_id: int, actor: User, until: datetime) -> Case:
    """Hide it until a time (at most a week ahead); the sweep brings it back as open."""
    now = timezone.now()
    if until <= now:
        raise CaseError("Choose a time in the future to snooze until.")
    if until - now > MAX_SNOOZE:
        raise CaseError("Snooze for at most 7 days; resolve the case if it needs no action.")
    case = locked_case(case_id)
    require_active(case, "snoozed")
    if case.status == Status.SNOOZED and case.snoozed_until == until:
        return case
    case.status = Status.SNOOZED
    case.snoozed_until = until
    case.save()
    record_action(
        case,
        kind=CaseEvent.Kind.SNOOZED,
        actor=actor,
        text=f"Snoozed until {until:%Y-%m-%d %H:%M} UTC.",
        data={"until": until.isoformat()},
        event="case.changed",
    )
    return case


@transaction.atomic
def case_resolve(*, case_id: int, actor: User, reason_code: str, note: str = "") -> Case:
    """Close it with a reason. While the detector still sees the condition it does not reopen the
    case; if the condition clears and comes back, a new case opens."""
    if reason_code not in ResolutionCode.values:
        raise CaseError(f"Choose a reason: {', '.join(ResolutionCode.values)}.")
    case = locked_case(case_id)
    if case.status in (Status.RESOLVED, Status.AUTO_RESOLVED):
        return case
    case.status = Status.RESOLVED
    case.is_open = False
    case.resolved_at = timezone.now()
    case.resolution_code = reason_code
    case.resolution_note = note.strip()
    case.snoozed_until = None
    case.save()
    label = ResolutionCode(reason_code).label
    record_action(
        case,
        kind=CaseEvent.Kind.RESOLVED,
        actor=actor,
        text=f"{label}. {case.resolution_note}".strip(),
        data={"reason_code": reason_code},
        event="case.resolved",
    )
    return case


@transaction.atomic
def case_escalate(*, case_id: int, actor: User, note: str = "", from_level: int | None = None) -> Case:
    """Escalate now: one level up. `from_level` (the level the screen showed) makes a double click
    harmless: when the case has already moved past it, nothing happens."""
    case = locked_case(case_id)
    require_active(case, "escalated")
    if from_level is not None and case.escalation_level != from_level:
        return case
    case.escalation_level += 1
    case.escalated_at = timezone.now()
    case.save()
    record_action(
        case,
        kind=CaseEvent.Kind.ESCALATED,
        actor=actor,
        text=f"Escalated to level {case.escalation_level}. {note.strip()}".strip(),
        data={"level": case.escalation_level, "automatic": False},
        event="case.escalated",
    )
    return case


def bulk(service: Callable[..., Case], *, case_ids: list[int], **kwargs: Any) -> tuple[list[Case], dict[int, str]]:
    """Apply one service to many cases, each in its own transaction; returns (done, errors by id)."""
    done, errors = [], {}
    for case_id in case_ids:
        try:
            done.append(service(case_id=case_id, **kwargs))
        except CaseError as exc:
            errors[case_id] = str(exc)
    return done, errors


BULK_SERVICES: dict[str, Callable[..., Case]] = {"acknowledge": case_acknowledge, "assign": case_assign}


def cases_bulk_act(
    *, actor: AnyUser, action: str, case_ids: list[int], assignee_id: int | None = None
) -> tuple[list[Case], dict[int, str]]:
    """Acknowledge or assign many cases, each in its own transaction (the queue's bulk bar and the
    API). Cases the actor cannot see, or may read but not act on, come back refused with the reason."""
    visible = {
        case.pk: case for case in case_list(user=actor, filters=CaseFilters(status="all")).filter(pk__in=case_ids)
    }
    refused: dict[int, str] = {}
    allowed = []
    for case_id in case_ids:
        case = visible.get(case_id)
        if case is None:
            refused[case_id] = "Not found on your sites."
        elif not can_act_on(actor, case):
            refused[case_id] = f"{case.reference}: your role can read it but not act on it."
        else:
            allowed.append(case_id)
    extra = {"assignee_id": assignee_id} if action == "assign" else {}
    done, errors = bulk(BULK_SERVICES[action], case_ids=allowed, actor=actor, **extra)
    return done, {**refused, **errors}
