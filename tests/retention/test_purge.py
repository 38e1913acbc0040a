"""The retention purge removes exactly the finished records past their period, in batches, with their
children, and never what a live record still refers to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.approvals.models import ApprovalDecision, ApprovalEvent, ApprovalRequest, ApprovalStep
from apps.cases.detectors.writeback import attention_key
from apps.cases.models import Case, CaseEvent
from apps.core.models import RetentionState
from apps.core.retention import RETENTION_KINDS
from apps.core.retention.services import retention_purge
from apps.core.schedules import default_schedules
from apps.core.tasks import purge_expired
from apps.mirror.models import InboundEvent
from apps.outbound.models import DeliveryState, OutboundDelivery
from apps.writeback.models import OutboxAttempt, OutboxEffect, OutboxEntry
from tests.retention.conftest import NOW, days_ago

pytestmark = pytest.mark.django_db


def by_kind(reports):
    return {report.kind: report for report in reports}


def test_every_kind_the_issue_names_is_registered_with_its_setting():
    assert {kind.code: kind.setting for kind in RETENTION_KINDS} == {
        "inbound_events": "RETENTION_INBOUND_EVENTS_DAYS",
        "outbox": "RETENTION_OUTBOX_DAYS",
        "cases": "RETENTION_CASES_DAYS",
        "approvals": "RETENTION_APPROVALS_DAYS",
        "deliveries": "RETENTION_DELIVERIES_DAYS",
        "advisor_runs": "RETENTION_ADVISOR_RUNS_DAYS",  # registered by the advisor app
    }
    assert {kind.code: kind.period_days for kind in RETENTION_KINDS} == {
        "inbound_events": 30,
        "outbox": 90,
        "cases": 365,
        "approvals": 365,
        "deliveries": 30,
        "advisor_runs": 90,
    }


def test_exactly_what_is_past_its_period_goes_and_the_boundary_stays(
    make_case, make_request, make_entry, make_event, make_delivery
):
    gone_case = make_case(resolved_at=days_ago(365, seconds=1))
    boundary_case = make_case(resolved_at=days_ago(365))  # exactly 365 days: kept
    recent_case = make_case(resolved_at=days_ago(364))
    open_old_case = make_case(resolved_at=None, opened_at=days_ago(800))  # still open: never

    gone_request = make_request(decided_at=days_ago(366))
    boundary_request = make_request(decided_at=days_ago(365))
    pending_old = make_request(decided_at=None)
    ApprovalRequest.objects.filter(pk=pending_old.pk).update(created_at=days_ago(700))

    gone_entry = make_entry(finished_at=days_ago(90, seconds=1))
    boundary_entry = make_entry(finished_at=days_ago(90))
    dead_entry = make_entry(finished_at=days_ago(200), status=OutboxEntry.Status.DEAD)
    pending_entry = make_entry(finished_at=None)
    OutboxEntry.objects.filter(pk=pending_entry.pk).update(created_at=days_ago(300))
    attention = make_entry(finished_at=days_ago(200), status=OutboxEntry.Status.NEEDS_ATTENTION)

    gone_event = make_event(received_at=days_ago(31))
    rejected_event = make_event(received_at=days_ago(40), status=InboundEvent.Status.REJECTED)
    boundary_event = make_event(received_at=days_ago(30))
    queued_event = make_event(received_at=days_ago(60), status=InboundEvent.Status.RECEIVED)

    gone_delivery = make_delivery(last_attempt_at=days_ago(31))
    dead_delivery = make_delivery(last_attempt_at=days_ago(31), state=DeliveryState.DEAD)
    boundary_delivery = make_delivery(last_attempt_at=days_ago(30))
    waiting_delivery = make_delivery(last_attempt_at=days_ago(45), state=DeliveryState.PENDING)

    reports = by_kind(retention_purge(now=NOW))

    assert set(Case.objects.values_list("pk", flat=True)) == {boundary_case.pk, recent_case.pk, open_old_case.pk}
    assert gone_case.pk not in set(Case.objects.values_list("pk", flat=True))
    assert set(ApprovalRequest.objects.values_list("pk", flat=True)) == {boundary_request.pk, pending_old.pk}
    assert gone_request.pk not in set(ApprovalRequest.objects.values_list("pk", flat=True))
    assert set(OutboxEntry.objects.values_list("pk", flat=True)) == {boundary_entry.pk, pending_entry.pk, attention.pk}
    assert not OutboxEntry.objects.filter(pk__in=[gone_entry.pk, dead_entry.pk]).exists()
    assert set(InboundEvent.objects.values_list("pk", flat=True)) == {boundary_event.pk, queued_event.pk}
    assert not InboundEvent.objects.filter(pk__in=[gone_event.pk, rejected_event.pk]).exists()
    assert set(OutboundDelivery.objects.values_list("pk", flat=True)) == {boundary_delivery.pk, waiting_delivery.pk}
    assert not OutboundDelivery.objects.filter(pk__in=[gone_delivery.pk, dead_delivery.pk]).exists()

    assert {code: report.removed for code, report in reports.items()} == {
        "cases": 1,
        "approvals": 1,
        "outbox": 2,
        "inbound_events": 2,
        "deliveries": 2,
        "advisor_runs": 0,  # none made here (tests/advisor/test_governance.py purges one)
    }
    assert all(report.waiting == 0 for report in reports.values())


def test_children_go_with_their_parent_and_outbox_effects_stay(make_case, make_request, make_entry):
    case = make_case(resolved_at=days_ago(400))
    request = make_request(decided_at=days_ago(400))
    ApprovalDecision.objects.create(
        request=request, step=request.test_step, user=_someone(), kind="approve", reason="ok"
    )
    entry = make_entry(finished_at=days_ago(100))

    reports = by_kind(retention_purge(now=NOW))

    assert not CaseEvent.objects.filter(case_id=case.pk).exists()
    assert not ApprovalStep.objects.filter(request_id=request.pk).exists()
    assert not ApprovalDecision.objects.filter(request_id=request.pk).exists()
    assert not ApprovalEvent.objects.filter(request_id=request.pk).exists()
    assert not OutboxAttempt.objects.filter(entry_id=entry.pk).exists()
    assert reports["cases"].children_removed == {"cases.CaseEvent": 2}
    # our own write in Odoo stays recognisable: the rules never take it for a new event
    effect = OutboxEffect.objects.get(odoo_id=entry.odoo_id)
    assert effect.entry_id is None


def _someone():
    from apps.accounts.services import user_upsert

    return user_upsert(username="old.approver", password="x" * 12, roles=["approver_finance"], sites=[])


def test_it_deletes_in_short_batches_and_stops_at_the_cap(make_case):
    for day in range(7):
        make_case(resolved_at=days_ago(400 + day))

    report = by_kind(retention_purge(kinds=["cases"], now=NOW, batch_size=2, max_rows=5))["cases"]
    assert (report.removed, report.batches, report.capped, report.waiting) == (5, 3, True, 2)  # 2 + 2 + 1
    state = RetentionState.objects.get(kind="cases")
    assert (state.last_removed, state.total_removed, state.waiting) == (5, 5, 2)

    report = by_kind(retention_purge(kinds=["cases"], now=NOW, batch_size=2, max_rows=5))["cases"]
    assert (report.removed, report.batches, report.capped, report.waiting) == (2, 1, False, 0)
    state.refresh_from_db()
    assert (state.last_removed, state.total_removed, state.waiting, state.last_run_at) == (2, 7, 0, NOW)
    assert not Case.objects.exists()


def test_a_record_a_live_one_refers_to_stays(make_case, make_request, make_entry):
    # an approval decided recently shows its old outbox entry: the entry stays with it
    shown = make_entry(finished_at=days_ago(120))
    make_request(decided_at=days_ago(100), outbox_entry=shown)
    # an open "write-back failed" case is about a dead entry: it stays while the case is open
    dead = make_entry(finished_at=days_ago(120), status=OutboxEntry.Status.DEAD)
    Case.objects.filter(pk=make_case(resolved_at=None).pk).update(dedupe_key=attention_key(dead.pk))
    # an old decision whose write to Odoo has not finished is still live
    unfinished = make_entry(finished_at=None)
    waiting_on_odoo = make_request(decided_at=days_ago(500), outbox_entry=unfinished)
    # an old decision and its old entry go together, in the same run
    old_entry = make_entry(finished_at=days_ago(499))
    old_request = make_request(decided_at=days_ago(500), outbox_entry=old_entry)

    reports = by_kind(retention_purge(now=NOW))

    assert set(OutboxEntry.objects.values_list("pk", flat=True)) == {shown.pk, dead.pk, unfinished.pk}
    assert set(ApprovalRequest.objects.values_list("pk", flat=True)) >= {waiting_on_odoo.pk}
    assert not ApprovalRequest.objects.filter(pk=old_request.pk).exists()
    assert reports["outbox"].kept == 2 and reports["outbox"].waiting == 2 and reports["outbox"].removed == 1


def test_zero_keeps_forever_and_a_shorter_period_takes_effect(settings, make_case, make_event):
    make_case(resolved_at=days_ago(3000))
    make_event(received_at=days_ago(5))
    settings.RETENTION_CASES_DAYS = 0
    settings.RETENTION_INBOUND_EVENTS_DAYS = 2
    reports = by_kind(retention_purge(now=NOW))
    assert reports["cases"].cutoff is None and Case.objects.count() == 1
    assert reports["inbound_events"].removed == 1


def test_a_dry_run_counts_and_removes_nothing(make_case, make_entry):
    make_case(resolved_at=days_ago(400))
    make_entry(finished_at=days_ago(100))
    reports = by_kind(retention_purge(now=NOW, dry_run=True))
    assert reports["cases"].removed == 1 and reports["outbox"].removed == 1
    assert Case.objects.count() == 1 and OutboxEntry.objects.count() == 1
    assert not RetentionState.objects.exists()


def test_the_command_and_the_hourly_job(make_case, capsys):
    make_case(resolved_at=days_ago(400))
    call_command("purge_expired", "--dry-run")
    out = capsys.readouterr().out
    assert "cases: would remove 1 (older than 365 days" in out and Case.objects.count() == 1

    with pytest.raises(CommandError, match="unknown retention kind"):
        call_command("purge_expired", "--kind", "invoices")

    assert purge_expired() == {
        "cases": 1, "approvals": 0, "inbound_events": 0, "outbox": 0, "deliveries": 0, "advisor_runs": 0
    }  # fmt: skip
    assert not Case.objects.exists()
    assert any(spec["task"] == "core.purge_expired" for spec in default_schedules())


def test_a_request_a_dock_appointment_waits_on_stays(sites, make_request):
    from apps.docks.models import Appointment, DockDoor

    waited_on = make_request(decided_at=days_ago(400))
    other = make_request(decided_at=days_ago(400))
    door = DockDoor.objects.create(site=sites["BRU"], name="D1")
    Appointment.objects.create(
        site=sites["BRU"],
        door=door,
        planned_start=days_ago(1),
        planned_end=days_ago(1) + timedelta(hours=1),
        pending_approval_id=waited_on.pk,
    )

    report = by_kind(retention_purge(kinds=["approvals"], now=NOW))["approvals"]

    assert set(ApprovalRequest.objects.values_list("pk", flat=True)) == {waited_on.pk}
    assert not ApprovalRequest.objects.filter(pk=other.pk).exists()
    assert (report.removed, report.kept) == (1, 1)
