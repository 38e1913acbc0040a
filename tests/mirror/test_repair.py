"""After Odoo is restored from a backup, `mirror_verify --repair` makes the mirror equal to Odoo, says
what it changed, is audited, and lists the decisions whose effect the restore undid."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.mirror.models import Partner, Picking
from apps.mirror.services.sync import sync_model
from apps.mirror.services.verify import verify_model
from apps.mirror.specs import SYNC_ORDER
from apps.odoo.datetimes import format_datetime
from apps.odoosim.server import start_simulator
from apps.writeback.models import OutboxEntry
from apps.writeback.services import outbox_enqueue, outbox_execute

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def simulator():
    """Its own simulator: the test puts a backup back over its database."""
    with start_simulator(port=0, seed=7) as sim:
        yield sim


def sync_all():
    for model in SYNC_ORDER:
        assert sync_model(model).ok


def verify_exit_code() -> int:
    with pytest.raises(SystemExit) as exit_:
        call_command("mirror_verify", "--full", stdout=StringIO())
    return exit_.value.code


def test_repair_after_a_restore_leaves_no_drift_lists_what_changed_and_what_to_reissue(simulator, odoo):
    sync_all()
    simulator.backup()  # the nightly backup
    restore_point = timezone.now()
    picking = Picking.objects.filter(state__in=["assigned", "confirmed"]).order_by("odoo_id").first()
    later = format_datetime(picking.scheduled_date + timezone.timedelta(days=3))
    odoo.write("stock.picking", [picking.odoo_id], {"scheduled_date": later})
    partner_id = odoo.create("res.partner", {"name": "Customer created after the backup"})
    with transaction.atomic():
        entry = outbox_enqueue(
            operation="post_message",
            odoo_model="stock.picking",
            odoo_id=picking.odoo_id,
            arguments={"body": "Customer called: deliver on Friday"},
            preconditions={},
            idempotency_key="restore-test-1",
            cause_type="test",
            cause_id="1",
            site_code="BRU",
        )
    assert outbox_execute(entry_id=entry.pk).status == OutboxEntry.Status.DONE
    sync_all()
    assert Partner.objects.filter(odoo_id=partner_id).exists()

    simulator.restore_backup()  # Odoo is restored: the change, the partner and the note are gone
    sync_model("stock.picking", full=True)
    assert verify_model("stock.picking", full=True)  # a full sync does not undo the newer values
    assert verify_exit_code() == 1

    out = StringIO()
    call_command("mirror_verify", "--repair", "--restored-at", format_datetime(restore_point), stdout=out)
    text = out.getvalue()

    assert verify_exit_code() == 0
    assert "stock.picking" in text and "1 set back to Odoo's values" in text
    assert "res.partner" in text and "gone from Odoo (marked deleted)" in text
    assert f"outbox:{entry.pk} post_message on stock.picking:{picking.odoo_id}" in text and "reissue" in text
    repaired = AuditEntry.objects.filter(action="mirror.repaired").values_list("subject", flat=True)
    assert {"mirror:stock.picking", "mirror:res.partner"} <= set(repaired)
    assert Partner.objects.get(odoo_id=partner_id).is_deleted  # kept, marked: nothing local is lost
