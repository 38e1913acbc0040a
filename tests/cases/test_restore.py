"""After Odoo is restored from a backup, a case on a record the restore took away resolves itself and
says why: the record is gone after an Odoo restore, not fixed in Odoo."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.cases.models import Case, CaseEvent
from apps.mirror.models import Picking
from apps.mirror.services.sync import sync_model
from apps.mirror.specs import SYNC_ORDER
from apps.odoo.datetimes import format_datetime
from apps.odoosim.server import start_simulator

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def simulator():
    """Its own simulator: the test puts a backup back over its database."""
    with start_simulator(port=0, seed=7) as sim:
        yield sim


def sync_all():
    for model in SYNC_ORDER:
        assert sync_model(model).ok


def test_a_case_on_a_receipt_gone_after_a_restore_resolves_with_that_reason(simulator, odoo, sites):
    sync_all()
    simulator.backup()  # the nightly backup
    receipt_type = (
        Picking.objects.filter(picking_type_code="incoming", name__startswith="BRU/")
        .values_list("picking_type_id", flat=True)
        .first()
    )
    yesterday = format_datetime(timezone.now() - timezone.timedelta(days=1))
    receipt_id = odoo.create(
        "stock.picking",
        {
            "picking_type_id": receipt_type,
            "scheduled_date": yesterday,
            "move_ids": [[0, 0, {"product_id": 1, "name": "late pallets", "product_uom_qty": 12.0}]],
        },
    )
    odoo.call("stock.picking", "action_confirm", [receipt_id])
    sync_all()
    case = Case.objects.get(kind="late_receipt", odoo_model="stock.picking", odoo_id=receipt_id, is_open=True)

    simulator.restore_backup()  # the receipt was entered after the backup: Odoo no longer has it
    call_command("mirror_verify", "--repair", stdout=StringIO())

    case.refresh_from_db()
    assert Picking.objects.get(odoo_id=receipt_id).is_deleted
    assert case.status == "auto_resolved" and not case.is_open
    cleared = case.events.get(kind=CaseEvent.Kind.AUTO_RESOLVED)
    assert "gone after an Odoo restore" in cleared.text
    assert "The condition cleared in Odoo." not in cleared.text
