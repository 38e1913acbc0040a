"""Every screen, as a person who may open it, passes axe-core's WCAG 2.1 AA checks in Chromium with
no serious or critical violation. A new screen joins SCREENS; a new violation fails this test with
the rule and the elements it found."""

import threading

import pytest
from django.test import Client

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import RequestType
from apps.approvals.services.raising import RequestDraft, request_raise
from apps.cases.detectors import detector
from apps.cases.models import Case
from apps.cases.services.detection import detect_subjects
from apps.docks.demo import dock_day_fill
from tests.cases import factories as f
from tests.conftest import PASSWORD

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
        "/kpis/",  # not a supervisor's: the 403 page
        "/exceptions/999999/",  # the 404 page, signed in
    ],
    "approver": ["/approvals/", "/approvals/{request}/", "/approvals/history/", "/exceptions/{case}/"],
    "manager": ["/kpis/", "/kpis/exception_aging/", "/health/integration/", "/approvals/policies/"],
    "admin": [
        "/settings/odoo/",
        "/settings/escalation/",
        "/settings/escalation/contacts/new/",
        "/settings/integrations/",
        "/settings/tokens/",
        "/health/integration/",
        "/docks/",
    ],
    "display": ["/wall/BRU/"],
}


def _in_a_thread(function):
    """Playwright's sync API owns an event loop in this thread; the live publishing of the data does not."""
    results: list = []
    thread = threading.Thread(target=lambda: results.append(function()))
    thread.start()
    thread.join()
    return results[0]


@pytest.fixture
def screens_data(sites):
    return _in_a_thread(lambda: _make_screens_data(sites))


def _make_screens_data(sites) -> dict[str, int]:
    """One open case, a credit-hold request for finance and a count for the supervisor, a dock day."""
    ensure_default_policies()
    world = f.make_site_world("BRU")
    picking = f.make_picking(world, "incoming", state="assigned", scheduled_date=f.at(hours=-3))
    detect_subjects(detector=detector("late_receipt"), subject_ids=[picking.odoo_id])
    dock_day_fill(site=sites["BRU"], doors=4)

    def raise_request(request_type: str, facts: dict, number: int):
        return request_raise(
            draft=RequestDraft(
                request_type=request_type,
                site=sites["BRU"],
                odoo_model="stock.picking",
                odoo_id=number,
                title=f"BRU/OUT/{number}",
                dedupe_key=f"a11y:{number}",
                facts=facts,
                context={"picking": {"name": f"BRU/OUT/{number}", "state": "assigned"}},
                effect={
                    "operation": "release_delivery",
                    "odoo_model": "stock.picking",
                    "odoo_id": number,
                    "arguments": {"ship_now": False},
                    "preconditions": {"state_in": ["assigned"]},
                    "summary": "Release to the floor",
                },
                raised_by_rule="test",
            ),
            requested_by=None,
        )

    credit = {"over_limit_amount": 5000.0, "over_limit_pct": 25.0, "credit_ok": False}
    counted = {"variance_pct": 40.0, "variance_qty": -20.0}
    return {
        "case": Case.objects.get(site__code="BRU").pk,
        "request": raise_request(RequestType.SHIPMENT_RELEASE, credit, 7001).pk,
        "adjustment": raise_request(RequestType.INVENTORY_ADJUSTMENT, counted, 7002).pk,
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
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": web_server.url}])
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
