"""Priority advisor: ranks open outbound work and backorder cases by the risk of missing the customer commitment.

The score (0–100) adds readable points: time left to the deadline (the earlier of the scheduled time and the
carrier's cutoff that day, or the order's commitment date), whether the goods are reserved, the site's recent
lateness, a backorder that already made the customer wait, and — for what is at stake — the customer's tier
and the order's value when the mirror holds them (and says so when it does not). Confidence is the share of
those inputs actually known. The rule-based `Case.priority_score` stays as it is; this is a second opinion
people accept or reject, and a sort option of the exception queue and the wall.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.advisor.models import AdvisorName, Recommendation, subject_type_is
from apps.advisor.services import recommendation_expire, recommendation_propose, run_record, run_seen, stopwatch
from apps.cases.models import Case
from apps.cases.orderings import CaseOrdering
from apps.cases.scoring import TIER_POINTS, customer_tier
from apps.cases.site_rules import SiteResolver, SiteRules
from apps.core import vocabulary
from apps.mirror.models import Picking, SaleOrder
from apps.mirror.selectors import site_warehouse_ids
from apps.sites.models import Site

VERSION = "priority-1"
OPEN_STATES = ("confirmed", "waiting", "assigned", "partially_available")
LATENESS_WINDOW = timedelta(days=14)
LATENESS_MIN_DELIVERIES = 10  # fewer done deliveries than this: the site's lateness is not known yet
CUTOFF_BUCKET_MIN = 15  # inputs round the time left to this, so a run is repeated only when something moved
INPUTS_KNOWN = 5  # deadline, readiness, tier, value, site lateness


@dataclass
class Ranking:
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    known: int = 0

    @property
    def confidence(self) -> float:
        return round(0.4 + 0.6 * self.known / INPUTS_KNOWN, 2)


@dataclass(frozen=True)
class DeliveryFacts:
    """What the priority advisor reads of one open delivery (plain values: the run's inputs)."""

    picking_id: int
    name: str
    state: str
    minutes_left: int | None  # to the deadline; negative when past it
    tier: str  # "TIER-A"… or "" when unknown
    tier_known: bool
    order_value: float | None  # None: no sale order mirrored
    currency: str
    backorder: bool
    site_late_share: float | None  # None: too few deliveries to tell

    def as_inputs(self) -> dict[str, Any]:
        minutes = self.minutes_left
        bucket = None if minutes is None else (minutes // CUTOFF_BUCKET_MIN) * CUTOFF_BUCKET_MIN
        return {
            "picking": self.picking_id,
            "state": self.state,
            "minutes_left_bucket": bucket,
            "tier": self.tier,
            "tier_known": self.tier_known,
            "order_value": self.order_value,
            "backorder": self.backorder,
            "site_late_share": None if self.site_late_share is None else round(self.site_late_share, 2),
        }


def rank(facts: DeliveryFacts) -> Ranking:
    """The score and reasons of one delivery. Pure: the hand-made cases of the tests call it directly."""
    ranking = Ranking()
    minutes = facts.minutes_left
    if minutes is None:
        ranking.reasons.append(_("No scheduled time or commitment date: time left unknown"))
    else:
        ranking.known += 1
        if minutes <= 0:
            ranking.score += 45
            ranking.reasons.append(_("Deadline passed %(ago)s ago") % {"ago": _duration(-minutes)})
        elif minutes <= 30:
            ranking.score += 38
            ranking.reasons.append(_("Deadline in %(left)s") % {"left": _duration(minutes)})
        elif minutes <= 120:
            ranking.score += 28
            ranking.reasons.append(_("Deadline in %(left)s") % {"left": _duration(minutes)})
        elif minutes <= 240:
            ranking.score += 16
            ranking.reasons.append(_("Deadline in %(left)s") % {"left": _duration(minutes)})
        elif minutes <= 24 * 60:
            ranking.score += 6
            ranking.reasons.append(_("Deadline in %(left)s") % {"left": _duration(minutes)})
    ranking.known += 1
    if facts.state in ("confirmed", "waiting"):
        ranking.score += 20
        ranking.reasons.append(_("Goods not reserved"))
    elif facts.state == "partially_available":
        ranking.score += 12
        ranking.reasons.append(_("Goods only partly reserved"))
    else:
        ranking.reasons.append(_("Goods reserved, ready to pick"))
    if facts.site_late_share is None:
        ranking.reasons.append(_("Too few recent deliveries to judge the site's lateness"))
    else:
        ranking.known += 1
        points = round(20 * facts.site_late_share)
        ranking.score += points
        if points:
            ranking.reasons.append(
                _("The site shipped %(share)d%% of deliveries late in the last 14 days")
                % {"share": round(100 * facts.site_late_share)}
            )
    if facts.backorder:
        ranking.score += 5
        ranking.reasons.append(_("A backorder: the customer already waited once"))
    if not facts.tier_known:
        ranking.reasons.append(_("Customer tier unknown (not in the customer's reference in Odoo)"))
    else:
        ranking.known += 1
        if TIER_POINTS.get(facts.tier):
            ranking.score += TIER_POINTS[facts.tier]
            ranking.reasons.append(_("Customer %(tier)s") % {"tier": facts.tier.replace("TIER-", "tier ")})
    if facts.order_value is None:
        ranking.reasons.append(_("Order value unknown (no sale order mirrored)"))
    else:
        ranking.known += 1
        value = f"{facts.order_value:,.0f} {facts.currency}".rstrip()
        if facts.order_value >= 10000:
            ranking.score += 8
            ranking.reasons.append(_("Order value %(value)s") % {"value": value})
        elif facts.order_value >= 2500:
            ranking.score += 4
            ranking.reasons.append(_("Order value %(value)s") % {"value": value})
    ranking.score = max(0, min(100, ranking.score))
    return ranking


def _duration(minutes: int) -> str:
    return vocabulary.duration_words(minutes * 60)


# -- reading the mirror --------------------------------------------------------------------------
def site_late_share(site: Site, now: datetime) -> float | None:
    """Share of the site's deliveries done in the last 14 days after their scheduled time (None: too few)."""
    done = Picking.objects.filter(
        picking_type__warehouse_id__in=site_warehouse_ids(site.code),
        picking_type_code="outgoing",
        state="done",
        is_deleted=False,
        date_done__gte=now - LATENESS_WINDOW,
        scheduled_date__isnull=False,
    )
    total = done.count()
    if total < LATENESS_MIN_DELIVERIES:
        return None
    return done.filter(date_done__gt=F("scheduled_date")).count() / total


def delivery_facts(
    pickings: list[Picking], rules: SiteRules, now: datetime, late_share: float | None
) -> list[DeliveryFacts]:
    orders = {
        order.odoo_id: order
        for order in SaleOrder.objects.filter(odoo_id__in=[p.sale_order_id for p in pickings if p.sale_order_id])
    }
    found = []
    for picking in pickings:
        order = orders.get(picking.sale_order_id) if picking.sale_order_id else None
        deadline = _deadline(picking, order, rules)
        ref = picking.partner.ref if picking.partner is not None else ""
        found.append(
            DeliveryFacts(
                picking_id=picking.odoo_id,
                name=picking.name,
                state=picking.state,
                minutes_left=None if deadline is None else int((deadline - now).total_seconds() // 60),
                tier=customer_tier(ref),
                tier_known=bool(customer_tier(ref)),
                order_value=order.amount_total if order is not None else None,
                currency=getattr(order, "currency_name", "") or "",
                backorder=picking.backorder_of_odoo_id is not None,
                site_late_share=late_share,
            )
        )
    return found


def _deadline(picking: Picking, order: SaleOrder | None, rules: SiteRules) -> datetime | None:
    candidates = []
    if picking.scheduled_date is not None:
        candidates += [picking.scheduled_date, rules.cutoff_at(picking.scheduled_date, picking.carrier_name)]
    if picking.date_deadline is not None:
        candidates.append(picking.date_deadline)
    if order is not None and order.commitment_date is not None:
        candidates.append(order.commitment_date)
    return min(candidates) if candidates else None


def case_pickings(case: Case) -> list[int]:
    """The outbound transfers a case is about: its own record, its attached steps, its sale order's deliveries."""
    ids: set[int] = set()
    if case.odoo_model == "stock.picking" and case.odoo_id:
        ids.add(case.odoo_id)
    for step in case.steps or []:
        if isinstance(step, dict) and step.get("model") == "stock.picking" and step.get("id"):
            ids.add(int(step["id"]))
    if case.sale_order_odoo_id:
        ids.update(Picking.objects.filter(sale_order_id=case.sale_order_odoo_id).values_list("odoo_id", flat=True))
    return sorted(ids)


def _open_outbound(ids: list[int]) -> list[Picking]:
    return list(
        Picking.objects.filter(odoo_id__in=ids, picking_type_code="outgoing", state__in=OPEN_STATES, is_deleted=False)
        .select_related("partner")
        .order_by("odoo_id")
    )


# -- running -------------------------------------------------------------------------------------
def dedupe_key(case: Case) -> str:
    return f"priority:case:{case.pk}"


def rank_case(case: Case, *, rules: SiteRules, now: datetime, late_share: float | None) -> Recommendation | None:
    """Rank one open case by its riskiest outbound transfer; log the run and propose the ranking.
    None when the case concerns no open outbound work (its earlier ranking, if any, expires)."""
    pickings = _open_outbound(case_pickings(case))
    if not pickings or case.site is None:
        recommendation_expire(dedupe_key=dedupe_key(case), reason=_("No open outbound work behind the case any more."))
        return None
    with stopwatch() as watch:
        scored = [(rank(facts), facts) for facts in delivery_facts(pickings, rules, now, late_share)]
        ranking, facts = max(scored, key=lambda pair: (pair[0].score, -pair[1].picking_id))
    inputs = {"case": case.pk, "deliveries": [f.as_inputs() for _r, f in scored]}
    subject_key = f"case:{case.pk}"
    if run_seen(advisor=AdvisorName.PRIORITY, version=VERSION, subject_key=subject_key, inputs=inputs):
        return Recommendation.objects.filter(dedupe_key=dedupe_key(case), is_open=True).first()
    run = run_record(
        advisor=AdvisorName.PRIORITY,
        version=VERSION,
        site=case.site,
        subject=case,
        subject_key=subject_key,
        inputs=inputs,
        output={"score": ranking.score, "picking": facts.picking_id, "ranked": len(scored)},
        reasons=ranking.reasons,
        confidence=ranking.confidence,
        latency_ms=watch.ms,
    )
    title = _("Risk %(score)d/100 of missing the commitment — %(name)s") % {"score": ranking.score, "name": facts.name}
    return recommendation_propose(run=run, title=title, dedupe_key=dedupe_key(case), score=ranking.score)


def rank_site(site: Site, *, now: datetime | None = None, limit: int = 500) -> int:
    """Rank every open case of the site with outbound work behind it; returns how many were ranked."""
    now = now or timezone.now()
    rules = SiteResolver().for_site_code(site.code)
    if rules is None:
        return 0
    late_share = site_late_share(site, now)
    ranked = 0
    for case in Case.objects.filter(site=site, is_open=True).order_by("-severity_rank", "opened_at")[:limit]:
        if rank_case(case, rules=rules, now=now, late_share=late_share) is not None:
            ranked += 1
    # rankings of cases that closed since
    closed = Recommendation.objects.filter(
        subject_type_is(Case),
        advisor=AdvisorName.PRIORITY,
        site=site,
        is_open=True,
        subject_id__in=Case.objects.filter(site=site, is_open=False).values("pk"),
    ).values_list("dedupe_key", flat=True)
    for key in list(closed):
        recommendation_expire(dedupe_key=key, reason=_("The case is closed."))
    return ranked


# -- the sort option (registered in the cases app's queue orderings) --------------------------------
def order_by_advisor_priority(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with the advisor's open ranking first, highest risk first; the usual queue order after that."""
    score = Recommendation.objects.filter(
        subject_type_is(Case),
        advisor=AdvisorName.PRIORITY,
        is_open=True,
        subject_id=OuterRef("pk"),
    ).values("score")[:1]
    return cases.annotate(advisor_priority=Subquery(score)).order_by(
        F("advisor_priority").desc(nulls_last=True), "-severity_rank", "-priority_score", "opened_at", "id"
    )


ADVISOR_ORDERING = CaseOrdering("advisor", "Advisor: risk of missing the commitment", order_by_advisor_priority)
