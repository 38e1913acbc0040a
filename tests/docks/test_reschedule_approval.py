"""Reschedules through an approval when the site's dock rules say so: the move waits (the timeline
says "Move pending approval"), nothing reaches Odoo before the decision, and after approval the new
date reaches the simulator's pickings exactly once; a rejection leaves the appointment where it was.
Docks and approvals are siblings: they meet only through apps/core/approval_kinds.py."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import ApprovalRequest, RequestStatus
from apps.approvals.services.decisions import request_approve, request_reject
from apps.docks.models import Appointment, DockRules
from apps.docks.selectors import appointment_view, timeline
from apps.docks.services import DockError, appointment_move
from apps.writeback.models import OutboxEntry
from apps.writeback.services import outbox_run_due
from tests.conftest import PASSWORD
from tests.docks.conftest import at, open_pickings

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def asks_approval(sites):
    """Brussels asks for moves of more than an hour, or to another day; the default policies route them."""
    ensure_default_policies()
    DockRules.objects.create(site=sites["BRU"], reschedule_needs_approval=True, approval_after_min=60,
                             approval_across_days=True)  # fmt: skip


@pytest.fixture
def operations(sites):
    return user_upsert(username="oli.ops", password=PASSWORD, roles=[Role.APPROVER_OPERATIONS], sites=[sites["BRU"]])


def _drain_outbox() -> None:
    for _ in range(3):  # as the worker runs it; later rounds find nothing to do
        outbox_run_due(now=timezone.now() + timedelta(minutes=1))


def test_a_big_move_waits_for_approval_and_reaches_odoo_once_after_it(
    odoo, simulator, scheduled_writes, asks_approval, operations, make_appointment, supervisor, doors
):
    pickings = open_pickings(simulator, 2)
    tz = doors["D2"].site.tzinfo
    tomorrow = (timezone.now() + timedelta(days=1)).astimezone(tz).date().isoformat()  # a plan still ahead
    appointment = make_appointment(start=at(tomorrow, "10:00", tz), picking_odoo_ids=pickings)
    new_start = at(tomorrow, "14:30", tz)  # 4 h 30 later: more than the hour Brussels allows

    appointment_move(appointment=appointment, door=doors["D2"], planned_start=new_start,
                     planned_end=new_start + timedelta(hours=1), actor=supervisor)  # fmt: skip
    appointment_move(
        appointment=appointment,
        door=doors["D2"],
        planned_start=new_start,
        planned_end=new_start + timedelta(hours=1),
        actor=supervisor,
    )  # fmt: skip  (a double click)

    appointment.refresh_from_db()
    assert appointment.planned_start == at(tomorrow, "10:00", tz) and not appointment.pinned  # not moved yet
    request = ApprovalRequest.objects.get(request_type="dock_reschedule")
    assert appointment.pending_approval_id == request.pk and request.status == RequestStatus.PENDING
    assert request.active_role == Role.APPROVER_OPERATIONS and request.facts["shift_minutes"] == 270
    assert f"to {new_start:%a %d %b} 14:30 D2" in request.title
    view = appointment_view(user=supervisor, appointment_id=appointment.pk)
    assert view.state == "move_pending" and view.label["word"] == "Move pending approval"
    board = timeline(user=supervisor, site_code="BRU", day=new_start.date())
    assert board.counts["move_pending"] == 1
    with pytest.raises(DockError, match="waits for approval"):
        appointment_move(appointment=appointment, door=doors["D1"], planned_start=new_start,
                         planned_end=new_start + timedelta(hours=1), actor=supervisor)  # fmt: skip
    _drain_outbox()
    assert scheduled_writes == [] and not OutboxEntry.objects.exists()  # never before the approval

    request_approve(request=request, user=operations)
    _drain_outbox()

    appointment.refresh_from_db()
    assert (appointment.planned_start, appointment.pinned, appointment.pending_approval_id) == (new_start, True, None)
    expected = new_start.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")  # Odoo's zone is UTC
    assert sorted(scheduled_writes) == sorted((picking, expected) for picking in pickings)  # exactly once each
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {OutboxEntry.Status.DONE}


def test_a_rejected_move_leaves_the_appointment_and_odoo_alone(
    odoo, simulator, scheduled_writes, asks_approval, operations, make_appointment, supervisor, doors
):
    pickings = open_pickings(simulator, 1)
    tz = doors["D2"].site.tzinfo
    appointment = make_appointment(start=at("2026-12-02", "10:00", tz), picking_odoo_ids=pickings)
    tomorrow = at("2026-12-03", "10:00", tz)
    appointment_move(appointment=appointment, door=doors["D2"], planned_start=tomorrow,
                     planned_end=tomorrow + timedelta(hours=1), actor=supervisor)  # fmt: skip
    request = ApprovalRequest.objects.get(request_type="dock_reschedule")
    assert request.facts["across_days"] is True and request.route_name == "Move to another day"

    request_reject(request=request, user=operations, reason="The carrier cannot come on Thursday.")
    _drain_outbox()

    appointment.refresh_from_db()
    assert appointment.planned_start == at("2026-12-02", "10:00", tz)
    assert (appointment.pending_approval_id, appointment.pending_start) == (None, None)
    assert scheduled_writes == [] and not OutboxEntry.objects.exists()
    assert appointment_view(user=supervisor, appointment_id=appointment.pk).state != "move_pending"


def test_a_small_shift_or_a_move_without_pickings_needs_no_approval(asks_approval, make_appointment, supervisor, doors):
    tz = doors["D2"].site.tzinfo
    appointment = make_appointment(start=at("2026-12-02", "10:00", tz), picking_odoo_ids=[9001])
    small = at("2026-12-02", "10:45", tz)  # 45 min: under the hour, same day
    appointment_move(appointment=appointment, door=doors["D2"], planned_start=small,
                     planned_end=small + timedelta(hours=1), actor=supervisor)  # fmt: skip
    local_only = make_appointment(start=at("2026-12-02", "12:00", tz))  # no Odoo picking: nothing to approve
    later = at("2026-12-02", "18:00", tz)
    appointment_move(appointment=local_only, door=doors["D2"], planned_start=later,
                     planned_end=later + timedelta(hours=1), actor=supervisor)  # fmt: skip

    assert Appointment.objects.get(pk=appointment.pk).planned_start == small
    assert Appointment.objects.get(pk=local_only.pk).planned_start == later
    assert not ApprovalRequest.objects.exists()
    assert OutboxEntry.objects.filter(cause_id=str(appointment.pk)).count() == 1


def test_the_form_and_the_api_say_the_move_waits_and_the_approver_sees_where_to(
    asks_approval, make_appointment, supervisor, operations, doors
):
    tz = doors["D2"].site.tzinfo
    tomorrow = (timezone.now() + timedelta(days=1)).astimezone(tz).date().isoformat()
    appointment = make_appointment(start=at(tomorrow, "10:00", tz), picking_odoo_ids=[9001])
    client = Client()
    client.force_login(supervisor)

    response = client.post(
        f"/docks/appointments/{appointment.pk}/move/",
        {"door": doors["D2"].pk, "planned_start": f"{tomorrow}T16:00", "planned_end": f"{tomorrow}T17:00"},
        headers={"X-Requested-With": "docks.js"},
    )

    assert response.status_code == 200 and "waits for approval" in response.json()["message"]
    detail = client.get(f"/api/v1/docks/appointments/{appointment.pk}/").json()
    assert detail["state"] == "move_pending" and detail["pending_door"] == doors["D2"].pk
    assert detail["pending_approval_id"] == ApprovalRequest.objects.get().pk
    assert detail["planned_start"].startswith(f"{tomorrow}T")  # still at 10:00 local
    approver = Client()
    approver.force_login(operations)
    assert "Move " in approver.get("/approvals/").content.decode()
    page = approver.get(f"/approvals/{detail['pending_approval_id']}/").content.decode()
    assert "Move to" in page and f"{tomorrow[8:10]} " in page and "on D2" in page


def test_a_rejected_move_asked_again_without_a_person_stays_rejected(
    asks_approval, operations, make_appointment, supervisor, doors
):
    tz = doors["D2"].site.tzinfo
    tomorrow = (timezone.now() + timedelta(days=1)).astimezone(tz).date().isoformat()
    appointment = make_appointment(start=at(tomorrow, "10:00", tz), picking_odoo_ids=[9001])
    target = at(tomorrow, "16:00", tz)
    appointment_move(
        appointment=appointment, door=doors["D2"], planned_start=target, planned_end=target + timedelta(hours=1)
    )  # fmt: skip  (the system, not a person)
    request_reject(request=ApprovalRequest.objects.get(), user=operations, reason="No.")

    with pytest.raises(DockError, match="already rejected"):
        appointment_move(appointment=appointment, door=doors["D2"], planned_start=target,
                         planned_end=target + timedelta(hours=1))  # fmt: skip
    assert Appointment.objects.get(pk=appointment.pk).planned_start == at(tomorrow, "10:00", tz)
