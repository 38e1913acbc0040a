"""Requests raised from the simulator's data by the change-set rules, and the decision reaching the
simulator through the outbox exactly once."""

from datetime import timedelta

import pytest

from apps.approvals.models import ApprovalRequest, RequestStatus, RequestType
from apps.approvals.policies import current_policy, route
from apps.approvals.selectors import inbox_for
from apps.approvals.services.decisions import DecisionRefused, request_approve
from apps.approvals.tasks import recheck_counts
from apps.core.schedules import default_schedules
from apps.mirror.models import Location, Move, Orderpoint, Picking, Quant
from apps.mirror.services.sync import sync_model, sync_pass
from apps.mirror.specs import SYNC_ORDER
from apps.odoo.datetimes import format_datetime
from apps.writeback.models import OutboxAttempt, OutboxEntry
from apps.writeback.services import outbox_execute
from tests.servers import purge_broker
from tests.writeback import factories
from tests.writeback.factories import BRU_STOCK

pytestmark = pytest.mark.django_db(transaction=True)
INVENTORY = {"context": {"inventory_mode": True}}


def sync_all():
    for model in SYNC_ORDER:
        assert sync_model(model).ok


def read(simulator, model, record_id, fields):
    return simulator.call(model, "read", [record_id], fields)[0]


@pytest.fixture
def synced(odoo, policies, people):
    sync_all()
    return people


def bru_delivery(**filters) -> Picking:
    return (
        Picking.objects.filter(picking_type_code="outgoing", name__startswith="BRU/", partner__isnull=False, **filters)
        .select_related("partner")
        .order_by("odoo_id")
        .first()
    )


def test_delivery_to_a_customer_over_the_credit_limit_needs_finance_and_is_released_once(simulator, synced):
    people = synced
    picking = bru_delivery(state="assigned")
    partner = picking.partner
    # what the scenario's credit_limit event does: the customer's receivable passes the limit, a new order comes in
    simulator.call("res.partner", "write", [partner.odoo_id], {"credit": partner.credit_limit * 1.3})
    warehouse = simulator.call("stock.warehouse", "search", [["code", "=", "BRU"]])[0]
    lines = [[0, 0, {"product_id": 1, "name": "line", "product_uom_qty": 2.0, "price_unit": 250.0}]]
    simulator.call(
        "sale.order", "create", {"partner_id": partner.odoo_id, "warehouse_id": warehouse, "order_line": lines}
    )
    sync_all()

    request = ApprovalRequest.objects.get(request_type=RequestType.SHIPMENT_RELEASE, odoo_id=picking.odoo_id)
    assert request.status == RequestStatus.PENDING and request.site.code == "BRU"
    assert request.raised_by_rule == "credit_limit" and request.facts["over_limit_pct"] >= 30
    assert request.context["customer"]["name"] == partner.name and request.context["stock"]
    assert request.pk in [r.pk for r in inbox_for(people["finance"])["rows"]]
    assert request.pk not in [r.pk for r in inbox_for(people["operations"])["rows"]]
    assert request.pk not in [r.pk for r in inbox_for(people["chi_finance"])["rows"]]

    request_approve(request=request, user=people["finance"])
    entry = OutboxEntry.objects.get(cause_type="approval_request", cause_id=str(request.pk))
    outbox_execute(entry_id=entry.pk)
    outbox_execute(entry_id=entry.pk)  # a second worker, a replayed task: nothing more happens
    with pytest.raises(DecisionRefused):
        request_approve(request=request, user=people["finance2"])

    entry.refresh_from_db()
    # release = reserved for the floor; Odoo had it reserved already, so the outbox finds it done there
    assert entry.status in (OutboxEntry.Status.DONE, OutboxEntry.Status.SKIPPED), entry.last_error
    assert OutboxAttempt.objects.filter(entry=entry).count() == 1
    assert OutboxEntry.objects.filter(cause_id=str(request.pk)).count() == 1
    assert read(simulator, "stock.picking", picking.odoo_id, ["state"])["state"] == "assigned"


def test_count_variance_above_threshold_needs_a_supervisor_and_small_ones_go_straight_through(simulator, synced):
    internal = Location.objects.filter(usage="internal", complete_name__startswith="BRU/Stock").values("odoo_id")
    big, small = Quant.objects.filter(location_id__in=internal, quantity__gt=40).order_by("odoo_id")[:2]
    simulator.call("stock.quant", "write", [big.odoo_id], {"inventory_quantity": big.quantity * 0.5}, **INVENTORY)
    simulator.call("stock.quant", "action_apply_inventory", [big.odoo_id], **INVENTORY)
    simulator.call("stock.quant", "write", [small.odoo_id], {"inventory_quantity": small.quantity - 1}, **INVENTORY)
    simulator.call("stock.quant", "action_apply_inventory", [small.odoo_id], **INVENTORY)
    sync_all()

    large = ApprovalRequest.objects.get(request_type=RequestType.INVENTORY_ADJUSTMENT, odoo_id=big.odoo_id)
    assert large.facts["variance_pct"] == 50.0 and large.active_role == "supervisor"
    assert large.context["already_applied"] is True and large.effect == {}
    minor = ApprovalRequest.objects.get(request_type=RequestType.INVENTORY_ADJUSTMENT, odoo_id=small.odoo_id)
    assert minor.status == RequestStatus.STRAIGHT_THROUGH and minor.facts["variance_pct"] < 5


def test_forward_stockout_with_nothing_incoming_asks_procurement_operations_and_finance(simulator, synced):
    incoming = set(
        Move.objects.filter(picking__picking_type_code="incoming")
        .exclude(state__in=["done", "cancel"])
        .values_list("product_id", flat=True)
    )
    orderpoint = Orderpoint.objects.exclude(product_id__in=incoming).order_by("odoo_id").first()
    assert orderpoint is not None, "seed 7 has an orderpoint without supply"
    quant = simulator.call(
        "stock.quant",
        "create",
        {"product_id": orderpoint.product_id, "location_id": orderpoint.location_id, "inventory_quantity": 0.0},
        **INVENTORY,
    )
    simulator.call("stock.quant", "action_apply_inventory", [quant], **INVENTORY)
    sync_all()

    request = ApprovalRequest.objects.get(request_type=RequestType.EMERGENCY_PURCHASE, odoo_id=orderpoint.odoo_id)
    assert request.control_model == "multi_role" and request.raised_by_rule == "forward_stockout"
    assert list(request.steps.values_list("role", flat=True)) == [
        "approver_procurement",
        "approver_operations",
        "approver_finance",
    ]
    assert request.facts["shortfall_qty"] == orderpoint.product_max_qty
    assert request.effect["operation"] == "post_message"


def test_late_carrier_raises_an_upgrade_routed_by_freight_delta_and_priority(simulator, synced):
    picking = bru_delivery(state__in=["assigned", "confirmed"], carrier_odoo_id__isnull=False)
    later = format_datetime(picking.scheduled_date + timedelta(hours=3))
    simulator.call(
        "stock.picking", "write", [picking.odoo_id], {"scheduled_date": later, "carrier_tracking_ref": "DELAY-12345"}
    )
    sync_all()

    request = ApprovalRequest.objects.get(request_type=RequestType.CARRIER_UPGRADE, odoo_id=picking.odoo_id)
    expected = route(current_policy(request_type=RequestType.CARRIER_UPGRADE, site=request.site), request.facts)
    assert request.route_name == expected.route_name and request.facts["freight_delta"] > 0
    assert (
        request.effect["operation"] == "set_carrier"
        and request.effect["arguments"]["carrier_id"] != picking.carrier_odoo_id
    )


def test_an_approved_count_applied_through_the_outbox_does_not_come_back_as_a_new_request(simulator, synced):
    """The inventory move Odoo makes when our outbox applies an approved count is our own effect."""
    people = synced
    internal = Location.objects.filter(usage="internal", complete_name__startswith="BRU/Stock").values("odoo_id")
    quant = Quant.objects.filter(location_id__in=internal, quantity__gt=40).order_by("-odoo_id").first()
    counted = round(quant.quantity * 2.3)
    simulator.call("stock.quant", "write", [quant.odoo_id], {"inventory_quantity": counted}, **INVENTORY)
    sync_all()
    request = ApprovalRequest.objects.get(
        request_type=RequestType.INVENTORY_ADJUSTMENT, odoo_id=quant.odoo_id, status=RequestStatus.PENDING
    )
    assert request.context["already_applied"] is False

    request_approve(request=request, user=people["supervisor"], reason="recounted twice")
    entry = OutboxEntry.objects.get(cause_type="approval_request", cause_id=str(request.pk))
    outbox_execute(entry_id=entry.pk)
    entry.refresh_from_db()
    assert entry.status == OutboxEntry.Status.DONE, entry.last_error
    sync_all()
    sync_all()

    assert read(simulator, "stock.quant", quant.odoo_id, ["quantity"])["quantity"] == counted
    assert Move.objects.filter(product_id=quant.product_id, state="done", name="Product Quantity Updated").exists()
    pending = ApprovalRequest.objects.filter(
        request_type=RequestType.INVENTORY_ADJUSTMENT, status=RequestStatus.PENDING
    )
    assert list(pending.values_list("title", flat=True)) == []
    assert ApprovalRequest.objects.filter(request_type=RequestType.INVENTORY_ADJUSTMENT).count() == 1


def test_a_count_the_first_sync_met_as_past_stays_past_when_our_outbox_counts_the_quant_again(
    simulator, odoo, policies, people
):
    """A count applied in Odoo just before Control Tower connected is Odoo's past: the first sync
    decides nothing about it. When the outbox applies an approved count on the same quant a minute
    later, the quant's change must not bring that older count back as 'applied in Odoo' (the fault
    suite met it as an approved request with no write-back)."""
    product = factories.new_product(simulator, on_hand=10)
    quant_id = simulator.call("stock.quant", "search", [["product_id", "=", product], ["location_id", "=", BRU_STOCK]])[
        0
    ]
    assert sync_pass().ok  # the first sync, as the worker runs it
    assert not ApprovalRequest.objects.filter(odoo_id=quant_id)

    simulator.call("stock.quant", "write", [quant_id], {"inventory_quantity": 4}, **INVENTORY)
    sync_all()
    request = ApprovalRequest.objects.get(odoo_id=quant_id, request_type=RequestType.INVENTORY_ADJUSTMENT)
    request_approve(request=request, user=people["supervisor"], reason="recounted")
    outbox_execute(entry_id=OutboxEntry.objects.get(cause_type="approval_request", cause_id=str(request.pk)).pk)
    sync_all()

    assert read(simulator, "stock.quant", quant_id, ["quantity"])["quantity"] == 4
    raised = ApprovalRequest.objects.filter(odoo_id=quant_id).values_list("dedupe_key", flat=True)
    assert list(raised) == [request.dedupe_key]


def test_a_count_whose_change_set_was_lost_raises_its_request_at_the_recheck(simulator, synced, settings):
    """Redis restarted with the change set still queued (or the database was away when it ran): the
    sync will not bring the quant again until it changes, so the periodic recheck raises it, once."""
    internal = Location.objects.filter(usage="internal", complete_name__startswith="BRU/Stock").values("odoo_id")
    quant = Quant.objects.filter(location_id__in=internal, quantity__gt=40).order_by("-odoo_id").first()
    simulator.call("stock.quant", "write", [quant.odoo_id], {"inventory_quantity": quant.quantity * 3}, **INVENTORY)
    settings.MIRROR_CHANGES_INLINE = False  # the change set goes to the broker as a task...
    sync_model("stock.quant")
    purge_broker()  # ...and Redis loses it before a worker takes it
    assert not ApprovalRequest.objects.filter(odoo_id=quant.odoo_id, request_type=RequestType.INVENTORY_ADJUSTMENT)
    assert "approvals.recheck_counts" in {spec["task"] for spec in default_schedules()}

    assert recheck_counts() >= 1
    recheck_counts()  # a second run (or a second beat) raises nothing more

    raised = ApprovalRequest.objects.filter(odoo_id=quant.odoo_id, request_type=RequestType.INVENTORY_ADJUSTMENT)
    assert raised.count() == 1 and raised.get().status == RequestStatus.PENDING
