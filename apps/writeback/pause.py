"""The outbox's pause switch: stop every write to Odoo until a person says so (audited).

Used after a restore of Control Tower's database (``manage.py after_restore``): the restored
outbox may hold entries Odoo already shows, or miss decisions taken after the backup, so nothing is
written until someone has read the report. The executor checks the switch when it claims an entry,
so every worker, sweep and recovery honours it at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_record
from apps.writeback.models import OutboxSwitch

if TYPE_CHECKING:
    from apps.accounts.models import User


@dataclass(frozen=True)
class PauseState:
    paused: bool
    reason: str = ""
    changed_at: datetime | None = None
    changed_by: str = ""


def outbox_pause_state() -> PauseState:
    """Whether the outbox is paused, why, since when and by whom (running when never switched)."""
    row = OutboxSwitch.objects.filter(pk=OutboxSwitch.SINGLETON).first()
    if row is None:
        return PauseState(paused=False)
    return PauseState(paused=row.paused, reason=row.reason, changed_at=row.changed_at, changed_by=row.changed_by)


def outbox_is_paused() -> bool:
    """One indexed read; the executor asks before each claim."""
    return OutboxSwitch.objects.filter(pk=OutboxSwitch.SINGLETON, paused=True).exists()


def _who(actor: User | None, operator: str) -> str:
    return getattr(actor, "username", "") or operator or "system"


@transaction.atomic
def outbox_pause(*, reason: str, actor: User | None = None, operator: str = "") -> PauseState:
    """Pause the outbox (audited). Pausing a paused outbox keeps the first reason and records nothing.

    ``operator`` names the person at a shell when there is no user (``after_restore``).
    """
    if not reason.strip():
        raise ValueError("Say why the outbox is paused: the health page shows it to everyone.")
    row, _ = OutboxSwitch.objects.select_for_update().get_or_create(pk=OutboxSwitch.SINGLETON)
    if row.paused:
        return outbox_pause_state()
    row.paused, row.reason, row.changed_at, row.changed_by = (
        True,
        reason.strip()[:300],
        timezone.now(),
        _who(actor, operator),
    )
    row.save()
    audit_record(
        action="outbox.paused", subject="outbox", actor=actor, data={"reason": row.reason, "by": row.changed_by}
    )
    return outbox_pause_state()


@transaction.atomic
def outbox_resume(*, actor: User | None = None, operator: str = "", note: str = "") -> PauseState:
    """Let the outbox run again (audited); due entries go at the next sweep. Harmless when running."""
    row, _ = OutboxSwitch.objects.select_for_update().get_or_create(pk=OutboxSwitch.SINGLETON)
    if not row.paused:
        return outbox_pause_state()
    paused_for = row.reason
    row.paused, row.reason, row.changed_at, row.changed_by = False, "", timezone.now(), _who(actor, operator)
    row.save()
    audit_record(
        action="outbox.resumed",
        subject="outbox",
        actor=actor,
        data={"paused_for": paused_for, "by": row.changed_by, "note": note},
    )
    return outbox_pause_state()
