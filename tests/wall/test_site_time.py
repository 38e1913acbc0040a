"""Every time is shown in the site's zone, with the zone named (issue 24, local time).

The wall's clock and its "Odoo unreachable since …" banner share one zone — the site's — where the
banner used to be in UTC beside a local clock. A Brussels and a Singapore supervisor each see their
site's times, named, and a manager of both can tell them apart.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import translation

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.cases.models import Case
from apps.core.local_time import at_site
from apps.mirror.models import SyncState
from apps.sites.models import Site
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 3, 13, 55, 0, tzinfo=UTC)  # 14:55 in Brussels, 21:55 in Singapore
ODOO_DOWN_SINCE = datetime(2026, 12, 3, 13, 52, 0, tzinfo=UTC)


@pytest.fixture
def singapore(sites):
    return Site.objects.create(code="SIN", name="Singapore DC", timezone="Asia/Singapore")


@pytest.fixture
def odoo_down():
    SyncState.objects.create(odoo_model="stock.picking", last_success_at=ODOO_DOWN_SINCE,
                             last_finished_at=NOW, consecutive_failures=3, last_error="timed out")  # fmt: skip


def _clock_and_banner(html: str) -> tuple[str, str]:
    clock = html.split('id="wall-clock">', 1)[1].split("<", 1)[0]
    banner = html.split("odoo-link--bad", 1)[1].split("</span>", 1)[0]
    return clock, banner


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("code", "clock", "since"),
    [("BRU", "14:55 (Brussels)", "since 14:52 (Brussels)"), ("SIN", "21:55 (Singapore)", "since 21:52 (Singapore)")],
)
def test_the_wall_clock_and_the_odoo_banner_are_in_the_same_zone_the_sites(
    client, sites, singapore, odoo_down, code, clock, since
):
    person = user_upsert(username=f"sup.{code.lower()}", password=PASSWORD, roles=[Role.SUPERVISOR],
                         sites=[Site.objects.get(code=code)])  # fmt: skip
    client.force_login(person)
    shown_clock, banner = _clock_and_banner(client.get(f"/wall/{code}/").content.decode())
    assert shown_clock == clock
    assert since in banner and "UTC" not in banner


@time_machine.travel(NOW, tick=False)
def test_a_case_panel_shows_its_sites_time_to_a_manager_of_both_sites(client, sites, singapore):
    manager = user_upsert(username="max.both", password=PASSWORD, roles=[Role.MANAGER],
                          sites=[sites["BRU"], singapore])  # fmt: skip
    opened = NOW - timedelta(minutes=30)
    for site in (sites["BRU"], singapore):
        Case.objects.create(site=site, kind="late_receipt", dedupe_key=f"t:{site.code}", title=f"Late at {site.code}",
                            severity="high", opened_at=opened, last_seen_at=NOW,
                            sla_due_at=NOW + timedelta(hours=1))  # fmt: skip
    client.force_login(manager)
    brussels = client.get(f"/exceptions/{Case.objects.get(site=sites['BRU']).pk}/").content.decode()
    singapore_page = client.get(f"/exceptions/{Case.objects.get(site=singapore).pk}/").content.decode()
    assert "14:25 (Brussels)" in brussels and "15:55 (Brussels)" in brussels  # opened, SLA due
    assert "21:25 (Singapore)" in singapore_page and "22:55 (Singapore)" in singapore_page


@time_machine.travel(NOW, tick=False)
def test_another_day_is_written_in_the_readers_language():
    yesterday = NOW - timedelta(days=1)
    assert at_site(NOW, "Asia/Singapore") == "21:55 (Singapore)"
    assert at_site(yesterday, "Europe/Brussels") == "Wed 02 Dec 14:55 (Brussels)"
    with translation.override("fr"):
        assert (
            at_site(yesterday, "Europe/Brussels") == "mer 02 Déc 14:55 (Brussels)"
        )  # day and month names from Django's French formats
    assert at_site(None, "Europe/Brussels") == "—"
