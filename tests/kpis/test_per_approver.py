"""Approval turnaround per step and per approver: the figures of a hand-made day, by the day and by
the hour, and who sees the per-person ones (the site's managers and admins, unless the site turned
them off) on the screen and in the API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.approvals.models import ApprovalDecision, ApprovalStep, DecisionKind
from apps.audit.models import AuditEntry
from apps.kpis.models import KpiHourSnapshot, KpiSiteSettings, KpiSnapshot
from apps.kpis.services import kpi_per_person_set, kpi_snapshots_refresh
from tests.conftest import PASSWORD

H = timedelta(hours=1)
M = timedelta(minutes=1)
DAY = date(2026, 3, 10)
START = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)  # midnight of the 10th in Brussels
LATER = START + 40 * H
RANGE = "site=BRU&from=2026-03-10&to=2026-03-10"


@pytest.fixture
def bob(sites):
    user = user_upsert(username="bob.ops", password=PASSWORD, roles=[Role.APPROVER_OPERATIONS], sites=[sites["BRU"]])
    user.first_name, user.last_name = "Bob", "Ops"
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def decided_day(sites, approver, bob, make_decided_request):
    """Four decisions on the 10th (local), each timed from its step becoming active:
    Fay (finance approver): Finance step 08:00 → 08:10 (600 s), Finance 09:00 → 09:30 (1800 s);
    Bob: Finance 10:00 → rejected 11:00 (3600 s), Operations 10:00 → 10:20 (1200 s).
    Fay also asked for information once (not a decision: not counted)."""

    def decide(user, step_name: str, activated_at: datetime, at: datetime, kind=DecisionKind.APPROVE):
        request = make_decided_request(created_at=activated_at - 30 * M, decided_at=at)
        step = ApprovalStep.objects.create(
            request=request, position=1, name=step_name, sla_minutes=60, reminder_minutes=30,
            activated_at=activated_at, completed_at=at,
        )  # fmt: skip
        decision = ApprovalDecision.objects.create(request=request, step=step, user=user, kind=kind)
        ApprovalDecision.objects.filter(pk=decision.pk).update(at=at)
        return step

    decide(approver, "Finance", START + 8 * H, START + 8 * H + 10 * M)
    step = decide(approver, "Finance", START + 9 * H, START + 9 * H + 30 * M)
    decide(bob, "Finance", START + 10 * H, START + 11 * H, kind=DecisionKind.REJECT)
    decide(bob, "Operations", START + 10 * H, START + 10 * H + 20 * M)
    info = ApprovalDecision.objects.create(
        request=step.request, step=step, user=approver, kind=DecisionKind.REQUEST_INFO
    )
    ApprovalDecision.objects.filter(pk=info.pk).update(at=START + 9 * H + 5 * M)
    kpi_snapshots_refresh(site=sites["BRU"], day=DAY, now=LATER)
    return {"fay": str(approver.pk), "bob": str(bob.pk)}


def test_turnaround_per_step_and_per_approver_on_a_hand_made_day(sites, decided_day):
    parts = KpiSnapshot.objects.get(site=sites["BRU"], kpi="approval_turnaround", day=DAY).breakdown
    # Finance: 600, 1800, 3600 → median 1800; p90 the 3rd of 3 (nearest rank ⌈2.7⌉) → 3600.
    # Operations: 1200 alone.
    assert parts["per_step"] == {
        "Finance": {"median_s": 1800.0, "p90_s": 3600.0, "decisions": 3},
        "Operations": {"median_s": 1200.0, "p90_s": 1200.0, "decisions": 1},
    }
    # Fay: 600, 1800 → median 1200, p90 ⌈1.8⌉ = 2nd → 1800 (her request for information is not a decision).
    # Bob: 3600, 1200 → median 2400, p90 3600.
    assert parts["per_approver"] == {
        decided_day["fay"]: {"median_s": 1200.0, "p90_s": 1800.0, "decisions": 2},
        decided_day["bob"]: {"median_s": 2400.0, "p90_s": 3600.0, "decisions": 2},
    }


def test_turnaround_per_approver_by_the_hour(sites, decided_day):
    hours = list(
        KpiHourSnapshot.objects.filter(site=sites["BRU"], kpi="approval_turnaround", day=DAY).order_by("period_start")
    )
    assert len(hours) == 24
    # 08:00–09:00: Fay's 600 s only.
    assert hours[8].breakdown["per_approver"] == {
        decided_day["fay"]: {"median_s": 600.0, "p90_s": 600.0, "decisions": 1}
    }
    # 10:00–11:00: Bob's Operations decision at 10:20 (his rejection at 11:00 belongs to the next hour).
    assert hours[10].breakdown["per_step"] == {"Operations": {"median_s": 1200.0, "p90_s": 1200.0, "decisions": 1}}
    assert hours[11].breakdown["per_approver"] == {
        decided_day["bob"]: {"median_s": 3600.0, "p90_s": 3600.0, "decisions": 1}
    }
    # An hour without decisions has nothing per person.
    assert hours[12].breakdown["per_approver"] == {} and hours[12].value is None


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def charts_of(client, user) -> dict:
    client.force_login(user)
    response = client.get(f"/kpis/approval_turnaround/?{RANGE}")
    assert response.status_code == 200
    return {chart["key"]: chart for chart in response.context["charts_json"]}


def test_a_manager_sees_figures_per_approver_on_the_page_and_in_the_api(client, manager, decided_day):
    charts = charts_of(client, manager)
    approvers = charts["approvers"]
    assert approvers["x"] == ["Bob Ops (2)", "fay.finance (2)"]
    assert approvers["series"][0] == {"name": "Median", "values": [2400.0, 1200.0], "target": False}
    assert approvers["series"][1]["values"] == [3600.0, 1800.0]
    assert charts["steps"]["x"] == ["Finance (3)", "Operations (1)"]
    page = client.get(f"/kpis/approval_turnaround/?{RANGE}").content.decode()
    assert "Turnaround by approver" in page and "Bob Ops (2)" in page

    body = api(manager).get(f"/api/v1/kpis/approval_turnaround/series/?{RANGE}").json()
    per_approver = body["sites"][0]["points"][0]["breakdown"]["per_approver"]
    assert per_approver[decided_day["bob"]] == {"median_s": 2400.0, "p90_s": 3600.0, "decisions": 2, "name": "Bob Ops"}

    csv = client.get(f"/kpis/approval_turnaround/?{RANGE}&format=csv&chart=approvers").content.decode()
    assert csv.splitlines()[1] == "Bob Ops (2),2400.0,3600.0"


def test_an_approver_sees_no_figures_per_person(client, approver, bob, decided_day):
    client.force_login(approver)
    assert client.get(f"/kpis/approval_turnaround/?{RANGE}").status_code == 403
    assert client.get(f"/kpis/approval_turnaround/?{RANGE}&format=csv&chart=approvers").status_code == 403
    response = api(bob).get(f"/api/v1/kpis/approval_turnaround/series/?{RANGE}")
    assert response.status_code == 403
    assert "per_approver" not in response.content.decode()


def test_turned_off_at_the_site_nobody_sees_them_and_the_switch_is_audited(
    client, sites, manager, admin_user, decided_day
):
    client.force_login(manager)
    assert client.post("/kpis/per-person/", {"site": "BRU", "enabled": "off"}).status_code == 403  # admins switch it

    client.force_login(admin_user)
    response = client.post("/kpis/per-person/", {"site": "BRU", "enabled": "off"})
    assert response.status_code == 302
    assert KpiSiteSettings.objects.get(site=sites["BRU"]).per_person_figures is False
    entry = AuditEntry.objects.get(action="kpis.per_person_set")
    assert (entry.site_code, entry.data) == ("BRU", {"per_person_figures": {"before": True, "after": False}})
    kpi_per_person_set(user=admin_user, site=sites["BRU"], enabled=False)  # the same again: no second entry
    assert AuditEntry.objects.filter(action="kpis.per_person_set").count() == 1

    for user in (manager, admin_user):
        charts = charts_of(client, user)
        assert "approvers" not in charts and "steps" in charts  # steps are not people
        page = client.get(f"/kpis/approval_turnaround/?{RANGE}").content.decode()
        assert "Turnaround by approver" not in page and "Bob Ops" not in page
        assert "turned off" in page
        body = api(user).get(f"/api/v1/kpis/approval_turnaround/series/?{RANGE}").json()
        breakdown = body["sites"][0]["points"][0]["breakdown"]
        assert "per_approver" not in breakdown and breakdown["per_step"]["Finance"]["decisions"] == 3
        hourly = api(user).get(f"/api/v1/kpis/approval_turnaround/series/?{RANGE}&granularity=hour").json()
        assert all("per_approver" not in point["breakdown"] for point in hourly["sites"][0]["points"])

    # Turned on again, the manager sees them again.
    client.force_login(admin_user)
    client.post("/kpis/per-person/", {"site": "BRU", "enabled": "on"})
    assert "approvers" in charts_of(client, manager)
    assert AuditEntry.objects.filter(action="kpis.per_person_set").count() == 2
