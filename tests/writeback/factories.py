"""Fresh records in the simulator for each test (the simulator lives for a whole test module)."""

import itertools

BRU_STOCK = 8  # BRU/Stock
BRU_DELIVERY_TYPE = 3
PARTNER_WITHOUT_PHONE = 9  # no SMS wizard on validation
SUPPLIER = 25
CARRIERS = (1, 2, 3, 4)

_serial = itertools.count(1)


def new_product(sim, *, on_hand: float = 0.0, location_id: int = BRU_STOCK) -> int:
    """A product nobody else uses, with `on_hand` units at the location (through an inventory count)."""
    number = next(_serial)
    product_id = sim.call("product.product", "create", {"name": f"Outbox test item {number}", "type": "product"})
    if on_hand:
        quant = set_count(sim, product_id, location_id, on_hand)
        assert quant
    return product_id


def set_count(sim, product_id: int, location_id: int, quantity: float) -> int:
    """Apply an inventory count as a person would in Odoo; returns the quant id."""
    context = {"inventory_mode": True}
    quant_id = sim.call(
        "stock.quant",
        "create",
        {"product_id": product_id, "location_id": location_id, "inventory_quantity": quantity},
        context=context,
    )
    sim.call("stock.quant", "action_apply_inventory", [quant_id], context=context)
    return quant_id


def new_delivery(sim, *, on_hand: float = 10.0, demand: float = 4.0, partner_id: int = PARTNER_WITHOUT_PHONE) -> int:
    """A confirmed delivery from BRU/Stock (reserved at confirmation as far as stock allows)."""
    product_id = new_product(sim, on_hand=on_hand)
    picking_id = sim.call(
        "stock.picking",
        "create",
        {
            "picking_type_id": BRU_DELIVERY_TYPE,
            "partner_id": partner_id,
            "origin": f"OUTBOX-TEST-{product_id}",
            "move_ids": [[0, 0, {"product_id": product_id, "name": "item", "product_uom_qty": demand}]],
        },
    )
    sim.call("stock.picking", "action_confirm", [picking_id])
    return picking_id


def new_purchase_order(sim) -> int:
    """A request for quotation with one line, in draft."""
    product_id = new_product(sim)
    return sim.call(
        "purchase.order",
        "create",
        {
            "partner_id": SUPPLIER,
            "order_line": [[0, 0, {"product_id": product_id, "name": "item", "product_qty": 5, "price_unit": 3.5}]],
        },
    )


def read_one(sim, model: str, record_id: int, fields: list[str]) -> dict:
    return sim.call(model, "read", [record_id], fields)[0]


def write_date_exact(simulator, model: str, record_id: int) -> str:
    """write_date with microseconds (the API truncates to seconds): any write changes it."""
    table = simulator.store.table(model)
    with simulator.store.snapshot():
        return simulator.store.query(f'SELECT write_date FROM "{table}" WHERE id = ?', [record_id])[0][0]  # noqa: S608
