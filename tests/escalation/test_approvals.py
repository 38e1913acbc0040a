"""One sweep for approvals too: an approval step past its SLA escalates through an escalation policy (which replaced
the step's `escalate_to_role`), with the clock pinned by time_machine."""

import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from apps.accounts.roles import Role
from apps.approvals.models import ApprovalRequest, ApprovalStep, RequestType
from apps.approvals.selectors import inbox_for
from apps.approvals.services.decisions import request_approve
from apps.approvals.services.sla import sla_sweep
from apps.audit.models import AuditEntry
from apps.escalation.engine import escalations_sweep
from apps.escalation.models import AppliesTo, Delivery, EscalationLevel, EscalationPolicy, EscalationTimer, OnCallSlot
from tests.escalation.conftest import OPENED
from tests.servers import child_env

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance_escalation(sites, contacts):
    """Finance review late: the site manager on call at once, then Sue half an hour later."""
    OnCallSlot.objects.create(
        site=sites["BRU"], role=Role.MANAGER, weekday=2, shift_name="Early shift", contact=contacts["lea"]
    )
    policy = EscalationPolicy.objects.create(
        site=sites["BRU"],
        applies_to=AppliesTo.APPROVAL,
        request_type=RequestType.SHIPMENT_RELEASE,
        step_name="Finance review",
    )
    EscalationLevel.objects.create(policy=policy, number=1, delay_min=0, target_role=Role.MANAGER)
    EscalationLevel.objects.create(policy=policy, number=2, delay_min=30, target_contact=contacts["sue"])
    return policy


@pytest.fixture
def request_raised_wednesday_morning(make_request):
    with time_machine.travel(OPENED, tick=False):  # 10:00 in Brussels: finance due at 12:00, the early shift
        return make_request(RequestType.SHIPMENT_RELEASE)


def timeline(request) -> list[tuple[str, str]]:
    return list(ApprovalRequest.objects.get(pk=request.pk).events.values_list("kind", "message"))


def recipients() -> list[str]:
    return [address for message in mail.outbox for address in message.to]


def test_a_step_past_its_sla_reaches_the_manager_on_call_and_shows_escalated(
    finance_escalation, request_raised_wednesday_morning, people
):
    request = request_raised_wednesday_morning
    due = request.active_step.due_at
    assert escalations_sweep(now=due - timedelta(minutes=1)).levels_sent == []
    outcome = escalations_sweep(now=due)
    assert outcome.levels_sent == [(f"approval_step:{request.active_step_id}", 1)]
    assert recipients() == ["lea@example.com"]
    message = mail.outbox[0]
    assert "Approval waiting" in message.subject and "Finance review" in message.body
    assert f"/approvals/{request.pk}/" in message.body
    request.refresh_from_db()
    # the marks the screens show: the inbox's "escalated", the step's escalated time; the manager may now decide
    assert request.escalated_role == Role.MANAGER
    assert ApprovalStep.objects.get(pk=request.active_step_id).escalated_at == due
    assert [r.pk for r in inbox_for(people["manager"])["rows"]] == [request.pk]
    kind, text = timeline(request)[-1]
    assert kind == "escalated" and text.startswith("Level 1: notified Lea Lead by email — on call (calendar)")
    assert AuditEntry.objects.filter(action="approval.escalated", subject=request.subject).exists()
    escalations_sweep(now=due + timedelta(minutes=1))
    assert recipients() == ["lea@example.com"]  # once
    escalations_sweep(now=due + timedelta(minutes=30))
    assert recipients() == ["lea@example.com", "sue@example.com"]
    assert Delivery.objects.filter(approval_step=request.active_step_id).count() == 2


def test_a_decision_stops_further_levels(finance_escalation, request_raised_wednesday_morning, people):
    request = request_raised_wednesday_morning
    due = request.active_step.due_at
    step_id = request.active_step_id
    escalations_sweep(now=due)
    request_approve(request=request, user=people["manager"])
    escalations_sweep(now=due + timedelta(minutes=45))
    assert recipients() == ["lea@example.com"]
    timer = EscalationTimer.objects.get(approval_step=step_id)
    assert (timer.state, timer.stopped_reason) == (EscalationTimer.State.STOPPED, "decided")
    assert "Escalation stopped: decided." in [text for _, text in timeline(request)]


def test_the_reminder_sweep_no_longer_escalates_and_a_step_without_policy_is_left_alone(
    request_raised_wednesday_morning,
):
    request = request_raised_wednesday_morning
    due = request.active_step.due_at
    sla_sweep(now=due + timedelta(minutes=5))
    escalations_sweep(now=due + timedelta(minutes=5))
    request.refresh_from_db()
    assert request.escalated_role == "" and mail.outbox == []
    assert not EscalationTimer.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow  # a fresh interpreter, as after a worker and beat restart
def test_a_late_step_escalates_from_a_fresh_process_once(sites, contacts, make_request):
    """Worker and beat restarted: a new interpreter, nothing in memory; the timer in the database still fires, once."""
    policy = EscalationPolicy.objects.create(site=sites["BRU"], applies_to=AppliesTo.APPROVAL)
    EscalationLevel.objects.create(policy=policy, number=1, delay_min=0, target_contact=contacts["sue"])
    request = make_request(RequestType.CARRIER_UPGRADE)  # operations: due in 30 min
    ApprovalStep.objects.filter(request=request).update(due_at=timezone.now() - timedelta(minutes=5))
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'controltower.settings'); django.setup();"
        "from apps.escalation.tasks import sweep; print(sweep())"
    )
    for expected in ("'sent': 1", "'sent': 0"):
        run = subprocess.run(
            [sys.executable, "-c", script], env=child_env(), capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0, run.stderr[-2000:]
        assert expected in run.stdout
    request.refresh_from_db()
    assert ApprovalStep.objects.get(pk=request.active_step_id).escalated_at is not None
    assert [kind for kind, _ in timeline(request)].count("escalated") == 1
    assert Delivery.objects.filter(approval_step=request.active_step_id, address="sue@example.com").count() == 1
