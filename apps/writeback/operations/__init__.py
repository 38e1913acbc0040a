"""The registry of write-back operations, by name (the ``operation`` of an outbox entry)."""

from __future__ import annotations

from apps.writeback.operations.base import InvalidOutboxRequest, Operation, OperationRefused
from apps.writeback.operations.chatter import PostMessage, ScheduleActivity, reference_for
from apps.writeback.operations.pickings import CancelPicking, ReleaseDelivery, SetCarrier, SetScheduledDate
from apps.writeback.operations.stock import ApplyInventoryAdjustment, ConfirmPurchaseOrder

OPERATIONS: dict[str, Operation] = {
    operation.name: operation
    for operation in (
        ReleaseDelivery(),
        ApplyInventoryAdjustment(),
        ConfirmPurchaseOrder(),
        SetScheduledDate(),
        SetCarrier(),
        PostMessage(),
        ScheduleActivity(),
        CancelPicking(),
    )
}


def get_operation(name: str) -> Operation:
    """The operation called ``name``; InvalidOutboxRequest names the known ones otherwise."""
    try:
        return OPERATIONS[name]
    except KeyError:
        known = ", ".join(sorted(OPERATIONS))
        raise InvalidOutboxRequest(f"Unknown write-back operation {name!r} (known: {known}).") from None


__all__ = [
    "OPERATIONS",
    "InvalidOutboxRequest",
    "Operation",
    "OperationRefused",
    "get_operation",
    "reference_for",
]
