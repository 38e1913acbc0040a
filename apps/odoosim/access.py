"""Access rights of the simulated users.

`admin` has every right. `lowrights` ("Internal User" only, as in the recordings) cannot read
stock/sales/purchase documents nor modify contacts; the messages are the recorded ones.
"""

from __future__ import annotations

from .errors import AccessError
from .registry import DESCRIPTIONS

LOWRIGHTS_UID = 8
_READ_GROUPS = [
    "Inventory/Administrator",
    "Inventory/User",
    "Invoicing/Billing",
    "Purchase/Administrator",
    "Purchase/User",
    "Sales/Administrator",
    "Sales/User: Own Documents Only",
    "Technical/Show Accounting Features - Readonly",
    "User types/Portal",
]
_WRITE_GROUPS = [
    "Extra Rights/Contact Creation",
    "Inventory/Administrator",
    "Purchase/Administrator",
    "Sales/Administrator",
]
_DENIED_READ = {
    "stock.picking",
    "stock.move",
    "stock.move.line",
    "stock.quant",
    "stock.picking.type",
    "stock.warehouse",
    "stock.location",
    "stock.warehouse.orderpoint",
    "stock.lot",
    "stock.picking.batch",
    "sale.order",
    "sale.order.line",
    "purchase.order",
}
_READ_METHODS = {"search", "search_read", "read", "search_count", "name_search", "read_group"}


def _message(verb: str, model: str, groups: list[str]) -> str:
    description = DESCRIPTIONS.get(model, model)
    lines = "\n".join(f"\t- {g}" for g in groups)
    return (
        f"You are not allowed to {verb} '{description}' ({model}) records.\n\n"
        f"This operation is allowed for the following groups:\n{lines}\n\n"
        "Contact your administrator to request access if necessary."
    )


def check_access(uid: int, model: str, method: str) -> None:
    """Raise the recorded AccessError when `uid` may not run `method` on `model`."""
    if uid != LOWRIGHTS_UID:
        return
    if model in _DENIED_READ:
        verb = "access" if method in _READ_METHODS else "modify"
        raise AccessError(_message(verb, model, _READ_GROUPS if verb == "access" else _WRITE_GROUPS))
    if model == "res.partner" and method not in _READ_METHODS and method != "fields_get":
        raise AccessError(_message("modify", model, _WRITE_GROUPS))
