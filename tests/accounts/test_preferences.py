"""A person turns their single-key shortcuts off and on (WCAG 2.1.4); the screens follow."""

import pytest

pytestmark = pytest.mark.django_db


def test_shortcuts_are_on_until_the_user_turns_them_off(client, approver):
    client.force_login(approver)
    assert 'data-shortcuts="on"' in client.get("/approvals/").content.decode()

    response = client.post("/accounts/preferences/shortcuts/", {"enabled": "0", "next": "/exceptions/?site=BRU"})
    assert response.status_code == 302 and response["Location"] == "/exceptions/?site=BRU"
    approver.refresh_from_db()
    assert approver.keyboard_shortcuts is False
    page = client.get("/approvals/").content.decode()
    assert 'data-shortcuts="off"' in page and "Single-key shortcuts: off" in page

    client.post("/accounts/preferences/shortcuts/", {"enabled": "1"})
    approver.refresh_from_db()
    assert approver.keyboard_shortcuts is True


def test_a_bad_value_or_a_foreign_next_is_refused(client, approver):
    client.force_login(approver)
    assert client.post("/accounts/preferences/shortcuts/", {"enabled": "maybe"}).status_code == 400
    response = client.post("/accounts/preferences/shortcuts/", {"enabled": "0", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.get("/accounts/preferences/shortcuts/").status_code == 405


def test_anonymous_cannot_set_a_preference(client):
    response = client.post("/accounts/preferences/shortcuts/", {"enabled": "0"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
