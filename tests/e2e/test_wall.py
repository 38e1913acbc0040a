"""The wall display in Chromium: every tile renders at 1080p and 4K, changes arrive within a second,
and the board recovers by itself when Daphne or Redis restarts; a revoked TV is refused at once."""

import threading
import time
from contextlib import suppress
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from apps.accounts.display_tokens import display_token_create, display_token_revoke
from apps.core.embedded_redis import start_background, stop
from apps.live.publisher import send_now
from apps.live.pulse import render_site_pulse
from apps.sites.models import Site
from apps.wall.refresh import tile_publish
from tests.channels import OtherRedisPublisher
from tests.e2e.conftest import screenshot
from tests.e2e.signin import add_session
from tests.e2e.test_live_badge import outside_the_browser_loop, wait_for_badge
from tests.servers import ROOT, daphne, free_port
from tests.wall.factories import delivery

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_wall(page, server, user, path="/wall/BRU/"):
    add_session(page.context, server.url, user)
    page.goto(f"{server.url}{path}")


def wait_until_settled(page):
    """Subscribed, and the snapshots fetched after subscribing are in place."""
    page.wait_for_function(
        "() => window.ControlTowerLive && window.ControlTowerLive.pendingSnapshots === 0"
        " && window.ControlTowerLive.resyncs >= 1"
    )


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
def test_board_renders_every_tile_without_scrolling(browser, web_server, supervisor, width, height):
    delivery("BRU", due_in_minutes=-12, customer="Late Logistics")
    delivery("BRU", due_in_minutes=25, customer="Waiting Wholesale")
    delivery("BRU", due_in_minutes=50, state="assigned", customer="Ready Retail")
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    open_wall(page, web_server, supervisor)
    wait_until_settled(page)
    for tile in page.query_selector_all(".tile"):
        assert tile.is_visible()
    assert page.evaluate("() => document.documentElement.scrollHeight <= window.innerHeight + 1")
    number_px = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.tile__number')).fontSize)")
    assert number_px >= height / 15  # a headline number readable from five metres
    screenshot(page, f"wall-{width}x{height}")
    context.close()


def test_a_change_appears_on_the_board_within_a_second(page, web_server, supervisor, sites):
    open_wall(page, web_server, supervisor)
    wait_until_settled(page)
    assert page.inner_text("#tile-ships_next-BRU .tile__number") == "0"
    delivery("BRU", due_in_minutes=15, customer="Urgent Utilities")
    started = time.monotonic()
    outside_the_browser_loop(tile_publish, "BRU", "ships_next")
    page.wait_for_function("() => document.querySelector('#tile-ships_next-BRU .tile__number').textContent === '1'")
    assert time.monotonic() - started < 1.0
    assert "Urgent Utilities" in page.inner_text("#tile-ships_next-BRU")


def test_board_turns_red_when_redis_dies_and_comes_back_by_itself(page, supervisor, sites):
    redis_port, web_port = free_port(), free_port()
    # The suite's database number (one per parallel worker): the channel layer's prefix follows it.
    redis_url = f"redis://127.0.0.1:{redis_port}{urlsplit(settings.REDIS_URL).path or '/0'}"
    workdir = ROOT / "var" / f"redis-walltest-{redis_port}"
    redis_server = start_background(redis_port, workdir)
    web = daphne(web_port, REDIS_URL=redis_url, LIVE_HEARTBEAT_S="1", LIVE_STALE_AFTER_S="4").start()
    web.url = f"http://127.0.0.1:{web_port}"
    publisher = OtherRedisPublisher(redis_url)
    site = Site.objects.get(code="BRU")
    pulses_on = threading.Event()
    stopped = threading.Event()

    def pulse_forever():
        while not stopped.is_set():
            if pulses_on.is_set():
                with suppress(Exception):  # Redis is down: that is what this test is about
                    publisher.send(
                        "site.BRU", "pulse", {"site": "BRU"}, html=render_site_pulse(site), target="pulse-BRU"
                    )
            stopped.wait(0.5)

    pulser = threading.Thread(target=pulse_forever, daemon=True)
    pulser.start()
    try:
        open_wall(page, web, supervisor)
        pulses_on.set()
        wait_for_badge(page, "live")

        stop(redis_server)
        wait_for_badge(page, "stale")
        assert "no data since" in page.inner_text("#live-badge")
        screenshot(page, "wall-redis-down")

        redis_server = start_background(redis_port, workdir)
        wait_for_badge(page, "live", timeout_ms=45000)
        page.wait_for_timeout(3000)
        assert page.get_attribute("#live-badge", "data-state") == "live"  # and it stays live
    finally:
        stopped.set()
        pulser.join(timeout=5)
        web.stop()
        stop(redis_server)


def test_a_revoked_tv_is_refused_at_once(page, web_server, sites, admin_user):
    token, raw = display_token_create(site=sites["BRU"], board="floor", name="Dock 3 TV", created_by=admin_user)
    page.goto(f"{web_server.url}/wall/BRU/?token={raw}")
    assert page.url.endswith("/wall/BRU/floor/")
    page.wait_for_function("() => window.ControlTowerLive && window.ControlTowerLive.connected")
    outside_the_browser_loop(display_token_revoke, token=token, revoked_by=admin_user)
    page.wait_for_function("() => !window.ControlTowerLive.connected", timeout=5000)  # socket closed by the server
    page.reload()
    assert "link was revoked" in page.content()


def test_the_board_reloads_itself_after_a_new_deployment(page, web_server, supervisor, sites):
    open_wall(page, web_server, supervisor)
    wait_until_settled(page)
    page.evaluate("() => { window.loadedBefore = true; }")
    with page.expect_navigation(timeout=10000):
        html = render_site_pulse(sites["BRU"])
        outside_the_browser_loop(
            send_now, "site.BRU", "pulse", {"site": "BRU", "version": "a-newer-release"}, html=html, target="pulse-BRU"
        )
    assert page.evaluate("() => window.loadedBefore") is None  # a fresh page
