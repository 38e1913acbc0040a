"""Against the Odoo simulator: the demo scenario's exceptions surface as cases through the real
sync (change sets), and clear when Odoo resolves them."""

from collections import Counter

import pytest

from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import ApprovalRequest, RequestStatus, RequestType
from apps.approvals.services.decisions import request_approve
from apps.cases.models import Case
from apps.cases.services.detection import detectors_sweep
from apps.mirror.models import Location, Quant
from apps.mirror.services.sync import sync_model
from apps.mirror.specs import SYNC_ORDER
from apps.odoo.datetimes import format_datetime
from apps.writeback.models import OutboxEntry
from apps.writeback.services import outbox_execute
from tests.cases import factories as f

pytestmark = pytest.mark.django_db(transaction=True)
INVENTORY = {"context": {"inventory_mode": True}}


def sync_everything() -> None:
    for odoo_model in SYNC_ORDER:
        assert sync_model(odoo_model).ok


@pytest.mark.slow  # a real worker, process or long scenario: CI runs it once, on PostgreSQL
def test_the_scenario_fills_the_queue_and_a_fixed_receipt_clears(odoo, simulator, sites):
    sync_everything()
    first = Counter(Case.objects.filter(is_open=True).values_list("kind", flat=True))
    assert {"late_receipt", "picking_late", "forward_shortage"} <= set(first)

    simulator.advance(3600)  # an hour of warehouse: deliveries shipped, replenishments, new exceptions
    sync_everything()
    detectors_sweep()
    later = Counter(Case.objects.filter(is_open=True).values_list("kind", flat=True))
    assert len({"carrier_exception", "inventory_variance", "outbound_near_cutoff"} & set(later)) >= 2, later
    assert Case.objects.filter(status="auto_resolved").exists()  # shipped or replenished in Odoo
    assert set(Case.objects.values_list("site__code", flat=True)) <= {"BRU", "CHI"}  # no SIN site row

    late = Case.objects.filter(kind="late_receipt", is_open=True).first()
    odoo.write("stock.picking", [late.odoo_id], {"scheduled_date": format_datetime(f.at(hours=6))})
    sync_model("stock.picking")
    late.refresh_from_db()
    assert late.status == "auto_resolved"


def test_a_count_control_tower_applied_opens_no_variance_case_and_one_made_in_odoo_does(
    odoo, simulator, sites, supervisor
):
    """The inventory move Odoo makes for an approved count is our own effect, not a variance to chase."""
    ensure_default_policies()
    sync_everything()
    internal = Location.objects.filter(usage="internal", complete_name__startswith="BRU/Stock").values("odoo_id")
    judged = Case.objects.filter(kind="inventory_variance").values("odoo_id")
    ours, theirs = (
        Quant.objects.filter(location_id__in=internal, quantity__gt=40)
        .exclude(odoo_id__in=judged)
        .order_by("-odoo_id")[:2]
    )
    counted = round(ours.quantity * 2.3)  # far above the site's variance threshold
    simulator.call("stock.quant", "write", [ours.odoo_id], {"inventory_quantity": counted}, **INVENTORY)
    sync_everything()
    request = ApprovalRequest.objects.get(
        request_type=RequestType.INVENTORY_ADJUSTMENT, odoo_id=ours.odoo_id, status=RequestStatus.PENDING
    )
    request_approve(request=request, user=supervisor, reason="recounted twice")
    entry = OutboxEntry.objects.get(cause_type="approval_request", cause_id=str(request.pk))
    outbox_execute(entry_id=entry.pk)
    entry.refresh_from_db()
    assert entry.status == OutboxEntry.Status.DONE, entry.last_error
    # The same kind of count, made directly in Odoo by someone on the floor.
    simulator.call(
        "stock.quant", "write", [theirs.odoo_id], {"inventory_quantity": round(theirs.quantity * 2.3)}, **INVENTORY
    )
    simulator.call("stock.quant", "action_apply_inventory", [theirs.odoo_id], **INVENTORY)
    sync_everything()
    sync_everything()

    assert simulator.call("stock.quant", "read", [ours.odoo_id], ["quantity"])[0]["quantity"] == counted
    variance = Case.objects.filter(kind="inventory_variance", odoo_model="stock.quant")
    assert not variance.filter(odoo_id=ours.odoo_id).exists()
    assert variance.filter(odoo_id=theirs.odoo_id, is_open=True).exists()
