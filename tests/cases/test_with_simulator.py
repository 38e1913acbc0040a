"""Against the Odoo simulator: the demo scenario's exceptions surface as cases through the real
sync (change sets), and clear when Odoo resolves them."""

from collections import Counter

import pytest

from apps.cases.models import Case
from apps.cases.services.detection import detectors_sweep
from apps.mirror.services.sync import sync_model
from apps.mirror.specs import SYNC_ORDER
from apps.odoo.datetimes import format_datetime
from tests.cases import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


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
