"""In production the change sets travel to a worker (a real Celery worker process here)."""

import pytest

from apps.live.groups import site_group
from apps.mirror.models import Picking
from apps.mirror.services.sync import sync_model
from apps.sites.models import Site
from tests.channels import ChannelListener
from tests.servers import celery_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.slow  # a real worker, process or long scenario: CI runs it once, on PostgreSQL
def test_a_worker_runs_the_subscribers_of_a_committed_sync_page(odoo, settings):
    sync_model("stock.picking.type")
    sync_model("stock.warehouse")
    sync_model("stock.picking")
    picking = Picking.objects.filter(state="assigned").exclude(picking_type=None).first()
    code = picking.picking_type.warehouse.code
    Site.objects.get_or_create(code=code, defaults={"name": code})
    listener = ChannelListener(site_group(code))
    settings.MIRROR_CHANGES_INLINE = False
    worker = celery_worker().start()
    try:
        odoo.write("stock.picking", [picking.odoo_id], {"origin": "seen by a worker"})
        assert sync_model("stock.picking").changed == 1
        message = listener.receive(timeout=30, event="picking.changed")["message"]  # the worker may still be starting
    finally:
        worker.stop()
    assert message["event"] == "picking.changed" and picking.odoo_id in message["data"]["pickings"]
