"""Retention of outbound deliveries (apps.core.retention): a delivery sent, or dead after its last
attempt, goes after RETENTION_DELIVERIES_DAYS. One waiting or sending is never touched."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.retention import RetentionKind
from apps.outbound.models import DeliveryState, OutboundDelivery

DELIVERIES = RetentionKind(
    code="deliveries",
    label=_("Outbound deliveries sent or dead"),
    model=OutboundDelivery,
    timestamp_field="last_attempt_at",  # when it was sent, or gave up
    finished=Q(state__in=[DeliveryState.SENT, DeliveryState.DEAD]),
    setting="RETENTION_DELIVERIES_DAYS",
)
