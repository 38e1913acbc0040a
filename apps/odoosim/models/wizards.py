# ruff: noqa: S608  -- SQL identifiers come from the model registry, values are bound parameters
"""Validation wizards: stock.backorder.confirmation and stock_sms's confirm.stock.sms."""

from __future__ import annotations

from ..dispatch import rpc
from ..orm import Env, create
from .stock import validate_pickings

#: view ids of the wizard forms in this simulated database (any stable number works)
BACKORDER_VIEW_ID = 612
SMS_VIEW_ID = 613


def validation_context(env: Env, ids: list[int]) -> dict:
    """The context button_validate runs in: the caller's, plus the pickings being validated.

    Odoo's button_validate adds `button_validate_picking_ids` only when the caller has not set it,
    and every wizard action it returns carries that whole context, so keys a client passed (such
    as `skip_sms`) reach the wizard and the validation it resumes.
    """
    return {**env.context, "button_validate_picking_ids": list(env.context.get("button_validate_picking_ids") or ids)}


def backorder_action(env: Env, ids: list[int], short: list[int]) -> dict:
    """The act_window dict button_validate returns when quantities are below demand.

    Like Odoo's `_action_generate_backorder_wizard`: `dict(self.env.context, default_show_transfers=...,
    default_pick_ids=...)`.
    """
    return {
        "context": {
            **validation_context(env, ids),
            "default_pick_ids": [[4, pid] for pid in short],
            "default_show_transfers": False,
        },
        "name": "Create Backorder?",
        "res_model": "stock.backorder.confirmation",
        "target": "new",
        "type": "ir.actions.act_window",
        "view_id": BACKORDER_VIEW_ID,
        "view_mode": "form",
        "views": [[BACKORDER_VIEW_ID, "form"]],
    }


def needs_sms_confirmation(env: Env, ids: list[int]) -> list[int]:
    """Outgoing pickings with a partner phone, in a company that was never asked (once per company)."""
    rows = env.store.query(
        f"SELECT p.id, p.company_id FROM stock_picking p JOIN res_partner r ON r.id = p.partner_id "
        f"JOIN res_company c ON c.id = p.company_id "
        f"WHERE p.id IN ({','.join('?' * len(ids))}) AND p.picking_type_code = 'outgoing' "
        f"AND (COALESCE(r.phone, '') != '' OR COALESCE(r.mobile, '') != '') AND COALESCE(c.sms_confirmed, 0) = 0",
        ids,
    )
    return [r[0] for r in rows]


def sms_action(env: Env, ids: list[int], sms_pickings: list[int]) -> dict:
    """stock_sms's `_action_generate_warn_sms_wizard`: the wizard, with the validation's whole context."""
    company = env.store.row("stock.picking", sms_pickings[0])["company_id"]
    wizard = env.store.insert("confirm.stock.sms", {"company_id": company, "pick_ids": sms_pickings})
    return {
        "context": validation_context(env, ids),
        "name": "SMS",
        "res_id": wizard,
        "res_model": "confirm.stock.sms",
        "target": "new",
        "type": "ir.actions.act_window",
        "view_id": SMS_VIEW_ID,
        "view_mode": "form",
        "views": [[SMS_VIEW_ID, "form"]],
    }


def _resume_validation(env: Env, extra_context: dict) -> object:
    """Re-run button_validate for the pickings in the context (the wizards do exactly that)."""
    from .stock import button_validate

    ids = list(env.context.get("button_validate_picking_ids") or [])
    if not ids:
        return True
    return button_validate(env.with_context(**extra_context), "stock.picking", ids)


@rpc("confirm.stock.sms", "dont_send_sms", ())
def dont_send_sms(env: Env, model: str, ids: list[int]):
    _mark_companies(env, ids)
    return _resume_validation(env, {"skip_sms": True})


@rpc("confirm.stock.sms", "send_sms", ())
def send_sms(env: Env, model: str, ids: list[int]):
    _mark_companies(env, ids)
    return _resume_validation(env, {"skip_sms": True})


def _mark_companies(env: Env, ids: list[int]) -> None:
    for wizard in env.store.fetch("confirm.stock.sms", ids).values():
        if wizard.get("company_id"):
            env.store.update("res.company", [wizard["company_id"]], {"sms_confirmed": 1})


@rpc("stock.backorder.confirmation", "create", ("vals_list",), record=False, required=1)
def backorder_wizard_create(env: Env, model: str, vals_list: dict | list):
    single = isinstance(vals_list, dict)
    out = []
    for vals in [vals_list] if single else vals_list:
        vals = dict(vals)
        picks = [cmd[1] for cmd in env.context.get("default_pick_ids") or [] if isinstance(cmd, list) and cmd[0] == 4]
        vals.setdefault("pick_ids", picks)
        vals.setdefault("show_transfers", bool(env.context.get("default_show_transfers")))
        out.append(create(env, model, vals))
    return out[0] if single else out


def _wizard_picks(env: Env, ids: list[int]) -> list[int]:
    picks: list[int] = []
    for wizard in env.store.fetch("stock.backorder.confirmation", ids).values():
        import json

        picks += json.loads(wizard.get("pick_ids") or "[]")
    return picks


@rpc("stock.backorder.confirmation", "process", ())
def backorder_process(env: Env, model: str, ids: list[int]):
    """Validate and create backorders for what is left."""
    picks = _wizard_picks(env, ids)
    ctx_ids = list(env.context.get("button_validate_picking_ids") or picks)
    result = _resume_validation(env.with_context(button_validate_picking_ids=ctx_ids), {"skip_backorder": True})
    return result


@rpc("stock.backorder.confirmation", "process_cancel_backorder", ())
def backorder_cancel(env: Env, model: str, ids: list[int]):
    """Validate what was processed; no backorder for the rest."""
    picks = _wizard_picks(env, ids)
    ctx_ids = list(env.context.get("button_validate_picking_ids") or picks)
    return _resume_validation(
        env.with_context(button_validate_picking_ids=ctx_ids),
        {"skip_backorder": True, "picking_ids_not_to_backorder": picks},
    )


__all__ = ["backorder_action", "needs_sms_confirmation", "sms_action", "validate_pickings"]
