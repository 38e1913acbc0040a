"""Operations on transfers (``stock.picking``): release a delivery, reschedule, change carrier, cancel."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from apps.odoo.actions import validate_picking
from apps.odoo.datetimes import format_datetime, parse_datetime
from apps.writeback.operations.base import (
    OPEN_PICKING_STATES,
    InvalidOutboxRequest,
    Operation,
    many2one_id,
    require_int,
)
from apps.writeback.recording import RecordingClient

if TYPE_CHECKING:
    from apps.writeback.models import OutboxEntry


def odoo_datetime(value: Any, *, operation: str, key: str) -> str:
    """An aware datetime, an ISO string with a zone, or Odoo's naive-UTC form → Odoo's write form.

    Odoo's ``write()`` refuses ``T``/``Z``/microseconds, so the conversion happens at decision
    time, where a wrong value can still be shown to the person deciding.
    """
    if isinstance(value, datetime):
        try:
            return format_datetime(value)
        except ValueError as exc:
            raise InvalidOutboxRequest(f"{operation} {key!r}: {exc}") from None
    if isinstance(value, str) and "T" in value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise InvalidOutboxRequest(f"{operation} {key!r}: an ISO datetime needs a zone (e.g. Z), got {value!r}.")
        return format_datetime(parsed)
    try:
        parsed = parse_datetime(value)
    except ValueError as exc:
        raise InvalidOutboxRequest(f"{operation} {key!r}: {exc}") from None
    if parsed is None:
        raise InvalidOutboxRequest(f"{operation} needs {key!r} (UTC, 'YYYY-MM-DD HH:MM:SS').")
    return format_datetime(parsed)


class ReleaseDelivery(Operation):
    """Release a delivery: reserve its stock, and validate it when the policy says ship now.

    arguments: ``{"ship_now": false, "create_backorder": true}``. With ``ship_now`` the picking is
    validated through Odoo's wizards (``create_backorder`` answers the backorder wizard: keep the
    remaining quantity in a backorder, or drop it).

    preconditions: ``{"state_in": [...] (default draft, waiting, confirmed, assigned),
    "write_date": "YYYY-MM-DD HH:MM:SS"}``. The picking must be outgoing.

    Already done: validated (``done``), or, without ``ship_now``, reserved (``assigned``).
    """

    name = "release_delivery"
    odoo_model = "stock.picking"
    fields = ("state", "picking_type_code")
    default_state_in = OPEN_PICKING_STATES

    def clean_arguments(self, arguments: dict) -> dict:
        unknown = set(arguments) - {"ship_now", "create_backorder"}
        if unknown:
            raise InvalidOutboxRequest(f"Unknown arguments {sorted(unknown)} for {self.name}.")
        return {
            "ship_now": bool(arguments.get("ship_now", False)),
            "create_backorder": bool(arguments.get("create_backorder", True)),
        }

    def already_done(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> bool:
        if record.get("state") == "done":
            return True
        return not entry.arguments.get("ship_now") and record.get("state") == "assigned"

    def check_preconditions(self, entry: OutboxEntry, record: dict, *, write_date_strict: bool = True) -> list[str]:
        problems = super().check_preconditions(entry, record, write_date_strict=write_date_strict)
        if record.get("picking_type_code") != "outgoing":
            problems.append(f"{entry.target} is not a delivery (type {record.get('picking_type_code')!r}).")
        return problems

    def perform(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> Any:
        answers: dict[str, Any] = {}
        if record.get("state") != "assigned":
            # action_assign confirms a draft first and answers True even when nothing was reserved.
            answers["action_assign"] = client.call("stock.picking", "action_assign", [entry.record_id])
        if entry.arguments.get("ship_now"):
            answers["button_validate"] = validate_picking(
                client,  # type: ignore[arg-type]  # the recording wrapper has the calls validate_picking makes
                entry.record_id,
                create_backorder=entry.arguments.get("create_backorder", True),
            )
        return answers

    def not_visible(self, entry: OutboxEntry, record: dict | None) -> str:
        if record and not entry.arguments.get("ship_now"):
            return f"Odoo reserved nothing: {entry.target} is still {record.get('state')!r} (not enough stock)."
        return super().not_visible(entry, record)


class SetScheduledDate(Operation):
    """Move a transfer's scheduled date.

    arguments: ``{"scheduled_date": "YYYY-MM-DD HH:MM:SS"}`` in UTC (an aware datetime or an ISO
    string with a zone is converted when the entry is created).

    preconditions: ``{"state_in": [...] (default draft, waiting, confirmed, assigned),
    "write_date": "..."}``.

    Already done: the picking's ``scheduled_date`` equals the new date (to the second).
    """

    name = "set_scheduled_date"
    odoo_model = "stock.picking"
    fields = ("state", "scheduled_date")
    default_state_in = OPEN_PICKING_STATES

    def clean_arguments(self, arguments: dict) -> dict:
        return {
            "scheduled_date": odoo_datetime(arguments.get("scheduled_date"), operation=self.name, key="scheduled_date")
        }

    def already_done(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> bool:
        return record.get("scheduled_date") == entry.arguments["scheduled_date"]

    def perform(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> Any:
        return client.write("stock.picking", [entry.record_id], {"scheduled_date": entry.arguments["scheduled_date"]})


class SetCarrier(Operation):
    """Change a transfer's carrier (``delivery.carrier``).

    arguments: ``{"carrier_id": <delivery.carrier id>}``.

    preconditions: ``{"state_in": [...] (default draft, waiting, confirmed, assigned),
    "write_date": "..."}``.

    Already done: the picking's ``carrier_id`` is that carrier.
    """

    name = "set_carrier"
    odoo_model = "stock.picking"
    fields = ("state", "carrier_id")
    default_state_in = OPEN_PICKING_STATES

    def clean_arguments(self, arguments: dict) -> dict:
        return {"carrier_id": require_int(arguments, "carrier_id", operation=self.name)}

    def already_done(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> bool:
        return many2one_id(record.get("carrier_id")) == entry.arguments["carrier_id"]

    def perform(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> Any:
        return client.write("stock.picking", [entry.record_id], {"carrier_id": entry.arguments["carrier_id"]})


class CancelPicking(Operation):
    """Cancel a transfer (``action_cancel``; Odoo refuses on a done picking).

    arguments: ``{}``.

    preconditions: ``{"state_in": [...] (default draft, waiting, confirmed, assigned),
    "write_date": "..."}``.

    Already done: the picking is ``cancel``.
    """

    name = "cancel_picking"
    odoo_model = "stock.picking"
    fields = ("state",)
    default_state_in = OPEN_PICKING_STATES

    def clean_arguments(self, arguments: dict) -> dict:
        if arguments:
            raise InvalidOutboxRequest(f"{self.name} takes no arguments, got {sorted(arguments)}.")
        return {}

    def already_done(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> bool:
        return record.get("state") == "cancel"

    def perform(self, client: RecordingClient, entry: OutboxEntry, record: dict) -> Any:
        return client.call("stock.picking", "action_cancel", [entry.record_id])
