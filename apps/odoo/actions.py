"""Multi-step Odoo actions that return wizards (``ir.actions.act_window``) instead of finishing.

Odoo 17's ``stock.picking.button_validate`` returns ``true`` when done, or a wizard action:
``stock.backorder.confirmation`` when quantities are below demand, or ``confirm.stock.sms``
(once per company, with ``stock_sms`` installed). A robust client completes wizards in a loop
until the answer is not a window action any more (contract: ``actions/02``, ``04``, ``05``).
"""

from __future__ import annotations

from typing import Any

from .client import OdooClient
from .errors import OdooValidationError

WINDOW_ACTION = "ir.actions.act_window"
MAX_WIZARD_STEPS = 5


def is_window_action(result: Any) -> bool:
    """Whether Odoo answered with a wizard to complete rather than a final result."""
    return isinstance(result, dict) and result.get("type") == WINDOW_ACTION


def validate_picking(
    client: OdooClient,
    picking_id: int,
    *,
    create_backorder: bool = True,
    context: dict[str, Any] | None = None,
) -> Any:
    """Validate a picking, completing Odoo's wizards; returns Odoo's final answer (usually True).

    ``create_backorder`` decides the backorder wizard: ``process`` keeps the remaining quantity
    in a backorder, ``process_cancel_backorder`` drops it. The SMS confirmation is skipped
    (``dont_send_sms``). Any other wizard is not ours to answer: :class:`OdooValidationError`
    says which, and a person finishes it in Odoo.

    Not idempotent by itself: the write-back must check the picking's state first, and after a
    timeout re-read it (``state == "done"``) before calling again.
    """
    result = client.call("stock.picking", "button_validate", [picking_id], context=dict(context or {}))
    for _step in range(MAX_WIZARD_STEPS):
        if not is_window_action(result):
            return result
        result = _complete_wizard(client, picking_id, result, create_backorder=create_backorder)
    raise OdooValidationError(
        f"Validating picking {picking_id} kept returning wizards after {MAX_WIZARD_STEPS} steps; finish it in Odoo.",
        model="stock.picking",
        method="button_validate",
    )


def _complete_wizard(client: OdooClient, picking_id: int, action: dict[str, Any], *, create_backorder: bool) -> Any:
    wizard_model = action.get("res_model")
    # The wizard must see the action's context (button_validate_picking_ids, default_pick_ids).
    wizard_context = dict(action.get("context") or {})
    if wizard_model == "stock.backorder.confirmation":
        button = "process" if create_backorder else "process_cancel_backorder"
    elif wizard_model == "confirm.stock.sms":
        button = "dont_send_sms"
    else:
        raise OdooValidationError(
            f"Validating picking {picking_id} needs the Odoo wizard {wizard_model!r}, which the control tower "
            "does not answer; finish it in Odoo.",
            model="stock.picking",
            method="button_validate",
        )
    wizard_id = action.get("res_id") or _create_wizard(client, wizard_model, wizard_context)
    return client.call(wizard_model, button, [wizard_id], context=wizard_context)


def _create_wizard(client: OdooClient, wizard_model: str, context: dict[str, Any]) -> int:
    created = client.create(wizard_model, [{}], context=context)
    return created[0] if isinstance(created, list) else created
