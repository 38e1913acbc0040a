"""Blocked shipment: a customer on delivery hold, or over the credit limit, with open orders.

One case per customer and site (not per order): the condition is the customer's, and the orders
it blocks are attached as steps. Owned by finance, who can lift a hold or approve the exposure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.cases.context import customer_part, iso, order_part, site_part
from apps.cases.detectors.base import Detector, Evaluation, Finding, changed_ids, chunks, register
from apps.cases.models import Severity
from apps.cases.scoring import customer_tier, priority_for
from apps.cases.site_rules import SiteResolver
from apps.mirror.changes import ChangeSet
from apps.mirror.models import Partner, Picking, SaleOrder

OPEN_ORDER_STATES = ("draft", "sent", "sale")
CLOSED_PICKING_STATES = ("done", "cancel")
# Odoo's receivable (`credit`) counts toward the limit when the mirror holds it; otherwise the
# exposure is the value of the customer's open orders alone.
HAS_RECEIVABLE = any(field.name == "credit" for field in Partner._meta.get_fields())
PARTNER_FIELDS = ("odoo_id", "name", "ref", "credit_limit", "picking_warn", "parent_id", "is_deleted", "is_archived")


@register
class BlockedShipmentDetector(Detector):
    code = "blocked_shipment"
    label = _("Blocked shipment (credit or hold)")
    owner_role = Role.APPROVER_FINANCE
    watches = ("res.partner", "sale.order", "stock.picking")

    def subjects_from_changes(self, changes: ChangeSet) -> set[int]:
        ids = changed_ids(changes)
        found: set[int | None] = set()  # a sale order or transfer may name no customer
        for batch in chunks(ids):
            if changes.odoo_model == "res.partner":
                found.update(batch)
                found.update(Partner.objects.filter(parent_id__in=batch).values_list("odoo_id", flat=True))
            elif changes.odoo_model == "sale.order":
                found.update(SaleOrder.objects.filter(odoo_id__in=batch).values_list("partner_id", flat=True))
            elif changes.odoo_model == "stock.picking":
                orders = Picking.objects.filter(odoo_id__in=batch).exclude(sale_order_id=None)
                found.update(
                    SaleOrder.objects.filter(odoo_id__in=orders.values("sale_order_id")).values_list(
                        "partner_id", flat=True
                    )
                )
        return {partner_id for partner_id in found if partner_id is not None}

    def sweep_candidates(self, sites: SiteResolver, now: datetime) -> Iterable[int]:
        return SaleOrder.objects.filter(state__in=OPEN_ORDER_STATES, is_deleted=False).values_list(
            "partner_id", flat=True
        )

    def evaluate(self, subject_ids: set[int], sites: SiteResolver, now: datetime) -> Evaluation:
        evaluation = Evaluation()
        fields = (*PARTNER_FIELDS, "credit") if HAS_RECEIVABLE else PARTNER_FIELDS
        partners = {}
        for batch in chunks(subject_ids):
            partners.update({p["odoo_id"]: p for p in Partner.objects.filter(odoo_id__in=batch).values(*fields)})
        parents = {
            p["odoo_id"]: p
            for p in Partner.objects.filter(odoo_id__in={p["parent_id"] for p in partners.values()}).values(*fields)
        }
        orders_by_partner, next_delivery = self._open_orders(list(partners))
        for partner in partners.values():
            parent = parents.get(partner["parent_id"]) or {}
            hold = "block" in (partner["picking_warn"], parent.get("picking_warn"))
            limit = partner["credit_limit"] or 0
            orders = orders_by_partner.get(partner["odoo_id"], [])
            exposure = (partner.get("credit") or 0) + sum(o["amount_total"] or 0 for o in orders)
            over = limit > 0 and exposure > limit
            by_site = defaultdict(list)
            for order in orders:
                rules = sites.for_warehouse(order["warehouse_id"])
                if rules is not None:
                    by_site[rules.site.code].append((rules, order))
            for rules in sites.sites():
                if not rules.enabled(self.code):
                    continue
                key = self.key("res.partner", partner["odoo_id"], rules.site.code)
                evaluation.checked_keys.add(key)
                site_orders = [order for _, order in by_site.get(rules.site.code, [])]
                if not site_orders or partner["is_deleted"] or not (hold or over):
                    continue
                soon = any(
                    next_delivery.get(o["odoo_id"]) and next_delivery[o["odoo_id"]] <= now + timedelta(hours=24)
                    for o in site_orders
                )
                severity = Severity.HIGH if hold or soon else Severity.MEDIUM
                reason = "on delivery hold" if hold else f"over credit limit ({exposure:,.0f} of {limit:,.0f})"
                value = sum(o["amount_total"] or 0 for o in site_orders)
                evaluation.add(
                    Finding(
                        key=key,
                        rules=rules,
                        title=f"{partner['name']} {reason} — {len(site_orders)} open order(s) blocked",
                        severity=severity,
                        priority=priority_for(severity=severity, tier=customer_tier(partner["ref"]), order_value=value),
                        odoo_model="res.partner",
                        odoo_id=partner["odoo_id"],
                        record_name=partner["name"],
                        subject_ids=[partner["odoo_id"]],
                        steps=[
                            {
                                "model": "sale.order",
                                "id": o["odoo_id"],
                                "name": o["name"],
                                "kind": "Order",
                                "state": o["state"],
                                "scheduled": iso(next_delivery.get(o["odoo_id"])),
                                "flagged": True,
                            }
                            for o in site_orders
                        ],
                        detail={"hold": hold, "exposure": round(exposure, 2), "credit_limit": limit},
                        context=_context(rules, partner, site_orders, hold, exposure),
                    )
                )
        return evaluation

    @staticmethod
    def _open_orders(partner_ids: list[int]) -> tuple[dict[int, list[Mapping[str, Any]]], dict[int, datetime]]:
        """Open orders per customer (quotations, and confirmed orders not yet fully shipped), with
        each order's next delivery time."""
        orders: list[Mapping[str, Any]] = []
        for batch in chunks(partner_ids):
            orders.extend(
                SaleOrder.objects.filter(partner_id__in=batch, state__in=OPEN_ORDER_STATES, is_deleted=False).values(
                    "odoo_id", "name", "state", "partner_id", "amount_total", "warehouse_id", "currency_name"
                )
            )
        pending: dict[int, list[datetime | None]] = defaultdict(list)
        done: set[int] = set()
        for batch in chunks([o["odoo_id"] for o in orders]):
            for order_id, state, scheduled in Picking.objects.filter(sale_order_id__in=batch).values_list(
                "sale_order_id", "state", "scheduled_date"
            ):
                if state in CLOSED_PICKING_STATES:
                    done.add(order_id)
                else:
                    pending[order_id].append(scheduled)
        by_partner: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
        for order in orders:
            # A confirmed order whose deliveries are all done or cancelled no longer waits on credit.
            if order["state"] == "sale" and order["odoo_id"] in done and not pending.get(order["odoo_id"]):
                continue
            by_partner[order["partner_id"]].append(order)
        next_delivery = {oid: min(d for d in dates if d) for oid, dates in pending.items() if any(dates)}
        return by_partner, next_delivery


def _context(rules, partner: Mapping[str, Any], orders: list[Mapping[str, Any]], hold: bool, exposure: float):
    def build() -> dict:
        return {
            "captured_at": timezone.now().isoformat(),
            "site": site_part(rules),
            "customer": {**customer_part(partner), "exposure": round(exposure, 2), "receivable_known": HAS_RECEIVABLE},
            "orders": [order_part(o) for o in orders],
            "hold": hold,
        }

    return build
