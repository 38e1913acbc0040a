"""The dock timeline in a real browser, on a busy day: a supervisor moves an appointment on one
open timeline and a second open timeline shows it on its new door live; the clerk's check-in on
the tablet view shows on the timeline. Screenshots at wall, desk and tablet sizes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.docks.demo import dock_day_fill
from apps.docks.models import Appointment, AppointmentStatus, DockDoor
from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot
from tests.e2e.signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_page(browser, server, user, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    sign_in(page, server.url, user)
    return context, page


def live(page) -> None:
    page.wait_for_function("() => window.ControlTowerLive && 'site.BRU' in window.ControlTowerLive.seqs")


def settled(page) -> None:
    """Subscribed, and the snapshot the subscription refetches has replaced the first render: a
    row measured before that may be swapped out mid-measure (its bounding box is then None)."""
    live(page)  # the subscription starts its snapshot fetch in the same step that records the seq
    page.wait_for_function("() => window.ControlTowerLive.pendingSnapshots === 0")


def test_a_move_and_a_check_in_show_live_on_other_timelines(browser, web_server, sites, supervisor):
    clerk = user_upsert(username="cleo.clerk", password=PASSWORD, roles=[Role.DOCK_CLERK], sites=[sites["BRU"]])
    assert dock_day_fill(site=sites["BRU"], doors=10) > 50
    now = timezone.now()
    # Two yard doors of its own, open around the clock and free of the demo's trucks, so the test
    # does not depend on the hour it runs at.
    yard2 = DockDoor.objects.create(site=sites["BRU"], name="Y2", direction="both", position=98)
    yard1 = DockDoor.objects.create(site=sites["BRU"], name="Y1", direction="both", position=99)
    start = now.replace(second=0, microsecond=0) + timedelta(minutes=20)
    mover = Appointment.objects.create(
        site=sites["BRU"], door=yard2, direction="inbound", carrier="MoveMe", planned_start=start,
        planned_end=start + timedelta(minutes=45),
    )  # fmt: skip
    arriving = Appointment.objects.create(
        site=sites["BRU"], door=yard1, direction="inbound", carrier="CheckMeIn",
        planned_start=start - timedelta(minutes=40), planned_end=start - timedelta(minutes=5),
    )  # fmt: skip

    wall_context, wall = signed_in_page(browser, web_server, supervisor, {"width": 1920, "height": 1080})
    desk_context, desk = signed_in_page(browser, web_server, supervisor, {"width": 1440, "height": 900})
    for page in (wall, desk):
        page.goto(f"{web_server.url}/docks/BRU/")
        live(page)
    assert desk.locator(f'.tl-track[data-door="{yard2.pk}"] #appt-{mover.pk}').count() == 1

    # Move with the form (the keyboard way): to Y1, an hour later (two hours earlier late in the
    # evening, so it stays on today's timeline; clear of CheckMeIn either way), in local time.
    wall.click(f"#appt-{mover.pk}")
    wall.wait_for_selector(".appt-move")
    tz = sites["BRU"].tzinfo
    later = start + timedelta(hours=1)
    same_day = (later + timedelta(minutes=45)).astimezone(tz).date() == now.astimezone(tz).date()
    local_start = (later if same_day else start - timedelta(hours=2)).astimezone(tz)
    wall.select_option(".appt-move select[name=door]", str(yard1.pk))
    wall.fill(".appt-move input[name=planned_start]", local_start.strftime("%Y-%m-%dT%H:%M"))
    wall.fill(".appt-move input[name=planned_end]", (local_start + timedelta(minutes=45)).strftime("%Y-%m-%dT%H:%M"))
    wall.click(".appt-move button[type=submit]")
    wall.wait_for_selector("text=Appointment moved.")
    # The other open timeline shows it on Y1 without a reload.
    desk.wait_for_selector(f'.tl-track[data-door="{yard1.pk}"] #appt-{mover.pk}', timeout=15000)
    mover.refresh_from_db()
    assert mover.door == yard1 and mover.pinned

    # The clerk checks a truck in on the tablet; the timelines mark it as arrived.
    clerk_context, tablet = signed_in_page(browser, web_server, clerk, {"width": 1280, "height": 800})
    tablet.goto(f"{web_server.url}/docks/BRU/clerk/")
    settled(tablet)
    row = tablet.locator(f"#clerk-{arriving.pk}")
    assert "Late" in row.inner_text()
    box = row.locator("button", has_text="Check in").bounding_box()
    assert box["height"] >= 60 and box["width"] >= 120  # gloves
    screenshot(tablet, "docks-clerk-1280x800")
    row.locator("button", has_text="Check in").click()
    tablet.wait_for_selector(f"#clerk-{arriving.pk} >> text=On door")
    desk.wait_for_selector(f"#appt-{arriving.pk} .tl-appt__word:text-is('Arrived')", timeout=15000)
    assert Appointment.objects.get(pk=arriving.pk).status == AppointmentStatus.ARRIVED

    # Busy-day screenshots: late, conflict, no-show and overrun are all on the board.
    counts = desk.locator(".tl-counts").inner_text()
    assert "late" in counts and "conflict" in counts
    assert desk.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(wall, "docks-timeline-1920x1080")
    screenshot(desk, "docks-timeline-1440x900")
    tablet_context, small = signed_in_page(browser, web_server, supervisor, {"width": 1024, "height": 768})
    small.goto(f"{web_server.url}/docks/BRU/?selected={mover.pk}")
    screenshot(small, "docks-timeline-1024x768")
    for context in (wall_context, desk_context, clerk_context, tablet_context):
        context.close()
