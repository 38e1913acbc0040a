"""The freshness badge in a real browser: live while the feed flows, stale when it stops, back by itself."""

import threading

import pytest

from apps.core.redis import get_redis
from apps.live.publisher import SEQUENCE_KEY, send_now
from apps.live.pulse import render_site_pulse
from apps.sites.models import Site
from tests.e2e.conftest import screenshot
from tests.e2e.signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def outside_the_browser_loop(function, *args, **kwargs) -> None:
    """Playwright's sync API owns an event loop in this thread; channel-layer calls run in another."""
    thread = threading.Thread(target=function, args=args, kwargs=kwargs)
    thread.start()
    thread.join()


def wait_for_badge(page, state: str, timeout_ms: int = 15000) -> None:
    page.wait_for_function(
        "state => document.querySelector('#live-badge')?.dataset.state === state", arg=state, timeout=timeout_ms
    )


def test_badge_goes_live_then_stale_when_the_feed_stops_then_recovers(page, web_server, supervisor, pulses):
    sign_in(page, web_server.url, supervisor)
    assert "Brussels DC" in page.content() and "Chicago DC" not in page.content()
    pulses.on()
    wait_for_badge(page, "live")
    assert page.inner_text("#live-badge").split() == ["●", "live"]
    screenshot(page, "overview-live")

    pulses.off()
    wait_for_badge(page, "stale")  # LIVE_STALE_AFTER_S=4 for this server
    assert "no data since" in page.inner_text("#live-badge")
    screenshot(page, "overview-stale")

    pulses.on()
    wait_for_badge(page, "live")


def test_badge_turns_stale_when_daphne_dies_and_recovers_when_it_is_back(page, web_server, supervisor, pulses):
    sign_in(page, web_server.url, supervisor)
    pulses.on()
    wait_for_badge(page, "live")

    web_server.stop()
    wait_for_badge(page, "stale")
    assert "no data since" in page.inner_text("#live-badge")

    web_server.start()
    wait_for_badge(page, "live", timeout_ms=40000)  # reconnect backoff, then resubscribe


def test_sequence_gap_makes_the_page_refetch_its_snapshot(page, web_server, supervisor, sites):
    sign_in(page, web_server.url, supervisor)
    site = Site.objects.get(code="BRU")
    # Subscribed, and the snapshot fetched right after subscribing has landed.
    page.wait_for_function(
        "() => { const live = window.ControlTowerLive;"
        " return live && 'site.BRU' in live.seqs && live.resyncs >= 1 && live.pendingSnapshots === 0; }"
    )
    resyncs_before = page.evaluate("() => window.ControlTowerLive.resyncs")

    # A message is lost on the way: the counter moves on but the client never sees that number.
    get_redis().incr(SEQUENCE_KEY.format(group="site.BRU"))
    with page.expect_request(lambda request: request.url.endswith("/live/sites/BRU/pulse/")):
        html = render_site_pulse(site)
        outside_the_browser_loop(send_now, "site.BRU", "pulse", {"site": "BRU"}, html=html, target="pulse-BRU")

    page.wait_for_function("n => window.ControlTowerLive.resyncs > n", arg=resyncs_before)
    seq_in_browser = page.evaluate("() => window.ControlTowerLive.seqs['site.BRU']")
    assert seq_in_browser == int(get_redis().get(SEQUENCE_KEY.format(group="site.BRU")))
