"""Handing an approved request's effect to the write-back outbox (same transaction as the decision)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apps.approvals.effects import odoo_stamp
from apps.approvals.models import ApprovalRequest
from apps.approvals.services.timeline import timeline_add
from apps.mirror.models import Picking, PurchaseOrder, Quant
from apps.writeback.services import outbox_enqueue

if TYPE_CHECKING:
    from apps.accounts.models import User

MIRRORS = {"stock.picking": Picking, "stock.quant": Quant, "purchase.order": PurchaseOrder}


def _preconditions_as_seen(effect: dict) -> dict:
    """The record's write_date as the mirror holds it at the decision: what the approver looked at.

    (The one stored when the request was raised may be hours old; Odoo changes in between that the
    approver saw must not block the effect, changes after the decision must.)"""
    preconditions = dict(effect.get("preconditions") or {})
    mirror = MIRRORS.get(effect["odoo_model"])
    odoo_id = effect.get("odoo_id")
    if "write_date" in preconditions and mirror is not None and odoo_id is not None:
        seen = mirror._default_manager.filter(odoo_id=odoo_id).values_list("odoo_write_date", flat=True).first()
        if seen is not None:
            preconditions["write_date"] = odoo_stamp(seen)
    return preconditions


def effect_enqueue(*, request: ApprovalRequest, actor: User | None = None) -> int | None:
    """Create the outbox entry for the request's effect once; returns its id (None: nothing to do in Odoo)."""
    if not request.effect or request.outbox_entry_id:
        return request.outbox_entry_id
    effect = request.effect
    entry = outbox_enqueue(
        operation=effect["operation"],
        odoo_model=effect["odoo_model"],
        odoo_id=effect.get("odoo_id"),
        arguments=effect.get("arguments", {}),
        preconditions=_preconditions_as_seen(effect),
        # one effect per request, whatever retries or double clicks happen upstream
        idempotency_key=f"approval:{request.pk}:effect",
        cause_type="approval_request",
        cause_id=str(request.pk),
        requested_by=actor if getattr(actor, "pk", None) else None,
        site_code=request.site.code,
    )
    request.outbox_entry_id = entry.pk
    ApprovalRequest.objects.filter(pk=request.pk).update(outbox_entry_id=entry.pk)
    timeline_add(
        request,
        kind="writeback_queued",
        message=f"Queued for Odoo: {effect.get('summary') or effect['operation']}",
        data={"outbox_entry": entry.pk, "operation": effect["operation"]},
    )
    return entry.pk
