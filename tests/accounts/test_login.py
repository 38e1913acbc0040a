"""Signing in and out, and the lockout that stops password guessing."""

from django.conf import settings
from django.urls import reverse

from tests.conftest import PASSWORD


def test_login_page_is_public_and_everything_else_needs_login(client, db):
    assert client.get(reverse("accounts:login")).status_code == 200
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_user_signs_in_and_lands_on_overview(client, supervisor):
    response = client.post(reverse("accounts:login"), {"username": supervisor.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert b"Brussels DC" in page.content


def test_wrong_password_shows_a_clear_message(client, supervisor):
    response = client.post(reverse("accounts:login"), {"username": supervisor.username, "password": "nope"})
    assert response.status_code == 200
    assert b"Wrong username or password" in response.content


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, supervisor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": supervisor.username, "password": "guess"})
    response = client.post(reverse("accounts:login"), {"username": supervisor.username, "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert client.get("/").status_code == 302  # still not signed in


def test_lockout_is_per_user_so_a_colleague_on_the_same_terminal_can_sign_in(client, supervisor, manager):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": supervisor.username, "password": "guess"})
    response = client.post(reverse("accounts:login"), {"username": manager.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").context["user"] == manager


def test_logout_needs_post_and_ends_the_session(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("accounts:logout")).status_code == 405  # a link or prefetch cannot sign anyone out
    assert client.get("/").status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert client.get("/")["Location"].startswith(reverse("accounts:login"))
