"""Signing in through the login form, as a person does: one way for every browser test."""

from django.test import Client

from tests.conftest import PASSWORD


def sign_in(page, base_url: str, user) -> None:
    """Fill in the login form at base_url and wait for the home page the login leads to."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def add_session(context, base_url: str, user) -> None:
    """Sign the browser context in without the form (for tests about other screens): the session
    cookie of a login made through Django's test client."""
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])
