"""Retention of inbound Odoo webhooks (apps.core.retention): an event handled (record refreshed,
duplicate, rejected or dead) goes after RETENTION_INBOUND_EVENTS_DAYS; one still queued stays.
A webhook replayed after its event was purged only refreshes the record again: harmless."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.retention import RetentionKind
from apps.mirror.models import InboundEvent

S = InboundEvent.Status

INBOUND_EVENTS = RetentionKind(
    code="inbound_events",
    label=_("Inbound Odoo webhook events handled"),
    model=InboundEvent,
    timestamp_field="received_at",
    finished=Q(status__in=[S.PROCESSED, S.DUPLICATE, S.REJECTED, S.DEAD]),
    setting="RETENTION_INBOUND_EVENTS_DAYS",
)
