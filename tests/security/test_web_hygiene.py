"""Issue 16 finding 6: no state-changing GET, no open redirect, no formula in exports, a CSP our pages live with."""

import csv
import io
import re

import pytest

from apps.approvals.models import RequestType
from apps.approvals.services.decisions import request_reject

pytestmark = pytest.mark.django_db


def test_opening_an_approval_panel_changes_nothing_until_the_page_posts_acknowledge(client, make_request, people):
    request = make_request(RequestType.SHIPMENT_RELEASE)
    client.force_login(people["finance"])
    assert client.get(f"/approvals/{request.pk}/panel/").status_code == 200
    assert client.get(f"/approvals/{request.pk}/").status_code == 200
    request.refresh_from_db()
    assert request.acknowledged_at is None
    assert client.get(f"/approvals/{request.pk}/acknowledge/").status_code == 405
    assert client.post(f"/approvals/{request.pk}/acknowledge/").json() == {"acknowledged": True}
    request.refresh_from_db()
    assert request.acknowledged_at is not None


@pytest.mark.parametrize(
    "target", ["https://evil.example.com/", "//evil.example.com/x", "http:evil.example.com", "javascript:alert(1)"]
)
def test_next_after_a_post_never_leaves_this_site(client, make_request, people, supervisor, target):
    request = make_request(RequestType.SHIPMENT_RELEASE)
    client.force_login(people["finance"])
    response = client.post(f"/approvals/{request.pk}/decide/", {"action": "approve", "next": target})
    assert response.status_code == 302 and response["Location"] == f"/approvals/{request.pk}/"
    client.force_login(supervisor)
    response = client.post("/exceptions/bulk/", {"action": "acknowledge", "cases": "", "next": target})
    assert response["Location"] == "/exceptions/"
    response = client.post("/exceptions/987/acknowledge/", {"next": target})
    assert "evil" not in response.get("Location", "") and "javascript" not in response.get("Location", "")


def test_a_same_site_next_is_still_followed(client, make_request, people):
    request = make_request(RequestType.SHIPMENT_RELEASE)
    client.force_login(people["finance"])
    response = client.post(f"/approvals/{request.pk}/decide/", {"action": "approve", "next": "/approvals/?site=BRU"})
    assert response["Location"] == "/approvals/?site=BRU"


def test_the_audit_export_neutralises_formulas(client, make_request, people):
    request = make_request(RequestType.SHIPMENT_RELEASE)
    request_reject(request=request, user=people["finance"], reason='=HYPERLINK("http://evil.example.com","x")')
    client.force_login(people["manager"])
    rows = list(csv.DictReader(io.StringIO(client.get("/approvals/audit.csv").content.decode())))
    reasons = [row["reason"] for row in rows if row["reason"]]
    assert reasons and all(not reason.startswith(("=", "+", "-", "@")) for reason in reasons)
    assert "'=HYPERLINK" in reasons[0]


# Data blocks (json_script, type="application/json") are not run, so CSP has nothing to allow for them.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize(
    "url",
    ["/", "/exceptions/", "/approvals/", "/approvals/history/", "/approvals/policies/", "/wall/BRU/",
     "/health/integration/", "/api/v1/docs/", "/approvals/new/inventory_adjustment/"],
)  # fmt: skip
def test_pages_need_no_inline_script_and_carry_the_security_headers(client, admin_user, policies, url):
    client.force_login(admin_user)
    response = client.get(url, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert not INLINE_SCRIPT.findall(page), INLINE_SCRIPT.findall(page)
    assert not INLINE_HANDLER.findall(page)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "same-origin" and "camera=()" in response["Permissions-Policy"]


def test_the_login_page_carries_the_csp_too(client):
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
