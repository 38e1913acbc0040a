"""Planning rules as plain functions over plain data: which receipts and deliveries need a door
slot, and which of them travel on one truck (one proposed appointment).

No queries here: apps/docks/proposals.py loads the pickings once and asks these functions, so a
test can work out the expected proposals of a hand-made day from the same few rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

DIRECTIONS = {"incoming": "inbound", "outgoing": "outbound"}  # Odoo's picking_type_code → the door's


@dataclass(frozen=True)
class PickingLoad:
    """A mirrored receipt or delivery as the planner sees it."""

    odoo_id: int
    direction: str  # inbound | outbound
    carrier: str  # the carrier, or for a receipt without one the vendor who brings it
    route_id: int | None  # the Odoo operation type it goes through
    route: str  # that operation type's name
    cutoff: datetime  # the deadline, else the scheduled date: the truck must be done by then
    scheduled: datetime
    lines: int
    quantity: Decimal


@dataclass(frozen=True)
class TruckLoad:
    """Pickings that share a direction, carrier, route and cutoff: one truck, one proposal."""

    group_key: str
    direction: str
    carrier: str
    route: str
    cutoff: datetime
    picking_odoo_ids: tuple[int, ...]
    lines: int
    quantity: Decimal
    earliest: datetime  # the earliest scheduled date among them: when the truck is due


def needs_appointment(load: PickingLoad, *, operation_types: Iterable[int], unplanned_carriers: Iterable[str]) -> bool:
    """A receipt or delivery needs a door slot unless the site limits planning to other operation
    types, or its carrier is one the site never plans (a parcel service picking up at the desk)."""
    types = set(operation_types)
    if types and load.route_id not in types:
        return False
    return load.carrier.strip().lower() not in {c.strip().lower() for c in unplanned_carriers}


def group_key(*, direction: str, carrier: str, route_id: int | None, cutoff: datetime) -> str:
    """The identity of a truck across refreshes: the same pickings' group keeps its proposal."""
    moment = cutoff.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
    return f"{direction}|{carrier.strip().lower()[:100]}|{route_id or 0}|{moment}"


def truck_loads(loads: Iterable[PickingLoad]) -> list[TruckLoad]:
    """Group the pickings into trucks, earliest due first (then by key: the same input always gives
    the same order, so repeated refreshes place them the same way)."""
    groups: dict[str, list[PickingLoad]] = {}
    for load in loads:
        key = group_key(direction=load.direction, carrier=load.carrier, route_id=load.route_id, cutoff=load.cutoff)
        groups.setdefault(key, []).append(load)
    trucks = [
        TruckLoad(
            group_key=key,
            direction=members[0].direction,
            carrier=members[0].carrier,
            route=members[0].route,
            cutoff=members[0].cutoff,
            picking_odoo_ids=tuple(sorted(m.odoo_id for m in members)),
            lines=sum(m.lines for m in members),
            quantity=sum((m.quantity for m in members), Decimal(0)),
            earliest=min(m.scheduled for m in members),
        )
        for key, members in groups.items()
    ]
    return sorted(trucks, key=lambda t: (t.earliest, t.group_key))
