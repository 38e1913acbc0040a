"""Priority advisor: ranking hand-made deliveries (order and reasons), and cases ranked from the mirror,
sortable in the exception queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.advisor.models import AdvisorName, AdvisorRun, Recommendation
from apps.advisor.priority import DeliveryFacts, rank, rank_site
from apps.cases.models import Case, Severity
from apps.cases.selectors import CaseFilters, case_list
from tests.cases.factories import make_order, make_partner, make_picking, make_site_world


def facts(name, **values) -> DeliveryFacts:
    defaults = {
        "picking_id": hash(name) % 10_000,
        "name": name,
        "state": "assigned",
        "minutes_left": 600,
        "tier": "TIER-C",
        "tier_known": True,
        "order_value": 1000.0,
        "currency": "EUR",
        "backorder": False,
        "site_late_share": 0.1,
    }
    return DeliveryFacts(**{**defaults, **values})


def test_hand_made_deliveries_rank_by_risk_of_missing_the_commitment():
    deliveries = [
        facts("ready-tomorrow", minutes_left=26 * 60),
        facts("unreserved-20min-tierA", state="confirmed", minutes_left=20, tier="TIER-A", order_value=12000),
        facts("ready-20min", minutes_left=20),
        facts("late-unreserved", state="waiting", minutes_left=-45),
        facts("partial-2h-backorder", state="partially_available", minutes_left=110, backorder=True),
    ]
    ranked = sorted(deliveries, key=lambda d: -rank(d).score)
    assert [d.name for d in ranked] == [
        "unreserved-20min-tierA",  # 38 + 20 + 2 + 12 + 8 = 80
        "late-unreserved",  # 45 + 20 + 2 = 67
        "partial-2h-backorder",  # 28 + 12 + 2 + 5 = 47
        "ready-20min",  # 38 + 2 = 40
        "ready-tomorrow",  # 2
    ]
    top = rank(deliveries[1])
    assert top.score == 80
    assert top.reasons == [
        "Deadline in 20 min",
        "Goods not reserved",
        "The site shipped 10% of deliveries late in the last 14 days",
        "Customer tier A",
        "Order value 12,000 EUR",
    ]
    assert rank(deliveries[3]).reasons[0] == "Deadline passed 45 min ago"
    assert "A backorder: the customer already waited once" in rank(deliveries[4]).reasons


def test_unknown_inputs_are_said_and_lower_the_confidence():
    known = rank(facts("known"))
    unknown = rank(facts("unknown", tier="", tier_known=False, order_value=None, site_late_share=None))
    assert known.confidence == 1.0 and unknown.confidence < known.confidence
    assert "Customer tier unknown (not in the customer's reference in Odoo)" in unknown.reasons
    assert "Order value unknown (no sale order mirrored)" in unknown.reasons
    assert "Too few recent deliveries to judge the site's lateness" in unknown.reasons


@pytest.fixture
def world(sites):
    return make_site_world("BRU")


def _case(site, picking, severity=Severity.LOW, title="Case"):
    now = timezone.now()
    return Case.objects.create(
        site=site,
        kind="outbound_near_cutoff",
        dedupe_key=f"test:{picking.odoo_id}",
        title=title,
        severity=severity,
        odoo_model="stock.picking",
        odoo_id=picking.odoo_id,
        record_name=picking.name,
        opened_at=now,
        last_seen_at=now,
    )


@pytest.mark.django_db
def test_cases_are_ranked_logged_and_sortable_in_the_queue(world, sites, supervisor):
    now = timezone.now()
    vip = make_partner(ref="TIER-A")
    calm = make_picking(world, state="assigned", scheduled_date=now + timedelta(hours=20))
    urgent = make_picking(
        world,
        state="confirmed",
        scheduled_date=now + timedelta(minutes=25),
        partner_id=vip.odoo_id,
        sale_order_id=make_order(world, vip, amount_total=15000).odoo_id,
    )
    calm_case = _case(sites["BRU"], calm, severity=Severity.HIGH, title="Calm")
    urgent_case = _case(sites["BRU"], urgent, severity=Severity.LOW, title="Urgent")
    assert rank_site(sites["BRU"], now=now) == 2
    runs = AdvisorRun.objects.filter(advisor=AdvisorName.PRIORITY)
    assert runs.count() == 2 and all(run.confidence for run in runs)
    ranking = Recommendation.objects.get(dedupe_key=f"priority:case:{urgent_case.pk}")
    assert ranking.score > Recommendation.objects.get(dedupe_key=f"priority:case:{calm_case.pk}").score
    assert "Goods not reserved" in ranking.reasons and "Customer tier A" in ranking.reasons
    # default queue: severity first; advisor sort: risk first
    assert [c.title for c in case_list(user=supervisor, filters=CaseFilters())] == ["Calm", "Urgent"]
    assert [c.title for c in case_list(user=supervisor, filters=CaseFilters(sort="advisor"))] == ["Urgent", "Calm"]
    # nothing moved: the next sweep logs nothing new
    rank_site(sites["BRU"], now=now)
    assert AdvisorRun.objects.filter(advisor=AdvisorName.PRIORITY).count() == 2
