"""KPIs keep their snapshots: a KPI over a period reads the same after the purge removed its raw rows,
and a backfill over those days does not overwrite them with what is left."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from apps.approvals.models import ApprovalRequest
from apps.cases.models import Case
from apps.core.retention.services import retention_purge
from apps.kpis.models import KpiSnapshot
from apps.kpis.services import kpi_snapshots_backfill, local_day_bounds
from tests.retention.conftest import NOW

pytestmark = pytest.mark.django_db

DAYS = [date(2025, 6, 10), date(2025, 6, 11), date(2025, 6, 12)]  # well past every period at NOW
KPIS = ("exception_resolve_time", "exception_aging", "approval_turnaround", "writeback_failures")


def series(manager, kpi):
    client = APIClient()
    client.force_authenticate(manager)
    response = client.get(f"/api/v1/kpis/{kpi}/series/?site=BRU&from=2025-06-10&to=2025-06-12")
    assert response.status_code == 200, response.content
    return response.json()["sites"][0]["points"]


def test_a_kpi_over_a_period_reads_the_same_after_a_purge(sites, manager, make_case, make_request, make_entry):
    bru = sites["BRU"]
    for offset, day in enumerate(DAYS):
        start, _ = local_day_bounds(bru, day)
        for hours in range(1 + offset):
            make_case(opened_at=start + timedelta(hours=1), resolved_at=start + timedelta(hours=3 + hours))
            make_request(decided_at=start + timedelta(hours=4 + hours))
        make_entry(finished_at=start + timedelta(hours=6))
    kpi_snapshots_backfill(sites=[bru], first_day=DAYS[0], last_day=DAYS[-1], announce=False, now=NOW)
    before = {kpi: series(manager, kpi) for kpi in KPIS}
    assert [point["sample_size"] for point in before["exception_resolve_time"]] == [1, 2, 3]
    snapshots = KpiSnapshot.objects.count()

    removed = {report.kind: report.removed for report in retention_purge(now=NOW)}

    assert removed["cases"] == 6 and removed["approvals"] == 6 and removed["outbox"] == 3
    assert not Case.objects.exists() and not ApprovalRequest.objects.exists()
    assert KpiSnapshot.objects.count() == snapshots
    assert {kpi: series(manager, kpi) for kpi in KPIS} == before

    # a backfill over those days (an operator re-running backfill_kpis) keeps what was computed
    kpi_snapshots_backfill(sites=[bru], first_day=DAYS[0], last_day=DAYS[-1], announce=False, now=NOW)
    assert {kpi: series(manager, kpi) for kpi in KPIS} == before
