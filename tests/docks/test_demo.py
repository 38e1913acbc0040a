"""The demo's busy dock day shows every mark on the timeline, and filling a day twice adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from apps.docks.demo import dock_day_fill
from apps.docks.models import Appointment, DockRules
from apps.docks.selectors import timeline
from tests.docks.conftest import at

pytestmark = pytest.mark.django_db


def test_a_busy_day_has_late_trucks_a_no_show_an_overrun_and_a_conflict(sites, admin_user):
    now = at("2026-12-02", "14:00", sites["BRU"].tzinfo)
    created = dock_day_fill(site=sites["BRU"], doors=10, now=now)
    assert created > 80
    assert dock_day_fill(site=sites["BRU"], doors=10, now=now) == 0
    board = timeline(user=admin_user, site_code="BRU", day=now.date(), now=now)
    counts = board.counts
    assert counts["late"] == 2 and counts["no_show"] == 1 and counts["overrun"] == 1 and counts["conflict"] >= 2
    assert len(board.doors) == 10 and board.now_pct is not None


def test_the_command_fills_each_active_site_and_sets_its_planning_rules(sites):
    out = StringIO()
    call_command("dock_demo_day", "--site", "CHI", "--doors", "4", stdout=out)
    assert Appointment.objects.filter(site=sites["CHI"]).count() > 20
    assert not Appointment.objects.filter(site=sites["BRU"]).exists()
    # Parcel pickups by the simulator's local courier never need a door; the rest is proposed as it syncs.
    assert DockRules.objects.get(site=sites["CHI"]).unplanned_carriers == ["Local Courier"]
    assert "CHI:" in out.getvalue() and "proposed" in out.getvalue()
