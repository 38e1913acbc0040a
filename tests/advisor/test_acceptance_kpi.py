"""The advisors' acceptance rate is one of the managers' KPIs: worked out from the recommendations people
decided that local day, per advisor in the breakdown, and on the KPI page with its chart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from apps.advisor.models import AdvisorName, Outcome, Recommendation
from apps.kpis.models import KpiSnapshot
from apps.kpis.services import kpi_snapshots_refresh

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)  # Brussels on CET: 2026-03-09 23:00 → 2026-03-10 23:00 UTC
START = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)
H = timedelta(hours=1)


def decided(site, advisor, status, at, n=[0]):  # noqa: B006 — a counter for unique keys
    n[0] += 1
    return Recommendation.objects.create(
        advisor=advisor, version="t", site=site, dedupe_key=f"kpi:{n[0]}", title="t", is_open=False, status=status,
        decided_at=at,
    )  # fmt: skip


def test_acceptance_rate_counts_what_people_decided_that_day_per_advisor(sites):
    bru = sites["BRU"]
    for status in (Outcome.ACCEPTED, Outcome.ACCEPTED, Outcome.ACCEPTED, Outcome.REJECTED):
        decided(bru, AdvisorName.PRIORITY, status, START + 2 * H)
    decided(bru, AdvisorName.ANOMALIES, Outcome.REJECTED, START + 3 * H)
    decided(bru, AdvisorName.PRIORITY, Outcome.AUTO_APPLIED, START + 4 * H)  # nobody decided: not in the rate
    decided(bru, AdvisorName.PRIORITY, Outcome.REJECTED, START - H)  # the day before
    decided(sites["CHI"], AdvisorName.PRIORITY, Outcome.REJECTED, START + 2 * H)  # another site

    kpi_snapshots_refresh(site=bru, day=DAY, now=datetime(2027, 1, 1, tzinfo=UTC))

    snapshot = KpiSnapshot.objects.get(site=bru, day=DAY, kpi="advisor_acceptance_rate")
    assert snapshot.value == 60.0  # 3 accepted of 5 decided by people
    assert snapshot.sample_size == 5
    assert snapshot.breakdown["by_group"] == {"Anomalies": 0.0, "Priority": 75.0}
    assert snapshot.breakdown["auto_applied"] == 1


def test_the_kpi_page_draws_the_acceptance_rate_for_a_manager(client, manager):
    client.force_login(manager)
    overview = client.get("/kpis/")
    assert "Advisor acceptance rate" in overview.content.decode()
    page = client.get("/kpis/advisor_acceptance_rate/?site=BRU")
    assert page.status_code == 200
    assert "Do people agree with the advisors" in page.content.decode()
    csv = client.get("/kpis/advisor_acceptance_rate/?site=BRU&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    series = client.get("/api/v1/kpis/advisor_acceptance_rate/series/?site=BRU")
    assert series.status_code == 200, series.content
