from datetime import UTC, datetime

import pytest
from django.template.loader import render_to_string

from apps.live.access import can_subscribe
from apps.live.groups import board_group, parse_group, site_group, user_group
from apps.live.pulse import render_site_pulse
from apps.mirror.models import SyncState


def test_group_names_round_trip():
    assert parse_group(site_group("BRU")).site_code == "BRU"
    board = parse_group(board_group("BRU", "floor"))
    assert (board.kind, board.site_code, board.board) == ("board", "BRU", "floor")
    assert parse_group(user_group(42)).user_id == 42


@pytest.mark.parametrize("name", ["", "site.", "site", "user.abc", "board.BRU", "admin.all", "site.BRU.x.y", 7, None])
def test_unknown_group_names_are_rejected(name):
    assert parse_group(name) is None


def test_subscription_rules(supervisor, admin_user, display, sites):
    assert can_subscribe(supervisor, "site.BRU")
    assert not can_subscribe(supervisor, "site.CHI")
    assert can_subscribe(supervisor, "board.BRU.floor")
    assert not can_subscribe(supervisor, "board.CHI.floor")
    assert can_subscribe(supervisor, f"user.{supervisor.pk}")
    assert not can_subscribe(supervisor, f"user.{admin_user.pk}")
    assert can_subscribe(admin_user, "site.CHI")
    assert can_subscribe(display, "site.BRU")


def test_inactive_user_may_not_subscribe(supervisor):
    supervisor.is_active = False
    assert not can_subscribe(supervisor, "site.BRU")


def test_pulse_shows_the_site_local_time(sites):
    html = render_to_string(
        "live/partials/site_pulse.html",
        {"site": sites["BRU"], "confirmed_at": datetime(2026, 11, 27, 16, 0, 5, tzinfo=UTC)},
    )
    assert "17:00:05" in html  # Brussels is UTC+1 in November
    assert "Fri 27 Nov 17:00 (Brussels)" in html and "UTC" not in html  # the site's zone, named


def test_pulse_says_when_odoo_was_last_synced_or_since_when_it_fails(sites):
    synced = datetime(2026, 11, 27, 16, 0, 1, tzinfo=UTC)
    SyncState.objects.create(odoo_model="stock.picking", last_success_at=synced, last_finished_at=synced)
    assert "Odoo: synced" in render_site_pulse(sites["BRU"])

    SyncState.objects.filter(odoo_model="stock.picking").update(consecutive_failures=2, last_error="refused")
    html = render_site_pulse(sites["BRU"])
    # in the site's zone, as on the same screen's clock (not UTC)
    assert "Odoo unreachable since Fri 27 Nov 17:00 (Brussels)" in html and "changes are queued" in html
