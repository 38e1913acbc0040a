"""Releasing deliveries the way Odoo 17 does it: reservation, backorder wizard, SMS wizard, refusals."""

import pytest

from apps.writeback.models import OutboxEntry
from tests.writeback import factories as f

pytestmark = pytest.mark.django_db(transaction=True)
Status = OutboxEntry.Status
PARTNER_WITH_PHONE = 21


def release(outbox, picking_id: int, **arguments) -> OutboxEntry:
    entry = outbox.enqueue(
        operation="release_delivery", odoo_model="stock.picking", odoo_id=picking_id, arguments=arguments
    )
    return outbox.run(entry)


def backorders(sim, picking_id: int) -> list[dict]:
    return sim.call("stock.picking", "search_read", [["backorder_id", "=", picking_id]], ["state", "move_ids"])


def test_partial_stock_ships_what_is_there_and_keeps_the_rest_in_a_backorder(outbox, simulator):
    picking_id = f.new_delivery(simulator, on_hand=3, demand=5)

    entry = release(outbox, picking_id, ship_now=True)

    assert entry.status == Status.DONE, entry.last_error
    assert f.read_one(simulator, "stock.picking", picking_id, ["state"])["state"] == "done"
    assert len(backorders(simulator, picking_id)) == 1
    methods = [call["method"] for call in entry.attempt_log.get().calls]
    assert "process" in methods  # the backorder wizard was answered


def test_partial_stock_without_backorder_drops_the_rest(outbox, simulator):
    picking_id = f.new_delivery(simulator, on_hand=3, demand=5)

    entry = release(outbox, picking_id, ship_now=True, create_backorder=False)

    assert entry.status == Status.DONE, entry.last_error
    assert backorders(simulator, picking_id) == []
    assert "process_cancel_backorder" in [call["method"] for call in entry.attempt_log.get().calls]


def test_sms_confirmation_wizard_is_answered_without_sending(outbox, simulator):
    picking_id = f.new_delivery(simulator, partner_id=PARTNER_WITH_PHONE)

    entry = release(outbox, picking_id, ship_now=True)

    assert entry.status == Status.DONE, entry.last_error
    assert "dont_send_sms" in [call["method"] for call in entry.attempt_log.get().calls]


def test_nothing_reserved_is_refused_by_odoo_and_shown(outbox, simulator, attention):
    picking_id = f.new_delivery(simulator, on_hand=0, demand=5)

    entry = release(outbox, picking_id, ship_now=True)

    assert entry.status == Status.NEEDS_ATTENTION
    assert "You cannot validate a transfer if no quantities are reserved" in entry.last_error
    assert entry.attempts == 1 and [e.pk for e in attention] == [entry.pk]


def test_reserve_only_waits_for_stock_and_says_so(outbox, simulator):
    picking_id = f.new_delivery(simulator, on_hand=0, demand=5)

    entry = release(outbox, picking_id)

    assert entry.status == Status.NEEDS_ATTENTION
    assert "reserved nothing" in entry.last_error and "'confirmed'" in entry.last_error


def test_reserve_only_reserves_once_stock_has_arrived(outbox, simulator):
    picking_id = f.new_delivery(simulator, on_hand=0, demand=5)
    product_id = simulator.call("stock.move", "search_read", [["picking_id", "=", picking_id]], ["product_id"])[0]
    f.set_count(simulator, product_id["product_id"][0], f.BRU_STOCK, 8)

    entry = release(outbox, picking_id)

    assert entry.status == Status.DONE, entry.last_error
    assert f.read_one(simulator, "stock.picking", picking_id, ["state"])["state"] == "assigned"
    assert entry.attempt_log.get().calls[1]["method"] == "action_assign"


def test_a_receipt_is_not_a_delivery(outbox, simulator):
    receipt_id = simulator.call(
        "stock.picking", "search", [["picking_type_code", "=", "incoming"], ["state", "=", "assigned"]]
    )[0]

    entry = release(outbox, receipt_id, ship_now=True)

    assert entry.status == Status.NEEDS_ATTENTION
    assert "not a delivery" in entry.last_error
    assert f.read_one(simulator, "stock.picking", receipt_id, ["state"])["state"] == "assigned"
