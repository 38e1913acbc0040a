"""The straight-through, order, blocked-shipment, inventory, write-back and dock KPIs computed on small
hand-made histories; each expected number is worked out in the test."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from apps.approvals.models import ApprovalRequest, RequestStatus
from apps.docks.models import Appointment, DockDoor, DoorClosure
from apps.kpis.models import KpiSnapshot
from apps.kpis.services import kpi_snapshots_refresh
from apps.writeback.models import OutboxEntry
from tests.cases.factories import (
    inventory_location,
    make_move,
    make_order,
    make_partner,
    make_picking,
    make_product,
    make_site_world,
)

H = timedelta(hours=1)
MIN = timedelta(minutes=1)
DAY = date(2026, 3, 10)  # Brussels on CET: 2026-03-09 23:00 → 2026-03-10 23:00 UTC
START = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)
END = datetime(2026, 3, 10, 23, 0, tzinfo=UTC)
LATER = datetime(2027, 1, 1, tzinfo=UTC)


def values(site, day=DAY, now=LATER) -> dict[str, KpiSnapshot]:
    kpi_snapshots_refresh(site=site, day=day, now=now)
    return {snapshot.kpi: snapshot for snapshot in KpiSnapshot.objects.filter(site=site, day=day)}


def test_straight_through_rate_counts_requests_raised_that_day_and_leaves_them_out_of_turnaround(
    sites, make_decided_request
):
    released = [make_decided_request(created_at=START + h * H, decided_at=START + h * H) for h in (1, 2, 3)]
    ApprovalRequest.objects.filter(pk__in=[r.pk for r in released]).update(status=RequestStatus.STRAIGHT_THROUGH)
    make_decided_request(created_at=START + 4 * H, decided_at=START + 6 * H)  # a person took 2 h
    make_decided_request(created_at=START + 5 * H, decided_at=None)  # still waiting: a manual touch too
    make_decided_request(created_at=START - H, decided_at=START + H)  # raised the day before: not in the rate

    figures = values(sites["BRU"])

    rate = figures["straight_through_rate"]
    assert rate.sample_size == 5
    assert rate.value == 60.0  # 3 of the 5 raised that day
    assert (rate.breakdown["straight_through"], rate.breakdown["manual"]) == (3, 2)
    turnaround = figures["approval_turnaround"]
    assert turnaround.sample_size == 2  # the two decided by a person that day; straight-through waited for nobody
    assert turnaround.value == (2 * 3600 + 2 * 3600) / 2


def test_order_cycle_time_runs_from_confirmation_to_the_last_delivery(sites):
    world = make_site_world("BRU")
    partner = make_partner()
    at = START + 12 * H
    whole = make_order(world, partner, date_order=at - 30 * H)  # two deliveries, the last one today
    make_picking(world, "outgoing", origin=whole.name, state="done", date_done=at - 20 * H)
    make_picking(world, "outgoing", origin=whole.name, state="done", date_done=at)
    quick = make_order(world, partner, date_order=at - 2 * H)
    make_picking(world, "outgoing", origin=quick.name, state="done", date_done=at + H)
    partial = make_order(world, partner, date_order=at - 5 * H)  # one of two shipped: not yet counted
    make_picking(world, "outgoing", origin=partial.name, state="done", date_done=at)
    make_picking(world, "outgoing", origin=partial.name, state="assigned")
    earlier = make_order(world, partner, date_order=at - 50 * H)  # shipped in full the day before
    make_picking(world, "outgoing", origin=earlier.name, state="done", date_done=START - H)

    cycle = values(sites["BRU"])["order_cycle_time"]

    assert cycle.sample_size == 2
    assert cycle.value == (30 * 3600 + 3 * 3600) / 2


def test_blocked_shipments_open_at_the_end_of_the_day(sites, make_case):
    for severity in ("high", "high", "critical"):
        make_case(opened_at=START + H, severity=severity, kind="blocked_shipment")
    make_case(opened_at=START + H, resolved_at=START + 2 * H, kind="blocked_shipment")  # cleared during the day
    make_case(opened_at=START + H, resolved_at=END + H, kind="blocked_shipment", severity="low")  # cleared next day
    make_case(opened_at=START + H)  # another kind of exception

    blocked = values(sites["BRU"])["blocked_shipments"]

    assert blocked.value == 4.0  # three still open, one open until the next day
    assert blocked.breakdown["by_severity"] == {"critical": 1, "high": 2, "medium": 0, "low": 1}
    assert values(sites["CHI"])["blocked_shipments"].value is None  # no exception history there yet


def test_inventory_adjustments_count_lines_and_units_at_the_sites_stock(sites):
    world = make_site_world("BRU")
    other = make_site_world("CHI")
    adjust = inventory_location()
    product = make_product()
    at = START + 9 * H
    make_move(None, product, state="done", date=at, quantity=4, location_id=adjust.odoo_id,
              location_dest_id=world.stock.odoo_id)  # found 4  # fmt: skip
    make_move(None, product, state="done", date=at, quantity=1.5, location_id=world.forward.odoo_id,
              location_dest_id=adjust.odoo_id)  # lost 1.5  # fmt: skip
    make_move(None, product, state="done", date=at, quantity=9, location_id=world.stock.odoo_id,
              location_dest_id=world.forward.odoo_id)  # a replenishment, not an adjustment  # fmt: skip
    make_move(None, product, state="done", date=at, quantity=2, location_id=adjust.odoo_id,
              location_dest_id=other.stock.odoo_id)  # another site  # fmt: skip
    make_move(None, product, state="done", date=END + H, quantity=3, location_id=adjust.odoo_id,
              location_dest_id=world.stock.odoo_id)  # the next day  # fmt: skip

    adjustments = values(sites["BRU"])["inventory_adjustments"]

    assert adjustments.value == 2.0
    assert adjustments.breakdown == {"lines": 2, "units_found": 4.0, "units_lost": 1.5}


def test_writeback_failures_share_of_writes_asked_for_that_day(sites):
    def entry(key: str, status: str, operation: str = "picking_note", site: str = "BRU", created_at=START + H):
        return OutboxEntry.objects.create(
            operation=operation, odoo_model="stock.picking", odoo_id=1, idempotency_key=key, cause_type="test",
            cause_id=key, site_code=site, status=status, created_at=created_at,
        )  # fmt: skip

    entry("a", "done")
    entry("b", "done")
    entry("c", "dead")
    entry("d", "needs_attention", operation="count_apply")
    entry("e", "dead", site="CHI")  # another site
    entry("f", "dead", created_at=START - H)  # asked for the day before

    failures = values(sites["BRU"])["writeback_failures"]

    assert failures.sample_size == 4
    assert failures.value == 50.0
    assert failures.breakdown["by_operation"] == {"count_apply": 100.0, "picking_note": round(100 / 3, 2)}


def test_dock_arrivals_on_time_and_door_dwell(sites):
    door = DockDoor.objects.create(site=sites["BRU"], name="D1", direction="both")

    def booked(start, minutes=60, **fields):
        return Appointment.objects.create(
            site=door.site, door=door, direction="inbound", planned_start=start,
            planned_end=start + minutes * MIN, **fields,
        )  # fmt: skip

    t = START + 8 * H
    # On time (10 min after the planned start is within the default 15-minute allowance); on the door
    # 40 min against a 60-minute slot; gate to departure 70 min.
    booked(t, arrived_at=t + 10 * MIN, on_door_at=t + 15 * MIN, off_door_at=t + 55 * MIN,
           departed_at=t + 80 * MIN, status="done")  # fmt: skip
    # Late by 30 min; on the door 90 min against 60: an overrun.
    booked(t + 2 * H, arrived_at=t + 2 * H + 30 * MIN, on_door_at=t + 2 * H + 35 * MIN,
           off_door_at=t + 4 * H + 5 * MIN, status="done")  # fmt: skip
    booked(t + 5 * H, status="no_show")
    booked(t + 6 * H, status="cancelled")
    booked(END - 5 * MIN)  # due 5 minutes before the day ends: not due yet at 23:00 UTC "now" below

    figures = values(sites["BRU"], now=END)

    arrival = figures["dock_on_time_arrival"]
    assert arrival.sample_size == 3  # the cancelled one is out; the last one can still arrive on time
    assert arrival.value == round(100 / 3, 2)
    assert (arrival.breakdown["late"], arrival.breakdown["no_show"]) == (1, 1)
    dwell = figures["dock_dwell"]
    assert dwell.sample_size == 2
    assert dwell.value == (40 * 60 + 90 * 60) / 2
    assert dwell.breakdown["planned_median_s"] == 3600
    assert dwell.breakdown["overran"] == 50.0
    assert dwell.breakdown["turn_median_s"] == 70 * 60


def test_door_utilisation_is_time_on_the_doors_over_their_open_time(sites):
    bru = sites["BRU"]
    # D1 open 06:00–22:00 local (16 h), closed 10:00–12:00 local for repairs: 14 h open.
    # D2 open around the clock: 24 h. Open time that day: 38 h.
    d1 = DockDoor.objects.create(site=bru, name="D1", direction="both", opens_at=time(6), closes_at=time(22))
    d2 = DockDoor.objects.create(site=bru, name="D2", direction="both")
    DoorClosure.objects.create(door=d1, starts_at=START + 10 * H, ends_at=START + 12 * H)

    def on_door(door, on, off=None):
        return Appointment.objects.create(
            site=bru, door=door, direction="inbound", planned_start=on, planned_end=on + H,
            on_door_at=on, off_door_at=off, status="done" if off else "at_door",
        )  # fmt: skip

    on_door(d1, START + 7 * H, START + 9 * H)  # 2 h
    on_door(d2, START - 1 * H, START + 2 * H)  # began the day before: 2 h of it fall in this day
    on_door(d2, START + 20 * H)  # still on the door at "now" (21:00 local, START being local midnight): 1 h
    figures = values(bru, now=START + 21 * H)
    # Open time so far (up to 21:00 local): D1 06:00–21:00 less the 2 h closure = 13 h; D2 21 h: 34 h.
    utilisation = figures["dock_door_utilisation"]
    assert utilisation.breakdown == {"open_hours": 34.0, "used_hours": 5.0}
    assert utilisation.value == round(100 * 5 / 34, 2)

    # A day without doors has nothing to measure.
    assert values(sites["CHI"])["dock_door_utilisation"].value is None
