"""After Control Tower's own database was restored from a backup: pause, compare, list, wait.

The restored database is older than Odoo. Decisions taken after the backup are gone here while
their effects are in Odoo; entries the backup shows pending or running may have been written since;
entries it shows done may have been undone in Odoo (an Odoo restore as well). ``after_restore_check``
pauses the outbox (nothing reaches Odoo until a person resumes it), compares the mirror with Odoo
and sorts the outbox entries by what Odoo shows, with what to do about each.
``manage.py after_restore`` and the runbook in docs/operations.md are its users.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Max

from apps.mirror.services.verify import verify_model
from apps.mirror.specs import SYNC_ORDER
from apps.odoo.client import get_client
from apps.odoo.errors import OdooError
from apps.writeback.models import OutboxEntry
from apps.writeback.pause import PauseState, outbox_pause
from apps.writeback.recording import RecordingClient
from apps.writeback.recovery import Effect, effect_in_odoo

if TYPE_CHECKING:
    from apps.accounts.models import User

Status = OutboxEntry.Status
IN_FLIGHT = (Status.PENDING, Status.RUNNING)
DONE_LOOKBACK = timedelta(days=1)  # done entries checked: those finished in the day before the backup
PAUSE_REASON = "Control Tower's database was restored: write-back waits until a person has checked it."

ADVICE = {
    ("done", Effect.MISSING): "Odoo does not show it: reissue the decision (the outbox admin), or accept that "
    "someone undid it in Odoo.",
    ("done", Effect.GONE): "the record is gone from Odoo: nothing to write; tell the person who decided.",
    ("in_flight", Effect.SHOWN): "already in Odoo (written after the backup): on resume it is marked "
    "'already in Odoo' and nothing is written.",
    ("in_flight", Effect.MISSING): "not in Odoo: on resume it is written. If the decision no longer stands, "
    "cancel it in the outbox admin first.",
    ("in_flight", Effect.GONE): "the record is gone from Odoo: cancel it in the outbox admin.",
}


@dataclass(frozen=True)
class EntryFinding:
    entry_id: int
    operation: str
    target: str
    status: str
    site_code: str
    cause: str
    effect: str  # an apps.writeback.recovery.Effect value
    advice: str

    def line(self) -> str:
        return f"outbox:{self.entry_id} {self.operation} on {self.target} ({self.status}, {self.cause}): {self.advice}"


@dataclass(frozen=True)
class ModelDrift:
    odoo_model: str
    checked: int
    missing: int
    extra: int
    different: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.different or self.error)


@dataclass
class RestoreReport:
    pause: PauseState
    done_since: datetime | None
    drift: list[ModelDrift] = field(default_factory=list)
    done_missing: list[EntryFinding] = field(default_factory=list)  # done here, not shown by Odoo
    in_flight: list[EntryFinding] = field(default_factory=list)  # pending or running here

    @property
    def to_act_on(self) -> list[EntryFinding]:
        """The entries a person decides about (those Odoo already shows need nothing)."""
        return [f for f in [*self.done_missing, *self.in_flight] if f.effect != Effect.SHOWN]


def after_restore_check(
    *, actor: User | None = None, operator: str = "", sample: int = 500, done_lookback: timedelta = DONE_LOOKBACK
) -> RestoreReport:
    """Pause the outbox (audited), compare the mirror with Odoo, sort the outbox by what Odoo shows.

    Safe to repeat: the outbox stays paused, the comparison is read-only. Resuming is
    :func:`apps.writeback.pause.outbox_resume`, a person's call.
    """
    pause = outbox_pause(reason=PAUSE_REASON, actor=actor, operator=operator)
    newest_done = OutboxEntry.objects.filter(status=Status.DONE).aggregate(at=Max("finished_at"))["at"]
    done_since = newest_done - done_lookback if newest_done else None
    report = RestoreReport(pause=pause, done_since=done_since)
    client = get_client()
    for odoo_model in SYNC_ORDER:
        try:
            drift = verify_model(odoo_model, sample=sample, client=client)
        except OdooError as exc:
            report.drift.append(ModelDrift(odoo_model, 0, 0, 0, 0, error=str(exc)))
            continue
        report.drift.append(
            ModelDrift(odoo_model, drift.checked, len(drift.missing), len(drift.extra), len(drift.different))
        )
    recording = RecordingClient(client)
    if done_since is not None:
        done = OutboxEntry.objects.filter(status=Status.DONE, finished_at__gte=done_since).order_by("finished_at", "id")
        for entry in done:
            finding = _finding(recording, entry, "done")
            if finding.effect != Effect.SHOWN:
                report.done_missing.append(finding)
    for entry in OutboxEntry.objects.filter(status__in=IN_FLIGHT).order_by("created_at", "id"):
        report.in_flight.append(_finding(recording, entry, "in_flight"))
    return report


def _finding(client: RecordingClient, entry: OutboxEntry, kind: str) -> EntryFinding:
    effect, error = effect_in_odoo(client, entry)
    advice = ADVICE.get((kind, effect)) or f"could not be checked ({error}): run after_restore again when Odoo answers."
    return EntryFinding(
        entry_id=entry.pk,
        operation=entry.operation,
        target=entry.target,
        status=entry.status,
        site_code=entry.site_code,
        cause=f"{entry.cause_type} {entry.cause_id}",
        effect=effect,
        advice=advice,
    )
