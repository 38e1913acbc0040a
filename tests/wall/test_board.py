"""The wall board and its tiles: site-scoped, readable, the same partial for first load and updates."""

import pytest
from django.urls import reverse

from apps.live.groups import site_group
from apps.wall.refresh import tile_publish
from apps.wall.tiles import render_tile
from tests.channels import ChannelListener
from tests.wall.factories import delivery

pytestmark = pytest.mark.django_db


def test_member_sees_the_board_of_their_site_only(client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("wall:board", args=["BRU"]))
    assert page.status_code == 200
    assert "What ships next?" in page.content.decode() and "Brussels DC" in page.content.decode()
    assert client.get(reverse("wall:board", args=["CHI"])).status_code == 404


def test_ships_next_counts_deliveries_not_ready_and_says_which_are_late(sites):
    delivery("BRU", due_in_minutes=45, state="assigned", customer="Ready Retail")
    delivery("BRU", due_in_minutes=20, state="confirmed", customer="Waiting Wholesale")
    delivery("BRU", due_in_minutes=-15, state="confirmed", customer="Late Logistics")
    delivery("BRU", due_in_minutes=300, state="confirmed", customer="Tomorrow Trading")  # beyond 2 h
    delivery("CHI", due_in_minutes=10, state="confirmed", customer="Other Site Inc")

    html = render_tile("ships_next", sites["BRU"])

    assert '<span class="tile__number">2</span>' in html and "of 3 deliveries" in html
    assert "Late Logistics" in html and "15 min late" in html and "✖ late" in html
    assert "Ready Retail" in html and "✔ ready" in html
    assert "Tomorrow Trading" not in html and "Other Site Inc" not in html
    assert html.index("Late Logistics") < html.index("Waiting Wholesale") < html.index("Ready Retail")


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
