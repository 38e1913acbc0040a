"""The wall board and its tiles: site-scoped, readable, the same partial for first load and updates."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from apps.cases.models import SEVERITY_RANK, Case
from apps.live.groups import site_group
from apps.wall.models import Board
from apps.wall.refresh import refresh_tiles_for_published, tile_publish
from apps.wall.tiles import render_tile
from tests.channels import ChannelListener
from tests.servers import celery_worker
from tests.wall.factories import delivery

pytestmark = pytest.mark.django_db


def test_member_sees_the_board_of_their_site_only(client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("wall:board", args=["BRU"]))
    assert page.status_code == 200
    assert "What ships next?" in page.content.decode() and "Brussels DC" in page.content.decode()
    assert client.get(reverse("wall:board", args=["CHI"])).status_code == 404


def test_ships_next_counts_deliveries_at_risk_and_says_which_are_late(sites):
    delivery("BRU", due_in_minutes=45, state="assigned", customer="Ready Retail")
    delivery("BRU", due_in_minutes=20, state="confirmed", customer="Waiting Wholesale")
    delivery("BRU", due_in_minutes=-15, state="confirmed", customer="Late Logistics")
    delivery("BRU", due_in_minutes=300, state="confirmed", customer="Tomorrow Trading")  # beyond 2 h
    delivery("CHI", due_in_minutes=10, state="confirmed", customer="Other Site Inc")

    html = render_tile("ships_next", sites["BRU"])

    assert '<span class="tile__number">2</span>' in html and "✖ at risk" in html
    assert "1 late · 2 not ready · 3 due in 2 h" in html
    # The late delivery says so by symbol and word beside its name, and how late on the line below.
    assert "Late Logistics" in html and "✖ not ready" in html and "overdue by 15 min" in html
    assert "Waiting Wholesale" in html and "in 19 min" in html and "◐ not ready" in html
    assert "Ready Retail" in html and "✔ ready" in html
    assert "Tomorrow Trading" not in html and "Other Site Inc" not in html
    assert html.index("Late Logistics") < html.index("Waiting Wholesale") < html.index("Ready Retail")


def test_ships_next_lists_deliveries_at_risk_before_ready_ones(sites):
    for number in range(8):  # eight ready deliveries due first, the one at risk due last
        delivery("BRU", due_in_minutes=10 + number, state="assigned", customer=f"Ready {number}")
    delivery("BRU", due_in_minutes=100, state="confirmed", customer="Waiting Wholesale")

    html = render_tile("ships_next", sites["BRU"])

    assert "Waiting Wholesale" in html  # the tile shows eight rows: the one at risk is among them
    assert html.index("Waiting Wholesale") < html.index("Ready 0")


def test_tile_snapshot_carries_the_sequence_number(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("wall:tile", args=["BRU", "ships_next"]))
    assert response.status_code == 200 and response["X-Live-Seq"].isdigit()
    assert 'id="tile-ships_next-BRU"' in response.content.decode()
    assert client.get(reverse("wall:tile", args=["CHI", "ships_next"])).status_code == 404
    assert client.get(reverse("wall:tile", args=["BRU", "nonsense"])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_tile_is_rendered_once_and_sent_to_the_site_group(sites):
    listener = ChannelListener(site_group("BRU"))
    delivery("BRU", due_in_minutes=30)
    tile_publish("BRU", "ships_next")
    message = listener.receive()["message"]
    assert message["event"] == "tile" and message["target"] == "tile-ships_next-BRU"
    assert '<span class="tile__number">1</span>' in message["html"]


def open_case(site, *, severity: str, title: str, opened_min_ago: int, sla_left_min: int) -> Case:
    now = timezone.now()
    return Case.objects.create(
        site=site, kind="late_receipt", dedupe_key=f"test:{title}", title=title, severity=severity,
        severity_rank=SEVERITY_RANK[severity], opened_at=now - timedelta(minutes=opened_min_ago), last_seen_at=now,
        sla_due_at=now + timedelta(minutes=sla_left_min),
    )  # fmt: skip


def test_on_fire_shows_open_cases_worst_first_with_age_against_sla(sites):
    open_case(sites["BRU"], severity="medium", title="Receipt IN/7 late", opened_min_ago=90, sla_left_min=30)
    open_case(sites["BRU"], severity="critical", title="Delivery OUT/3 blocked", opened_min_ago=20, sla_left_min=-5)
    open_case(sites["BRU"], severity="critical", title="Delivery OUT/1 blocked", opened_min_ago=45, sla_left_min=10)
    open_case(sites["CHI"], severity="critical", title="Other site", opened_min_ago=5, sla_left_min=10)

    html = render_tile("on_fire", sites["BRU"])

    assert '<span class="tile__number">3</span>' in html and "1 past SLA" in html
    assert "⬣</span> 2 critical" in html and "◆</span> 1 medium" in html and "Other site" not in html
    assert html.index("OUT/1") < html.index("OUT/3") < html.index("IN/7")  # worst first, then oldest
    assert "✖ overdue by 5 min" in html and "open 45 min" in html and "open 1 h 30 min" in html
    assert 'class="tile tile--bad"' in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow  # a real worker, process or long scenario: CI runs it once, on PostgreSQL
def test_case_changes_refresh_the_on_fire_tile_once_through_a_worker(sites):
    listener = ChannelListener(site_group("BRU"))
    case = open_case(sites["BRU"], severity="high", title="Receipt IN/9 late", opened_min_ago=1, sla_left_min=60)
    worker = celery_worker().start()
    try:
        for _ in range(5):  # a burst of changes...
            refresh_tiles_for_published("case.changed", "BRU", {"case": case.pk})
        tile = listener.receive(timeout=30, event="tile")["message"]  # the worker may still be starting
        with pytest.raises(TimeoutError):
            listener.receive(timeout=1.5, event="tile")  # ...rendered once
    finally:
        worker.stop()
    assert tile["target"] == "tile-on_fire-BRU" and "Receipt IN/9 late" in tile["html"]


def test_boards_rotate_in_order_when_configured(client, supervisor, sites):
    Board.objects.create(site=sites["BRU"], slug="floor", name="Floor", position=1, rotate_after_s=60)
    Board.objects.create(site=sites["BRU"], slug="outbound", name="Outbound", tiles=["ships_next"], position=2)
    client.force_login(supervisor)
    floor = client.get("/wall/BRU/").content.decode()
    assert 'data-next-board="/wall/BRU/outbound/"' in floor and 'data-rotate-after-s="60"' in floor
    outbound = client.get("/wall/BRU/outbound/").content.decode()
    assert "data-next-board" not in outbound  # no timer set on this one: it stays
    assert "What ships next?" in outbound and "What is on fire?" not in outbound
    assert client.get("/wall/BRU/nonsense/").status_code == 404


def test_a_tile_update_says_which_language_it_was_rendered_in(sites):
    """One render serves every screen of the site; a screen in another language refetches its own
    snapshot (static/js/live.js), so the message names its language."""
    listener = ChannelListener(site_group("BRU"))
    with translation.override("fr"):
        tile_publish("BRU", "on_fire")
    message = listener.receive()["message"]
    assert message["lang"] == "fr" and "Qu&#x27;est-ce qui brûle ?" in message["html"]
    tile_publish("BRU", "on_fire")
    assert listener.receive()["message"]["lang"] == "en"
