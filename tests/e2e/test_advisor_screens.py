"""The advisor in Chromium: a case shows its recommendation with reasons and is accepted in one click; the
advisor page draws the calibration chart and lists the run log. Screenshots go to CT_ADVISOR_SCREENS if set."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.advisor.anomalies import scan_site
from apps.advisor.demo import demo_events, demo_model
from apps.advisor.models import Outcome, Recommendation
from apps.advisor.priority import rank_site
from apps.cases.models import Case, Severity
from tests.cases.factories import make_order, make_partner, make_picking, make_site_world
from tests.e2e.signin import add_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = os.environ.get("CT_ADVISOR_SCREENS", "")


def shoot(page, name: str) -> None:
    if SCREENS:
        os.makedirs(SCREENS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENS, f"{name}.png"), full_page=False)


def _world(sites):
    world = make_site_world("BRU")
    now = timezone.now()
    vip = make_partner(name="Nordic Retail 007", ref="TIER-A")
    picking = make_picking(
        world,
        state="confirmed",
        scheduled_date=now + timedelta(minutes=35),
        partner_id=vip.odoo_id,
        sale_order_id=make_order(world, vip, amount_total=14800, currency_name="EUR").odoo_id,
    )
    case = Case.objects.create(
        site=sites["BRU"],
        kind="outbound_near_cutoff",
        dedupe_key=f"e2e:{picking.odoo_id}",
        title=f"Delivery {picking.name} not ready — cutoff 16:00",
        severity=Severity.HIGH,
        severity_rank=3,
        odoo_model="stock.picking",
        odoo_id=picking.odoo_id,
        record_name=picking.name,
        opened_at=now - timedelta(minutes=12),
        last_seen_at=now,
    )
    rank_site(sites["BRU"], now=now)
    demo_model(sites["BRU"], seed=20)
    scan_site(sites["BRU"], events=demo_events())
    return case


def test_case_recommendation_accept_and_advisor_page(browser, web_server, sites, supervisor, manager):
    case = _world(sites)
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    add_session(page.context, web_server.url, supervisor)
    page.goto(f"{web_server.url}/exceptions/{case.pk}/")
    # The live feed connects, then reloads the case panel (once per group it resyncs): locators and
    # expect() look the panel up again each time, and the screenshot waits for the fetches to end.
    panel = page.locator(".adv-panel")
    expect(panel).to_contain_text("Goods not reserved")
    expect(panel).to_contain_text("Customer tier A")
    if SCREENS:
        page.wait_for_load_state("networkidle")
        panel.scroll_into_view_if_needed()
        shoot(page, "case-with-recommendation-1366")
    page.locator(".adv-panel [data-accept]").first.click()
    page.wait_for_load_state()
    recommendation = Recommendation.objects.get(dedupe_key=f"priority:case:{case.pk}")
    assert recommendation.status == Outcome.ACCEPTED and recommendation.decided_by_id == supervisor.pk
    context.close()

    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    add_session(page.context, web_server.url, manager)
    page.goto(f"{web_server.url}/advisor/?site=BRU")
    page.wait_for_selector("#calibration-chart[data-drawn='1']")
    assert "Acceptance by advisor" in page.inner_text("#acceptance")
    assert page.locator(".adv-run").count() > 3
    shoot(page, "advisor-page-1366")
    page.set_viewport_size({"width": 1366, "height": 2200})
    shoot(page, "advisor-page-1366-full")
    context.close()
