"""Operations on stock and purchasing: apply an inventory adjustment, confirm a purchase order."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from apps.odoo.actions import is_window_action
from apps.odoo.datetimes import format_datetime, parse_datetime
from apps.writeback.operations.base import (
    QUANTITY_TOLERANCE,
    InvalidOutboxRequest,
    Operation,
    OperationRefused,
    ProducedRecord,
    many2one_id,
)
from apps.writeback.recording import RecordingClient

if TYPE_CHECKING:
    from apps.writeback.models import OutboxEntry

INVENTORY_MODE = {"inventory_mode": True}
# How long before the quant's write_date our inventory move may be: the floor may count the quant
# again in between (seconds, in practice), which stamps the quant anew but not our move.
RECOUNT_MARGIN = timedelta(minutes=10)


def _number(value: Any, *, operation: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidOutboxRequest(f"{operation} needs {key!r}: a number, got {value!r}.")
    return float(value)


class ApplyInventoryAdjustment(Operation):
    """Apply a counted quantity to a quant (Odoo's inventory adjustment).

    arguments: ``{"counted_quantity": 42.0}``. Writes ``inventory_quantity`` in inventory mode, then
    ``action_apply_inventory`` (which answers None, or a wizard for conflicts: a person finishes
    those in Odoo).

    preconditions: ``{"quantity": <on-hand quantity the decision saw>, "write_date": "..."}``.
    A changed on-hand quantity means the variance behind the decision is stale.

    Already done: the quant's on-hand ``quantity`` equals the counted quantity.
    """

    name = "apply_inventory_adjustment"
    odoo_model = "stock.quant"
    fields = ("quantity", "inventory_quantity", "inventory_quantity_set", "product_id", "location_id")
    precondition_keys = frozenset({"quantity", "write_date"})

    def clean_arguments(self, arguments: dict) -> dict:
        counted = _number(arguments.get("counted_quantity"), operation=self.name, key="counted_quantity")
        if counted < 0:
            raise InvalidOutboxRequest(f"{self.name}: a counted quantity cannot be negative ({counted}).")
        return {"counted_quantity": counted}

    def already_done(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> bool:
        return abs(float(record.get("quantity") or 0.0) - entry.arguments["counted_quantity"]) < QUANTITY_TOLERANCE

    def check_preconditions(self, entry: OutboxEntry, record: dict, *, write_date_strict: bool = True) -> list[str]:
        problems = super().check_preconditions(entry, record, write_date_strict=write_date_strict)
        expected = entry.preconditions.get("quantity")
        current = float(record.get("quantity") or 0.0)
        if expected is not None and abs(current - float(expected)) >= QUANTITY_TOLERANCE:
            problems.append(
                f"The on-hand quantity of {entry.target} is {current:g} in Odoo now; the decision was made on "
                f"{float(expected):g}, so the variance has changed."
            )
        return problems

    def perform(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> Any:
        counted = entry.arguments["counted_quantity"]
        written = client.write(
            "stock.quant", [entry.record_id], {"inventory_quantity": counted}, context=INVENTORY_MODE
        )
        applied = client.call("stock.quant", "action_apply_inventory", [entry.record_id], context=INVENTORY_MODE)
        if is_window_action(applied):
            raise OperationRefused(
                f"Odoo asks for a confirmation ({applied.get('res_model')}) before applying the count on "
                f"{entry.target}; finish the adjustment in Odoo."
            )
        return {"write": written, "action_apply_inventory": applied}

    def produced(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> list[ProducedRecord]:
        """The quant, and the inventory move Odoo made for it (the newest such move of that product
        and place). The move carries the write_date of our apply; the quant may have been written
        again since (the floor counts it anew: a new inventory_quantity), so the move is looked for
        from a margin before the quant's write_date, and by the variance the decision applied."""
        records = super().produced(client, entry, record)
        product, location = many2one_id(record.get("product_id")), many2one_id(record.get("location_id"))
        written = parse_datetime(record.get("write_date"))
        if product is None or location is None or written is None:
            return records
        domain: list = [
            ("is_inventory", "=", True),
            ("product_id", "=", product),
            ("state", "=", "done"),
            ("write_date", ">=", format_datetime(written - RECOUNT_MARGIN)),
            "|",
            ("location_id", "=", location),
            ("location_dest_id", "=", location),
        ]
        before = entry.preconditions.get("quantity")
        if before is not None:
            variance = abs(entry.arguments["counted_quantity"] - float(before))
            domain += [
                ("quantity", ">=", variance - QUANTITY_TOLERANCE),
                ("quantity", "<=", variance + QUANTITY_TOLERANCE),
            ]
        moves = client.search_read("stock.move", domain, ["write_date"], order="id desc", limit=1)
        return records + [
            ProducedRecord("stock.move", move["id"], move.get("write_date"), created=True) for move in moves
        ]


class ConfirmPurchaseOrder(Operation):
    """Confirm a request for quotation into a purchase order (``button_confirm``; creates the receipt).

    arguments: ``{}``.

    preconditions: ``{"state_in": [...] (default draft, sent), "write_date": "..."}``.

    Already done: the order is ``purchase`` or ``done``. An order left ``to approve`` waits on
    Odoo's own approval and needs a person.
    """

    name = "confirm_purchase_order"
    odoo_model = "purchase.order"
    fields = ("state",)
    default_state_in = ("draft", "sent")

    def clean_arguments(self, arguments: dict) -> dict:
        if arguments:
            raise InvalidOutboxRequest(f"{self.name} takes no arguments, got {sorted(arguments)}.")
        return {}

    def already_done(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> bool:
        return record.get("state") in ("purchase", "done")

    def perform(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> Any:
        return client.call("purchase.order", "button_confirm", [entry.record_id])

    def not_visible(self, entry: OutboxEntry, record: dict | None) -> str:
        if record and record.get("state") == "to approve":
            return f"{entry.target} waits for a second approval in Odoo (state 'to approve')."
        return super().not_visible(entry, record)
