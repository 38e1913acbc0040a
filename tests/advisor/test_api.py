"""The advisor API and screens: list, accept, reject, runs; roles and site scoping on every endpoint."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from apps.advisor.models import AdvisorName, Outcome
from apps.advisor.services import recommendation_propose, run_record
from apps.audit.models import AuditEntry
from apps.cases.models import Case
from apps.core.panels import render_panels

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_list_shows_only_the_users_sites(propose, supervisor):
    mine = propose(confidence=0.7)
    propose(site="CHI", confidence=0.7)
    answer = api(supervisor).get("/api/v1/advisor/recommendations/?status=open")
    assert answer.status_code == 200
    assert [row["id"] for row in answer.json()["results"]] == [mine.pk]
    assert answer.json()["results"][0]["reasons"] == ["Carrier late on 4 of the last 5 Mondays"]


def test_accept_and_reject_through_the_api(propose, supervisor):
    first, second = propose(confidence=0.7), propose(confidence=0.7)
    accepted = api(supervisor).post(f"/api/v1/advisor/recommendations/{first.pk}/accept/", {"reason": "yes"})
    assert accepted.status_code == 200 and accepted.json()["status"] == Outcome.ACCEPTED
    missing = api(supervisor).post(f"/api/v1/advisor/recommendations/{second.pk}/reject/", {})
    assert missing.status_code == 400 and missing["Content-Type"].startswith("application/problem+json")
    rejected = api(supervisor).post(f"/api/v1/advisor/recommendations/{second.pk}/reject/", {"reason": "no truck"})
    assert rejected.status_code == 200 and rejected.json()["reason"] == "no truck"
    again = api(supervisor).post(f"/api/v1/advisor/recommendations/{second.pk}/reject/", {"reason": "again"})
    assert again.status_code == 409 and "already rejected" in again.json()["detail"]


def test_another_sites_recommendation_is_invisible(propose, supervisor):
    chicago = propose(site="CHI", confidence=0.7)
    answer = api(supervisor).post(f"/api/v1/advisor/recommendations/{chicago.pk}/accept/", {})
    assert answer.status_code == 404
    chicago.refresh_from_db()
    assert chicago.status == Outcome.RECOMMENDED


def test_roles(propose, display, stranger, manager, supervisor):
    propose(confidence=0.7)
    assert api().get("/api/v1/advisor/recommendations/").status_code in (401, 403)
    assert api(display).get("/api/v1/advisor/recommendations/").status_code == 403
    assert api(stranger).get("/api/v1/advisor/recommendations/").json()["results"] == []
    assert api(supervisor).get("/api/v1/advisor/runs/").status_code == 403
    runs = api(manager).get(f"/api/v1/advisor/runs/?advisor={AdvisorName.DELAY_RISK}")
    assert runs.status_code == 200 and runs.json()["count"] == 1
    assert runs.json()["results"][0]["inputs"]["partner_name"] == "<redacted>"


def test_one_click_accept_on_the_screen(propose, supervisor):
    recommendation = propose(confidence=0.7)
    browser = Client()
    browser.force_login(supervisor)
    answer = browser.post(f"/advisor/recommendations/{recommendation.pk}/accept/", {"next": "/exceptions/"})
    assert answer.status_code == 302 and answer["Location"] == "/exceptions/"
    recommendation.refresh_from_db()
    assert recommendation.status == Outcome.ACCEPTED
    assert AuditEntry.objects.filter(action="advisor.recommendation.accepted", actor_id=supervisor.pk).exists()


def test_advisor_page_for_managers_only(propose, manager, supervisor):
    propose(confidence=0.7)
    browser = Client()
    browser.force_login(supervisor)
    assert browser.get("/advisor/").status_code == 403
    browser.force_login(manager)
    page = browser.get("/advisor/?advisor=delay_risk")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Acceptance by advisor" in html and "Run log" in html and "picking:" in html


def test_settings_are_admin_only_and_audited(sites, admin_user, manager):
    browser = Client()
    browser.force_login(manager)
    assert browser.get("/settings/advisor/").status_code == 403
    browser.force_login(admin_user)
    assert browser.get("/settings/advisor/?site=BRU").status_code == 200
    answer = browser.post(
        "/settings/advisor/",
        {
            "site": "BRU",
            "advisor": "delay_risk",
            "enabled": "on",
            "mode": "auto_apply",
            "auto_apply_min_confidence": "0.85",
        },
    )
    assert answer.status_code == 302
    assert AuditEntry.objects.filter(action="advisor.setting.saved").count() == 1
    browser.post(
        "/settings/advisor/",
        {"site": "BRU", "advisor": "delay_risk", "mode": "auto_apply", "auto_apply_min_confidence": "7"},
    )
    # the service refuses a threshold outside 0–1: nothing saved, no second audit entry
    assert AuditEntry.objects.filter(action="advisor.setting.saved").count() == 1


def test_case_screen_shows_the_recommendation_panel(propose, supervisor, rf, sites):
    now = timezone.now()
    case = Case.objects.create(
        site=sites["BRU"], kind="picking_late", dedupe_key="k", title="Late", opened_at=now, last_seen_at=now
    )
    run = run_record(
        advisor=AdvisorName.PRIORITY,
        version="t",
        site=sites["BRU"],
        subject=case,
        inputs={},
        output={},
        reasons=["Deadline in 20 min"],
        confidence=0.8,
    )
    recommendation_propose(run=run, title="Risk 80/100", dedupe_key="priority:case:test", score=80)
    request = rf.get("/exceptions/")
    request.user = supervisor
    html = render_panels(request, case)
    assert "Risk 80/100" in html and "Deadline in 20 min" in html and "Accept" in html
    browser = Client()
    browser.force_login(supervisor)
    page = browser.get(f"/exceptions/{case.pk}/").content.decode()
    assert "Risk 80/100" in page


def test_approval_request_screen_and_wall_tile(propose, supervisor, sites, make_request_for_advisor):
    request_ = make_request_for_advisor
    run = run_record(
        advisor=AdvisorName.DELAY_RISK,
        version="t",
        site=sites["BRU"],
        subject=request_,
        inputs={},
        output={},
        reasons=["Carrier late on 6 of 8 transfers"],
        confidence=0.7,
    )
    recommendation_propose(run=run, title="Delivery likely late: 72% risk", dedupe_key="delay:req")
    browser = Client()
    browser.force_login(supervisor)
    page = browser.get(f"/approvals/{request_.pk}/").content.decode()
    assert "Delivery likely late: 72% risk" in page and "Carrier late on 6 of 8 transfers" in page


def test_the_wall_can_show_cases_in_the_advisors_order(sites):
    from apps.wall.tiles import render_tile

    now = timezone.now()
    calm = Case.objects.create(
        site=sites["BRU"],
        kind="picking_late",
        dedupe_key="a",
        title="Calm one",
        severity="critical",
        severity_rank=4,
        opened_at=now,
        last_seen_at=now,
    )
    risky = Case.objects.create(
        site=sites["BRU"],
        kind="picking_late",
        dedupe_key="b",
        title="Risky one",
        severity="low",
        severity_rank=1,
        opened_at=now,
        last_seen_at=now,
    )
    for case, score in ((calm, 10), (risky, 90)):
        run = run_record(
            advisor=AdvisorName.PRIORITY,
            version="t",
            site=sites["BRU"],
            subject=case,
            inputs={},
            output={},
            confidence=0.9,
        )
        recommendation_propose(run=run, title=f"Risk {score}", dedupe_key=f"priority:case:{case.pk}", score=score)
    on_fire = render_tile("on_fire", sites["BRU"])
    at_risk = render_tile("at_risk", sites["BRU"])
    assert on_fire.index("Calm one") < on_fire.index("Risky one")
    assert at_risk.index("Risky one") < at_risk.index("Calm one")
