"""Repeat rules and quiet hours, with a controlled clock: the last level repeats until someone acknowledges (up to a
limit), and a low-severity case due in quiet hours waits for their end, said once on its timeline."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail

from apps.cases.models import CaseEvent
from apps.cases.services.actions import case_acknowledge
from apps.escalation.engine import escalation_level_send, escalations_sweep
from apps.escalation.models import EscalationLevel, EscalationPolicy, EscalationTimer
from apps.escalation.selectors import change_history
from apps.escalation.services import EscalationError, policy_rules_update
from tests.escalation.conftest import OPENED, make_case

pytestmark = pytest.mark.django_db


def at(minutes: float) -> datetime:
    return OPENED + timedelta(minutes=minutes)


def recipients() -> list[str]:
    return [address for message in mail.outbox for address in message.to]


def lines(case) -> list[str]:
    return list(case.events.filter(kind=CaseEvent.Kind.ESCALATED).values_list("text", flat=True))


@pytest.fixture
def repeating(sites, contacts, admin_user):
    """Level 1 after 10 min to Lea; then again every 15 min, at most twice."""
    policy = EscalationPolicy.objects.create(site=sites["BRU"])
    EscalationLevel.objects.create(policy=policy, number=1, delay_min=10, target_contact=contacts["lea"])
    return policy_rules_update(actor=admin_user, policy_id=policy.pk, repeat_every_min=15, repeat_limit=2)


def test_the_last_level_repeats_every_n_minutes_up_to_the_limit(sites, repeating):
    case = make_case(sites["BRU"])
    escalations_sweep(now=at(10))
    escalations_sweep(now=at(24))
    assert recipients() == ["lea@example.com"]
    escalations_sweep(now=at(25))
    escalations_sweep(now=at(25))  # a second sweep at the same moment sends nothing more
    escalations_sweep(now=at(40))
    escalations_sweep(now=at(55))
    escalations_sweep(now=at(120))
    assert recipients() == ["lea@example.com"] * 3
    assert lines(case)[1].startswith("Level 1 again (repeat 1 of 2): notified Lea Lead by email")
    assert lines(case)[2].startswith("Level 1 again (repeat 2 of 2)")
    assert EscalationTimer.objects.get(case=case).state == EscalationTimer.State.DONE
    case.refresh_from_db()
    assert case.escalation_level == 1


def test_a_repeat_is_claimed_once_like_a_level(sites, repeating):
    case = make_case(sites["BRU"])
    escalations_sweep(now=at(10))
    timer = EscalationTimer.objects.get(case=case)
    assert escalation_level_send(timer_id=timer.pk, level_number=2, now=at(25)) == 1
    assert escalation_level_send(timer_id=timer.pk, level_number=2, now=at(25)) is None
    assert len(mail.outbox) == 2


def test_acknowledging_stops_the_repeats(sites, repeating, supervisor):
    case = make_case(sites["BRU"])
    escalations_sweep(now=at(10))
    case_acknowledge(case_id=case.pk, actor=supervisor)
    escalations_sweep(now=at(25))
    escalations_sweep(now=at(40))
    assert recipients() == ["lea@example.com"]
    assert lines(case)[-1] == "Escalation stopped: acknowledged."


@pytest.fixture
def quiet_nights(sites, contacts, admin_user):
    """Quiet from 22:00 to 06:00 Brussels time; level 1 after 10 min to Lea."""
    policy = EscalationPolicy.objects.create(site=sites["BRU"])
    EscalationLevel.objects.create(policy=policy, number=1, delay_min=10, target_contact=contacts["lea"])
    return policy_rules_update(actor=admin_user, policy_id=policy.pk, quiet_start=time(22), quiet_end=time(6))


def test_a_low_severity_case_due_in_quiet_hours_waits_until_they_end(sites, quiet_nights):
    opened = datetime(2026, 3, 4, 22, 0, tzinfo=UTC)  # 23:00 in Brussels
    case = make_case(sites["BRU"], severity="low", opened_at=opened)
    outcome = escalations_sweep(now=opened + timedelta(minutes=10))
    assert mail.outbox == [] and outcome.held == 1
    assert lines(case) == ["Level 1 held until 06:00 (quiet hours for low severity)."]
    escalations_sweep(now=opened + timedelta(hours=2))  # still night: nothing, and nothing said twice
    assert mail.outbox == [] and len(lines(case)) == 1
    escalations_sweep(now=datetime(2026, 3, 5, 5, 0, tzinfo=UTC))  # 06:00 local
    assert recipients() == ["lea@example.com"]
    assert lines(case)[-1].startswith("Level 1: notified Lea Lead")


def test_quiet_hours_follow_local_time_across_the_dst_change(sites, quiet_nights):
    opened = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # Sunday 00:00 CET; clocks go forward at 02:00
    case = make_case(sites["BRU"], severity="low", opened_at=opened)
    escalations_sweep(now=opened + timedelta(minutes=10))
    assert EscalationTimer.objects.get(case=case).due_at == datetime(2026, 3, 29, 4, 0, tzinfo=UTC)  # 06:00 CEST


def test_a_high_severity_case_is_not_held_by_quiet_hours(sites, quiet_nights):
    opened = datetime(2026, 3, 4, 22, 0, tzinfo=UTC)
    make_case(sites["BRU"], severity="high", opened_at=opened)
    escalations_sweep(now=opened + timedelta(minutes=10))
    assert recipients() == ["lea@example.com"]


def test_rules_are_validated_with_clear_messages_and_audited(sites, contacts, admin_user, repeating):
    with pytest.raises(EscalationError, match="needs both an interval"):
        policy_rules_update(actor=admin_user, policy_id=repeating.pk, repeat_every_min=0)
    with pytest.raises(EscalationError, match="a start and a different end"):
        policy_rules_update(actor=admin_user, policy_id=repeating.pk, quiet_start=time(22))
    latest = change_history(sites["BRU"])[0]
    assert latest["action"] == "policy changed"
    assert ("repeat every (min)", 0, 15) in latest["changes"] and ("repeats at most", 0, 2) in latest["changes"]
