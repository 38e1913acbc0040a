"""Issue 24, languages: a French user reads the inbox, the exception queue and the wall in French —
the server's words and the browser's (Django's JavaScript catalogue at /jsi18n/) — and a TV whose
display token is French shows its wall in French, clock and banner in the site's zone."""

from __future__ import annotations

import re

import pytest

from apps.accounts.display_tokens import display_token_create
from apps.accounts.models import User
from apps.wall.refresh import tile_publish
from tests.e2e.conftest import screenshot
from tests.e2e.screens import in_a_thread
from tests.e2e.signin import add_session
from tests.e2e.test_live_badge import outside_the_browser_loop
from tests.e2e.test_wall import wait_until_settled
from tests.wall.factories import delivery

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"viewport": {"width": 1366, "height": 768}}
WALL = {"viewport": {"width": 1920, "height": 1080}}
TICKING = "() => /:\\d\\d:\\d\\d \\(Brussels\\)$/.test(document.getElementById('wall-clock').textContent)"
CLOCK = re.compile(r"^\d\d:\d\d:\d\d \(Brussels\)$")  # ticking in the site's zone, the zone named


def in_french(user: User) -> User:
    user.language = "fr"
    in_a_thread(lambda: user.save(update_fields=["language"]))
    return user


def signed_in(browser, server, user, **options):
    context = browser.new_context(**options)
    add_session(context, server.url, user)
    return context, context.new_page()


def test_a_french_user_reads_the_inbox_the_queue_and_the_wall_in_french(
    browser, web_server, screens_data, approver, supervisor
):
    context, page = signed_in(browser, web_server, in_french(approver), **DESK)
    try:
        page.goto(f"{web_server.url}/approvals/")
        assert page.get_attribute("html", "lang") == "fr"
        assert "en attente de vous" in page.inner_text("h1")
        assert page.is_visible("text=Marquer pour approbation en lot")
        # The browser's words too: the live badge comes from live.js through the French catalogue.
        page.wait_for_function(
            "() => /en direct|connexion|mis à jour/.test(document.querySelector('#live-badge').textContent)"
        )
        screenshot(page, "fr-inbox")
    finally:
        context.close()

    context, page = signed_in(browser, web_server, in_french(supervisor), **DESK)
    try:
        page.goto(f"{web_server.url}/exceptions/")
        assert page.get_attribute("html", "lang") == "fr"
        assert page.is_visible("text=Prendre en compte la sélection")
        row = f"#case-{screens_data['case']}"
        page.wait_for_selector(row)
        assert "Réception en retard" in page.inner_text(row)  # the detector's kind, translated at display time
        assert page.is_visible("text=Commencer le travail")  # the selected case's panel beside the list
        screenshot(page, "fr-queue")

        page.set_viewport_size(WALL["viewport"])
        page.goto(f"{web_server.url}/wall/BRU/")
        assert page.get_attribute("html", "lang") == "fr"
        assert "Qu'est-ce qui brûle ?" in page.inner_text("main")
        page.wait_for_function(TICKING)
        assert CLOCK.match(page.inner_text("#wall-clock"))
        screenshot(page, "fr-wall")
    finally:
        context.close()


def test_a_french_display_token_shows_the_wall_in_french(browser, web_server, sites, admin_user):
    _token, raw = in_a_thread(lambda: display_token_create(site=sites["BRU"], board="floor", name="Quai 3",
                                                           created_by=admin_user, language="fr"))  # fmt: skip
    context = browser.new_context(locale="en-US", **WALL)  # an English TV browser: the token decides
    page = context.new_page()
    try:
        page.goto(f"{web_server.url}/wall/BRU/?token={raw}")
        page.wait_for_url(re.compile(r"/wall/BRU/floor/$"))
        assert page.get_attribute("html", "lang") == "fr"
        text = page.inner_text("body")
        assert "Qu'est-ce qui brûle ?" in text and "Qu'est-ce qui part ensuite ?" in text
        page.wait_for_function(
            "() => /:\\d\\d:\\d\\d \\(Brussels\\)$/.test(document.getElementById('wall-clock').textContent)"
        )
        screenshot(page, "fr-wall-display-token")
    finally:
        context.close()


def test_a_live_update_keeps_a_french_wall_in_french(browser, web_server, sites, supervisor):
    """Tiles are rendered once per change for every screen of the site (in English here); a French
    page takes its own snapshot instead of the English markup."""
    context, page = signed_in(browser, web_server, in_french(supervisor), **WALL)
    try:
        page.goto(f"{web_server.url}/wall/BRU/")
        wait_until_settled(page)
        delivery("BRU", due_in_minutes=15, customer="Urgent Utilities")
        outside_the_browser_loop(tile_publish, "BRU", "ships_next")
        page.wait_for_function("() => document.querySelector('#tile-ships_next-BRU .tile__number').textContent === '1'")
        tile = page.inner_text("#tile-ships_next-BRU")
        assert "Qu'est-ce qui part ensuite ?" in tile and "Urgent Utilities" in tile
        assert "What ships next?" not in tile
    finally:
        context.close()
