"""The KPI screens in Chromium: the overview and a KPI page draw real charts (plotly from the installed
package), the CSV matches the table, and a resolved case changes the aging chart live."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.cases.models import SEVERITY_RANK, Case, Status
from apps.kpis.services import kpi_snapshots_backfill, kpi_snapshots_refresh, local_day_of
from apps.sites.models import Site
from tests.e2e.signin import add_session
from tests.e2e.test_live_badge import outside_the_browser_loop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots for the people reviewing the screens; outside the repository on purpose.
SCREENS = os.environ.get("CT_KPI_SCREENS", "")
VIEWPORTS = [(1920, 1080), (1440, 900), (1024, 768)]


def shoot(page, name: str) -> None:
    if SCREENS:
        os.makedirs(SCREENS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENS, f"{name}.png"), full_page=True)


def history(site: Site) -> list[Case]:
    """Two weeks of cases at the site: a few opened each day, most resolved within hours."""
    now = timezone.now()
    cases = []
    levels = ["critical", "high", "medium", "low"]
    for day in range(14, 0, -1):
        for number in range(3):
            opened = now - timedelta(days=day, hours=number * 5)
            resolved = opened + timedelta(hours=2 + number * 3 + day % 4) if (day + number) % 4 else None
            cases.append(
                Case.objects.create(
                    site=site,
                    kind="picking_late",
                    dedupe_key=f"e2e-kpi:{day}:{number}",
                    title=f"Late picking {day}-{number}",
                    status=Status.RESOLVED if resolved else Status.OPEN,
                    is_open=resolved is None,
                    severity=levels[(day + number) % 4],
                    severity_rank=SEVERITY_RANK[levels[(day + number) % 4]],
                    opened_at=opened,
                    last_seen_at=opened,
                    acknowledged_at=opened + timedelta(minutes=20 + number * 15),
                    resolved_at=resolved,
                )
            )
    kpi_snapshots_backfill(sites=[site], days=15)
    return cases


def test_overview_and_kpi_page_draw_charts_and_follow_a_resolved_case(browser, web_server, manager, sites):
    site = Site.objects.get(code="BRU")
    cases: list[Case] = []
    outside_the_browser_loop(lambda: cases.extend(history(site)))

    for width, height in VIEWPORTS:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        add_session(page.context, web_server.url, manager)
        page.goto(f"{web_server.url}/kpis/")
        page.wait_for_function("() => window.ControlTowerKpis && window.ControlTowerKpis.drawn > 0")
        sparks = page.eval_on_selector_all(
            ".kpi-spark", "els => els.filter(e => e.querySelector('path.js-line')).length"
        )
        assert sparks >= 3  # the three exception KPIs have history: each drew a line, not an empty canvas
        shoot(page, f"kpis-overview-{width}x{height}")
        page.goto(f"{web_server.url}/kpis/exception_aging/?site=BRU")
        page.wait_for_function("() => window.ControlTowerKpis && window.ControlTowerKpis.drawn >= 3")
        assert page.eval_on_selector_all("#plot-trend path.js-line", "els => els.length") >= 1
        assert page.eval_on_selector_all("#plot-breakdown .bars path", "els => els.length") >= 1
        shoot(page, f"kpis-exception-aging-{width}x{height}")
        context.close()

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    add_session(page.context, web_server.url, manager)
    page.goto(f"{web_server.url}/kpis/exception_aging/?site=BRU")
    page.wait_for_function("() => window.ControlTowerKpis && window.ControlTowerKpis.drawn >= 3")

    # The CSV says what the table says.
    table = page.eval_on_selector_all(
        "#table-trend tbody tr",
        "rows => rows.map(r => [r.querySelector('th').textContent,"
        " ...[...r.querySelectorAll('td')].map(td => td.dataset.value)])",
    )
    export = page.request.get(f"{web_server.url}/kpis/exception_aging/?site=BRU&format=csv&chart=trend")
    rows = list(csv.reader(io.StringIO(export.text())))
    assert rows[1:] == table
    assert len(table) == 30

    # Live: wait until the page is subscribed, then resolve every open case and recompute today.
    page.wait_for_function("() => window.ControlTowerLive && window.ControlTowerLive.resyncs >= 1")
    before = json.loads(page.text_content("#kpi-charts-data"))[0]["series"][0]["values"][-1]
    assert before is not None and before > 0
    now = timezone.now()
    Case.objects.filter(pk__in=[case.pk for case in cases], is_open=True).update(
        is_open=False, status=Status.RESOLVED, resolved_at=now
    )
    outside_the_browser_loop(kpi_snapshots_refresh, site=site, day=local_day_of(site, now))
    page.wait_for_function(
        "() => JSON.parse(document.getElementById('kpi-charts-data').textContent)[0].series[0].values.at(-1) === null"
    )
    assert page.evaluate("() => window.ControlTowerKpis.refreshes") >= 1
    assert page.eval_on_selector_all("#plot-trend path.js-line", "els => els.length") >= 1  # redrawn
    context.close()
