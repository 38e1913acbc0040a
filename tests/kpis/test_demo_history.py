"""The demo's KPI history: real records in the past (nothing left open for anyone to act on), and the
KPIs computed from them by the backfill."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apps.approvals.models import OPEN_STATUSES, ApprovalDecision, ApprovalRequest, ApprovalStep, RequestStatus
from apps.cases.models import Case
from apps.docks.models import Appointment
from apps.kpis.demo import kpi_history_fill
from apps.kpis.models import KpiHourSnapshot, KpiSnapshot
from apps.kpis.services import local_day_bounds

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


def test_history_fills_past_days_with_closed_records_and_backfills_their_kpis(sites):
    result = kpi_history_fill(days=5, now=NOW)

    assert result is not None and result.cases and result.requests and result.appointments
    bru = sites["BRU"]
    first_day_start, _ = local_day_bounds(bru, NOW.astimezone(bru.tzinfo).date() - timedelta(days=5))
    assert not Case.objects.filter(is_open=True).exists()  # nothing lands in today's queue
    assert not ApprovalRequest.objects.filter(status__in=OPEN_STATUSES).exists()  # nor in anyone's inbox
    assert Case.objects.filter(site=bru).earliest("opened_at").opened_at >= first_day_start
    assert Case.objects.filter(site=bru).latest("resolved_at").resolved_at < NOW + timedelta(days=1)
    assert not Appointment.objects.filter(planned_start__gte=NOW).exists()

    # Six local days per site (five of history and today), every KPI each day.
    assert KpiSnapshot.objects.filter(site=bru, kpi="exception_aging").count() == 6
    day = (NOW - timedelta(days=2)).astimezone(bru.tzinfo).date()
    start, end = local_day_bounds(bru, day)
    raised = ApprovalRequest.objects.filter(site=bru, created_at__gte=start, created_at__lt=end)
    released = raised.filter(status=RequestStatus.STRAIGHT_THROUGH).count()
    snapshot = KpiSnapshot.objects.get(site=bru, kpi="straight_through_rate", day=day)
    assert snapshot.sample_size == raised.count()
    assert snapshot.value == round(100 * released / raised.count(), 2)


def test_history_is_made_once(sites):
    assert kpi_history_fill(days=2, now=NOW) is not None
    cases = Case.objects.count()

    assert kpi_history_fill(days=2, now=NOW) is None
    assert Case.objects.count() == cases


def test_history_names_who_decided_so_the_turnaround_per_approver_has_figures(sites, approver):
    kpi_history_fill(days=3, now=NOW)
    bru = sites["BRU"]
    steps = ApprovalStep.objects.filter(request__site=bru)
    # The only approver at Brussels decided every step a person decided, when the step completed.
    assert ApprovalDecision.objects.filter(request__site=bru, user=approver).count() == steps.count() > 0
    step = steps.first()
    assert step.decisions.get().at == step.completed_at
    day = (NOW - timedelta(days=1)).astimezone(bru.tzinfo).date()
    per_approver = KpiSnapshot.objects.get(site=bru, kpi="approval_turnaround", day=day).breakdown["per_approver"]
    assert list(per_approver) == [str(approver.pk)]
    assert (
        per_approver[str(approver.pk)]["decisions"]
        == steps.filter(
            completed_at__gte=local_day_bounds(bru, day)[0], completed_at__lt=local_day_bounds(bru, day)[1]
        ).count()
    )
    # Hours are kept for the last two local days only (what the hourly view shows), not the whole history.
    assert set(KpiHourSnapshot.objects.filter(site=bru).values_list("day", flat=True)) == {
        NOW.astimezone(bru.tzinfo).date() - timedelta(days=1),
        NOW.astimezone(bru.tzinfo).date(),
    }
