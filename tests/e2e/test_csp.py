"""The content security policy is on, and our pages run under it in Chromium without a violation."""

import pytest
from django.test import Client

from apps.approvals.defaults import ensure_default_policies

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/exceptions/",
    "/approvals/",
    "/approvals/history/",
    "/health/integration/",
    "/wall/BRU/",
    "/api/v1/docs/",
]


def test_pages_run_under_the_csp_without_violations(page, web_server, admin_user):
    ensure_default_policies()
    client = Client()
    client.force_login(admin_user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": web_server.url}])
    violations: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    for url in PAGES:
        response = page.goto(web_server.url + url)
        assert response.status == 200 and "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert violations == []
    page.goto(web_server.url + "/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=10_000)  # Swagger UI ran (its script is a file, not inline)
