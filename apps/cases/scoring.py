"""Priority: what hurts service most comes first. A score from 0 to 100 with the reasons behind it.

Deliberately simple and explainable — a supervisor must be able to read why a case ranks where it
does: severity sets the base, then time to cutoff, the customer's tier, the order's value and
whether the goods are ready add to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from apps.cases.models import Severity
from apps.core import vocabulary

SEVERITY_BASE: dict[str, int] = {Severity.CRITICAL: 60, Severity.HIGH: 45, Severity.MEDIUM: 30, Severity.LOW: 15}
# The simulator (and many Odoo setups) keep the customer tier in the partner's reference.
TIER_POINTS = {"TIER-A": 12, "TIER-B": 6, "TIER-C": 0}


@dataclass
class Priority:
    score: int = 0
    reasons: list[str] = field(default_factory=list)


def customer_tier(partner_ref: str | None) -> str:
    ref = (partner_ref or "").upper()
    return ref if ref in TIER_POINTS else ""


def priority_for(
    *,
    severity: str,
    minutes_to_cutoff: int | None = None,
    tier: str = "",
    order_value: float = 0.0,
    currency: str = "",
    ready: bool | None = None,
) -> Priority:
    """Score a case; each factor that adds points says so in `reasons`."""
    priority = Priority(SEVERITY_BASE.get(severity, 15), [f"{Severity(severity).label} severity"])
    if minutes_to_cutoff is not None:
        if minutes_to_cutoff <= 0:
            priority.score += 20
            priority.reasons.append(f"Cutoff missed {duration_words(-minutes_to_cutoff)} ago")
        elif minutes_to_cutoff <= 30:
            priority.score += 16
            priority.reasons.append(f"Cutoff in {duration_words(minutes_to_cutoff)}")
        elif minutes_to_cutoff <= 120:
            priority.score += 10
            priority.reasons.append(f"Cutoff in {duration_words(minutes_to_cutoff)}")
        elif minutes_to_cutoff <= 240:
            priority.score += 4
            priority.reasons.append(f"Cutoff in {duration_words(minutes_to_cutoff)}")
    if tier and TIER_POINTS.get(tier):
        priority.score += TIER_POINTS[tier]
        priority.reasons.append(f"Customer {tier.replace('TIER-', 'tier ')}")
    if order_value >= 10000:
        priority.score += 8
        priority.reasons.append(f"Order value {order_value:,.0f} {currency}".rstrip())
    elif order_value >= 2500:
        priority.score += 4
        priority.reasons.append(f"Order value {order_value:,.0f} {currency}".rstrip())
    if ready is False:
        priority.score += 4
        priority.reasons.append("Goods not reserved")
    priority.score = max(0, min(100, priority.score))
    return priority


def duration_words(minutes: int) -> str:
    """Minutes in the words every screen uses (apps.core.vocabulary): '25 min', '2 h 30 min'."""
    return vocabulary.duration_words(max(0, minutes) * 60)
