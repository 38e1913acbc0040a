"""Message triage: a supplier or carrier message becomes a proposed update that a person confirms.

1. `message_triage` reads the message (the site's provider: local rules, or the external model where
   an admin enabled it, falling back to the rules), finds the transfer at the site, logs the run and,
   when there is something to do, proposes it as a recommendation. Nothing is written to Odoo.
2. A person confirms it on the screen or the API (the advisor's `recommendation_accept`): the
   `triage_update` action then queues, in that same transaction, the outbox entries: the transfer's
   new scheduled date (the `set_scheduled_date` operation docks use for reschedules) for a delay, and
   a note on the transfer with what the sender said; a damage or short shipment also opens a case in
   the exception queue (through the exception-facts registry, see exceptions.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.advisor.actions import ActionKind
from apps.advisor.errors import AdvisorError
from apps.advisor.governance import setting_for
from apps.advisor.models import AdvisorName, AdvisorRun, Outcome, Recommendation
from apps.advisor.providers.base import DAMAGE, DELAY, SHORT_SHIPMENT, Answer, TriageFacts
from apps.advisor.providers.choose import provider_for
from apps.advisor.providers.names import NameRedactor
from apps.advisor.services import recommendation_propose, run_record
from apps.advisor.triage.extract import VERSION as RULES_VERSION
from apps.advisor.triage.selectors import RecordMatch, triage_match
from apps.core.exception_facts import facts_changed
from apps.mirror.models import Picking
from apps.sites.models import Site
from apps.writeback.operations.base import OPEN_PICKING_STATES
from apps.writeback.services import outbox_enqueue

if TYPE_CHECKING:
    from apps.accounts.models import User

ACTION = "triage_update"
EXCEPTION_SOURCE = "advisor_triage"
KIND_LABELS = {
    DELAY: gettext_lazy("Delay"),
    DAMAGE: gettext_lazy("Damage"),
    SHORT_SHIPMENT: gettext_lazy("Short shipment"),
    "other": gettext_lazy("Other"),
}


class MessageTooLong(AdvisorError):
    def __init__(self, length: int) -> None:
        super().__init__(
            _("The message has %(length)d characters; paste at most %(limit)d (the part about the order is enough).")
            % {"length": length, "limit": settings.ADVISOR_TRIAGE_MAX_CHARS},
            status=413,
        )


@dataclass(frozen=True)
class TriageResult:
    """What the screen and the API show: the reading, the record found, and the proposal to confirm."""

    run: AdvisorRun
    facts: TriageFacts
    match: RecordMatch
    recommendation: Recommendation | None  # None: nothing to confirm (see `explanation`)
    proposal: dict[str, Any]  # the recommendation's action, or {} when there is none
    explanation: str  # why there is nothing to confirm, or what confirming will do

    @property
    def provider(self) -> str:
        return self.run.provider


def _local_today(site: Site, now: datetime) -> Any:
    return now.astimezone(site.tzinfo).date()


def _new_scheduled(site: Site, facts: TriageFacts, picking: Picking) -> datetime | None:
    """The announced date at the stated time, else at the transfer's present local time of day (09:00 if none)."""
    if facts.new_date is None:
        return None
    if facts.new_time:
        at = time.fromisoformat(facts.new_time)
    elif picking.scheduled_date is not None:
        at = picking.scheduled_date.astimezone(site.tzinfo).time().replace(microsecond=0)
    else:
        at = time(9, 0)
    return datetime.combine(facts.new_date, at, tzinfo=site.tzinfo).astimezone(UTC)


def _local_words(site: Site, value: datetime | None) -> str:
    return date_format(value.astimezone(site.tzinfo), "D j M H:i") if value else _("no date")


def _note(facts: TriageFacts, picking: Picking, new_date: datetime | None, site: Site) -> str:
    parts = [_("Supplier/carrier message (triaged in Control Tower): %(kind)s.") % {"kind": KIND_LABELS[facts.kind]}]
    if new_date is not None:
        parts.append(_("New date announced: %(date)s.") % {"date": _local_words(site, new_date)})
    if facts.quantity is not None:
        what = f" {facts.product}" if facts.product else ""
        parts.append(_("Quantity stated: %(quantity)g%(what)s.") % {"quantity": facts.quantity, "what": what})
    return " ".join(parts)


def _proposal(site: Site, facts: TriageFacts, match: RecordMatch) -> tuple[dict[str, Any], str, str]:
    """(action, title, explanation). An empty action means nothing to confirm."""
    picking = match.picking
    if facts.language != "en":
        return {}, "", _("Could not classify the message (another language): read it and act by hand.")
    if facts.kind not in (DELAY, DAMAGE, SHORT_SHIPMENT):
        return {}, "", _("Not a delay, damage or short shipment: nothing to change.")
    if picking is None:
        return {}, "", match.note
    is_open = picking.state in OPEN_PICKING_STATES
    base: dict[str, Any] = {
        "kind": ACTION,
        "triage": facts.kind,
        "site": site.code,
        "picking_odoo_id": picking.odoo_id,
        "picking_name": picking.name,
        "picking_state": picking.state,
        "previous_date": picking.scheduled_date.isoformat() if picking.scheduled_date else None,
        "scheduled_date": None,
        "quantity": facts.quantity,
        "product": match.product.name if match.product else facts.product,
    }
    if facts.kind == DELAY:
        new_date = _new_scheduled(site, facts, picking)
        if new_date is None:
            return {}, "", _("A delay, but no new date found in the message: set the date by hand.")
        if not is_open:
            return (
                {},
                "",
                _("%(name)s is %(state)s: its date can no longer change.")
                % {
                    "name": picking.name,
                    "state": picking.state,
                },
            )
        if picking.scheduled_date == new_date:
            return {}, "", _("%(name)s is already scheduled then: nothing to change.") % {"name": picking.name}
        base["scheduled_date"] = new_date.isoformat()
        base["note"] = _note(facts, picking, new_date, site)
        title = _("Move %(name)s from %(old)s to %(new)s") % {
            "name": picking.name,
            "old": _local_words(site, picking.scheduled_date),
            "new": _local_words(site, new_date),
        }
        return base, title, _("Confirming sends the new scheduled date and a note to Odoo through the outbox.")
    base["note"] = _note(facts, picking, None, site)
    what = KIND_LABELS[facts.kind].lower()
    title = _("Record %(what)s on %(name)s and open a case") % {"what": what, "name": picking.name}
    return (
        base,
        title,
        _(
            "Confirming opens a case in the exception queue and sends a note to the transfer in Odoo through the "
            "outbox (no quantity is changed in Odoo: the receipt is counted as usual)."
        ),
    )


def message_triage(*, site: Site, text: str, user: User | None, now: datetime | None = None) -> TriageResult:
    """Read a message for a site, find its transfer and propose the update (logged; nothing written to Odoo).

    Refused with a clear error when the message is empty (400), too long (413) or triage is off at the site (409).
    A model that fails or answers nonsense is replaced by the local rules, so this never hangs on it.
    """
    text = (text or "").strip()
    if not text:
        raise AdvisorError(_("Paste the supplier's or carrier's message first."), status=400)
    if len(text) > settings.ADVISOR_TRIAGE_MAX_CHARS:
        raise MessageTooLong(len(text))
    setting = setting_for(site=site, advisor=AdvisorName.MESSAGE_TRIAGE)
    if not setting.enabled:
        raise AdvisorError(_("Message triage is turned off at %(site)s.") % {"site": site.code}, status=409)
    now = now or timezone.now()
    provider = provider_for(external_enabled=setting.external_provider_enabled)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    try:
        answer: Answer = provider.triage(text, today=_local_today(site, now))
        facts = answer.output
        assert isinstance(facts, TriageFacts)
        match = triage_match(site=site, facts=facts, message=text)
        action, title, explanation = _proposal(site, facts, match)
    except Exception as exc:  # a bug of ours: logged as a failed run, then raised (a 500 the logs explain)
        run_record(
            advisor=AdvisorName.MESSAGE_TRIAGE,
            version=RULES_VERSION,
            site=site,
            subject_key=f"message:{digest}",
            inputs={"message": NameRedactor()(text), "chars": len(text), "site": site.code},
            output={},
            provider=provider.name,
            outcome=Outcome.FAILED,
            error=f"{type(exc).__name__}: {exc}",
        )
        raise
    reasons = [*facts.reasons, match.note] if match.note else list(facts.reasons)
    if answer.fallback_reason:
        reasons.append(_("The external model was not used: %(why)s") % {"why": answer.fallback_reason})
    with transaction.atomic():
        run = run_record(
            advisor=AdvisorName.MESSAGE_TRIAGE,
            version=RULES_VERSION if answer.provider == "local" else f"{RULES_VERSION}+{settings.ADVISOR_LLM_MODEL}",
            site=site,
            subject=match.picking,
            subject_key=f"picking:{match.picking.odoo_id}" if match.picking else f"message:{digest}",
            inputs={"message": NameRedactor()(text), "chars": len(text), "site": site.code},
            output={**facts.as_json(), "proposal": action, "explanation": explanation},
            reasons=reasons,
            confidence=facts.confidence,
            latency_ms=answer.latency_ms,
            provider=answer.provider if not answer.fallback_reason else f"local (fallback from {provider.name})",
            prompt=answer.prompt,
            error=answer.fallback_reason,
        )
        recommendation = None
        if action:
            recommendation = recommendation_propose(
                run=run, title=title, dedupe_key=f"triage:{site.code}:{digest}", action=action
            )
    return TriageResult(run, facts, match, recommendation, action, explanation)


def apply_triage_update(recommendation: Recommendation, actor: User | None) -> dict[str, Any]:
    """The confirmed update, queued in the confirmation's transaction: a new scheduled date (delay),
    a note on the transfer, and for damage or a short shipment a case. Returns the outbox entry ids."""
    action = recommendation.action
    site_code = recommendation.site.code
    picking_id = int(action["picking_odoo_id"])
    key = f"advisor-triage:{recommendation.pk}"
    entries = []
    if action.get("scheduled_date"):
        entries.append(
            outbox_enqueue(
                operation="set_scheduled_date",
                odoo_model="stock.picking",
                odoo_id=picking_id,
                arguments={"scheduled_date": action["scheduled_date"]},
                preconditions={},
                idempotency_key=f"{key}:date",
                cause_type="advisor_triage",
                cause_id=str(recommendation.pk),
                requested_by=actor,
                site_code=site_code,
            ).pk
        )
    entries.append(
        outbox_enqueue(
            operation="post_message",
            odoo_model="stock.picking",
            odoo_id=picking_id,
            arguments={"body": action.get("note") or recommendation.title, "is_html": False},
            preconditions={},
            idempotency_key=f"{key}:note",
            cause_type="advisor_triage",
            cause_id=str(recommendation.pk),
            requested_by=actor,
            site_code=site_code,
        ).pk
    )
    opens_case = action.get("triage") in (DAMAGE, SHORT_SHIPMENT)
    if opens_case:
        facts_changed(source=EXCEPTION_SOURCE, site_code=site_code)  # the case opens once this commits
    return {"outbox_entries": entries, "case": opens_case}


# Registered in AdvisorConfig.ready. Never auto-applied: a person confirms what a message says.
TRIAGE_ACTION = ActionKind(ACTION, gettext_lazy("Confirm the update"), apply_triage_update)
