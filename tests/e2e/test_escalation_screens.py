"""Escalation settings in Chromium: an admin edits a contact, and the next escalation goes to the new address —
by real SMTP to a local sink, and by HTTP to a local chat webhook receiver. Screenshots at wall, desk and tablet
sizes, and of the case timeline with the escalation on it."""

import os
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from apps.accounts.roles import Role
from apps.escalation.engine import escalations_sweep
from apps.escalation.models import Contact, EscalationLevel, EscalationPolicy, OnCallOverride, OnCallSlot
from tests.e2e.signin import sign_in
from tests.escalation.conftest import WebhookReceiver, make_case
from tests.servers import free_port

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENS = os.environ.get("CT_SCREENS_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "var", "screenshots"))
SIZES = {"wall": (1920, 1080), "desk": (1440, 900), "tablet": (1024, 768)}


class Sink:
    """Collects what an SMTP client hands over: (recipients, message text)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls this hook by name
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_sink(settings):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield sink
    controller.stop()


def shoot(page, name: str) -> None:
    os.makedirs(SCREENS, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENS, f"escalation-{name}.png"), full_page=False)


def test_an_admin_edits_a_contact_and_the_next_escalation_goes_to_the_new_address(
    page, live_server, admin_user, sites, smtp_sink, settings
):
    settings.PUBLIC_BASE_URL = live_server.url
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]  # the local chat receiver (the guard refuses loopback)
    bru = sites["BRU"]
    now = timezone.now()
    ann = Contact.objects.create(
        site=bru, role=Role.SUPERVISOR, name="Ann Early", email="ann@example.com", phone="+32 2 555 01 01"
    )
    ben = Contact.objects.create(site=bru, role=Role.SUPERVISOR, name="Ben Late", email="ben@example.com")
    lea = Contact.objects.create(site=bru, role=Role.MANAGER, name="Lea Lead", email="lea@example.com")
    for weekday in range(5):
        OnCallSlot.objects.create(
            site=bru, role=Role.SUPERVISOR, weekday=weekday, shift_name="Early shift", contact=ann
        )
        OnCallSlot.objects.create(site=bru, role=Role.SUPERVISOR, weekday=weekday, shift_name="Late shift", contact=ben)
        OnCallSlot.objects.create(site=bru, role=Role.MANAGER, weekday=weekday, shift_name="Early shift", contact=lea)
    # Whatever the real clock says, Ann covers now ("I cover this afternoon").
    OnCallOverride.objects.create(
        site=bru,
        role=Role.SUPERVISOR,
        contact=ann,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
    )
    policy = EscalationPolicy.objects.create(site=bru)
    EscalationLevel.objects.create(policy=policy, number=1, delay_min=10, target_role=Role.SUPERVISOR)
    EscalationLevel.objects.create(policy=policy, number=2, delay_min=30, target_contact=lea)

    with WebhookReceiver() as chat:
        page.set_viewport_size({"width": 1440, "height": 900})
        sign_in(page, live_server.url, admin_user)
        page.goto(f"{live_server.url}/settings/escalation/?site=BRU")
        assert "Ann Early" in page.inner_text("#on-call")
        for name, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            shoot(page, f"settings-{name}")
        page.set_viewport_size({"width": 1440, "height": 900})

        page.click("#contacts >> text=Ann Early")
        page.fill("#id_email", "ann.bru-desk")
        page.click("text=Save")
        assert "Enter a valid email address." in page.inner_text("form.esc__form")
        shoot(page, "contact-invalid")
        page.fill("#id_email", "ann.desk@example.com")
        page.fill("#id_chat_webhook_url", chat.url)
        page.click("text=Save")
        page.wait_for_selector(".flash")
        assert "Saved Ann Early." in page.inner_text(".flash")
        history = page.inner_text("#history")
        assert "ann@example.com → ann.desk@example.com" in history and admin_user.username in history
        page.locator("#history").scroll_into_view_if_needed()
        shoot(page, "history")

        case = make_case(bru, opened_at=now - timedelta(minutes=12), title="Receipt BRU/IN/00042 is 2 h late")
        escalations_sweep(now=now)

        assert [rcpt for rcpt, _ in smtp_sink.messages] == [["ann.desk@example.com"]]
        assert "Receipt BRU/IN/00042 is 2 h late" in smtp_sink.messages[0][1]
        assert f"/exceptions/{case.pk}/" in smtp_sink.messages[0][1]
        assert len(chat.received) == 1 and "Receipt BRU/IN/00042" in chat.received[0]["text"]

    page.goto(f"{live_server.url}/exceptions/{case.pk}/")
    timeline = page.inner_text("main")
    assert "Level 1: notified Ann Early by email and chat webhook — on call (override)" in timeline
    shoot(page, "case-timeline")

    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/wall/BRU/")
    strip = page.inner_text("#strip-on_call-BRU")
    assert "Ann Early" in strip and "Manager" in strip  # the manager on call depends on the real hour
    shoot(page, "wall-strip")


SHOT_SIZES = {"1920": (1920, 1080), "1280": (1280, 800)}


def test_an_admin_sets_a_rotation_and_a_holiday_sees_the_warnings_and_a_repeat_on_the_timeline(
    page, live_server, admin_user, sites, settings
):
    """Rotations and holidays typed on the settings screen, a refused turn for someone who cannot be reached, the
    calendar's warnings; then a case whose escalation repeats, on its timeline. Shot at 1920x1080 and 1280x800."""
    settings.PUBLIC_BASE_URL = live_server.url
    bru = sites["BRU"]
    now = timezone.now()
    Contact.objects.create(site=bru, role=Role.SUPERVISOR, name="Ann Early", email="ann@example.com")
    ben = Contact.objects.create(site=bru, role=Role.SUPERVISOR, name="Ben Late", email="ben@example.com")
    Contact.objects.create(site=bru, role=Role.SUPERVISOR, name="Max Mute")  # no email, no chat
    OnCallSlot.objects.create(site=bru, role=Role.SUPERVISOR, weekday=0, shift_name="Early shift", contact=ben)
    policy = EscalationPolicy.objects.create(site=bru)
    EscalationLevel.objects.create(policy=policy, number=1, delay_min=5, target_role=Role.SUPERVISOR)

    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server.url, admin_user)
    page.goto(f"{live_server.url}/settings/escalation/?site=BRU")
    assert "Gap: nobody on call for 20 shift(s) a week" in page.inner_text("#calendar")

    form = page.locator("#rotations form.esc__slot").first
    form.locator("input[name=name]").fill("Supervisors")
    form.locator("input[name=starts_on]").fill((now - timedelta(days=30)).astimezone(bru.tzinfo).strftime("%Y-%m-%d"))
    form.locator("select[name=person]").nth(0).select_option(label="Ann Early")
    form.locator("select[name=person]").nth(1).select_option(label="Max Mute")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".flash")
    assert "Cannot be reached, so cannot take a turn: Max Mute" in page.inner_text(".flash")

    form = page.locator("#rotations form.esc__slot").first
    form.locator("input[name=name]").fill("Supervisors")
    form.locator("input[name=starts_on]").fill((now - timedelta(days=30)).astimezone(bru.tzinfo).strftime("%Y-%m-%d"))
    form.locator("select[name=person]").nth(0).select_option(label="Ann Early")
    form.locator("select[name=person]").nth(1).select_option(label="Ben Late")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".flash")
    assert "Rotation saved." in page.inner_text(".flash")
    assert "Ann Early → Ben Late" in page.inner_text("#rotations")
    holiday = (now + timedelta(days=40)).astimezone(bru.tzinfo).strftime("%Y-%m-%d")
    page.fill("#rotations input[name=date]", holiday)
    page.fill("#rotations input[placeholder='Christmas Day']", "Founders' Day")
    page.click("text=Add holiday")
    page.wait_for_selector(".flash")
    calendar = page.inner_text("#calendar")
    assert "Gap" not in calendar and "Overlap: 1 weekly slot(s) and the rotation 'Supervisors'" in calendar
    assert "Holiday Founders' Day" in calendar
    assert "rotation changed" in page.inner_text("#history").lower()

    page.locator("#policies input[name=repeat_every_min]").fill("15")
    page.locator("#policies input[name=repeat_limit]").fill("2")
    page.locator("#policies button[type=submit]").click()
    page.wait_for_selector(".flash")
    assert "Rules of" in page.inner_text(".flash")

    for size, (width, height) in SHOT_SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/settings/escalation/?site=BRU")
        shoot(page, f"settings-top-{size}")
        page.locator("#calendar").scroll_into_view_if_needed()
        shoot(page, f"calendar-{size}")
        page.locator("#rotations").scroll_into_view_if_needed()
        shoot(page, f"rotations-{size}")
        page.locator("#policies").scroll_into_view_if_needed()
        shoot(page, f"policies-{size}")

    case = make_case(bru, opened_at=now - timedelta(minutes=21), title="Receipt BRU/IN/00077 is 3 h late")
    escalations_sweep(now=now - timedelta(minutes=16))
    escalations_sweep(now=now)
    for size, (width, height) in SHOT_SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/exceptions/{case.pk}/")
        timeline = page.inner_text("main")
        assert "Level 1: notified" in timeline and "Level 1 again (repeat 1 of 2)" in timeline
        page.locator("ol.timeline").scroll_into_view_if_needed()  # below the actions on a small screen
        shoot(page, f"case-timeline-{size}")
