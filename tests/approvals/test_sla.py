"""SLA timers live in the database: reminders work after a restart, once each."""

import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.approvals.models import ApprovalRequest, ApprovalStep, RequestType
from apps.approvals.selectors import inbox_for
from apps.approvals.services.decisions import request_approve
from apps.approvals.services.sla import sla_sweep
from apps.audit.models import AuditEntry
from apps.core.schedules import default_schedules
from tests.servers import child_env

pytestmark = pytest.mark.django_db


def kinds(request):
    return list(ApprovalRequest.objects.get(pk=request.pk).events.values_list("kind", flat=True))


def test_reminder_once_recorded_on_the_timeline_and_no_escalation_of_its_own(make_request, people):
    """Escalation past the due time is the escalation sweep's (tests/escalation/test_approvals.py)."""
    request = make_request(RequestType.SHIPMENT_RELEASE)  # finance: reminder at 60 min, due at 120 min
    start = timezone.now()
    assert sla_sweep(now=start + timedelta(minutes=59)).reminded == 0
    assert sla_sweep(now=start + timedelta(minutes=61)).reminded == 1
    assert sla_sweep(now=start + timedelta(minutes=62)).reminded == 0  # once
    assert "reminder" in kinds(request)
    assert AuditEntry.objects.filter(action="approval.reminded", subject=request.subject).exists()
    sla_sweep(now=start + timedelta(minutes=121))
    request.refresh_from_db()
    assert request.escalated_role == "" and "escalated" not in kinds(request)
    assert request.pk not in [r.pk for r in inbox_for(people["manager"])["rows"]]


def test_the_next_step_gets_its_own_fresh_clock(make_request, people):
    request = make_request(RequestType.EMERGENCY_PURCHASE)
    first = request.active_step
    request_approve(request=request, user=people["procurement"])
    request.refresh_from_db()
    second = request.active_step
    assert second.position == 2 and second.activated_at >= first.activated_at
    assert second.due_at == second.activated_at + timedelta(minutes=30)
    assert request.due_at == second.due_at
    assert sla_sweep(now=timezone.now() + timedelta(minutes=16)).reminded == 1  # operations: reminder at 15 min


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow  # a real worker, process or long scenario: CI runs it once, on PostgreSQL
def test_sweep_from_a_fresh_process_acts_on_what_the_database_holds(make_request, people):
    """Worker and beat restarted: a new interpreter, nothing in memory, the timers still fire (once)."""
    request = make_request(RequestType.CARRIER_UPGRADE)  # operations: due in 30 min
    ApprovalStep.objects.filter(request=request).update(
        remind_at=timezone.now() - timedelta(minutes=20), due_at=timezone.now() - timedelta(minutes=5)
    )
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'controltower.settings'); django.setup();"
        "from apps.approvals.tasks import sweep_sla; print(sweep_sla())"
    )
    env = child_env()  # the same database and Redis as this test, nothing of this process's memory
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "'reminded': 1" in run.stdout
    assert kinds(request)[-1] == "reminder"
    assert sla_sweep().reminded == 0  # the state said it was done


def test_the_sweep_is_on_the_default_beat_schedule():
    assert {"approvals.sla_sweep"} <= {spec["task"] for spec in default_schedules()}
