"""KPIs by the hour: local hours in Brussels (23 and 25 on the days the clocks change), the hourly
figures of a hand-made history (an empty hour, a backdated delivery correcting its hour), the
scheduler's pass, the API's granularity and the page's last 48 hours read from snapshots only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from celery import current_app
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apps.kpis.definitions import definition
from apps.kpis.models import KpiHourSnapshot, KpiSnapshot
from apps.kpis.refresh import day_refresh
from apps.kpis.selectors import hour_label, hour_tick
from apps.kpis.services import kpi_snapshots_refresh, kpi_snapshots_refresh_recent, local_hours
from apps.mirror.changes import ChangeSet, dispatch
from tests.cases.factories import make_picking, make_site_world

H = timedelta(hours=1)
M = timedelta(minutes=1)
DAY = date(2026, 3, 10)
START = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)  # midnight of the 10th in Brussels (UTC+1)
LATER = START + 40 * H  # the 11th, 16:00 in Brussels: the 10th is over


@pytest.fixture
def queued(monkeypatch):
    """The broker's edge: record the tasks sent instead of sending them (a worker would run them)."""
    sent: list[tuple[str, tuple]] = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args=(), **options: sent.append((name, tuple(args))))
    return sent


def hours_of(site, kpi: str, day: date) -> list[KpiHourSnapshot]:
    return list(KpiHourSnapshot.objects.filter(site=site, kpi=kpi, day=day).order_by("period_start"))


def test_a_brussels_day_has_24_local_hours_and_23_or_25_when_the_clocks_change(sites):
    bru = sites["BRU"]
    assert len(local_hours(bru, DAY)) == 24
    # 29 March 2026: at 02:00 the clocks jump to 03:00 — there is no 02:00 that day.
    spring = local_hours(bru, date(2026, 3, 29))
    assert len(spring) == 23
    labels = [hour_label(start, bru.tzinfo) for start, _ in spring]
    assert labels[:3] == ["2026-03-29 00:00 +01:00", "2026-03-29 01:00 +01:00", "2026-03-29 03:00 +02:00"]
    # 25 October 2026: at 03:00 the clocks go back to 02:00 — 02:00 comes twice, an hour apart.
    autumn = local_hours(bru, date(2026, 10, 25))
    assert len(autumn) == 25
    labels = [hour_label(start, bru.tzinfo) for start, _ in autumn]
    assert labels[2:4] == ["2026-10-25 02:00 +02:00", "2026-10-25 02:00 +01:00"]
    # On a chart's axis the hours are short; the repeated one says its offset.
    ticks = [hour_tick(start, bru.tzinfo) for start, _ in autumn]
    assert ticks[1:5] == ["Sun 25 01:00", "Sun 25 02:00 +02:00", "Sun 25 02:00 +01:00", "Sun 25 03:00"]
    assert autumn[0][0] == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)  # midnight at UTC+2
    assert autumn[-1][1] == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)  # next midnight at UTC+1


@pytest.mark.parametrize(("day", "hours"), [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25)])
def test_a_dst_day_is_stored_as_23_or_25_hourly_snapshots(sites, make_case, day, hours):
    bru = sites["BRU"]
    first_hour, _ = local_hours(bru, day)[0]
    make_case(opened_at=first_hour - 30 * M)  # open since 23:30 the evening before, never resolved
    kpi_snapshots_refresh(site=bru, day=day, now=first_hour + 3 * 24 * H)
    rows = hours_of(bru, "exception_aging", day)
    assert len(rows) == hours
    # At the end of each hour the case is 30 minutes + (hour index + 1) hours old, whatever the clock says.
    assert [row.value for row in rows] == [1800.0 + 3600.0 * (index + 1) for index in range(hours)]
    assert KpiSnapshot.objects.get(site=bru, kpi="exception_aging", day=day).value == 1800.0 + 3600.0 * hours


def test_exception_aging_hour_by_hour_with_an_empty_hour(sites, make_case):
    bru = sites["BRU"]
    # A: opened 01:30, resolved 03:30 local. B: opened 02:00, still open. Nothing else at Brussels.
    make_case(opened_at=START + 90 * M, resolved_at=START + 210 * M, severity="medium")
    make_case(opened_at=START + 2 * H, severity="high")
    make_case(opened_at=START + 30 * M, site="CHI")  # another site's case counts nowhere here

    kpi_snapshots_refresh(site=bru, day=DAY, now=LATER)
    rows = hours_of(bru, "exception_aging", DAY)
    assert len(rows) == 24
    # 00:00–01:00: nothing open at 01:00 — an empty hour, no figure.
    assert (rows[0].value, rows[0].sample_size) == (None, 0)
    # At 02:00: A is 30 min old; B opens at 02:00 exactly, not before the hour's end.
    assert (rows[1].value, rows[1].sample_size) == (1800.0, 1)
    # At 03:00: A 1 h 30 (5400 s), B 1 h (3600 s): median 4500 s; one medium, one high.
    assert (rows[2].value, rows[2].sample_size) == (4500.0, 2)
    assert rows[2].breakdown["by_severity"] == {"critical": 0, "high": 1, "medium": 1, "low": 0}
    # At 04:00: A resolved at 03:30; B is 2 h old.
    assert (rows[3].value, rows[3].sample_size) == (7200.0, 1)
    # At midnight (end of the last hour): B has been open 22 h.
    assert rows[23].value == 22 * 3600.0


def test_a_backdated_delivery_corrects_its_earlier_hour(sites, queued):
    bru = sites["BRU"]
    world = make_site_world("BRU")
    # Shipped 09:30 local, due 10:00: on time.
    make_picking(world, "outgoing", state="done", scheduled_date=START + 10 * H, date_done=START + 9 * H + 30 * M)
    kpi_snapshots_refresh(site=bru, day=DAY, now=LATER)
    rows = hours_of(bru, "dispatch_adherence", DAY)
    assert [(row.value, row.sample_size) for row in rows[8:11]] == [(None, 0), (100.0, 1), (None, 0)]

    # A day later Odoo records a delivery shipped at 09:45 on the 10th, due at 09:00: late.
    late = make_picking(world, "outgoing", state="done", scheduled_date=START + 9 * H, date_done=START + 9 * H + 45 * M)
    dispatch(ChangeSet(odoo_model="stock.picking", created=[late.odoo_id]))
    ours = [args for name, args in queued if name == "kpis.refresh_day"]
    assert ours == [("BRU", "2026-03-10", ["pick_delay", "dispatch_adherence", "order_cycle_time"])]
    day_refresh(*ours[0])  # what the worker runs

    rows = hours_of(bru, "dispatch_adherence", DAY)
    # The 09:00 hour now holds both: one of two on time.
    assert [(row.value, row.sample_size) for row in rows[8:11]] == [(None, 0), (50.0, 2), (None, 0)]
    # Pick delay counts the late one (done after its scheduled date) in the same hour: 1 of 2.
    assert hours_of(bru, "pick_delay", DAY)[9].value == 50.0
    assert KpiSnapshot.objects.get(site=bru, kpi="dispatch_adherence", day=DAY).value == 50.0


def test_the_scheduler_keeps_the_hours_of_yesterday_and_of_today_so_far(sites, make_case):
    make_case(opened_at=START + 30 * M)
    now = LATER + 30 * M  # 15:30 UTC on the 11th: 16:30 in Brussels, 10:30 in Chicago
    kpi_snapshots_refresh_recent(now=now)
    bru, chi = sites["BRU"], sites["CHI"]
    # Brussels: 24 hours of the 10th, and 00:00 … 16:00 of the 11th (17 begun hours).
    assert len(hours_of(bru, "exception_aging", DAY)) == 24
    today = hours_of(bru, "exception_aging", date(2026, 3, 11))
    assert len(today) == 17
    # The running hour is measured up to now: the case is 40 h old at 16:30 on the 11th.
    assert today[-1].value == 40 * 3600.0
    # Chicago (summer time since 8 March, UTC-5): 00:00 … 10:00 of the 11th begun: 11 hours.
    assert len(hours_of(chi, "exception_aging", date(2026, 3, 11))) == 11
    # A KPI kept daily only has no hours.
    assert not KpiHourSnapshot.objects.filter(kpi="straight_through_rate").exists()
    assert KpiSnapshot.objects.filter(kpi="straight_through_rate", site=bru).count() == 2


def test_the_hourly_kpis_are_said_in_their_definitions(manager):
    assert definition("exception_aging").hourly and definition("dispatch_adherence").hourly
    assert not definition("order_cycle_time").hourly
    client = APIClient()
    client.force_authenticate(manager)
    body = client.get("/api/v1/kpis/").json()["results"]
    assert {kpi["code"] for kpi in body if kpi["hourly"]} == {
        "exception_aging", "blocked_shipments", "exception_acknowledge_time", "approval_turnaround",
        "approval_sla_breaches", "pick_delay", "dispatch_adherence", "dock_on_time_arrival",
    }  # fmt: skip


def test_the_series_api_by_the_hour(sites, manager, make_case):
    make_case(opened_at=START + 90 * M)
    kpi_snapshots_refresh(site=sites["BRU"], day=DAY, now=LATER)
    client = APIClient()
    client.force_authenticate(manager)

    body = client.get("/api/v1/kpis/exception_aging/series/?site=BRU&from=2026-03-10&to=2026-03-10&granularity=hour")
    assert body.status_code == 200
    body = body.json()
    assert body["granularity"] == "hour"
    points = body["sites"][0]["points"]
    assert len(points) == 24
    assert points[1] == {
        "day": "2026-03-10",
        "hour_start": "2026-03-10T00:00:00Z",
        "hour_label": "2026-03-10 01:00 +01:00",
        "value": 1800.0,  # at 02:00 the case is 30 minutes old
        "sample_size": 1,
        "breakdown": points[1]["breakdown"],
    }
    assert points[0]["value"] is None  # nothing open at 01:00

    # A KPI kept daily only has no hourly points.
    daily_only = client.get("/api/v1/kpis/straight_through_rate/series/?site=BRU&granularity=hour").json()
    assert daily_only["sites"][0]["points"] == []


def test_a_bad_granularity_is_a_problem_400_and_the_schema_offers_hour(manager):
    client = APIClient()
    client.force_authenticate(manager)
    response = client.get("/api/v1/kpis/exception_aging/series/?granularity=minute")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "granularity" in response.content.decode()
    too_long = client.get("/api/v1/kpis/exception_aging/series/?granularity=hour&from=2026-03-01&to=2026-03-20")
    assert too_long.status_code == 400

    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content.decode()
    assert "granularity" in schema and "hour" in schema


def test_the_kpi_page_by_the_hour_shows_the_last_48_hours_from_snapshots_only(client, sites, manager, make_case):
    bru = sites["BRU"]
    now = timezone.now()
    make_case(opened_at=now - 5 * H)
    kpi_snapshots_refresh_recent(now=now)
    client.force_login(manager)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/kpis/exception_aging/?site=BRU&granularity=hour")
    assert response.status_code == 200
    assert not [query for query in queries if "cases_case" in query["sql"]], "the page read the raw history"
    trend = response.context["charts_json"][0]
    assert trend["title"] == "Exception aging, hour by hour" and trend["x_title"] == "Hour (BRU local time)"
    assert len(trend["x"]) == 48
    assert trend["x"][-1] == hour_tick(now.replace(minute=0, second=0, microsecond=0), bru.tzinfo)
    values = trend["series"][0]["values"]
    # The running hour: the case is 5 h old now. Six hours back it was not open yet.
    assert values[-1] == pytest.approx(5 * 3600.0, abs=120)
    assert values[-7] is None
    page = response.content.decode()
    assert "By the hour: the last 48 hours." in page


def test_time_to_acknowledge_hour_by_hour(sites, make_case):
    bru = sites["BRU"]
    # Acknowledged in the 09:00 hour after 10 and 30 minutes; in the 10:00 hour after 2 hours.
    make_case(opened_at=START + 9 * H, acknowledged_at=START + 9 * H + 10 * M, severity="high")
    make_case(opened_at=START + 8 * H + 45 * M, acknowledged_at=START + 9 * H + 15 * M, severity="low")
    make_case(opened_at=START + 8 * H + 30 * M, acknowledged_at=START + 10 * H + 30 * M, severity="low")
    kpi_snapshots_refresh(site=bru, day=DAY, now=LATER)
    rows = hours_of(bru, "exception_acknowledge_time", DAY)
    assert (rows[8].value, rows[8].sample_size) == (None, 0)  # nothing acknowledged 08:00–09:00
    # 09:00: 600 s and 1800 s → median 1200 s; p90 nearest rank ⌈1.8⌉ = 2nd → 1800 s.
    assert (rows[9].value, rows[9].sample_size, rows[9].breakdown["p90_s"]) == (1200.0, 2, 1800.0)
    assert rows[9].breakdown["by_severity"] == {"critical": None, "high": 600.0, "medium": None, "low": 1800.0}
    assert (rows[10].value, rows[10].sample_size) == (7200.0, 1)
    # The day: 600, 1800, 7200 → median 1800.
    assert KpiSnapshot.objects.get(site=bru, kpi="exception_acknowledge_time", day=DAY).value == 1800.0
