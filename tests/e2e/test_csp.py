"""The content security policy is on, and our pages run under it in Chromium without a violation."""

import pytest

from apps.approvals.defaults import ensure_default_policies
from tests.e2e.signin import add_session

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
    add_session(page.context, web_server.url, admin_user)
    violations: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    for url in PAGES:
        response = page.goto(web_server.url + url)
        assert response.status == 200 and "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert violations == []
    page.goto(web_server.url + "/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=10_000)  # Swagger UI ran (its script is a file, not inline)
