"""Shifts per site, in the site's time zone: the one place the wall, docks, escalation and KPIs read them."""

from datetime import UTC, datetime, time

import pytest

from apps.sites.models import Shift
from apps.sites.selectors import site_shift_at, site_shifts_on

pytestmark = pytest.mark.django_db


def test_a_site_without_shifts_keeps_the_early_late_night_pattern(sites):
    bru = sites["BRU"]  # UTC+1 in January
    assert site_shift_at(bru, datetime(2026, 1, 14, 5, 30, tzinfo=UTC)).name == "Early shift"  # 06:30 local
    assert site_shift_at(bru, datetime(2026, 1, 14, 4, 30, tzinfo=UTC)).name == "Night shift"  # 05:30 local


def test_a_site_s_own_shifts_replace_the_default_and_follow_its_time_zone(sites):
    chi = sites["CHI"]
    Shift.objects.create(site=chi, name="Day", starts_at=time(7))
    Shift.objects.create(site=chi, name="Night", starts_at=time(19))
    window = site_shift_at(chi, datetime(2026, 1, 14, 12, 0, tzinfo=UTC))  # 06:00 in Chicago
    assert window.name == "Night"
    assert (window.starts.hour, window.ends.hour) == (19, 7)
    assert window.starts.date().isoformat() == "2026-01-13"
    # Brussels still has the default.
    assert site_shift_at(sites["BRU"], datetime(2026, 1, 14, 12, 0, tzinfo=UTC)).name == "Early shift"


def test_a_shift_across_the_spring_dst_change_is_one_hour_shorter(sites):
    bru = sites["BRU"]
    Shift.objects.create(site=bru, name="Day", starts_at=time(6))
    Shift.objects.create(site=bru, name="Night", starts_at=time(18))
    # 29 March 2026: Brussels moves from UTC+1 to UTC+2 at 02:00 local.
    night = site_shift_at(bru, datetime(2026, 3, 29, 1, 30, tzinfo=UTC))  # 03:30 local, summer time
    assert night.name == "Night"
    assert (night.starts.hour, night.ends.hour) == (18, 6)
    assert (night.ends.astimezone(UTC) - night.starts.astimezone(UTC)).total_seconds() == 11 * 3600
    day = site_shift_at(bru, datetime(2026, 3, 29, 4, 0, tzinfo=UTC))  # 06:00 local, summer time
    assert day.name == "Day" and day.starts.utcoffset().total_seconds() == 7200


def test_the_shifts_of_one_local_day_are_listed_in_order(sites):
    shifts = site_shifts_on(sites["BRU"], datetime(2026, 6, 1, 12, tzinfo=UTC))
    assert [window.name for window in shifts] == ["Early shift", "Late shift", "Night shift"]
    assert all(window.starts.date().isoformat() == "2026-06-01" for window in shifts)
