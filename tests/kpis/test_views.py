"""The KPI screens: who may open them, what they show, the CSV and the target form."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.staticfiles import finders

from apps.kpis.models import KpiTarget
from apps.kpis.services import kpi_snapshots_refresh

DAY = date(2026, 3, 10)
END = datetime(2026, 3, 10, 23, 0, tzinfo=UTC)
RANGE = "from=2026-03-09&to=2026-03-10"


@pytest.fixture
def history(sites, make_case):
    make_case(opened_at=END - timedelta(hours=2), severity="high")
    make_case(opened_at=END - timedelta(hours=30), severity="critical")
    for day in (DAY - timedelta(days=1), DAY):
        kpi_snapshots_refresh(site=sites["BRU"], day=day, now=END + timedelta(days=1))


@pytest.mark.parametrize("url", ["/kpis/", "/kpis/exception_aging/"])
def test_kpi_pages_are_for_managers_and_admins(client, url, supervisor, approver, display, manager, admin_user):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (supervisor, approver):
        client.force_login(user)
        assert client.get(url).status_code == 403
    for user in (manager, admin_user):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_the_navigation_shows_kpis_to_managers_only(client, manager, supervisor):
    client.force_login(manager)
    assert 'href="/kpis/"' in client.get("/kpis/").content.decode()
    client.force_login(supervisor)
    assert 'href="/kpis/"' not in client.get("/exceptions/").content.decode()


def test_overview_shows_each_kpi_with_its_current_value_and_target(client, manager, sites, history):
    KpiTarget.objects.create(site=sites["BRU"], kpi="exception_aging", value=3600)
    client.force_login(manager)
    page = client.get(f"/kpis/?{RANGE}").content.decode()
    assert "Exception aging" in page and "Dispatch adherence" in page
    assert "16 h" in page  # the median of 2 h and 30 h, at the end of the 10th
    assert "✖ Off target" in page and "target 1 h" in page
    assert "CHI" not in page  # not the manager's site
    assert "<script>" not in page  # charts are drawn by static files from JSON


def test_overview_of_several_sites_keeps_each_sites_cards_together(client, admin_user, sites, history):
    client.force_login(admin_user)
    page = client.get(f"/kpis/?{RANGE}").content.decode()
    sections = page.split('<section class="kpi-site"')[1:]
    headings = [section.split("<h2", 1)[1].split(">", 1)[1].split(" ", 1)[0] for section in sections]
    assert len(headings) == len(set(headings)) >= 2  # one section per site, not one per card
    bru = next(section for section, code in zip(sections, headings, strict=True) if code == "BRU")
    assert "Exception aging" in bru and "Dispatch adherence" in bru and "16 h" in bru


def test_a_kpi_page_has_its_definition_charts_table_and_csv_that_agree(client, manager, history):
    client.force_login(manager)
    page = client.get(f"/kpis/exception_aging/?site=BRU&{RANGE}").content.decode()
    assert "Median age of the exception cases open" in page
    charts = json.loads(page.split('id="kpi-charts-data" type="application/json">')[1].split("</script>")[0])
    assert [chart["key"] for chart in charts] == ["trend", "sites", "breakdown"]
    trend = charts[0]
    assert trend["x"] == ["2026-03-09", "2026-03-10"]
    assert trend["series"][0]["values"] == [6 * 3600, 16 * 3600]  # on the 9th only the 30 h case, 6 h old
    buckets = charts[2]
    assert buckets["x"][:3] == ["< 1 h", "1–4 h", "4–24 h"]
    assert {serie["severity"]: serie["values"] for serie in buckets["series"]}["critical"] == [0, 0, 0, 1, 0]

    export = client.get(f"/kpis/exception_aging/?site=BRU&{RANGE}&format=csv&chart=trend")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows == [["Day", "BRU"], ["2026-03-09", "21600.0"], ["2026-03-10", "57600.0"]]
    assert '<td data-value="57600.0">16 h</td>' in page  # the table shows the same row in words


def test_a_bad_date_in_the_url_says_what_to_fix(client, manager):
    client.force_login(manager)
    page = client.get("/kpis/?from=yesterday").content.decode()
    assert "from: &#x27;yesterday&#x27; is not a date; use YYYY-MM-DD." in page


def test_a_manager_sets_a_target_on_screen_in_minutes(client, manager, sites):
    client.force_login(manager)
    response = client.post("/kpis/exception_aging/target/", {"site": "BRU", "value": "90"})
    assert response.status_code == 302
    assert KpiTarget.objects.get(site=sites["BRU"], kpi="exception_aging").value == 90 * 60
    page = client.get("/kpis/exception_aging/?site=BRU").content.decode()
    assert 'value="90.0"' in page

    assert client.post("/kpis/exception_aging/target/", {"site": "CHI", "value": "5"}).status_code == 403
    assert not KpiTarget.objects.filter(site=sites["CHI"]).exists()


def test_supervisors_cannot_set_targets(client, supervisor, sites):
    client.force_login(supervisor)
    assert client.post("/kpis/exception_aging/target/", {"site": "BRU", "value": "5"}).status_code == 403
    assert client.get("/kpis/exception_aging/target/").status_code in (403, 405)


def test_plotly_js_comes_from_the_installed_package_not_a_cdn(client, manager):
    found = finders.find("vendor/plotly/plotly.min.js")
    assert found and found.replace("\\", "/").endswith("plotly/package_data/plotly.min.js")
    client.force_login(manager)
    page = client.get("/kpis/").content.decode()
    assert '<script src="/static/vendor/plotly/plotly.min.js" defer></script>' in page
    assert "cdn" not in page.lower()
