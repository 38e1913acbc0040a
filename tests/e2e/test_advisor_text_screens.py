"""Message triage and the shift summary in Chromium: a supervisor pastes a carrier's message, sees the
proposed update and confirms it (queued in the outbox); the shift summary reads at desk and phone sizes."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.advisor.summary.services import shift_summary_write
from apps.cases.models import SEVERITY_RANK, Case
from apps.escalation.models import Contact, OnCallSlot
from apps.mirror.models import PurchaseOrder
from apps.sites.selectors import site_shift_at
from apps.writeback.models import OutboxEntry
from tests.cases.factories import _base, make_move, make_picking, make_product, make_site_world
from tests.e2e.signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENS = os.environ.get("CT_SCREENS_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "var", "screenshots"))
SIZES = {"desk": (1366, 768), "phone": (390, 844)}
MESSAGE = (
    "Hello,\nunfortunately the delivery for P00012 will be delayed: our truck broke down near Lille. "
    "New ETA 10 Dec 2026. Sorry for the trouble.\nKind regards,\nAnna Winter, Gemini Furniture"
)


def shoot(page, name: str) -> None:
    os.makedirs(SCREENS, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENS, f"advisor-{name}.png"), full_page=True)


@pytest.fixture
def bru_world(sites):
    bru = make_site_world("BRU")
    order = PurchaseOrder.objects.create(name="P00012", state="purchase", **_base())
    receipt = make_picking(
        bru, "incoming", name="BRU/IN/00012", purchase_order_id=order.odoo_id, origin="P00012",
        scheduled_date=timezone.now().replace(hour=13, minute=30, second=0, microsecond=0) + timedelta(days=1),
    )  # fmt: skip
    make_move(receipt, make_product(name="Office Chair", default_code="FURN_7777"), product_uom_qty=50)
    return receipt


@pytest.mark.parametrize("size", SIZES)
def test_a_supervisor_triages_a_message_and_confirms_the_update(page, live_server, supervisor, bru_world, size):
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    sign_in(page, live_server.url, supervisor)
    page.goto(f"{live_server.url}/advisor/triage/BRU/")
    page.fill("#message", MESSAGE)
    page.click("text=Read the message")
    page.wait_for_selector(".adv__proposal")
    assert "Move BRU/IN/00012 from" in page.inner_text(".adv__proposal-title")
    assert "P00012" in page.inner_text(".adv__facts")
    shoot(page, f"triage-proposal-{size}")
    page.click("text=Confirm and send to Odoo")
    page.wait_for_selector(".flash")
    assert "queued for Odoo" in page.inner_text(".flash")
    assert OutboxEntry.objects.filter(operation="set_scheduled_date", odoo_id=bru_world.odoo_id).exists()


@pytest.mark.parametrize("size", SIZES)
def test_the_shift_summary_reads_at_desk_and_phone_sizes(page, live_server, supervisor, sites, size):
    bru = sites["BRU"]
    now = timezone.now()
    shift = site_shift_at(bru, now)
    for number, (kind, severity) in enumerate(
        [
            ("late_receipt", "high"),
            ("late_receipt", "high"),
            ("picking_late", "medium"),
            ("unreserved_near_cutoff", "critical"),
        ]
    ):
        Case.objects.create(
            site=bru, kind=kind, dedupe_key=f"shot:{number}", title=f"{kind} {number}", severity=severity,
            severity_rank=SEVERITY_RANK[severity], opened_at=shift.starts - timedelta(hours=2), last_seen_at=now,
        )  # fmt: skip
    ann = Contact.objects.create(site=bru, role=Role.SUPERVISOR, name="Ann Early", email="ann@example.com")
    OnCallSlot.objects.create(
        site=bru, role=Role.SUPERVISOR, weekday=shift.starts.weekday(), shift_name=shift.name, contact=ann
    )
    shift_summary_write(site=bru, now=now)
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    sign_in(page, live_server.url, supervisor)
    page.goto(f"{live_server.url}/advisor/summary/BRU/")
    text = page.inner_text(".adv__summary--latest")
    assert "Exceptions: 4 open" in text and "mailed to 1 on-call contact" in text
    shoot(page, f"summary-{size}")
