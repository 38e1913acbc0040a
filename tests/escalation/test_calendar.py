"""The on-call calendar with a controlled clock: rotations (across a DST change), holidays with a holiday rota or
nobody, overrides ahead of everything, and the warnings the settings screen shows."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail

from apps.accounts.roles import Role
from apps.escalation.engine import escalations_sweep
from apps.escalation.models import Contact, EscalationLevel, EscalationPolicy, Holiday, OnCallOverride, OnCallSlot
from apps.escalation.selectors import calendar_warnings, on_call_at
from apps.escalation.services import EscalationError, holiday_add, rotation_set
from tests.escalation.conftest import make_case

pytestmark = pytest.mark.django_db

SHIFTS = ["Early shift", "Late shift", "Night shift"]


def who(site, when: datetime) -> tuple[str | None, str]:
    on_call = on_call_at(site, Role.SUPERVISOR, when)
    return (on_call.contact.name if on_call.contact else None), on_call.source


@pytest.fixture
def weekly_rotation(sites, contacts, admin_user):
    """Ann, then Ben, a week each from Monday 23 March 2026 (the week Brussels changes to summer time)."""
    return rotation_set(
        actor=admin_user,
        site=sites["BRU"],
        role=Role.SUPERVISOR,
        name="Supervisors",
        period="week",
        starts_on=date(2026, 3, 23),
        contact_ids=[contacts["ann"].pk, contacts["ben"].pk],
    )


def test_a_weekly_rotation_hands_over_at_the_first_shift_of_monday_across_dst(sites, weekly_rotation):
    bru = sites["BRU"]
    assert who(bru, datetime(2026, 3, 23, 5, 0, tzinfo=UTC)) == ("Ann Early", "rotation")  # Mon 06:00 CET
    # Sunday 29 March: clocks go forward at 02:00; Sunday's night shift (22:00 CEST) is still Ann's week…
    assert who(bru, datetime(2026, 3, 29, 20, 30, tzinfo=UTC)) == ("Ann Early", "rotation")
    assert who(bru, datetime(2026, 3, 30, 3, 30, tzinfo=UTC)) == ("Ann Early", "rotation")  # Mon 05:30 CEST
    # …and Ben's week starts at Monday's early shift, 06:00 local in summer time (04:00 UTC, not 05:00)
    assert who(bru, datetime(2026, 3, 30, 4, 0, tzinfo=UTC)) == ("Ben Late", "rotation")
    assert who(bru, datetime(2026, 4, 6, 4, 0, tzinfo=UTC)) == ("Ann Early", "rotation")  # and back to Ann
    assert who(bru, datetime(2026, 3, 22, 12, 0, tzinfo=UTC)) == (None, "nobody")  # before it starts


def test_a_daily_rotation_and_a_weekly_slot_that_wins_over_it(sites, contacts, admin_user):
    bru = sites["BRU"]
    rotation_set(
        actor=admin_user,
        site=bru,
        role=Role.SUPERVISOR,
        name="Days",
        period="day",
        starts_on=date(2026, 3, 2),
        contact_ids=[contacts["ann"].pk, contacts["ben"].pk],
    )
    assert who(bru, datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) == ("Ann Early", "rotation")
    assert who(bru, datetime(2026, 3, 3, 9, 0, tzinfo=UTC)) == ("Ben Late", "rotation")
    nia = Contact.objects.create(site=bru, role=Role.SUPERVISOR, name="Nia Night", email="nia@example.com")
    OnCallSlot.objects.create(site=bru, role=Role.SUPERVISOR, weekday=1, shift_name="Early shift", contact=nia)
    assert who(bru, datetime(2026, 3, 3, 9, 0, tzinfo=UTC)) == ("Nia Night", "calendar")


def test_on_a_holiday_only_the_holiday_rota_is_on_call_else_nobody(sites, contacts, weekly_rotation, admin_user):
    bru = sites["BRU"]
    easter_monday = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)
    holiday_add(actor=admin_user, site=bru, day=date(2026, 4, 6), name="Easter Monday")
    assert who(bru, easter_monday) == (None, "holiday")
    rotation_set(
        actor=admin_user,
        site=bru,
        role=Role.SUPERVISOR,
        name="Holiday rota",
        period="day",
        starts_on=date(2026, 1, 1),
        contact_ids=[contacts["ben"].pk],
        for_holidays=True,
    )
    assert who(bru, easter_monday) == ("Ben Late", "holiday rota")
    # a night shift that began on the holiday belongs to it, even after midnight
    assert who(bru, datetime(2026, 4, 6, 23, 30, tzinfo=UTC)) == ("Ben Late", "holiday rota")
    assert who(bru, datetime(2026, 4, 7, 9, 0, tzinfo=UTC)) == ("Ann Early", "rotation")
    # an override still comes first ("I cover Easter Monday morning")
    OnCallOverride.objects.create(
        site=bru,
        role=Role.SUPERVISOR,
        contact=contacts["ann"],
        starts_at=easter_monday - timedelta(hours=1),
        ends_at=easter_monday + timedelta(hours=1),
    )
    assert who(bru, easter_monday) == ("Ann Early", "override")


def test_an_escalation_on_a_holiday_without_a_holiday_rota_says_nobody(sites, contacts, weekly_rotation, admin_user):
    bru = sites["BRU"]
    Holiday.objects.create(site=bru, date=date(2026, 4, 6), name="Easter Monday")
    policy = EscalationPolicy.objects.create(site=bru)
    EscalationLevel.objects.create(policy=policy, number=1, delay_min=5, target_role=Role.SUPERVISOR)
    opened = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)
    case = make_case(bru, opened_at=opened)
    escalations_sweep(now=opened + timedelta(minutes=5))
    assert mail.outbox == []
    assert case.events.last().text == "Level 1: nobody to notify — no one on call (holiday) for Shift supervisor."


def test_a_rotation_refuses_people_who_cannot_be_reached_or_belong_elsewhere(sites, contacts, admin_user):
    bru = sites["BRU"]
    mute = Contact.objects.create(site=bru, role=Role.SUPERVISOR, name="Max Mute")
    with pytest.raises(EscalationError, match="Cannot be reached, so cannot take a turn: Max Mute"):
        rotation_set(
            actor=admin_user,
            site=bru,
            role=Role.SUPERVISOR,
            name="R",
            period="week",
            starts_on=date(2026, 3, 2),
            contact_ids=[contacts["ann"].pk, mute.pk],
        )
    elsewhere = Contact.objects.create(site=sites["CHI"], role=Role.SUPERVISOR, name="Cy", email="cy@example.com")
    with pytest.raises(EscalationError, match="must be a contact of this site"):
        rotation_set(
            actor=admin_user,
            site=bru,
            role=Role.SUPERVISOR,
            name="R",
            period="week",
            starts_on=date(2026, 3, 2),
            contact_ids=[elsewhere.pk],
        )


def test_rotation_changes_are_audited_from_what_to_what(sites, contacts, weekly_rotation, admin_user):
    from apps.escalation.selectors import change_history

    rotation_set(
        actor=admin_user,
        site=sites["BRU"],
        role=Role.SUPERVISOR,
        name="Supervisors",
        period="week",
        starts_on=date(2026, 3, 23),
        contact_ids=[contacts["ben"].pk, contacts["ann"].pk],
    )
    latest = change_history(sites["BRU"])[0]
    assert latest["action"] == "rotation changed" and latest["who"] == admin_user.username
    assert ("people in turn", "Ann Early, Ben Late", "Ben Late, Ann Early") in latest["changes"]
    assert latest["subject"] == "Rotation for shift supervisor"


def test_the_calendar_warns_of_gaps_overlaps_and_uncovered_holidays(sites, contacts, calendar, admin_user):
    bru = sites["BRU"]
    now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    warnings = calendar_warnings(bru, Role.SUPERVISOR, SHIFTS, now)
    assert warnings[0].startswith("Gap: nobody on call for 18 shift(s) a week (Monday Early shift")
    OnCallOverride.objects.create(
        site=bru, role=Role.SUPERVISOR, contact=contacts["ann"], starts_at=now, ends_at=now + timedelta(hours=3)
    )
    OnCallOverride.objects.create(
        site=bru,
        role=Role.SUPERVISOR,
        contact=contacts["ben"],
        starts_at=now + timedelta(hours=2),
        ends_at=now + timedelta(hours=5),
    )
    Holiday.objects.create(site=bru, date=date(2026, 4, 6), name="Easter Monday")
    rotation_set(
        actor=admin_user,
        site=bru,
        role=Role.SUPERVISOR,
        name="Supervisors",
        period="week",
        starts_on=date(2026, 3, 2),
        contact_ids=[contacts["ann"].pk],
    )
    warnings = calendar_warnings(bru, Role.SUPERVISOR, SHIFTS, now)
    assert not any(w.startswith("Gap") for w in warnings)  # the rotation covers the empty shifts
    assert "Overlap: 3 weekly slot(s) and the rotation 'Supervisors' both cover a shift; the slot wins." in warnings
    assert "Overlap: covers by Ann Early and Ben Late overlap; the later start wins." in warnings
    assert "Holiday Easter Monday (06 Apr): nobody on call for this role." in warnings
