"""Every screen, as a person who may open it, passes axe-core's WCAG 2.1 AA checks in Chromium with
no serious or critical violation. A new screen joins SCREENS; a new violation fails this test with
the rule and the elements it found."""

import pytest

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from tests.conftest import PASSWORD
from tests.e2e.signin import add_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Who opens which screens ({case} and {request} are filled in from the data below). Swagger UI
# (/api/v1/docs/) and Django's admin are third-party screens and are not listed.
SCREENS: dict[str, list[str]] = {
    "anonymous": ["/accounts/login/", "/no-such-page/"],
    "supervisor": [
        "/",
        "/wall/",
        "/wall/BRU/",
        "/exceptions/",
        "/exceptions/{case}/",
        "/approvals/",
        "/approvals/{adjustment}/",
        "/approvals/history/",
        "/approvals/new/inventory_adjustment/",
        "/docks/BRU/",
        "/docks/BRU/clerk/",
        "/settings/tokens/",
        "/advisor/triage/BRU/",
        "/advisor/summary/BRU/",
        "/kpis/",  # not a supervisor's: the 403 page
        "/exceptions/999999/",  # the 404 page, signed in
    ],
    "approver": ["/approvals/", "/approvals/{request}/", "/approvals/history/", "/exceptions/{case}/"],
    "manager": ["/kpis/", "/kpis/exception_aging/", "/health/integration/", "/approvals/policies/", "/advisor/"],
    "admin": [
        "/settings/odoo/",
        "/settings/escalation/",
        "/settings/escalation/contacts/new/",
        "/settings/integrations/",
        "/settings/tokens/",
        "/settings/advisor/",
        "/health/integration/",
        "/docks/",
    ],
    "display": ["/wall/BRU/"],
}


@pytest.mark.parametrize("role", list(SCREENS))
def test_every_screen_has_no_serious_accessibility_violation(
    request, role, browser, web_server, axe, screens_data, sites
):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    if role != "anonymous":
        user = request.getfixturevalue({"admin": "admin_user"}.get(role, role))
        if role == "display":
            user = user_upsert(username="wall.bru", password=PASSWORD, roles=[Role.DISPLAY], sites=[sites["BRU"]])
        add_session(context, web_server.url, user)
    page = context.new_page()
    found: list[str] = []
    try:
        for screen in SCREENS[role]:
            url = screen.format(**screens_data)
            page.goto(web_server.url + url, wait_until="load")  # deferred scripts have drawn the page
            found += [f"{url}: {line}" for line in axe(page)]
    finally:
        context.close()
    assert not found, "serious or critical accessibility violations:\n" + "\n".join(found)


BADGE_STATES = ["connecting", "live", "aging", "stale"]


@pytest.mark.parametrize("screen", ["/wall/BRU/", "/exceptions/"])
def test_the_live_badge_is_readable_in_every_state(screen, browser, web_server, axe, supervisor):
    """The badge changes state with the connection; axe sees only the state of the moment, so each
    state is put on the badge in turn (a light desk page and the dark wall)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    add_session(context, web_server.url, supervisor)
    page = context.new_page()
    found: list[str] = []
    try:
        page.goto(web_server.url + screen, wait_until="load")
        for state in BADGE_STATES:
            # Stop the page's own updates first: they would put the real state back mid-check.
            page.evaluate(
                """state => { let badge = document.querySelector('[data-frozen-badge]');
                if (!badge) { const live = document.getElementById('live-badge'); badge = live.cloneNode(true);
                  badge.removeAttribute('id'); badge.dataset.frozenBadge = '1'; live.replaceWith(badge); }
                badge.className = 'badge badge--' + state; }""",
                state,
            )
            found += [f"{screen} badge--{state}: {line}" for line in axe(page)]
    finally:
        context.close()
    assert not found, "unreadable live badge:\n" + "\n".join(found)
