"""Soak: 20 simulated hours of the scenario with Odoo failing now and then, webhooks duplicated and
out of order; at the end the mirror equals Odoo, field by field, record by record."""

import json
import random
from contextlib import suppress

import pytest

from apps.mirror.models import InboundEvent, Picking
from apps.mirror.services.reconcile import reconcile_model
from apps.mirror.services.sync import sync_model
from apps.mirror.services.verify import verify_model
from apps.mirror.services.webhooks import NothingChangedYet, RecordNotReadableYet, event_refresh, webhook_receive
from apps.mirror.specs import SYNC_ORDER
from apps.odoo.errors import OdooError

# Twenty simulated hours take one to two minutes on a busy machine: the suite's hang guard (120 s)
# would cut them short.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.timeout(600)]

HOURS = 20


def webhook_bodies(picking_ids, hour: int) -> list[bytes]:
    """Odoo-style webhook bodies for these transfers, some twice, in a shuffled order."""
    bodies = [
        json.dumps({"_action": "Send Webhook Notification(#3)", "_id": pid, "_model": "stock.picking", "id": pid,
                    "write_date": f"hour-{hour}"}).encode()
        for pid in picking_ids
    ]  # fmt: skip
    rng = random.Random(hour)
    bodies += rng.sample(bodies, k=len(bodies) // 3)  # duplicates
    rng.shuffle(bodies)  # out of order
    return bodies


def test_twenty_simulated_hours_with_faults_end_with_zero_drift(odoo, simulator, faults):
    for odoo_model in SYNC_ORDER:
        sync_model(odoo_model)
    failed_runs = 0
    for hour in range(HOURS):
        simulator.advance(3600)
        # Odoo misbehaves every hour: dropped connections, server errors, or a short outage.
        faults(reset=True)
        if hour % 3 == 0:
            faults(error_rate={"*": 0.25}, error_mode="drop")
        elif hour % 3 == 1:
            faults(error_rate={"search_read": 0.3, "read": 0.3}, error_mode="server_error")
        else:
            faults(down_for_seconds=1.5, down_mode="close")
        for odoo_model in SYNC_ORDER:
            failed_runs += not sync_model(odoo_model).ok
        changed = list(Picking.objects.order_by("-odoo_write_date").values_list("odoo_id", flat=True)[:15])
        for body in webhook_bodies(changed, hour):
            event, is_new = webhook_receive(body=body)
            if is_new:
                # The task would retry these; polling is the backbone either way.
                with suppress(RecordNotReadableYet, NothingChangedYet, OdooError):
                    event_refresh(event.pk)
        if hour % 5 == 4:
            for odoo_model in SYNC_ORDER:
                try:
                    reconcile_model(odoo_model)
                except OdooError:
                    failed_runs += 1
    faults(reset=True)

    for odoo_model in SYNC_ORDER:  # Odoo is healthy again: the next regular runs catch up
        assert sync_model(odoo_model).ok
        reconcile_model(odoo_model)
    drifts = {odoo_model: verify_model(odoo_model, full=True) for odoo_model in SYNC_ORDER}
    assert failed_runs > 0, "the faults never bit: this soak tested nothing"
    assert not any(drifts.values()), {model: drift for model, drift in drifts.items() if drift}
    assert Picking.objects.count() > 100
    assert InboundEvent.objects.filter(status=InboundEvent.Status.DUPLICATE).count() == 0
