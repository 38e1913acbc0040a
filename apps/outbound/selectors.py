"""Reads of outbound deliveries: counts for the health page and metrics, lists for the screens."""

from __future__ import annotations

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from apps.outbound.models import DeliveryState, OutboundDelivery


def outbound_overview(deliveries: QuerySet[OutboundDelivery] | None = None) -> dict:
    """Counts by state, the backlog (pending or sending), failing (waiting after a failed attempt), dead
    letters and the age of the oldest waiting delivery, in seconds (None when nothing waits)."""
    rows = OutboundDelivery.objects.all() if deliveries is None else deliveries
    by_state = dict(rows.values_list("state").annotate(n=Count("id")).order_by())
    waiting = rows.filter(state__in=(DeliveryState.PENDING, DeliveryState.SENDING))
    oldest = waiting.aggregate(first=Min("created_at"))["first"]
    return {
        "by_state": {state: by_state.get(state, 0) for state in DeliveryState.values},
        "backlog": by_state.get(DeliveryState.PENDING, 0) + by_state.get(DeliveryState.SENDING, 0),
        "failing": waiting.filter(Q(attempts__gt=0)).count(),
        "dead": by_state.get(DeliveryState.DEAD, 0),
        "oldest_waiting_age_s": (timezone.now() - oldest).total_seconds() if oldest else None,
    }


def dead_letters(deliveries: QuerySet[OutboundDelivery]) -> QuerySet[OutboundDelivery]:
    return deliveries.filter(state=DeliveryState.DEAD).order_by("-last_attempt_at", "-id")
