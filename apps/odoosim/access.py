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
#: readable and writable only by base.group_system ("Administration/Settings"), whatever else the user has
SYSTEM_ONLY = {"base.automation", "ir.actions.server"}
_SYSTEM_GROUPS = ["Administration/Settings"]
#: methods that answer about rights instead of using them (each checks for itself)
_RIGHTS_METHODS = {"check_access_rights", "has_group", "fields_get"}
#: groups `lowrights` has ("Internal User" only, as recorded); admin has every group
_LOWRIGHTS_GROUPS = {"base.group_user"}
_VERBS = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}


def has_group(uid: int, group: str, denied_groups: set[str] | None = None) -> bool:
    """res.users.has_group for the calling user (an @api.model method in Odoo 17)."""
    if uid == LOWRIGHTS_UID:
        return group in _LOWRIGHTS_GROUPS
    return group not in (denied_groups or set())


def operation_allowed(uid: int, model: str, operation: str) -> bool:
    """check_access_rights(operation, raise_exception=False) for the calling user."""
    if uid != LOWRIGHTS_UID:
        return True
    if model in SYSTEM_ONLY or model in _DENIED_READ:
        return False
    return not (model == "res.partner" and operation != "read")


def operation_error(model: str, operation: str) -> AccessError:
    """The AccessError check_access_rights raises (recorded in connection/04_access_rights.json)."""
    verb = _VERBS.get(operation, operation)
    if model in SYSTEM_ONLY:
        return AccessError(_message(verb, model, _SYSTEM_GROUPS))
    return AccessError(_message(verb, model, _READ_GROUPS if operation == "read" else _WRITE_GROUPS))


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
    if uid != LOWRIGHTS_UID or method in _RIGHTS_METHODS:
        return
    if model in SYSTEM_ONLY:
        operation = "read" if method in _READ_METHODS else method if method in _VERBS else "write"
        raise operation_error(model, operation)
    if model in _DENIED_READ:
        verb = "access" if method in _READ_METHODS else "modify"
        raise AccessError(_message(verb, model, _READ_GROUPS if verb == "access" else _WRITE_GROUPS))
    if model == "res.partner" and method not in _READ_METHODS and method != "fields_get":
        raise AccessError(_message("modify", model, _WRITE_GROUPS))
