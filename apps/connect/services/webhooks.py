"""Install, update and remove the Odoo automation rules that send webhooks to this instance.

Odoo posts a rule's webhook inside the user's save with a 1 s timeout (connection/06): the
intake answers at once (it stores the event and queues the refresh), and when Odoo cannot reach
us at all, the sync keeps polling every ``MIRROR_SYNC_EVERY_S`` seconds as before.

The administrator credentials are used for this one call and never stored; every install and
removal is audited.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.audit.services import audit_record
from apps.mirror.models import InboundEvent
from apps.odoo import setup as odoo_setup
from apps.odoo.client import OdooClient
from apps.odoo.config import OdooConfig
from apps.odoo.errors import OdooAccessError, OdooError
from apps.writeback.executor import outbox_execute
from apps.writeback.services import outbox_enqueue

if TYPE_CHECKING:
    from apps.accounts.models import User

RULE_PREFIX = "Control Tower webhook: "
#: model -> fields whose change fires the rule (what the screens and detectors react to)
WATCHED_FIELDS: dict[str, list[str]] = {
    "stock.picking": ["state", "scheduled_date", "date_deadline", "user_id", "carrier_tracking_ref", "priority"],
    "stock.move": ["state", "quantity", "product_uom_qty", "picked"],
    "stock.quant": ["quantity", "reserved_quantity", "inventory_quantity"],
    "sale.order": ["state", "commitment_date", "delivery_status"],
    "purchase.order": ["state", "date_planned", "receipt_status"],
}
#: sent with each notification: hints only (Control Tower re-reads the record), write_date for de-duplication
SENT_FIELDS = ["write_date"]


class WebhookSetupError(Exception):
    """Installing the rules failed; the message says what to do."""


@dataclass
class RulesResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def intake_url(base_url: str) -> str:
    """This instance's webhook intake as Odoo must call it (the secret is part of the path)."""
    path = reverse("odoo-webhook", kwargs={"secret": settings.ODOO_WEBHOOK_SECRET})
    return base_url.rstrip("/") + path


def rule_specs(url: str) -> list[odoo_setup.WebhookRuleSpec]:
    return [
        odoo_setup.WebhookRuleSpec(
            name=f"{RULE_PREFIX}{model}", model=model, url=url, trigger_fields=fields, sent_fields=SENT_FIELDS
        )
        for model, fields in WATCHED_FIELDS.items()
    ]


def admin_client(*, admin_login: str, admin_secret: str) -> OdooClient:
    """A client for the configured Odoo, signed in as the administrator who was typed in (not stored)."""
    base = OdooConfig.from_settings()
    config = base.with_overrides(login=admin_login, api_key="", password=admin_secret, retry_attempts=1)
    return odoo_setup.probe_client(config)


def webhook_rules_install(*, client: OdooClient, base_url: str, actor: User | None = None) -> RulesResult:
    """Create the rules, or bring existing ones to this URL (safe to repeat: found by name)."""
    url = intake_url(base_url)
    specs = rule_specs(url)
    result = RulesResult()
    try:
        existing = odoo_setup.find_rules(client, [s.name for s in specs])
        for spec in specs:
            rule = existing.get(spec.name)
            if rule is None:
                odoo_setup.create_webhook_rule(client, spec)
                result.created.append(spec.model)
            elif rule.active and rule.url == spec.url:
                result.unchanged.append(spec.model)
            else:
                odoo_setup.update_webhook_rule(client, rule, spec)
                result.updated.append(spec.model)
    except OdooAccessError as exc:
        raise WebhookSetupError(
            "This Odoo user may not manage automation rules; it needs Settings: Administration "
            f"(Odoo said: {exc.odoo_message.splitlines()[0]})."
        ) from exc
    except OdooError as exc:
        raise WebhookSetupError(f"Odoo refused: {exc}") from exc
    finally:
        audit_record(
            action="odoo.webhook_rules_installed",
            subject=url.replace(settings.ODOO_WEBHOOK_SECRET, "<secret>"),
            actor=actor,
            data={"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
    return result


def webhook_rules_remove(*, client: OdooClient, actor: User | None = None) -> RulesResult:
    """Delete every rule this product installed (found by name)."""
    names = [f"{RULE_PREFIX}{model}" for model in WATCHED_FIELDS]
    result = RulesResult()
    try:
        existing = odoo_setup.find_rules(client, names)
        odoo_setup.delete_rules(client, [rule.id for rule in existing.values()])
    except OdooAccessError as exc:
        raise WebhookSetupError(
            "This Odoo user may not manage automation rules; it needs Settings: Administration."
        ) from exc
    except OdooError as exc:
        raise WebhookSetupError(f"Odoo refused: {exc}") from exc
    result.removed = [name.removeprefix(RULE_PREFIX) for name in existing]
    audit_record(
        action="odoo.webhook_rules_removed",
        subject="odoo automation rules",
        actor=actor,
        data={"removed": result.removed},
    )
    return result


@dataclass
class RoundTrip:
    """The outcome of the round-trip check."""

    arrived: bool
    latency_ms: float | None
    polling_every_s: int
    message: str


def round_trip_check(*, client: OdooClient, wait_s: float = 10.0, actor: User | None = None) -> RoundTrip:
    """Make a harmless change in Odoo through the outbox and wait for its webhook to arrive here.

    The change moves an open transfer's scheduled date by one second (invisible at the minutes a
    screen shows). It is an outbox entry like any other write, executed at once here (the claim is
    a conditional update, so a worker that picks it up too does nothing twice). Arrival is a new
    inbound event for that transfer.
    """
    polling = settings.MIRROR_SYNC_EVERY_S
    rows = client.search_read(
        "stock.picking",
        [["state", "in", ["confirmed", "assigned", "waiting"]]],
        ["id", "scheduled_date"],
        limit=1,
        order="id desc",
    )
    if not rows:
        return RoundTrip(
            False, None, polling, "Odoo has no open transfer to touch: change any transfer in Odoo and watch this page."
        )
    record = rows[0]
    since = timezone.now()
    with transaction.atomic():
        entry = outbox_enqueue(
            operation="set_scheduled_date",
            odoo_model="stock.picking",
            odoo_id=record["id"],
            arguments={"scheduled_date": _shift(record["scheduled_date"], 1)},
            preconditions={},
            idempotency_key=f"connect-round-trip:{record['id']}:{since.timestamp():.3f}",
            cause_type="connect.round_trip",
            cause_id=str(record["id"]),
            requested_by=actor,
        )
    started = time.monotonic()
    outbox_execute(entry_id=entry.pk)
    while time.monotonic() - started < wait_s:
        if InboundEvent.objects.filter(
            odoo_model="stock.picking", odoo_id=record["id"], received_at__gte=since
        ).exists():
            latency = (time.monotonic() - started) * 1000
            return RoundTrip(
                True, round(latency, 1), polling, f"The webhook arrived {latency:.0f} ms after the change."
            )
        time.sleep(0.05)
    return RoundTrip(
        False,
        None,
        polling,
        f"No webhook arrived within {wait_s:g} s: Odoo cannot reach this address (a different network, a firewall "
        f"or a proxy). Changes still arrive by polling, every {polling} s.",
    )


def _shift(odoo_datetime: str, seconds: int) -> str:
    value = datetime.strptime(odoo_datetime, "%Y-%m-%d %H:%M:%S") + timedelta(seconds=seconds)
    return value.strftime("%Y-%m-%d %H:%M:%S")
