"""The integrations screen in Chromium: an admin subscribes a local receiver (the secret shown once), sends a test
event that arrives signed, sees a failing delivery become a dead letter and replays it. Screenshots at wall,
desk and laptop sizes."""

import os
import re

import pytest
from playwright.sync_api import expect

from apps.outbound.services import deliveries_sweep, delivery_send
from tests.e2e.signin import sign_in
from tests.integrations.helpers import verify
from tests.outbound.receiver import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENS = os.environ.get("CT_SCREENS_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "var", "screenshots"))
SIZES = {"1920": (1920, 1080), "1440": (1440, 900), "1280": (1280, 800)}


def shoot(page, name: str) -> None:
    os.makedirs(SCREENS, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENS, f"integrations-{name}.png"), full_page=True)


def send_waiting() -> None:
    """Stands in for the Celery worker: one attempt of every delivery that is due."""
    for delivery_id in deliveries_sweep():
        delivery_send(delivery_id=delivery_id)


def test_an_admin_subscribes_tests_and_replays_a_dead_letter(page, live_server, admin_user, sites, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]  # the local receiver
    settings.OUTBOUND_MAX_ATTEMPTS = 1
    with Receiver() as receiver:
        page.set_viewport_size({"width": 1440, "height": 900})
        sign_in(page, live_server.url, admin_user)
        page.click("nav >> text=Settings")  # set-up pages live under Settings
        page.click("nav >> text=Integrations")
        expect(page.locator("text=No webhook subscriptions yet.")).to_be_visible()

        page.fill("#id_url", "http://10.0.0.8:5678/webhook/x")
        page.fill("#id_name", "n8n case flow")
        page.check("input[name=event_types][value='case.opened']")
        page.click("text=Create subscription")
        assert "10.0.0.8 is a private or reserved address: refused." in page.inner_text("#new")
        shoot(page, "refused-url")

        page.fill("#id_url", receiver.url)
        page.check("input[name=event_types][value='approval.decided']")
        page.click("text=Create subscription")
        secret = page.locator("#new-secret").input_value()
        assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=", secret), secret
        for name, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            shoot(page, f"created-{name}")
        page.set_viewport_size({"width": 1440, "height": 900})

        page.click("text=Send test event")
        expect(page.locator("text=Test event queued for n8n case flow")).to_be_visible()
        send_waiting()
        page.reload()
        assert "✔ sent" in page.inner_text("#log")
        headers, body, _ = receiver.requests[0]
        assert verify(secret, headers, body) and b'"type":"webhook.test"' in body

        receiver.status = 500
        page.click("text=Send test event")
        send_waiting()
        page.goto(f"{live_server.url}/settings/integrations/")
        dead = page.inner_text("#dead")
        assert "✖ dead letter" in dead and "HTTP 500" in dead
        for name, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            shoot(page, f"dead-letter-{name}")
        page.set_viewport_size({"width": 1440, "height": 900})

        receiver.status = 200
        page.click("#dead >> text=Replay")
        expect(page.locator("text=sent again")).to_be_visible()
        send_waiting()
        page.reload()
        assert "None: every delivery went through" in page.inner_text("#dead")
        assert len(receiver.requests) == 3

        page.goto(f"{live_server.url}/health/integration/")
        assert "0 dead letters" in page.inner_text("#outbound-health")
        shoot(page, "health-1440")
