"""The approval-turnaround page in Chromium: the breakdown per step and per approver is drawn for a
manager, and the hourly view draws the last 48 hours."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import (
    ApprovalDecision,
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalStep,
    DecisionKind,
    RequestStatus,
    RequestType,
)
from apps.kpis.services import kpi_snapshots_backfill
from apps.sites.models import Site
from tests.conftest import PASSWORD
from tests.e2e.signin import add_session
from tests.e2e.test_kpis import shoot
from tests.e2e.test_live_badge import outside_the_browser_loop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [("fay.finance", "Fay", "Fontaine"), ("oli.ops", "Oli", "Olsen"), ("pat.proc", "Pat", "Peeters")]


def decisions(site: Site) -> None:
    """Three days of decisions by three approvers on two steps, then the KPIs backfilled."""
    ensure_default_policies()
    policy = ApprovalPolicy.objects.filter(request_type=RequestType.SHIPMENT_RELEASE, is_current=True).first()
    people = []
    for username, first, last in PEOPLE:
        user = user_upsert(username=username, password=PASSWORD, roles=[Role.APPROVER_FINANCE], sites=[site])
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
        people.append(user)
    now = timezone.now()
    for number in range(36):
        activated = now - timedelta(hours=2 + number * 2)
        person = people[number % 3]
        waited = timedelta(minutes=10 + (number % 3) * 25 + (number % 5) * 7)
        request = ApprovalRequest.objects.create(
            site=site, request_type=RequestType.SHIPMENT_RELEASE, status=RequestStatus.APPROVED,
            title=f"Release {number}", dedupe_key=f"e2e-turnaround:{number}", odoo_model="stock.picking",
            odoo_id=number + 1, policy=policy, route_name="e2e", control_model="single_step", condition_text="e2e",
        )  # fmt: skip
        ApprovalRequest.objects.filter(pk=request.pk).update(created_at=activated, decided_at=activated + waited)
        step = ApprovalStep.objects.create(
            request=request, position=1, name=("Finance", "Operations")[number % 2], sla_minutes=60,
            reminder_minutes=30, status="approved", activated_at=activated, completed_at=activated + waited,
        )  # fmt: skip
        decision = ApprovalDecision.objects.create(request=request, step=step, user=person, kind=DecisionKind.APPROVE)
        ApprovalDecision.objects.filter(pk=decision.pk).update(at=activated + waited)
    kpi_snapshots_backfill(sites=[site], days=4)


def test_turnaround_page_draws_the_breakdown_per_approver_and_the_hourly_view(browser, web_server, manager, sites):
    site = Site.objects.get(code="BRU")
    outside_the_browser_loop(decisions, site)

    for width, height in [(1920, 1080), (1280, 800)]:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        add_session(page.context, web_server.url, manager)
        page.goto(f"{web_server.url}/kpis/approval_turnaround/?site=BRU")
        page.wait_for_function("() => window.ControlTowerKpis && window.ControlTowerKpis.drawn >= 5")
        assert page.eval_on_selector_all("#plot-approvers .bars path", "els => els.length") >= 3
        assert page.eval_on_selector_all("#plot-steps .bars path", "els => els.length") >= 2
        assert "Fay Fontaine" in page.text_content("#table-approvers")
        shoot(page, f"kpis-approval-turnaround-per-approver-{width}x{height}")

        page.goto(f"{web_server.url}/kpis/approval_turnaround/?site=BRU&granularity=hour")
        page.wait_for_function("() => window.ControlTowerKpis && window.ControlTowerKpis.drawn >= 2")
        assert page.eval_on_selector_all("#table-trend tbody tr", "rows => rows.length") == 48
        assert page.eval_on_selector_all("#plot-trend .scatterlayer .trace", "els => els.length") >= 1
        shoot(page, f"kpis-approval-turnaround-hourly-{width}x{height}")
        context.close()
