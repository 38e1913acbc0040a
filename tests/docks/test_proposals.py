"""Planning proposals on a hand-made day at Brussels: which receipts and deliveries get a proposed
appointment, grouped into trucks, how long each needs and which door and time find_slot gives it,
worked out by hand below; a refresh is safe to repeat, never resurrects a dismissed proposal, and
drops proposals whose pickings got an appointment or were done or cancelled."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import ApprovalRequest, RequestStatus
from apps.approvals.services.decisions import request_approve
from apps.docks.models import Appointment, AppointmentProposal, DockRules, ProposalStatus
from apps.docks.proposals import proposal_accept, proposal_dismiss, proposals_accept_day, proposals_refresh
from apps.docks.selectors import local_day_window, timeline
from apps.docks.services import DockError
from apps.mirror.changes import ChangeSet, dispatch
from apps.mirror.models import Move, Partner, Picking, PickingType, Warehouse
from apps.writeback.models import OutboxEntry
from tests.conftest import PASSWORD
from tests.docks.conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_morning")]  # now: Wed 2 Dec 11:00 Brussels

DAY = "2026-12-03"  # tomorrow: inside the 48-hour horizon
RECEIPTS, DELIVERIES, PARCELS, INTERNAL, CHICAGO_RECEIPTS = 10, 11, 12, 13, 20


@pytest.fixture
def mirror(sites):
    """Brussels' warehouse with receipts, deliveries, parcel pickups and internal transfers; and
    Chicago's, whose receipts never show at Brussels."""
    now = timezone.now()
    Warehouse.objects.create(odoo_id=1, name="Brussels", code="BRU", synced_at=now)
    Warehouse.objects.create(odoo_id=2, name="Chicago", code="CHI", synced_at=now)
    for odoo_id, name, code, warehouse in [
        (RECEIPTS, "Receipts", "incoming", 1),
        (DELIVERIES, "Delivery Orders", "outgoing", 1),
        (PARCELS, "Parcel Pickups", "outgoing", 1),
        (INTERNAL, "Internal Transfers", "internal", 1),
        (CHICAGO_RECEIPTS, "Receipts", "incoming", 2),
    ]:
        PickingType.objects.create(odoo_id=odoo_id, name=name, code=code, warehouse_id=warehouse, synced_at=now)
    DockRules.objects.create(site=sites["BRU"], minutes_per_unit=Decimal("0.1"), unplanned_carriers=["PostNL Parcel"])
    return sites["BRU"]


def picking(odoo_id: int, type_id: int, scheduled: datetime, *, carrier: str = "", deadline=None,
            state: str = "assigned", quantities=(10,), partner: int | None = None) -> Picking:  # fmt: skip
    code = {RECEIPTS: "incoming", CHICAGO_RECEIPTS: "incoming", INTERNAL: "internal"}.get(type_id, "outgoing")
    row = Picking.objects.create(
        odoo_id=odoo_id, name=f"P{odoo_id}", state=state, picking_type_id=type_id, picking_type_code=code,
        scheduled_date=scheduled, date_deadline=deadline, carrier_name=carrier, partner_id=partner,
        synced_at=timezone.now(),
    )  # fmt: skip
    for number, quantity in enumerate(quantities):
        Move.objects.create(
            odoo_id=odoo_id * 100 + number, state="assigned", picking_id=odoo_id, product_uom_qty=quantity,
            synced_at=timezone.now(),
        )  # fmt: skip
    return row


def local(clock: str, day: str = DAY) -> datetime:
    return at(day, clock, ZoneInfo("Europe/Brussels"))


@pytest.fixture
def day(mirror, make_appointment):
    """The pickings of Thursday 3 December and the appointments already on the doors.

    Door time = 20 min + 2 min a line + 0.1 min a unit, rounded up:
    - 101 Acme Foods' receipt (no carrier: the vendor's truck), 3 lines × 10 → 20 + 6 + 3 = 29 min
    - 102 + 103 DHL receipts with one cutoff (12:00): one truck, 3 lines, 20 units → 20 + 6 + 2 = 28 min
    - 104 DSV delivery at 23:00: 4 lines × 10 → 20 + 8 + 4 = 32 min
    - left out: 105 a parcel pickup (PostNL Parcel is unplanned at BRU), 106 an internal transfer,
      107 already done, 108 already has an appointment, 109 beyond the horizon, 110 at Chicago.
    """
    Partner.objects.create(odoo_id=501, name="Acme Foods", synced_at=timezone.now())
    picking(101, RECEIPTS, local("08:00"), quantities=(10, 10, 10), partner=501)
    picking(102, RECEIPTS, local("08:00"), carrier="DHL Freight", deadline=local("12:00"), quantities=(5, 5))
    picking(103, RECEIPTS, local("09:00"), carrier="DHL Freight", deadline=local("12:00"), quantities=(10,))
    picking(104, DELIVERIES, local("23:00"), carrier="DSV", quantities=(10, 10, 10, 10))
    picking(105, PARCELS, local("10:00"), carrier="PostNL Parcel")
    picking(106, INTERNAL, local("10:00"))
    picking(107, RECEIPTS, local("10:00"), carrier="Raben", state="done")
    picking(108, RECEIPTS, local("07:30"), carrier="GEODIS")
    picking(109, RECEIPTS, local("10:00", "2026-12-05"), carrier="XPO")
    picking(110, CHICAGO_RECEIPTS, local("10:00"), carrier="XPO")
    # D2 holds GEODIS (picking 108) 07:30–08:30 and an outbound truck 22:30–00:00.
    make_appointment(door="D2", start=local("07:30"), minutes=60, carrier="GEODIS", picking_odoo_ids=[108])
    make_appointment(door="D2", start=local("22:30"), minutes=90, carrier="Late run", direction="outbound")
    return mirror


def proposed(site) -> list[tuple[str, list[int], str, str, str]]:
    tz = site.tzinfo
    return [
        (p.carrier, p.picking_odoo_ids, p.door.name,
         p.planned_start.astimezone(tz).strftime("%H:%M"), p.planned_end.astimezone(tz).strftime("%H:%M"))
        for p in AppointmentProposal.objects.filter(site=site, status=ProposalStatus.OPEN).order_by("planned_start")
    ]  # fmt: skip


def test_receipts_and_deliveries_get_one_proposal_per_truck_at_the_first_free_door(day):
    result = proposals_refresh(site=day)

    assert result.created == 3
    # Acme and DHL are both due at 08:00 (Acme first by name): D1 is free at 08:00 for Acme; D2 is
    # busy until 08:30 and D1 until 08:29, so DHL gets D1 at 08:30, the next 15-minute step. DSV at
    # 23:00: D2 is taken 22:30–00:00, D3 (outbound, open overnight) is free.
    assert proposed(day) == [
        ("Acme Foods", [101], "D1", "08:00", "08:29"),
        ("DHL Freight", [102, 103], "D1", "08:30", "08:58"),
        ("DSV", [104], "D3", "23:00", "23:32"),
    ]
    dhl = AppointmentProposal.objects.get(carrier="DHL Freight")
    assert (dhl.route, dhl.load_lines, dhl.load_quantity, dhl.direction) == ("Receipts", 3, Decimal(20), "inbound")


def test_a_refresh_is_safe_to_repeat_and_never_resurrects_a_dismissed_proposal(day, supervisor):
    proposals_refresh(site=day)
    before = {p.pk: (p.door_id, p.planned_start) for p in AppointmentProposal.objects.all()}

    again = proposals_refresh(site=day)

    assert (again.created, again.updated, again.dropped) == (0, 0, 0)
    assert {p.pk: (p.door_id, p.planned_start) for p in AppointmentProposal.objects.all()} == before
    dsv = AppointmentProposal.objects.get(carrier="DSV")
    proposal_dismiss(proposal=dsv, actor=supervisor)
    proposals_refresh(site=day)
    assert [p[0] for p in proposed(day)] == ["Acme Foods", "DHL Freight"]
    assert [p.status for p in AppointmentProposal.objects.all() if 104 in p.picking_odoo_ids] == ["dismissed"]


def test_proposals_follow_their_pickings_done_cancelled_or_booked(day, make_appointment):
    proposals_refresh(site=day)
    dhl = AppointmentProposal.objects.get(carrier="DHL Freight")
    # 103 is received early (done): the DHL truck brings only 102, 2 lines, 10 units → 25 min, same door and time.
    Picking.objects.filter(odoo_id=103).update(state="done")
    dispatch(ChangeSet("stock.picking", updated={103: ["state"]}))  # what a sync hands over
    dhl.refresh_from_db()
    assert (dhl.picking_odoo_ids, dhl.load_lines, dhl.status) == ([102], 2, ProposalStatus.OPEN)
    assert (dhl.planned_start, dhl.planned_end) == (local("08:30"), local("08:55"))
    # Someone books DSV's delivery by hand; 102 is cancelled in Odoo: both proposals go.
    make_appointment(door="D3", start=local("23:30"), minutes=30, carrier="DSV", picking_odoo_ids=[104])
    Picking.objects.filter(odoo_id=102).update(state="cancel")
    result = proposals_refresh(site=day)
    assert result.dropped == 2
    assert [p[1] for p in proposed(day)] == [[101]]


def test_accepting_makes_a_planned_appointment_and_writes_the_new_date_to_odoo(day, supervisor):
    proposals_refresh(site=day)
    dhl = AppointmentProposal.objects.get(carrier="DHL Freight")

    appointment = proposal_accept(proposal=dhl, actor=supervisor)

    assert (appointment.door.name, appointment.planned_start, appointment.planned_end) == (
        "D1", local("08:30"), local("08:58"),
    )  # fmt: skip
    assert appointment.status == "planned" and not appointment.pinned and appointment.picking_odoo_ids == [102, 103]
    # Odoo had them at 08:00 and 09:00: both pickings get 08:30 through the outbox.
    entries = OutboxEntry.objects.filter(cause_type="dock_change", cause_id=str(appointment.pk))
    assert sorted(entries.values_list("odoo_id", flat=True)) == [102, 103]
    assert proposal_accept(proposal=dhl, actor=supervisor) == appointment  # a double click
    assert sum(102 in a.picking_odoo_ids for a in Appointment.objects.all()) == 1
    dhl.refresh_from_db()
    assert dhl.status == ProposalStatus.ACCEPTED and dhl.decided_by == supervisor
    proposals_refresh(site=day)  # the booked pickings are not proposed again
    assert [p[0] for p in proposed(day)] == ["Acme Foods", "DSV"]
    with pytest.raises(DockError, match="already an appointment"):
        proposal_dismiss(proposal=dhl, actor=supervisor)


def test_accept_all_for_a_day_and_the_timeline_shows_proposals_with_their_word(day, supervisor):
    proposals_refresh(site=day)
    board = timeline(user=supervisor, site_code="BRU", day=datetime.fromisoformat(DAY).date())
    assert board.counts["proposed"] == 3
    client = Client()
    client.force_login(supervisor)
    html = client.get(f"/docks/BRU/?day={DAY}").content.decode()
    assert html.count('class="tl-appt tl-proposal') == 3 and 'tl-appt__word">Proposed<' in html
    assert "Accept all proposals for Thu 3 Dec" in html

    start, end = local_day_window(day, datetime.fromisoformat(DAY).date())
    outcome = proposals_accept_day(site=day, start=start, end=end, actor=supervisor)

    assert len(outcome.accepted) == 3 and not outcome.refused
    assert not AppointmentProposal.objects.filter(status=ProposalStatus.OPEN).exists()


def test_the_panel_accepts_a_proposal_and_people_who_do_not_plan_cannot(day, supervisor, clerk, manager):
    proposals_refresh(site=day)
    dsv = AppointmentProposal.objects.get(carrier="DSV")
    for person in (clerk, manager):
        client = Client()
        client.force_login(person)
        assert client.post(f"/docks/proposals/{dsv.pk}/accept/").status_code == 403
    client = Client()
    client.force_login(supervisor)
    panel = client.get(f"/docks/BRU/?day={DAY}&proposal={dsv.pk}").content.decode()
    assert "Accept: plan it" in panel and "Delivery Orders" in panel

    response = client.post(f"/docks/proposals/{dsv.pk}/accept/")

    appointment = Appointment.objects.get(carrier="DSV")
    assert response.status_code == 302 and f"selected={appointment.pk}" in response["Location"]
    assert client.post(f"/docks/proposals/{dsv.pk}/sideways/").status_code == 404


def test_operation_types_limit_what_needs_an_appointment(day):
    DockRules.objects.filter(site=day).update(planned_operation_types=[DELIVERIES])
    proposals_refresh(site=day)
    assert [p[0] for p in proposed(day)] == ["DSV"]


def test_a_day_with_no_free_door_proposes_nothing_rather_than_a_clash(mirror, doors):
    for door in doors.values():
        door.is_active = False
        door.save()
    picking(201, RECEIPTS, timezone.now() + timedelta(hours=2), carrier="Raben")
    result = proposals_refresh(site=mirror)
    assert result.created == 0 and len(result.unplaced) == 1


def test_accepting_where_a_date_change_needs_approval_books_at_odoos_date_and_asks(day, supervisor, sites):
    """Brussels asks an approval for any change of a picking's date: the DHL truck is booked at Odoo's
    08:00 and its move to the proposed 08:30 waits for the approver; nothing reaches the outbox before."""
    ensure_default_policies()
    DockRules.objects.filter(site=day).update(reschedule_needs_approval=True, approval_after_min=0)
    proposals_refresh(site=day)
    dhl = AppointmentProposal.objects.get(carrier="DHL Freight")

    appointment = proposal_accept(proposal=dhl, actor=supervisor)

    assert (appointment.door.name, appointment.planned_start, appointment.planned_end) == (
        "D1",
        local("08:00"),
        local("08:28"),
    )  # fmt: skip  (Odoo's earliest date, the truck's 28 minutes)
    request = ApprovalRequest.objects.get(request_type="dock_reschedule")
    assert appointment.pending_approval_id == request.pk and request.status == RequestStatus.PENDING
    assert (appointment.pending_start, appointment.pending_end) == (local("08:30"), local("08:58"))
    assert not OutboxEntry.objects.exists()  # Odoo keeps its dates until the approval
    assert proposal_accept(proposal=dhl, actor=supervisor) == appointment  # a double click asks nothing more
    assert ApprovalRequest.objects.filter(request_type="dock_reschedule").count() == 1

    operations = user_upsert(
        username="oli.ops", password=PASSWORD, roles=[Role.APPROVER_OPERATIONS], sites=[sites["BRU"]]
    )
    request_approve(request=request, user=operations)

    appointment.refresh_from_db()
    assert (appointment.planned_start, appointment.pending_approval_id) == (local("08:30"), None)
    entries = OutboxEntry.objects.filter(cause_type="dock_change", cause_id=str(appointment.pk))
    assert sorted(entries.values_list("odoo_id", flat=True)) == [102, 103]
