"""The shared half of the transfer detectors: load pickings in bulk, group them per sale order.

One late sale order shows as one case with its pick, pack and ship steps attached, not three:
a transfer of a sale order is judged together with the order's other transfers, under the key
of the order. A transfer without a sale order (a receipt, a replenishment) is its own case.
"""

from __future__ import annotations

from abc import abstractmethod
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from apps.cases.context import iso, transfers_context
from apps.cases.detectors.base import Detector, Evaluation, Finding, changed_ids, chunks
from apps.cases.models import SEVERITY_RANK
from apps.cases.scoring import customer_tier, priority_for
from apps.cases.site_rules import SiteResolver, SiteRules
from apps.mirror.changes import ChangeSet
from apps.mirror.models import Partner, Picking, SaleOrder

ACTIVE_PICKING_STATES = ("waiting", "confirmed", "assigned")  # draft is not committed; done/cancel are over
PICKING_FIELDS = (
    "odoo_id",
    "name",
    "state",
    "picking_type_id",
    "picking_type_code",
    "partner_id",
    "sale_order_id",
    "scheduled_date",
    "odoo_create_date",
    "responsible_odoo_id",
    "responsible_name",
    "carrier_name",
    "carrier_tracking_ref",
    "priority",
    "is_deleted",
)
KIND_WORDS = {"incoming": "Receipt", "outgoing": "Delivery", "internal": "Transfer"}


@dataclass
class Hit:
    """The condition holds for one transfer."""

    severity: str
    title: str
    detail: dict = field(default_factory=dict)
    minutes_to_cutoff: int | None = None
    ready: bool | None = None


def local_time(rules: SiteRules, value: datetime | None) -> str:
    """'14:05' today, 'Tue 14:05' otherwise, in the site's time zone."""
    if value is None:
        return "—"
    return value.astimezone(rules.site.tzinfo).strftime("%a %H:%M")


def kind_word(picking: dict) -> str:
    return KIND_WORDS.get(picking["picking_type_code"], "Transfer")


class TransferDetector(Detector):
    """A detector judging transfers (stock.picking). Subclasses implement check() and candidates()."""

    codes: tuple[str, ...] = ("incoming", "outgoing", "internal")
    group_by_order = True
    watches: tuple[str, ...] = ("stock.picking", "sale.order")

    @abstractmethod
    def check(self, picking: dict, order: dict | None, rules: SiteRules, now: datetime) -> Hit | None:
        """The hit for this transfer, or None when the condition does not hold."""

    def candidate_filter(self, now: datetime) -> dict:
        """Extra queryset filters for the sweep (the detector's coarse time window)."""
        return {}

    # -- framework hooks ----------------------------------------------------------------------
    def subjects_from_changes(self, changes: ChangeSet) -> set[int]:
        ids = changed_ids(changes)
        if changes.odoo_model == "stock.picking":
            return ids
        if changes.odoo_model == "sale.order":
            found: set[int] = set()
            for batch in chunks(ids):
                found.update(Picking.objects.filter(sale_order_id__in=batch).values_list("odoo_id", flat=True))
            return found
        return set()

    def sweep_candidates(self, sites: SiteResolver, now: datetime) -> Iterable[int]:
        filters = {"state__in": ACTIVE_PICKING_STATES, **self.candidate_filter(now)}
        return Picking.objects.filter(picking_type_code__in=self.codes, is_deleted=False, **filters).values_list(
            "odoo_id", flat=True
        )

    def evaluate(self, subject_ids: set[int], sites: SiteResolver, now: datetime) -> Evaluation:
        pickings = self._load(subject_ids)
        orders = self._orders({p["sale_order_id"] for p in pickings.values() if p["sale_order_id"]})
        partners = self._partners(
            {p["partner_id"] for p in pickings.values()} | {o["partner_id"] for o in orders.values()}
        )
        groups: dict[str, list[dict]] = defaultdict(list)
        hits: dict[str, list[tuple[dict, Hit]]] = defaultdict(list)
        group_rules: dict[str, SiteRules] = {}
        evaluation = Evaluation()
        for picking in pickings.values():
            rules = sites.for_picking_type(picking["picking_type_id"])
            if rules is None or not rules.enabled(self.code):
                continue
            key = self._group_key(picking)
            groups[key].append(picking)
            group_rules[key] = rules
            evaluation.checked_keys.add(key)
            if (
                picking["is_deleted"]
                or picking["state"] not in ACTIVE_PICKING_STATES
                or picking["picking_type_code"] not in self.codes
            ):
                continue
            hit = self.check(picking, orders.get(picking["sale_order_id"]), rules, now)
            if hit is not None:
                hits[key].append((picking, hit))
        for key, found in hits.items():
            evaluation.add(self._finding(key, groups[key], found, orders, partners, group_rules[key]))
        return evaluation

    # -- helpers ------------------------------------------------------------------------------
    def _group_key(self, picking: dict) -> str:
        if self.group_by_order and picking["sale_order_id"]:
            return self.key("sale.order", picking["sale_order_id"])
        return self.key("stock.picking", picking["odoo_id"])

    def _load(self, subject_ids: set[int]) -> dict[int, dict]:
        pickings: dict[int, dict] = {}
        for batch in chunks(subject_ids):
            for row in Picking.objects.filter(odoo_id__in=batch).values(*PICKING_FIELDS):
                pickings[row["odoo_id"]] = row
        if self.group_by_order:
            order_ids = {p["sale_order_id"] for p in pickings.values() if p["sale_order_id"]}
            for batch in chunks(order_ids):
                for row in Picking.objects.filter(sale_order_id__in=batch).values(*PICKING_FIELDS):
                    pickings.setdefault(row["odoo_id"], row)
        return pickings

    @staticmethod
    def _orders(order_ids: set[int]) -> dict[int, dict]:
        fields = ("odoo_id", "name", "state", "partner_id", "amount_total", "currency_name", "commitment_date")
        found: dict[int, dict] = {}
        for batch in chunks(order_ids):
            found.update({row["odoo_id"]: row for row in SaleOrder.objects.filter(odoo_id__in=batch).values(*fields)})
        return found

    @staticmethod
    def _partners(partner_ids: set[int | None]) -> dict[int, dict]:
        fields = ("odoo_id", "name", "ref", "credit_limit", "picking_warn", "parent_id")
        found: dict[int, dict] = {}
        for batch in chunks(pid for pid in partner_ids if pid):
            found.update({row["odoo_id"]: row for row in Partner.objects.filter(odoo_id__in=batch).values(*fields)})
        return found

    def _finding(
        self,
        key: str,
        group: list[dict],
        found: list[tuple[dict, Hit]],
        orders: dict[int, dict],
        partners: dict[int, dict],
        rules: SiteRules,
    ) -> Finding:
        found.sort(key=lambda pair: (-SEVERITY_RANK[pair[1].severity], pair[0]["odoo_id"]))
        worst_picking, worst = found[0]
        order = orders.get(worst_picking["sale_order_id"])
        partner = partners.get((order or {}).get("partner_id") or worst_picking["partner_id"])
        hit_ids = {picking["odoo_id"] for picking, _ in found}
        group.sort(
            key=lambda p: (p["scheduled_date"].timestamp() if p["scheduled_date"] else float("inf"), p["odoo_id"])
        )
        title = worst.title if not order else f"{order['name']} · {worst.title}"
        if len(found) > 1:
            title += f" (+{len(found) - 1} more step{'s' if len(found) > 2 else ''})"
        priority = priority_for(
            severity=worst.severity,
            minutes_to_cutoff=worst.minutes_to_cutoff,
            tier=customer_tier((partner or {}).get("ref")),
            order_value=(order or {}).get("amount_total") or 0,
            currency=(order or {}).get("currency_name") or "",
            ready=worst.ready,
        )
        subject = (
            ("sale.order", order["odoo_id"], order["name"]) if order else ("stock.picking", *_id_name(worst_picking))
        )
        warehouse_id = rules.warehouse_id
        return Finding(
            key=key,
            rules=rules,
            title=title[:300],
            severity=worst.severity,
            priority=priority,
            odoo_model=subject[0],
            odoo_id=subject[1],
            record_name=subject[2],
            subject_ids=sorted(p["odoo_id"] for p in group),
            steps=[
                {
                    "model": "stock.picking",
                    "id": p["odoo_id"],
                    "name": p["name"],
                    "kind": kind_word(p),
                    "state": p["state"],
                    "scheduled": iso(p["scheduled_date"]),
                    "flagged": p["odoo_id"] in hit_ids,
                }
                for p in group
            ],
            detail={**worst.detail, "picking": worst_picking["name"]},
            sale_order_odoo_id=order["odoo_id"] if order else None,
            context=lambda: transfers_context(rules, group, order, partner, warehouse_id),
        )


def _id_name(picking: dict) -> tuple[int, str]:
    return picking["odoo_id"], picking["name"]
