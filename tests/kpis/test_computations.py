"""Each KPI computed on a small hand-made history; the expected numbers are worked out here, by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from apps.approvals.models import ApprovalStep
from apps.kpis.models import KpiSnapshot
from apps.kpis.services import kpi_snapshots_refresh, local_day_bounds
from tests.cases.factories import make_picking, make_site_world

H = timedelta(hours=1)
DAY = date(2026, 3, 10)  # Brussels is on CET (UTC+1): the day runs 2026-03-09 23:00 → 2026-03-10 23:00 UTC
START = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)
END = datetime(2026, 3, 10, 23, 0, tzinfo=UTC)
LATER = datetime(2027, 1, 1, tzinfo=UTC)  # "now", long after these days: their numbers are final


def values(site, day=DAY) -> dict[str, KpiSnapshot]:
    kpi_snapshots_refresh(site=site, day=day, now=LATER)
    return {snapshot.kpi: snapshot for snapshot in KpiSnapshot.objects.filter(site=site, day=day)}


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 3, 10), 24), (date(2026, 3, 29), 23), (date(2026, 10, 25), 25)],
    ids=["plain day", "clocks forward", "clocks back"],
)
def test_a_local_day_lasts_23_24_or_25_hours(sites, day, hours):
    start, end = local_day_bounds(sites["BRU"], day)
    assert (end - start) == timedelta(hours=hours)
    assert start.astimezone(sites["BRU"].tzinfo).hour == 0


def test_exception_aging_counts_what_is_open_at_the_end_of_the_day(sites, make_case):
    make_case(opened_at=END - 0.5 * H, severity="high")  # 30 min old
    make_case(opened_at=END - 2 * H, severity="medium")  # 2 h
    make_case(opened_at=END - 48 * H, severity="critical")  # 2 d
    make_case(opened_at=END - 3 * H, severity="low", resolved_at=END + H)  # resolved after the day: 3 h at its end
    make_case(opened_at=END - 120 * H, resolved_at=END - H)  # resolved within the day: not open any more
    make_case(opened_at=END + H)  # opened the next day
    make_case(opened_at=END - 10 * H, site="CHI")  # another site

    aging = values(sites["BRU"])["exception_aging"]

    assert aging.sample_size == 4
    assert aging.value == (2 * 3600 + 3 * 3600) / 2  # median of 0.5 h, 2 h, 3 h, 48 h
    assert aging.breakdown["p90_s"] == 48 * 3600  # nearest rank: the 4th of 4
    assert aging.breakdown["by_severity"] == {"critical": 1, "high": 1, "medium": 1, "low": 1}
    assert aging.breakdown["age_buckets"] == {
        "< 1 h": {"high": 1},
        "1–4 h": {"medium": 1, "low": 1},
        "4–24 h": {},
        "1–3 d": {"critical": 1},
        "> 3 d": {},
    }


def test_time_to_acknowledge_and_to_resolve_take_the_cases_that_got_there_that_day(sites, make_case):
    make_case(opened_at=START + 7 * H, acknowledged_at=START + 7.25 * H, resolved_at=START + 8.5 * H, severity="high")
    make_case(opened_at=START - 2 * H, acknowledged_at=START - H, resolved_at=START + H)  # opened the day before
    make_case(opened_at=START + 20 * H, acknowledged_at=START + 22 * H, resolved_at=END + H)  # resolved next day

    figures = values(sites["BRU"])

    resolve = figures["exception_resolve_time"]
    assert resolve.sample_size == 2
    assert resolve.value == (1.5 * 3600 + 3 * 3600) / 2
    assert resolve.breakdown["by_severity"]["high"] == 1.5 * 3600
    acknowledge = figures["exception_acknowledge_time"]  # 15 min and 2 h (the one acknowledged the day before is out)
    assert acknowledge.sample_size == 2
    assert acknowledge.value == (0.25 * 3600 + 2 * 3600) / 2


def test_approval_turnaround_median_and_p90(sites, make_decided_request):
    for hours in (1, 4, 10):
        make_decided_request(created_at=START + 12 * H - hours * H, decided_at=START + 12 * H)
    make_decided_request(created_at=START, decided_at=None)  # still pending
    make_decided_request(created_at=START, decided_at=END + H)  # decided the next day

    turnaround = values(sites["BRU"])["approval_turnaround"]

    assert turnaround.sample_size == 3
    assert turnaround.value == 4 * 3600
    assert turnaround.breakdown["p90_s"] == 10 * 3600  # nearest rank: ceil(0.9 × 3) = the 3rd


def test_pick_delay_and_dispatch_adherence(sites):
    world = make_site_world("BRU")  # the warehouse whose code is the site's
    at = START + 10 * H
    make_picking(world, "outgoing", state="done", scheduled_date=at, date_done=at - H)  # early
    make_picking(
        world, "outgoing", state="done", scheduled_date=at - 2 * H, date_deadline=at + 2 * H, date_done=at + 3 * H
    )
    make_picking(world, "internal", state="done", scheduled_date=at, date_done=at + H)  # late
    make_picking(world, "outgoing", state="done", scheduled_date=at, date_done=END + H)  # done the next day
    make_picking(world, "incoming", state="done", scheduled_date=at, date_done=at + 5 * H)  # receipts do not count
    make_picking(world, "outgoing", state="assigned", scheduled_date=at)  # not done

    figures = values(sites["BRU"])

    assert figures["pick_delay"].sample_size == 3
    assert figures["pick_delay"].value == round(100 * 2 / 3, 2)  # the second delivery and the internal transfer
    assert figures["dispatch_adherence"].sample_size == 2
    assert figures["dispatch_adherence"].value == 50.0  # the second delivery missed its deadline


def test_a_site_or_a_day_with_no_data_has_no_value_rather_than_zero(sites, make_case):
    make_case(opened_at=START + H, site="BRU")

    figures = values(sites["CHI"])

    assert set(figures) >= {"exception_aging", "approval_turnaround", "pick_delay", "dispatch_adherence"}
    assert all(snapshot.value is None and snapshot.sample_size == 0 for snapshot in figures.values())


def test_the_extra_hour_of_the_day_the_clocks_go_back_belongs_to_that_day(sites, make_case):
    day = date(2026, 10, 25)  # CEST → CET: 2026-10-24 22:00 → 2026-10-25 23:00 UTC
    make_case(
        opened_at=datetime(2026, 10, 25, 20, 30, tzinfo=UTC), resolved_at=datetime(2026, 10, 25, 22, 30, tzinfo=UTC)
    )

    resolve = values(sites["BRU"], day)["exception_resolve_time"]
    assert resolve.sample_size == 1  # 23:30 local on the 25th; a 24-hour day would have ended at 22:00 UTC
    assert resolve.value == 2 * 3600
    next_day = values(sites["BRU"], day + timedelta(days=1))["exception_resolve_time"]
    assert next_day.sample_size == 0


def test_recomputing_a_day_is_safe_to_repeat(sites, make_case):
    make_case(opened_at=END - 2 * H)
    first = values(sites["BRU"])["exception_aging"]
    again = values(sites["BRU"])["exception_aging"]
    assert (first.pk, first.value) == (again.pk, again.value)
    assert KpiSnapshot.objects.filter(site=sites["BRU"], day=DAY, kpi="exception_aging").count() == 1


def test_a_future_day_is_not_computed(sites):
    assert kpi_snapshots_refresh(site=sites["BRU"], day=DAY, now=START - H) == []


def test_approvals_breaching_sla_share_of_decided_steps(sites, make_decided_request):
    request = make_decided_request(created_at=START, decided_at=START + 5 * H)
    steps = [
        ("Finance review", START + 2 * H, START + H),  # (name, due, completed): on time
        ("Finance review", START + 2 * H, START + 3 * H),  # past due
        ("Operations review", START + 4 * H, START + 5 * H),  # past due
        ("Operations review", START + 4 * H, END + H),  # decided the next day: not counted
    ]
    for position, (name, due_at, completed_at) in enumerate(steps, start=1):
        ApprovalStep.objects.create(
            request=request, position=position, name=name, sla_minutes=60, reminder_minutes=30,
            status="approved", due_at=due_at, completed_at=completed_at,
        )  # fmt: skip

    breaches = values(sites["BRU"])["approval_sla_breaches"]

    assert breaches.sample_size == 3
    assert breaches.value == round(100 * 2 / 3, 2)
    assert breaches.breakdown["by_step"] == {"Finance review": 50.0, "Operations review": 100.0}
