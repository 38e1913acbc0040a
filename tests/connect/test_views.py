"""The /settings/odoo/ screen: admins only; a test shows each check; typed secrets are not kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_only_admins_open_the_connection_screen(client, supervisor, manager, admin_user):
    url = reverse("connect:odoo")
    assert client.get(url).status_code == 302  # to the login page
    for user in (supervisor, manager):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
        assert client.post(reverse("connect:webhooks"), {}).status_code == 403
    client.force_login(admin_user)
    page = client.get(url)
    assert page.status_code == 200
    assert b"Test the connection" in page.content and b"Map Odoo" in page.content


def test_a_failed_test_says_what_to_do_and_forgets_the_secret(client, admin_user, simulator):
    client.force_login(admin_user)
    response = client.post(
        reverse("connect:odoo"),
        {
            "url": simulator.url,
            "database": simulator.database,
            "login": "admin",
            "secret_kind": "password",
            "secret": "not-the-password-123",
        },
    )
    html = response.content.decode()
    assert "✖ Not ready yet" in html
    assert "Odoo refused the login &#x27;admin&#x27; with this password." in html
    assert "What to do:" in html
    assert "not-the-password-123" not in html


def test_a_passing_test_prints_the_lines_to_set(client, admin_user, simulator):
    client.force_login(admin_user)
    response = client.post(
        reverse("connect:odoo"),
        {
            "url": simulator.url,
            "database": simulator.database,
            "login": "admin",
            "secret_kind": "api_key",
            "secret": "demo-api-key",
        },
    )
    html = response.content.decode()
    assert "✔ This Odoo is ready for Control Tower." in html
    assert f"ODOO_URL={simulator.url}" in html and "ODOO_API_KEY=&lt;the API key you typed&gt;" in html
    assert "demo-api-key" not in html
