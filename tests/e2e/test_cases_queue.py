"""The exception queue in real browsers: a new exception in Odoo (the simulator), after a sync
pass, appears without a reload; acknowledging it in one browser updates the other."""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.cases.models import Case
from apps.mirror.models import Picking
from apps.mirror.services.sync import sync_model
from apps.mirror.specs import SYNC_ORDER
from apps.odoo.datetimes import format_datetime
from tests.e2e.conftest import screenshot
from tests.e2e.signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def outside_the_browser_loop(function, *args) -> None:
    """Playwright's sync API owns an event loop in this thread; sync and publishing run in another."""
    errors = []

    def run():
        try:
            function(*args)
        except Exception as exc:  # surfaced in the test below
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def sync_everything() -> None:
    for odoo_model in SYNC_ORDER:
        sync_model(odoo_model)


def open_queue(browser, server, user):
    context = browser.new_context(viewport={"width": 1500, "height": 950})
    page = context.new_page()
    sign_in(page, server.url, user)
    page.goto(f"{server.url}/exceptions/?site=BRU")
    page.wait_for_function("() => window.ControlTowerLive && 'site.BRU' in window.ControlTowerLive.seqs")
    return context, page


def test_new_exception_appears_live_and_acknowledging_updates_the_other_screen(
    browser, web_server, odoo, simulator, supervisor, manager
):
    outside_the_browser_loop(sync_everything)
    assert Case.objects.filter(site__code="BRU", is_open=True).exists()  # the scenario's own exceptions
    receipt = (
        Picking.objects.filter(
            picking_type_code="incoming",
            state="assigned",
            scheduled_date__gt=timezone.now(),
            picking_type__warehouse__code="BRU",
        )
        .order_by("odoo_id")
        .first()
    )
    first_context, first = open_queue(browser, web_server, supervisor)
    second_context, second = open_queue(browser, web_server, manager)
    try:
        # The supplier's truck will not make it: Odoo's receipt moves into the past, then a sync pass.
        late = format_datetime(timezone.now() - timedelta(hours=3))
        odoo.write("stock.picking", [receipt.odoo_id], {"scheduled_date": late})
        outside_the_browser_loop(sync_model, "stock.picking")
        case = Case.objects.get(kind="late_receipt", odoo_id=receipt.odoo_id, is_open=True)
        row = f"#case-{case.pk}"
        for page in (first, second):
            page.wait_for_selector(row, timeout=10000)
            assert receipt.name in page.inner_text(row)
        assert first.evaluate("() => performance.getEntriesByType('navigation').length") == 1  # no reload

        first.click(f"{row} .c-priority")  # select it: its context opens on the right
        first.wait_for_selector(f"#case-panel-{case.pk}")
        first.keyboard.press("a")
        second.wait_for_function(
            "id => document.getElementById(id)?.dataset.status === 'acknowledged'", arg=f"case-{case.pk}"
        )
        assert "Acknowledged" in second.inner_text(row)
        case.refresh_from_db()
        assert case.status == "acknowledged"
        first.wait_for_selector(f"#case-panel-{case.pk} .tl--acknowledged")
        screenshot(first, "cases-queue")

        first.goto(f"{web_server.url}/exceptions/{case.pk}/")
        first.wait_for_selector(".case-panel")
        screenshot(first, "cases-case")
    finally:
        first_context.close()
        second_context.close()
