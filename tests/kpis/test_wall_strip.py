"""A wall board can include the KPI strip: today's figures at the site against its targets, in words."""

from __future__ import annotations

from datetime import date

from apps.kpis.models import KpiSnapshot, KpiTarget
from apps.wall.models import Board


def _snapshot(site, kpi: str, day: date, value: float) -> None:
    KpiSnapshot.objects.create(
        site=site, kpi=kpi, day=day, value=value, sample_size=5, breakdown={},
        period_start="2026-03-10T00:00Z", period_end="2026-03-11T00:00Z", computed_at="2026-03-11T00:00Z",
    )  # fmt: skip


def test_a_board_with_the_kpi_strip_shows_the_latest_figures_against_target(client, supervisor, sites):
    bru = sites["BRU"]
    _snapshot(bru, "exception_aging", date(2026, 3, 9), 3600)
    _snapshot(bru, "exception_aging", date(2026, 3, 10), 9000)  # the latest: 2 h 30 min
    _snapshot(bru, "dispatch_adherence", date(2026, 3, 10), 97.5)
    KpiTarget.objects.create(site=bru, kpi="exception_aging", value=7200)  # 2 h: missed
    KpiTarget.objects.create(site=bru, kpi="dispatch_adherence", value=95)  # met
    Board.objects.create(site=bru, slug="kpis", name="KPIs", tiles=["on_fire", "kpis"], position=1)
    client.force_login(supervisor)

    page = client.get("/wall/BRU/kpis/").content.decode()

    strip = page[page.index('id="strip-kpis-BRU"') :]
    strip = strip[: strip.index("</div>")]
    aging = strip[strip.index("Exception aging") : strip.index("Blocked shipments")]
    assert "2 h 30 min" in aging and "target 2 h" in aging and "✖ off target" in aging
    assert "Blocked shipments</span> <strong>—</strong>" in strip  # not measured yet, and no target: no mark
    dispatch = strip[strip.index("Dispatch adherence") :]
    assert "97.5 %" in dispatch and "✔ on target" in dispatch


def test_boards_without_the_strip_do_not_show_it(client, supervisor, sites):
    Board.objects.create(site=sites["BRU"], slug="floor", name="Floor", tiles=["on_fire"], position=1)
    client.force_login(supervisor)
    assert 'id="strip-kpis-BRU"' not in client.get("/wall/BRU/floor/").content.decode()
