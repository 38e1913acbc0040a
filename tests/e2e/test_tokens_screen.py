"""The API tokens screen in Chromium: a supervisor creates a token (shown once, copied with the
button), the token calls the API, the supervisor revokes it and the next call is refused."""

import os
import re

import pytest
import requests
from playwright.sync_api import expect

from apps.accounts.models import ApiToken
from tests.e2e.signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENS = os.environ.get("CT_SCREENS_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "var", "screenshots"))


def test_a_supervisor_creates_copies_uses_and_revokes_a_token(page, live_server, supervisor, sites):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in(page, live_server.url, supervisor)
    page.click("nav >> text=Settings")  # set-up pages live under Settings
    page.click("nav >> text=API tokens")
    expect(page.locator("text=No tokens yet.")).to_be_visible()

    page.fill("#id_name", "n8n approvals")
    page.check("input[name=scopes][value=decide]")  # read is ticked already
    page.check(f"input[name=sites][value='{sites['BRU'].pk}']")
    page.fill("#id_expires_in_days", "30")
    page.click("text=Create token")

    secret_box = page.locator("#new-token")
    raw = secret_box.input_value()
    assert re.fullmatch(r"ct_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}", raw), raw
    expect(page.locator("text=it is shown only once")).to_be_visible()
    page.click("button[data-copy-target=new-token]")
    expect(page.locator("text=✔ Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == raw
    os.makedirs(SCREENS, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENS, "tokens-created.png"), full_page=True)
    row = page.locator(f"tr[data-token-prefix='{raw[3:11]}']")
    assert "read, decide" in row.inner_text() and "BRU" in row.inner_text() and "active" in row.inner_text()

    api = f"{live_server.url}/api/v1/cases/"
    assert requests.get(api, headers={"Authorization": f"Bearer {raw}"}, timeout=10).status_code == 200
    page.reload()  # sends the form again: no second token, and the secret is not shown again
    expect(page.locator("text=That token was already created")).to_be_visible()
    assert page.locator("#new-token").count() == 0
    assert raw not in page.content()
    assert ApiToken.objects.count() == 1

    row.locator("button", has_text="Revoke").click()
    expect(page.locator("text=calls with it are refused now")).to_be_visible()
    assert "revoked" in page.locator(f"tr[data-token-prefix='{raw[3:11]}']").inner_text()
    refused = requests.get(api, headers={"Authorization": f"Bearer {raw}"}, timeout=10)
    assert refused.status_code == 401 and refused.json()["code"] == "not_authenticated"
    assert ApiToken.objects.get().revoked_at is not None
