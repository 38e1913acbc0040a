"""Snapshots follow changes: a transfer Odoo backdates corrects the earlier day's bucket; the
scheduler's pass and the backfill command recompute from the history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from celery import current_app
from django.core.management import call_command
from django.utils import timezone

from apps.cases.services.publishing import publish_case
from apps.kpis.models import KpiSnapshot
from apps.kpis.refresh import day_refresh
from apps.kpis.services import kpi_snapshots_refresh, kpi_snapshots_refresh_recent
from apps.mirror.changes import ChangeSet, dispatch
from tests.cases.factories import inventory_location, make_move, make_picking, make_product, make_site_world

H = timedelta(hours=1)
DAY = date(2026, 3, 10)
START = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)  # midnight in Brussels


@pytest.fixture
def queued(monkeypatch):
    """The broker's edge: record the tasks sent instead of sending them (a worker would run them)."""
    sent: list[tuple[str, tuple]] = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args=(), **options: sent.append((name, tuple(args))))
    return sent


def test_a_backdated_transfer_corrects_its_earlier_day(sites, queued):
    world = make_site_world("BRU")
    make_picking(world, "outgoing", state="done", scheduled_date=START + 10 * H, date_done=START + 9 * H)
    kpi_snapshots_refresh(site=sites["BRU"], day=DAY, now=START + 40 * H)
    assert KpiSnapshot.objects.get(site=sites["BRU"], kpi="dispatch_adherence", day=DAY).value == 100.0

    # Days later, Odoo validates a delivery with a date done on the 10th, after its scheduled time.
    late = make_picking(world, "outgoing", state="done", scheduled_date=START + 10 * H, date_done=START + 15 * H)
    dispatch(ChangeSet(odoo_model="stock.picking", created=[late.odoo_id]))

    ours = [args for name, args in queued if name == "kpis.refresh_day"]
    assert ours == [("BRU", "2026-03-10", ["pick_delay", "dispatch_adherence", "order_cycle_time"])]
    day_refresh(*ours[0])  # what the worker runs
    corrected = KpiSnapshot.objects.get(site=sites["BRU"], kpi="dispatch_adherence", day=DAY)
    assert (corrected.value, corrected.sample_size) == (50.0, 2)


def test_a_changed_case_refreshes_today_at_its_site(sites, make_case, queued, django_capture_on_commit_callbacks):
    case = make_case(opened_at=timezone.now() - H)
    with django_capture_on_commit_callbacks(execute=True):
        publish_case(case, "case.opened")
    today = timezone.now().astimezone(sites["BRU"].tzinfo).date().isoformat()
    assert (
        "kpis.refresh_day",
        (
            "BRU",
            today,
            ["exception_aging", "exception_acknowledge_time", "exception_resolve_time", "blocked_shipments"],
        ),
    ) in queued


def test_an_inventory_adjustment_refreshes_the_day_of_its_move(sites, queued):
    world = make_site_world("BRU")
    adjustment = make_move(
        None, make_product(), state="done", date=START + 2 * H, quantity=3,
        location_id=inventory_location().odoo_id, location_dest_id=world.stock.odoo_id,
    )  # fmt: skip
    make_move(None, make_product(), state="assigned", date=START + 30 * H)  # not done: nothing to recompute

    dispatch(ChangeSet(odoo_model="stock.move", created=[adjustment.odoo_id], updated=[]))

    assert [args for name, args in queued if name == "kpis.refresh_day"] == [
        ("BRU", "2026-03-10", ["inventory_adjustments"])
    ]


def test_a_dock_change_refreshes_the_day_the_appointment_was_planned_for(sites, queued):
    from apps.kpis.refresh import refresh_for_published

    refresh_for_published("dock.changed", "BRU", {"id": 1, "planned_start": (START + 23.5 * H).isoformat()})

    assert queued == [
        ("kpis.refresh_day", ("BRU", "2026-03-10", ["dock_on_time_arrival", "dock_dwell", "dock_door_utilisation"]))
    ]


def test_the_scheduled_pass_recomputes_yesterday_and_today_in_each_site_zone(sites, make_case):
    now = datetime(2026, 3, 10, 4, 30, tzinfo=UTC)  # 05:30 in Brussels, still the 9th (23:30 CDT) in Chicago
    make_case(opened_at=now - 2 * H)
    kpi_snapshots_refresh_recent(now=now)
    assert set(KpiSnapshot.objects.filter(site=sites["BRU"]).values_list("day", flat=True)) == {DAY, DAY - timedelta(1)}
    chicago_days = set(KpiSnapshot.objects.filter(site=sites["CHI"]).values_list("day", flat=True))
    assert chicago_days == {DAY - timedelta(1), DAY - timedelta(2)}
    assert KpiSnapshot.objects.get(site=sites["BRU"], day=DAY, kpi="exception_aging").value == 2 * 3600


def test_backfill_command_computes_every_day_with_progress(sites, capsys):
    call_command("backfill_kpis", "--days", "3", "--site", "BRU")
    output = capsys.readouterr().out
    assert "3/3 site-days" in output
    assert KpiSnapshot.objects.filter(site=sites["BRU"]).values("day").distinct().count() == 3
    assert not KpiSnapshot.objects.filter(site=sites["CHI"]).exists()
