"""The escalation engine with a controlled clock: every sweep is given `now`, as beat would run it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from apps.accounts.roles import Role
from apps.cases.models import CaseEvent
from apps.cases.services.actions import case_acknowledge, case_assign
from apps.escalation.engine import escalation_level_send, escalations_sweep
from apps.escalation.models import Contact, Delivery, EscalationLevel, EscalationPolicy, EscalationTimer, OnCallOverride
from tests.escalation.conftest import OPENED, make_case

pytestmark = pytest.mark.django_db


def at(minutes: float) -> datetime:
    return OPENED + timedelta(minutes=minutes)


def recipients() -> list[str]:
    return [address for message in mail.outbox for address in message.to]


def escalation_lines(case) -> list[str]:
    return list(case.events.filter(kind=CaseEvent.Kind.ESCALATED).values_list("text", flat=True))


def test_levels_fire_on_time_to_the_on_call_then_the_lead_then_the_site_manager(sites, policy):
    case = make_case(sites["BRU"])
    escalations_sweep(now=at(9))
    assert mail.outbox == []
    escalations_sweep(now=at(10))
    assert recipients() == ["ann@example.com"]  # the early-shift supervisor on call on Wednesday
    escalations_sweep(now=at(29))
    assert recipients() == ["ann@example.com"]
    escalations_sweep(now=at(30))
    escalations_sweep(now=at(61))
    assert recipients() == ["ann@example.com", "lea@example.com", "sue@example.com"]
    lines = escalation_lines(case)
    assert lines[0].startswith("Level 1: notified Ann Early by email — on call (calendar)")
    assert lines[1].startswith("Level 2: notified Lea Lead by email")
    case.refresh_from_db()
    assert case.escalation_level == 3
    assert EscalationTimer.objects.get(case=case).state == EscalationTimer.State.DONE


def test_the_message_says_what_is_wrong_where_for_how_long_and_links_to_the_case(sites, policy):
    case = make_case(sites["BRU"])
    escalations_sweep(now=at(10))
    message = mail.outbox[0]
    assert "Receipt WH/IN/00042 is late" in message.subject and "[BRU]" in message.subject
    assert "Where: Brussels DC" in message.body
    assert "Open for 10 min" in message.body
    assert f"https://tower.example.com/exceptions/{case.pk}/" in message.body


@pytest.mark.parametrize("owning", ["acknowledge", "assign"])
def test_acknowledging_or_assigning_stops_further_levels(sites, policy, supervisor, owning):
    case = make_case(sites["BRU"])
    escalations_sweep(now=at(10))
    if owning == "acknowledge":
        case_acknowledge(case_id=case.pk, actor=supervisor)
    else:
        case_assign(case_id=case.pk, actor=supervisor, assignee_id=supervisor.pk)
    escalations_sweep(now=at(30))
    escalations_sweep(now=at(90))
    assert recipients() == ["ann@example.com"]
    expected = "acknowledged" if owning == "acknowledge" else "assigned"
    assert escalation_lines(case)[-1] == f"Escalation stopped: {expected}."
    assert EscalationTimer.objects.get(case=case).state == EscalationTimer.State.STOPPED


def test_a_case_acknowledged_before_the_first_level_is_never_notified(sites, policy, supervisor):
    case = make_case(sites["BRU"])
    escalations_sweep(now=at(1))
    case_acknowledge(case_id=case.pk, actor=supervisor)
    escalations_sweep(now=at(60))
    assert mail.outbox == [] and escalation_lines(case) == []


def test_one_level_is_sent_once_however_many_sweeps_run(sites, policy):
    case = make_case(sites["BRU"])
    escalations_sweep(now=at(10))
    escalations_sweep(now=at(10))
    escalations_sweep(now=at(11))
    # A second worker holding an older view of the timer asks for the same level: the claim refuses it.
    assert escalation_level_send(timer_id=case.escalation_timer.pk, level_number=1, now=at(12)) is None
    assert recipients() == ["ann@example.com"]
    assert Delivery.objects.filter(case=case, level=1).count() == 1


def test_a_level_left_mid_send_by_a_dead_worker_is_sent_after_a_restart_marked_possibly_twice(sites, policy, settings):
    settings.ESCALATION_CLAIM_STALE_S = 300
    case = make_case(sites["BRU"])
    escalations_sweep(now=at(5))  # timer created: it lives in the database, not in a worker
    # The worker claimed level 1 at 10 min and died before recording anything (the state it leaves behind).
    EscalationTimer.objects.filter(case=case).update(state=EscalationTimer.State.SENDING, claimed_at=at(10))
    # Worker and beat restart: a fresh sweep knows only the database.
    escalations_sweep(now=at(12))
    assert mail.outbox == []  # the claim might still be live: do not send
    escalations_sweep(now=at(16))
    assert recipients() == ["ann@example.com"]
    assert "Possibly sent twice" in escalation_lines(case)[0]
    assert Delivery.objects.get(case=case, level=1).possibly_repeated
    escalations_sweep(now=at(30))  # the escalation carries on from where it was
    assert recipients() == ["ann@example.com", "lea@example.com"]
    assert "Possibly sent twice" not in escalation_lines(case)[1]


def test_a_failing_chat_webhook_is_retried_and_recorded_without_blocking_email(sites, contacts, chat):
    chat.status = 500
    policy = EscalationPolicy.objects.create(site=sites["BRU"])
    EscalationLevel.objects.create(policy=policy, number=1, delay_min=5, target_contact=contacts["ben"])
    case = make_case(sites["BRU"])
    escalations_sweep(now=at(5))
    assert recipients() == ["ben@example.com"]
    assert len(chat.received) == 3  # ESCALATION_WEBHOOK_ATTEMPTS
    email, webhook = (Delivery.objects.get(case=case, channel=channel) for channel in ("email", "chat"))
    assert email.ok and not webhook.ok
    assert (webhook.attempts, webhook.error) == (3, "HTTP 500")
    assert "Ben Late by email and chat webhook (failed: HTTP 500)" in escalation_lines(case)[0]


def test_a_working_chat_webhook_gets_a_slack_compatible_payload(sites, contacts, chat):
    policy = EscalationPolicy.objects.create(site=sites["BRU"])
    EscalationLevel.objects.create(policy=policy, number=1, delay_min=5, target_contact=contacts["ben"])
    make_case(sites["BRU"])
    escalations_sweep(now=at(5))
    assert len(chat.received) == 1
    assert "Receipt WH/IN/00042 is late" in chat.received[0]["text"]
    assert Delivery.objects.get(channel="chat").ok


def test_the_most_specific_policy_applies(sites, contacts, calendar):
    general = EscalationPolicy.objects.create(site=sites["BRU"])
    EscalationLevel.objects.create(policy=general, number=1, delay_min=5, target_contact=contacts["lea"])
    critical = EscalationPolicy.objects.create(site=sites["BRU"], case_kind="late_receipt", severity="critical")
    EscalationLevel.objects.create(policy=critical, number=1, delay_min=1, target_contact=contacts["sue"])
    make_case(sites["BRU"], severity="critical")
    make_case(sites["BRU"], severity="low", title="Another late receipt")
    escalations_sweep(now=at(1))
    assert recipients() == ["sue@example.com"]
    escalations_sweep(now=at(5))
    assert recipients() == ["sue@example.com", "lea@example.com"]


def test_the_on_call_follows_the_calendar_across_a_dst_change_and_an_override(sites, contacts):
    from apps.escalation.models import OnCallSlot

    bru = sites["BRU"]
    night_owl = Contact.objects.create(site=bru, role=Role.SUPERVISOR, name="Nia Night", email="nia@example.com")
    # Saturday 28 March 2026's night shift (22:00 → 06:00 local) crosses Brussels' change to summer time.
    OnCallSlot.objects.create(site=bru, role=Role.SUPERVISOR, weekday=5, shift_name="Night shift", contact=night_owl)
    OnCallSlot.objects.create(
        site=bru, role=Role.SUPERVISOR, weekday=6, shift_name="Early shift", contact=contacts["ann"]
    )
    OnCallOverride.objects.create(  # "I cover the first hours of Saturday night"
        site=bru,
        role=Role.SUPERVISOR,
        contact=contacts["ben"],
        starts_at=datetime(2026, 3, 28, 21, 0, tzinfo=UTC),  # 22:00 local (winter time)
        ends_at=datetime(2026, 3, 28, 23, 0, tzinfo=UTC),  # 00:00 local
    )
    policy = EscalationPolicy.objects.create(site=bru)
    EscalationLevel.objects.create(policy=policy, number=1, delay_min=5, target_role=Role.SUPERVISOR)

    def notified_for_case_opened(opened: datetime) -> list[str]:
        mail.outbox.clear()
        make_case(bru, opened_at=opened, title=f"Late receipt opened {opened:%H:%M}")
        escalations_sweep(now=opened + timedelta(minutes=5))
        return recipients()

    assert notified_for_case_opened(datetime(2026, 3, 28, 21, 30, tzinfo=UTC)) == ["ben@example.com"]  # override
    assert notified_for_case_opened(datetime(2026, 3, 29, 0, 0, tzinfo=UTC)) == ["nia@example.com"]  # 01:05 local
    # 05:35 UTC+2 is still Saturday's night shift; a clock kept in winter time would say the same for 04:35 UTC…
    assert notified_for_case_opened(datetime(2026, 3, 29, 3, 30, tzinfo=UTC)) == ["nia@example.com"]
    # …but 06:05 summer time is Sunday's early shift already.
    assert notified_for_case_opened(datetime(2026, 3, 29, 4, 0, tzinfo=UTC)) == ["ann@example.com"]


def test_nobody_on_call_is_said_on_the_timeline(sites, contacts):
    policy = EscalationPolicy.objects.create(site=sites["BRU"])
    EscalationLevel.objects.create(policy=policy, number=1, delay_min=5, target_role=Role.SUPERVISOR)
    case = make_case(sites["BRU"])
    escalations_sweep(now=at(5))
    assert mail.outbox == []
    assert escalation_lines(case) == ["Level 1: nobody to notify — no one on call for Shift supervisor."]


def test_escalate_now_by_hand_sends_the_level_it_reached_at_the_next_sweep(sites, policy, supervisor):
    from apps.cases.services.actions import case_escalate

    case = make_case(sites["BRU"])
    escalations_sweep(now=at(10))
    assert recipients() == ["ann@example.com"]
    case_escalate(case_id=case.pk, actor=supervisor, from_level=1)  # level 2 is not due until 30 min
    escalations_sweep(now=at(12))
    assert recipients() == ["ann@example.com", "lea@example.com"]
    assert any(line.startswith("Level 2: notified Lea Lead by email") for line in escalation_lines(case))
    escalations_sweep(now=at(30))  # level 2 is not sent again at its own time
    assert recipients() == ["ann@example.com", "lea@example.com"]
    case.refresh_from_db()
    assert case.escalation_level == 2
