"""Follow-ups on a case's Odoo record: a note on its chatter, or an activity for the person
responsible. Nothing here talks to Odoo: both are queued in the write-back outbox in the same
transaction as the timeline entry, with an idempotency key, so a double click or a retry never
posts twice (the outbox's worker does the writing)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction

from apps.cases.models import Case, CaseEvent
from apps.cases.services.actions import CaseError, locked_case, record_action, require_active
from apps.mirror.models import Picking
from apps.writeback.services import InvalidOutboxRequest, outbox_enqueue

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.writeback.models import OutboxEntry

# Odoo models with a chatter (mail.thread) among those cases point at.
CHATTER_MODELS = ("stock.picking", "sale.order", "purchase.order", "res.partner")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def odoo_target(case: Case) -> tuple[str, int]:
    """The Odoo record a note or activity goes on: the case's record if it has a chatter, else its
    first flagged transfer or order."""
    if case.odoo_model in CHATTER_MODELS and case.odoo_id:
        return case.odoo_model, case.odoo_id
    for step in case.steps:
        if step.get("model") in CHATTER_MODELS and step.get("flagged", True):
            return step["model"], step["id"]
    raise CaseError(f"{case.record_name or 'This record'} has no chatter in Odoo to write on.")


def responsible_user(case: Case) -> int | None:
    """The Odoo user responsible for the case's transfer, when the mirror knows one."""
    picking_ids = [step["id"] for step in case.steps if step.get("model") == "stock.picking"]
    if case.odoo_model == "stock.picking" and case.odoo_id:
        picking_ids.insert(0, case.odoo_id)
    if not picking_ids:
        return None
    return (
        Picking.objects.filter(odoo_id__in=picking_ids)
        .exclude(responsible_odoo_id=None)
        .values_list("responsible_odoo_id", flat=True)
        .first()
    )


def _enqueue(case: Case, *, actor: User, operation: str, arguments: dict, idempotency_key: str) -> OutboxEntry:
    model, record_id = odoo_target(case)
    try:
        return outbox_enqueue(
            operation=operation,
            odoo_model=model,
            odoo_id=record_id,
            arguments=arguments,
            preconditions={},
            idempotency_key=idempotency_key,
            cause_type="case",
            cause_id=str(case.pk),
            requested_by=actor,
            site_code=case.site.code if case.site else "",
        )
    except InvalidOutboxRequest as exc:
        raise CaseError(f"Odoo would refuse this: {exc}") from exc


@transaction.atomic
def case_note_to_odoo(*, case_id: int, actor: User, body: str) -> Case:
    """Post a note on the Odoo record (through the outbox). The same text twice is sent once."""
    body = (body or "").strip()
    if not body:
        raise CaseError("Write the note first.")
    case = locked_case(case_id)
    key = f"case:{case.pk}:note:{_digest(body)}"
    entry = _enqueue(
        case, actor=actor, operation="post_message", arguments={"body": body, "is_html": False}, idempotency_key=key
    )
    if case.events.filter(kind=CaseEvent.Kind.ODOO_NOTE, data__idempotency_key=key).exists():
        return case
    record_action(
        case,
        kind=CaseEvent.Kind.ODOO_NOTE,
        actor=actor,
        text=body[:4000],
        event="case.changed",
        data={"idempotency_key": key, "outbox_entry": entry.pk},
    )
    return case


@transaction.atomic
def case_schedule_odoo_activity(
    *, case_id: int, actor: User, summary: str, note: str = "", date_deadline: date, user_id: int | None = None
) -> Case:
    """Schedule an Odoo activity (To-Do) for the responsible user (through the outbox)."""
    summary = (summary or "").strip()
    if not summary:
        raise CaseError("Give the activity a summary.")
    case = locked_case(case_id)
    require_active(case, "followed up in Odoo")
    user_id = user_id or responsible_user(case)
    if not user_id:
        raise CaseError("Nobody is responsible for this transfer in Odoo; choose the Odoo user to notify.")
    deadline = date_deadline.isoformat()
    key = f"case:{case.pk}:activity:{user_id}:{deadline}:{_digest(summary, note)}"
    entry = _enqueue(
        case,
        actor=actor,
        operation="schedule_activity",
        arguments={"user_id": user_id, "summary": summary, "note": note, "deadline": deadline},
        idempotency_key=key,
    )
    if case.events.filter(kind=CaseEvent.Kind.ODOO_ACTIVITY, data__idempotency_key=key).exists():
        return case
    record_action(
        case,
        kind=CaseEvent.Kind.ODOO_ACTIVITY,
        actor=actor,
        text=f"{summary} — for Odoo user {user_id}, due {deadline}.",
        event="case.changed",
        data={"idempotency_key": key, "outbox_entry": entry.pk, "user_id": user_id},
    )
    return case
