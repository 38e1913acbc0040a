"""A reschedule waiting for approval, in a real browser: the timeline marks the appointment
"Move pending approval" with where it would go, and the operations approver's inbox shows the move
with its context. Screenshots of both."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import ApprovalRequest
from apps.docks.models import Appointment, DockDoor, DockRules
from apps.docks.services import appointment_move
from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot
from tests.e2e.test_docks_timeline import settled, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_move_waiting_for_approval_on_the_timeline_and_in_the_inbox(browser, web_server, sites, supervisor):
    site = sites["BRU"]
    ensure_default_policies()
    DockRules.objects.create(site=site, reschedule_needs_approval=True, approval_after_min=60)
    operations = user_upsert(username="oli.ops", password=PASSWORD, roles=[Role.APPROVER_OPERATIONS], sites=[site])
    door = DockDoor.objects.create(site=site, name="Y1", direction="both", position=1)
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=30)
    appointment = Appointment.objects.create(
        site=site, door=door, direction="inbound", carrier="DHL Freight", reference="AB-123",
        picking_odoo_ids=[41, 42], planned_start=start, planned_end=start + timedelta(minutes=45),
    )  # fmt: skip
    later = start + timedelta(hours=3)
    appointment_move(appointment=appointment, door=door, planned_start=later,
                     planned_end=later + timedelta(minutes=45), actor=supervisor)  # fmt: skip
    request = ApprovalRequest.objects.get(request_type="dock_reschedule")
    day = start.astimezone(site.tzinfo).date().isoformat()

    context, page = signed_in_page(browser, web_server, supervisor, {"width": 1920, "height": 1080})
    page.goto(f"{web_server.url}/docks/BRU/?day={day}&selected={appointment.pk}")
    settled(page)
    assert page.locator(f"#appt-{appointment.pk} .tl-appt__word").inner_text() == "Move pending approval"
    assert f"approval request #{request.pk}" in page.locator(".appt-panel").inner_text()
    screenshot(page, "docks-move-pending-approval-1920x1080")

    approver_context, inbox = signed_in_page(browser, web_server, operations, {"width": 1440, "height": 900})
    inbox.goto(f"{web_server.url}/approvals/{request.pk}/")
    inbox.wait_for_selector("text=Move to")
    assert "writes the new date to each of its Odoo pickings" in inbox.locator(".ap-effect").inner_text()
    screenshot(inbox, "approvals-dock-reschedule-1440x900")
    for each in (context, approver_context):
        each.close()
