"""Which records an outbox entry may have written to without its effects recorded yet."""

import pytest
from django.utils import timezone

from apps.writeback.models import OutboxEntry
from apps.writeback.selectors import writes_in_flight

pytestmark = pytest.mark.django_db
Status = OutboxEntry.Status


def entry(quant_id: int, status: str, *, started: bool) -> OutboxEntry:
    return OutboxEntry.objects.create(
        operation="apply_inventory_adjustment",
        odoo_model="stock.quant",
        odoo_id=quant_id,
        arguments={"counted_quantity": 18.0},
        idempotency_key=f"in-flight:{quant_id}",
        cause_type="approval_request",
        cause_id=str(quant_id),
        status=status,
        write_started_at=timezone.now() if started else None,
    )


def test_an_entry_waiting_for_its_retry_after_it_started_writing_is_still_in_flight():
    """Its count may be applied in Odoo already: the inventory move is ours, not a new count."""
    entry(1, Status.RUNNING, started=True)
    entry(2, Status.PENDING, started=True)  # a later call failed: retry pending, outcome unknown
    entry(3, Status.PENDING, started=False)  # nothing written yet
    entry(4, Status.DONE, started=True)  # effects recorded

    assert writes_in_flight(odoo_model="stock.quant", odoo_ids=[1, 2, 3, 4]) == {1, 2}
