"""The approval inbox in a real browser: a credit hold raised from the simulator's data appears live in
the finance approver's inbox (not in the others'), is approved with the keyboard, and reaches Odoo."""

import threading

import pytest

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import ApprovalRequest, RequestStatus, RequestType
from apps.mirror.models import Picking
from apps.mirror.services.sync import sync_model
from apps.mirror.specs import SYNC_ORDER
from apps.writeback.models import OutboxEntry
from apps.writeback.services import outbox_execute
from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot
from tests.e2e.signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_a_thread(function, *args, **kwargs) -> None:
    """Playwright's sync API owns an event loop in this thread; live publishing runs in another."""
    errors = []

    def run():
        try:
            function(*args, **kwargs)
        except Exception as exc:  # re-raised below, in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def sync_all() -> None:
    for model in SYNC_ORDER:
        assert sync_model(model).ok


def credit_limit_event(simulator, picking: Picking) -> None:
    """What the scenario's credit_limit exception does: receivable over the limit, then a new order."""
    partner = picking.partner
    simulator.call("res.partner", "write", [partner.odoo_id], {"credit": round(partner.credit_limit * 1.25, 2)})
    warehouse = simulator.call("stock.warehouse", "search", [["code", "=", "BRU"]])[0]
    line = {"product_id": 1, "name": "line", "product_uom_qty": 10.0, "price_unit": 250.0}
    simulator.call(
        "sale.order", "create", {"partner_id": partner.odoo_id, "warehouse_id": warehouse, "order_line": [[0, 0, line]]}
    )


def test_credit_hold_reaches_the_right_inbox_live_and_is_approved_with_the_keyboard(
    browser, page, web_server, simulator, odoo, sites, approver
):
    ensure_default_policies()
    operations = user_upsert(
        username="oli.ops", password=PASSWORD, roles=[Role.APPROVER_OPERATIONS], sites=[sites["BRU"]]
    )
    in_a_thread(sync_all)
    picking = (
        Picking.objects.filter(picking_type_code="outgoing", name__startswith="BRU/", state="assigned")
        .exclude(partner=None)
        .select_related("partner")
        .order_by("-odoo_id")
        .first()
    )

    sign_in(page, web_server.url, approver)
    page.goto(f"{web_server.url}/approvals/")
    page.wait_for_function("() => window.ControlTowerLive && 'site.BRU' in window.ControlTowerLive.seqs")
    assert "Nothing waits on you" in page.inner_text("#approvals-inbox-list")

    credit_limit_event(simulator, picking)
    in_a_thread(sync_all)  # the rules raise the request; the inbox hears it over the websocket
    request = ApprovalRequest.objects.get(request_type=RequestType.SHIPMENT_RELEASE, odoo_id=picking.odoo_id)
    row = f"#approval-{request.pk}"
    page.wait_for_selector(row, timeout=15000)
    assert picking.name in page.inner_text(row) and "left" in page.inner_text(row)

    page.keyboard.press("j")
    page.wait_for_selector(f"#approval-panel-{request.pk}")
    panel = page.inner_text("#approvals-detail")
    assert picking.partner.name in panel and "over_limit_pct ≥ 10" in panel and "Credit position" in panel
    screenshot(page, "approvals-inbox-desktop")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone_page = phone.new_page()
    sign_in(phone_page, web_server.url, approver)
    phone_page.goto(f"{web_server.url}/approvals/")
    phone_page.click(f"{row} .ap-row__link")
    phone_page.wait_for_selector(f"#approval-panel-{request.pk}")
    assert phone_page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone_page, "approvals-inbox-phone")
    phone.close()

    others = browser.new_context()
    other_page = others.new_page()
    sign_in(other_page, web_server.url, operations)
    other_page.goto(f"{web_server.url}/approvals/")
    assert other_page.query_selector(row) is None
    others.close()

    with page.expect_response(lambda response: response.url.endswith(f"/approvals/{request.pk}/decide/")) as answer:
        page.keyboard.press("a")
    assert answer.value.status == 200, answer.value.text()
    page.wait_for_selector(row, state="detached")
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED

    entry = OutboxEntry.objects.get(pk=request.outbox_entry_id)
    in_a_thread(outbox_execute, entry_id=entry.pk)  # what the write-back worker does
    entry.refresh_from_db()
    assert entry.status in (OutboxEntry.Status.DONE, OutboxEntry.Status.SKIPPED), entry.last_error
    assert simulator.call("stock.picking", "read", [picking.odoo_id], ["state"])[0]["state"] == "assigned"
    page.goto(f"{web_server.url}/approvals/{request.pk}/")
    assert "Odoo:" in page.inner_text(".ap-writeback")
    screenshot(page, "approvals-request-page")


def test_approving_a_count_in_the_inbox_leaves_no_pending_request_behind(page, web_server, simulator, odoo, supervisor):
    """The count is applied in Odoo by the outbox; the inventory move that makes is ours, not a new count."""
    from apps.mirror.models import Location, Quant

    ensure_default_policies()
    in_a_thread(sync_all)
    internal = Location.objects.filter(usage="internal", complete_name__startswith="BRU/Stock").values("odoo_id")
    quant = Quant.objects.filter(location_id__in=internal, quantity__gt=40).order_by("odoo_id").first()
    counted = round(quant.quantity * 2.5)
    inventory = {"context": {"inventory_mode": True}}
    simulator.call("stock.quant", "write", [quant.odoo_id], {"inventory_quantity": counted}, **inventory)
    in_a_thread(sync_all)
    request = ApprovalRequest.objects.get(
        request_type=RequestType.INVENTORY_ADJUSTMENT, odoo_id=quant.odoo_id, status=RequestStatus.PENDING
    )

    sign_in(page, web_server.url, supervisor)
    page.goto(f"{web_server.url}/approvals/")
    row = f"#approval-{request.pk}"
    page.wait_for_selector(row)
    page.click(f"{row} .ap-row__link")
    page.wait_for_selector(f"#approval-panel-{request.pk}")
    page.keyboard.press("a")  # the step needs a reason: the cursor goes to the reason box
    page.keyboard.type("recounted twice, the delivery was booked on the wrong bin")
    with page.expect_response(lambda response: response.url.endswith(f"/approvals/{request.pk}/decide/")) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200, answer.value.text()
    page.wait_for_selector(row, state="detached")

    entry = OutboxEntry.objects.get(pk=ApprovalRequest.objects.get(pk=request.pk).outbox_entry_id)
    in_a_thread(outbox_execute, entry_id=entry.pk)  # the write-back worker applies the count in Odoo
    entry.refresh_from_db()
    assert entry.status == OutboxEntry.Status.DONE, entry.last_error
    in_a_thread(sync_all)  # the inventory move Odoo made reaches the mirror and the rules

    page.goto(f"{web_server.url}/approvals/")
    assert "Nothing waits on you" in page.inner_text("#approvals-inbox-list")
    assert not ApprovalRequest.objects.filter(status=RequestStatus.PENDING, odoo_id=quant.odoo_id).exists()
    assert simulator.call("stock.quant", "read", [quant.odoo_id], ["quantity"])[0]["quantity"] == counted
