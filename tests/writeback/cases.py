"""One case per write-back operation: how to make a fresh target in the simulator, what the effect
looks like there, how someone else would do it first, and how the record can move on."""

from dataclasses import dataclass, field
from typing import Any

from apps.writeback.operations import reference_for
from tests.writeback import factories as f

NO_SMS = {"skip_sms": True}


@dataclass
class Case:
    operation: str
    odoo_model: str
    method: str  # the call that makes the effect (Odoo may refuse it, its answer may be lost)
    arguments: dict = field(default_factory=dict)
    preconditions: dict = field(default_factory=dict)

    def target(self, sim) -> int:
        raise NotImplementedError

    def request(self, sim) -> dict[str, Any]:
        """A fresh target and the decision's request (preconditions as the decider saw them)."""
        odoo_id = self.target(sim)
        preconditions = dict(self.preconditions)
        if "write_date" in preconditions:
            preconditions["write_date"] = f.read_one(sim, self.odoo_model, odoo_id, ["write_date"])["write_date"]
        self.prepare_preconditions(sim, odoo_id, preconditions)
        return {
            "operation": self.operation,
            "odoo_model": self.odoo_model,
            "odoo_id": odoo_id,
            "arguments": dict(self.arguments),
            "preconditions": preconditions,
        }

    def prepare_preconditions(self, sim, odoo_id: int, preconditions: dict) -> None:
        """Fill in what the decider saw (override)."""

    def effect_count(self, sim, entry) -> int:
        """How many times the effect is in Odoo (exactly 1 after success)."""
        raise NotImplementedError

    def do_directly(self, sim, entry) -> None:
        """Someone (or an earlier, unrecorded attempt) made the effect in Odoo already."""
        raise NotImplementedError

    def move_on(self, sim, entry) -> None:
        """The record changes in Odoo so the decision's preconditions no longer hold."""
        raise NotImplementedError


class ReleaseCase(Case):
    def target(self, sim):
        return f.new_delivery(sim, on_hand=10, demand=4)

    def effect_count(self, sim, entry):
        picking = f.read_one(sim, "stock.picking", entry.odoo_id, ["state"])
        backorders = sim.call("stock.picking", "search_count", [["backorder_id", "=", entry.odoo_id]])
        return int(picking["state"] == "done") + backorders

    def do_directly(self, sim, entry):
        assert sim.call("stock.picking", "button_validate", [entry.odoo_id], context=NO_SMS) is True

    def move_on(self, sim, entry):
        sim.call("stock.picking", "action_cancel", [entry.odoo_id])


class InventoryCase(Case):
    def target(self, sim):
        product_id = f.new_product(sim, on_hand=7)
        return sim.call("stock.quant", "search", [["product_id", "=", product_id], ["location_id", "=", f.BRU_STOCK]])[
            0
        ]

    def prepare_preconditions(self, sim, odoo_id, preconditions):
        preconditions["quantity"] = f.read_one(sim, "stock.quant", odoo_id, ["quantity"])["quantity"]

    def _product(self, sim, entry):
        return f.read_one(sim, "stock.quant", entry.odoo_id, ["product_id"])["product_id"][0]

    def effect_count(self, sim, entry):
        quant = f.read_one(sim, "stock.quant", entry.odoo_id, ["quantity"])
        # The product's first count (7 units) is one inventory move; each later application adds one.
        moves = sim.call(
            "stock.move", "search_count", [["product_id", "=", self._product(sim, entry)], ["is_inventory", "=", True]]
        )
        return (moves - 1) if quant["quantity"] == entry.arguments["counted_quantity"] else 0

    def do_directly(self, sim, entry):
        f.set_count(sim, self._product(sim, entry), f.BRU_STOCK, entry.arguments["counted_quantity"])

    def move_on(self, sim, entry):
        f.set_count(sim, self._product(sim, entry), f.BRU_STOCK, 9)


class PurchaseCase(Case):
    def target(self, sim):
        return f.new_purchase_order(sim)

    def effect_count(self, sim, entry):
        order = f.read_one(sim, "purchase.order", entry.odoo_id, ["state"])
        receipts = sim.call("stock.picking", "search_count", [["purchase_id", "=", entry.odoo_id]])
        return receipts if order["state"] == "purchase" else 0

    def do_directly(self, sim, entry):
        sim.call("purchase.order", "button_confirm", [entry.odoo_id])

    def move_on(self, sim, entry):
        sim.call("purchase.order", "write", [entry.odoo_id], {"state": "cancel"})


class ScheduledDateCase(Case):
    def target(self, sim):
        return f.new_delivery(sim)

    def effect_count(self, sim, entry):
        picking = f.read_one(sim, "stock.picking", entry.odoo_id, ["scheduled_date"])
        return int(picking["scheduled_date"] == entry.arguments["scheduled_date"])

    def do_directly(self, sim, entry):
        sim.call("stock.picking", "write", [entry.odoo_id], {"scheduled_date": entry.arguments["scheduled_date"]})

    def move_on(self, sim, entry):
        sim.call("stock.picking", "button_validate", [entry.odoo_id], context=NO_SMS)


class CarrierCase(Case):
    def target(self, sim):
        picking_id = f.new_delivery(sim)
        sim.call("stock.picking", "write", [picking_id], {"carrier_id": 1})
        return picking_id

    def effect_count(self, sim, entry):
        picking = f.read_one(sim, "stock.picking", entry.odoo_id, ["carrier_id"])
        return int(picking["carrier_id"] and picking["carrier_id"][0] == entry.arguments["carrier_id"])

    def do_directly(self, sim, entry):
        sim.call("stock.picking", "write", [entry.odoo_id], {"carrier_id": entry.arguments["carrier_id"]})

    def move_on(self, sim, entry):
        sim.call("stock.picking", "action_cancel", [entry.odoo_id])


class MessageCase(Case):
    def target(self, sim):
        return f.new_delivery(sim)

    def effect_count(self, sim, entry):
        reference = reference_for(entry.idempotency_key)
        domain = [["model", "=", "stock.picking"], ["res_id", "=", entry.odoo_id], ["body", "ilike", reference]]
        return sim.call("mail.message", "search_count", domain)

    def do_directly(self, sim, entry):
        body = f"Posted by hand [{reference_for(entry.idempotency_key)}]"
        sim.call("stock.picking", "message_post", [entry.odoo_id], body=body)

    def move_on(self, sim, entry):
        sim.call("stock.picking", "action_cancel", [entry.odoo_id])


class ActivityCase(Case):
    def target(self, sim):
        return f.new_delivery(sim)

    def effect_count(self, sim, entry):
        reference = reference_for(entry.idempotency_key)
        domain = [["res_model", "=", "stock.picking"], ["res_id", "=", entry.odoo_id], ["note", "ilike", reference]]
        return sim.call("mail.activity", "search_count", domain)

    def do_directly(self, sim, entry):
        model_id = sim.call("ir.model", "search", [["model", "=", "stock.picking"]])[0]
        values = {
            "res_model_id": model_id,
            "res_id": entry.odoo_id,
            "user_id": 2,
            "summary": "by hand",
            "note": f"<p>[{reference_for(entry.idempotency_key)}]</p>",
            "date_deadline": "2026-12-01",
        }
        sim.call("mail.activity", "create", values)

    def move_on(self, sim, entry):
        sim.call("stock.picking", "action_cancel", [entry.odoo_id])


class CancelCase(Case):
    def target(self, sim):
        return f.new_delivery(sim)

    def effect_count(self, sim, entry):
        return int(f.read_one(sim, "stock.picking", entry.odoo_id, ["state"])["state"] == "cancel")

    def do_directly(self, sim, entry):
        sim.call("stock.picking", "action_cancel", [entry.odoo_id])

    def move_on(self, sim, entry):
        sim.call("stock.picking", "button_validate", [entry.odoo_id], context=NO_SMS)


CASES = [
    ReleaseCase("release_delivery", "stock.picking", "button_validate", {"ship_now": True}, {"write_date": ""}),
    InventoryCase("apply_inventory_adjustment", "stock.quant", "action_apply_inventory", {"counted_quantity": 5}),
    PurchaseCase("confirm_purchase_order", "purchase.order", "button_confirm", {}, {"write_date": ""}),
    ScheduledDateCase(
        "set_scheduled_date", "stock.picking", "write", {"scheduled_date": "2026-12-24 09:30:00"}, {"write_date": ""}
    ),
    CarrierCase("set_carrier", "stock.picking", "write", {"carrier_id": 3}, {"write_date": ""}),
    MessageCase(
        "post_message",
        "stock.picking",
        "message_post",
        {"body": "Released by Sam <after> credit check"},
        {"state_in": ["assigned"]},
    ),
    ActivityCase(
        "schedule_activity",
        "stock.picking",
        "create",
        {"user_id": 2, "summary": "Call the carrier", "note": "Truck late", "deadline": "2026-12-02"},
        {"state_in": ["assigned"]},
    ),
    CancelCase("cancel_picking", "stock.picking", "action_cancel", {}, {"write_date": ""}),
]
# `method` of the activity case is mail.activity.create: the model the call goes to differs from the target.
CALL_MODEL = {"schedule_activity": "mail.activity"}
