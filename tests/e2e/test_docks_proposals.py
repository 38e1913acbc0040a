"""Planning proposals in a real browser, on a busy day: the timeline shows proposed appointments in
their own style with the word "Proposed"; a supervisor accepts one from the panel, it becomes a
planned appointment on the same door, and a second open timeline drops the proposal live.
Screenshots of the busy day with proposals at wall, desk and laptop sizes, and of the clerk view."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.docks.demo import dock_day_fill
from apps.docks.models import Appointment, AppointmentProposal, AppointmentStatus, ProposalStatus
from apps.docks.proposals import proposals_refresh
from apps.mirror.models import Move, Picking, PickingType, Warehouse
from tests.conftest import PASSWORD
from tests.e2e.conftest import SCREENSHOTS, screenshot
from tests.e2e.test_docks_timeline import settled, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def mirrored_trucks(site) -> None:
    """Brussels' receipts and deliveries of the next hours, as a sync would have mirrored them."""
    now = timezone.now().replace(second=0, microsecond=0)
    Warehouse.objects.create(odoo_id=1, name="Brussels", code=site.code, synced_at=now)
    PickingType.objects.create(odoo_id=10, name="Receipts", code="incoming", warehouse_id=1, synced_at=now)
    PickingType.objects.create(odoo_id=11, name="Delivery Orders", code="outgoing", warehouse_id=1, synced_at=now)
    for number, (type_id, carrier, hours) in enumerate(
        [(10, "Raben", 1), (10, "DHL Freight", 2), (10, "DHL Freight", 2), (11, "DSV", 3), (11, "XPO", 4)], start=1
    ):
        Picking.objects.create(
            odoo_id=900 + number, name=f"BRU/{number}", state="assigned", picking_type_id=type_id,
            picking_type_code="incoming" if type_id == 10 else "outgoing", carrier_name=carrier,
            scheduled_date=now + timedelta(hours=hours), synced_at=now,
        )  # fmt: skip
        Move.objects.create(
            odoo_id=9000 + number, state="assigned", picking_id=900 + number, product_uom_qty=12, synced_at=now
        )


def test_a_supervisor_accepts_a_proposal_on_the_timeline(browser, web_server, sites, supervisor):
    site = sites["BRU"]
    assert dock_day_fill(site=site, doors=10) > 50
    mirrored_trucks(site)
    assert proposals_refresh(site=site).created == 4  # DHL's two receipts are one truck
    first = AppointmentProposal.objects.filter(status=ProposalStatus.OPEN).order_by("planned_start").first()
    day = first.planned_start.astimezone(site.tzinfo).date().isoformat()

    wall_context, wall = signed_in_page(browser, web_server, supervisor, {"width": 1920, "height": 1080})
    desk_context, desk = signed_in_page(browser, web_server, supervisor, {"width": 1440, "height": 900})
    for page in (wall, desk):
        page.goto(f"{web_server.url}/docks/BRU/?day={day}")
        settled(page)
    block = wall.locator(f"#proposal-{first.pk}")
    assert block.locator(".tl-appt__word").inner_text() == "Proposed"
    assert "tl-proposal" in block.get_attribute("class")
    on_that_day = sum(
        p.planned_start.astimezone(site.tzinfo).date().isoformat() == day
        for p in AppointmentProposal.objects.filter(status=ProposalStatus.OPEN)
    )  # all four, unless the run is late in the evening and some fall after midnight
    assert f"{on_that_day} proposed" in wall.locator(".tl-counts").inner_text()
    # A proposal is a narrow block on a busy day: the panel also lists the day's proposals.
    assert wall.locator(".appt-proposals li").count() == on_that_day
    screenshot(wall, "docks-proposals-timeline-1920x1080")
    screenshot(desk, "docks-proposals-timeline-1440x900")

    block.click()
    wall.wait_for_selector("#proposal-panel >> text=Accept: plan it")
    screenshot(wall, "docks-proposal-panel-1920x1080")
    wall.click("#accept-proposal")
    wall.wait_for_selector("text=Proposal accepted")

    appointment = Appointment.objects.get(proposals=first)
    assert appointment.status == AppointmentStatus.PLANNED and appointment.door_id == first.door_id
    assert wall.locator(f"#appt-{appointment.pk} .tl-appt__word").inner_text() in ("Planned", "Conflict")
    # The other open timeline drops the proposal and shows the appointment, without a reload.
    desk.wait_for_selector(f"#appt-{appointment.pk}", timeout=15000)
    assert desk.locator(f"#proposal-{first.pk}").count() == 0

    laptop_context, laptop = signed_in_page(browser, web_server, supervisor, {"width": 1280, "height": 800})
    laptop.goto(f"{web_server.url}/docks/BRU/?day={day}")
    settled(laptop)
    assert laptop.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(laptop, "docks-proposals-timeline-1280x800")
    clerk = user_upsert(username="cleo.clerk", password=PASSWORD, roles=[Role.DOCK_CLERK], sites=[site])
    clerk_pages = []
    for size in ({"width": 1920, "height": 1080}, {"width": 1440, "height": 900}, {"width": 1280, "height": 800}):
        context, tablet = signed_in_page(browser, web_server, clerk, size)
        tablet.goto(f"{web_server.url}/docks/BRU/clerk/")
        settled(tablet)
        # what the tablet shows (a whole busy day is a very long page)
        tablet.screenshot(path=os.path.join(SCREENSHOTS, f"docks-clerk-{size['width']}x{size['height']}.png"))
        clerk_pages.append(context)
    for context in (wall_context, desk_context, laptop_context, *clerk_pages):
        context.close()
