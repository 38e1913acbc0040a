"""The queue and case screens: scoped, filtered by URL, actions without a reload."""

import pytest
from django.utils import timezone

from apps.cases.detectors import detector
from apps.cases.models import Case
from apps.cases.services.detection import detect_subjects
from tests.cases import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sites(world):
    for code in ("BRU", "CHI"):
        picking = f.make_picking(world[code], "incoming", state="assigned", scheduled_date=f.at(hours=-3))
        detect_subjects(detector=detector("late_receipt"), subject_ids=[picking.odoo_id])
    return {code: Case.objects.get(site__code=code) for code in ("BRU", "CHI")}


def test_the_queue_shows_only_the_users_sites(client, supervisor, two_sites):
    client.force_login(supervisor)
    page = client.get("/exceptions/").content.decode()
    assert f'id="case-{two_sites["BRU"].pk}"' in page and f'id="case-{two_sites["CHI"].pk}"' not in page
    assert 'data-live-groups="site.BRU"' in page
    assert client.get(f"/exceptions/{two_sites['CHI'].pk}/").status_code == 404
    assert client.get(f"/exceptions/{two_sites['CHI'].pk}/panel/").status_code == 404


def test_filters_live_in_the_url(client, admin_user, two_sites):
    client.force_login(admin_user)
    page = client.get("/exceptions/?site=CHI&type=late_receipt").content.decode()
    assert f'id="case-{two_sites["CHI"].pk}"' in page and f'id="case-{two_sites["BRU"].pk}"' not in page
    assert 'data-live-groups="site.CHI"' in page
    rows = client.get("/exceptions/rows/?severity=critical").content.decode()
    assert "case-row" not in rows


def test_the_case_screen_shows_context_timeline_and_actions(client, supervisor, two_sites):
    client.force_login(supervisor)
    page = client.get(f"/exceptions/{two_sites['BRU'].pk}/").content.decode()
    assert "Timeline" in page and "Acknowledge" in page and "Post note in Odoo" in page and "Detected" in page


def test_acting_from_the_screen_with_keyboard_fetch(client, supervisor, two_sites):
    client.force_login(supervisor)
    case = two_sites["BRU"]
    response = client.post(f"/exceptions/{case.pk}/acknowledge/", HTTP_X_REQUESTED_WITH="cases.js")
    assert response.json() == {"ok": True}
    case.refresh_from_db()
    assert case.status == "acknowledged"
    refused = client.post(f"/exceptions/{case.pk}/resolve/", {"reason_code": "nope"}, HTTP_X_REQUESTED_WITH="cases.js")
    assert refused.status_code == 409 and "reason_code" in refused.json()["error"]


def test_bulk_acknowledge_from_the_queue(client, admin_user, two_sites):
    client.force_login(admin_user)
    ids = ",".join(str(case.pk) for case in two_sites.values())
    response = client.post(
        "/exceptions/bulk/", {"action": "acknowledge", "case_ids": ids}, HTTP_X_REQUESTED_WITH="cases.js"
    )
    assert sorted(response.json()["done"]) == sorted(case.pk for case in two_sites.values())
    assert set(Case.objects.values_list("status", flat=True)) == {"acknowledged"}


def test_a_display_cannot_open_the_queue(client, display):
    client.force_login(display)
    assert client.get("/exceptions/").status_code == 403


def test_an_approver_reads_but_gets_no_action_buttons(client, approver, two_sites):
    client.force_login(approver)
    page = client.get(f"/exceptions/{two_sites['BRU'].pk}/").content.decode()
    assert "Timeline" in page and "Acknowledge <kbd>" not in page
    assert client.post(f"/exceptions/{two_sites['BRU'].pk}/acknowledge/").status_code == 403


def test_a_case_with_no_rule_priority_shows_no_priority_row(client, supervisor, sites):
    """A bare "Priority 0" beside the advisor's risk score read as a contradiction; nothing to show, no row."""
    case = Case.objects.create(
        site=sites["BRU"], kind="outbound_near_cutoff", dedupe_key="t:no-priority", title="No rule priority",
        odoo_model="stock.picking", odoo_id=1, record_name="BRU/OUT/1", opened_at=timezone.now(),
        last_seen_at=timezone.now(),
    )  # fmt: skip
    client.force_login(supervisor)
    page = client.get(f"/exceptions/{case.pk}/").content.decode()
    assert "<dt>Priority</dt>" not in page
    Case.objects.filter(pk=case.pk).update(priority_score=40, priority_reasons=["Cutoff in 20 min"])
    page = client.get(f"/exceptions/{case.pk}/").content.decode()
    assert "<dt>Priority</dt>" in page and "Cutoff in 20 min" in page
