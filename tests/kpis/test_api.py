"""The KPI API: definitions, series by site and day, targets; permissions for every endpoint."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEntry
from apps.kpis.models import KpiTarget
from apps.kpis.services import kpi_snapshots_refresh

DAY = date(2026, 3, 10)
END = datetime(2026, 3, 10, 23, 0, tzinfo=UTC)  # the end of that day in Brussels


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


ENDPOINTS = [
    ("get", "/api/v1/kpis/", None),
    ("get", "/api/v1/kpis/exception_aging/series/", None),
    ("put", "/api/v1/kpis/exception_aging/target/", {"site": "BRU", "value": 3600}),
]


@pytest.mark.parametrize(("method", "url", "body"), ENDPOINTS)
def test_only_managers_and_admins_reach_the_kpi_api(method, url, body, supervisor, approver, display, manager):
    assert getattr(client_for(), method)(url, body, format="json").status_code in (401, 403)
    for user in (supervisor, approver, display):
        response = getattr(client_for(user), method)(url, body, format="json")
        assert response.status_code == 403
        assert response["Content-Type"].startswith("application/problem+json")
    assert getattr(client_for(manager), method)(url, body, format="json").status_code == 200


def test_definitions_say_formula_unit_and_direction(manager):
    body = client_for(manager).get("/api/v1/kpis/").json()["results"]
    aging = next(kpi for kpi in body if kpi["code"] == "exception_aging")
    assert aging["unit"] == "duration" and aging["good"] == "down"
    assert "Median age" in aging["formula"]
    assert {kpi["code"] for kpi in body} >= {"approval_turnaround", "pick_delay", "dispatch_adherence"}


def test_series_by_site_and_day_and_only_the_managed_sites(sites, manager, admin_user, make_case):
    make_case(opened_at=END - timedelta(hours=2))
    for site in sites.values():
        kpi_snapshots_refresh(site=site, day=DAY, now=END + timedelta(days=1))

    body = client_for(manager).get("/api/v1/kpis/exception_aging/series/?from=2026-03-09&to=2026-03-10").json()
    assert [site["site"] for site in body["sites"]] == ["BRU"]  # the manager is not at Chicago
    assert body["sites"][0]["points"] == [
        {
            "day": "2026-03-10",
            "value": 7200.0,
            "sample_size": 1,
            "breakdown": body["sites"][0]["points"][0]["breakdown"],
        }
    ]
    everything = client_for(admin_user).get("/api/v1/kpis/exception_aging/series/?from=2026-03-10&to=2026-03-10")
    assert [site["site"] for site in everything.json()["sites"]] == ["BRU", "CHI"]

    other_site = client_for(manager).get("/api/v1/kpis/exception_aging/series/?site=CHI")
    assert other_site.status_code == 404
    assert client_for(manager).get("/api/v1/kpis/no_such_kpi/series/").status_code == 404
    bad_date = client_for(manager).get("/api/v1/kpis/exception_aging/series/?from=10/03/2026")
    assert bad_date.status_code == 400
    assert "YYYY-MM-DD" in bad_date.json()["detail"]


def test_a_target_is_set_audited_and_refused_for_another_site(sites, manager):
    response = client_for(manager).put(
        "/api/v1/kpis/exception_aging/target/", {"site": "BRU", "value": 3600}, format="json"
    )
    assert response.status_code == 200
    assert KpiTarget.objects.get(site=sites["BRU"], kpi="exception_aging").value == 3600
    entry = AuditEntry.objects.get(action="kpis.target_set")
    assert (entry.actor_label, entry.site_code, entry.data["after"]) == ("max.manager", "BRU", 3600)

    again = client_for(manager).put(
        "/api/v1/kpis/exception_aging/target/", {"site": "BRU", "value": 3600}, format="json"
    )
    assert again.status_code == 200
    assert AuditEntry.objects.filter(action="kpis.target_set").count() == 1  # nothing changed, nothing audited

    other = client_for(manager).put("/api/v1/kpis/exception_aging/target/", {"site": "CHI", "value": 10}, format="json")
    assert other.status_code == 403
    assert not KpiTarget.objects.filter(site=sites["CHI"]).exists()

    removed = client_for(manager).put(
        "/api/v1/kpis/exception_aging/target/", {"site": "BRU", "value": None}, format="json"
    )
    assert removed.status_code == 200
    assert not KpiTarget.objects.filter(site=sites["BRU"]).exists()
