"""Stock detectors: forward-location shortage, inventory variance above threshold, repeated pick
failures at a location."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.cases.context import site_part, stock_position
from apps.cases.detectors.base import Detector, Evaluation, Finding, changed_ids, chunks, register
from apps.cases.models import PickFailureReport, Severity
from apps.cases.scoring import priority_for
from apps.cases.site_rules import SiteResolver, SiteRules
from apps.mirror.changes import ChangeSet
from apps.mirror.models import Location, Move, Orderpoint, Product, Quant
from apps.writeback.selectors import own_effects, writes_in_flight


def product_labels(product_ids: Iterable[int]) -> dict[int, str]:
    labels = {}
    for batch in chunks(set(product_ids)):
        for pid, code, name in Product.objects.filter(odoo_id__in=batch).values_list("odoo_id", "default_code", "name"):
            labels[pid] = f"[{code}] {name}" if code else name
    return labels


def product_cost(product_id: int) -> float | None:
    """Unit cost, when the mirror holds it (Odoo's standard_price); None otherwise."""
    product = Product.objects.filter(odoo_id=product_id).first()
    return getattr(product, "standard_price", None)


@register
class ForwardShortageDetector(Detector):
    """On hand at a forward (orderpoint) location below the orderpoint's minimum."""

    code = "forward_shortage"
    label = _("Forward location shortage")
    watches = ("stock.quant", "stock.warehouse.orderpoint", "product.product")

    def subjects_from_changes(self, changes: ChangeSet) -> set[int]:
        ids = changed_ids(changes)
        if changes.odoo_model == "stock.warehouse.orderpoint":
            return ids
        if changes.odoo_model == "product.product":  # a renamed product retitles its cases
            found: set[int] = set()
            for batch in chunks(ids):
                found.update(Orderpoint.objects.filter(product_id__in=batch).values_list("odoo_id", flat=True))
            return found
        if changes.odoo_model != "stock.quant":
            return set()
        pairs: set[tuple[int, int]] = set()
        for batch in chunks(ids):
            for product_id, location_id in Quant.objects.filter(odoo_id__in=batch).values_list(
                "product_id", "location_id"
            ):
                if product_id is not None and location_id is not None:  # Odoo requires both on a quant
                    pairs.add((product_id, location_id))
        affected: set[int] = set()
        for product_id, location_id in pairs:
            affected.update(
                Orderpoint.objects.filter(product_id=product_id, location_id=location_id).values_list(
                    "odoo_id", flat=True
                )
            )
        return affected

    def sweep_candidates(self, sites: SiteResolver, now: datetime) -> Iterable[int]:
        return Orderpoint.objects.filter(is_archived=False, is_deleted=False).values_list("odoo_id", flat=True)

    def evaluate(self, subject_ids: set[int], sites: SiteResolver, now: datetime) -> Evaluation:
        evaluation = Evaluation()
        points: list[Mapping[str, Any]] = []
        for batch in chunks(subject_ids):
            points.extend(Orderpoint.objects.filter(odoo_id__in=batch).values())
        on_hand: dict[tuple[int, int], float] = {}
        for batch in chunks({p["location_id"] for p in points if p["location_id"]}):
            rows = (
                Quant.objects.filter(location_id__in=batch, is_deleted=False)
                .values("product_id", "location_id")
                .annotate(total=Sum("quantity"))
            )
            on_hand.update({(r["product_id"], r["location_id"]): r["total"] or 0.0 for r in rows})
        labels = product_labels(p["product_id"] for p in points if p["product_id"])
        locations = dict(Location.objects.filter(usage="internal").values_list("odoo_id", "complete_name"))
        for point in points:
            rules = sites.for_warehouse(point["warehouse_id"]) or sites.for_location(point["location_id"])
            if rules is None or not rules.enabled(self.code):
                continue
            key = self.key("stock.warehouse.orderpoint", point["odoo_id"])
            evaluation.checked_keys.add(key)
            snoozed = point["snoozed_until"] and point["snoozed_until"] >= now.date()
            if point["is_archived"] or point["is_deleted"] or snoozed:
                continue
            quantity = on_hand.get((point["product_id"], point["location_id"]), 0.0)
            minimum = point["product_min_qty"]
            if quantity >= minimum:
                continue
            severity = (
                Severity.CRITICAL if quantity <= 0 else Severity.HIGH if quantity < minimum / 2 else Severity.MEDIUM
            )
            product = labels.get(point["product_id"], f"product {point['product_id']}")
            where = locations.get(point["location_id"], "forward location")
            evaluation.add(
                Finding(
                    key=key,
                    rules=rules,
                    title=f"{product} at {quantity:g}, minimum {minimum:g} — {where}",  # the product tells cases apart
                    severity=severity,
                    priority=priority_for(severity=severity),
                    odoo_model="stock.warehouse.orderpoint",
                    odoo_id=point["odoo_id"],
                    record_name=point["name"],
                    subject_ids=[point["odoo_id"]],
                    detail={"on_hand": quantity, "minimum": minimum, "shortfall": round(minimum - quantity, 2)},
                    context=_shortage_context(rules, point, quantity, product, where),
                )
            )
        return evaluation


def _shortage_context(rules, point: Mapping[str, Any], quantity: float, product: str, where: str):
    def build() -> dict:
        return {
            "captured_at": timezone.now().isoformat(),
            "site": site_part(rules),
            "orderpoint": {
                "name": point["name"],
                "location": where,
                "product": product,
                "minimum": point["product_min_qty"],
                "maximum": point["product_max_qty"],
                "on_hand_at_location": quantity,
            },
            "stock": stock_position([point["product_id"]], point["warehouse_id"]),
        }

    return build


@register
class InventoryVarianceDetector(Detector):
    """The latest inventory count of a product at a location moved stock by more than the site's
    threshold (units and % of stock, or value when the unit cost is known). A later count within
    the threshold clears it, and so does a count Control Tower applied itself (an approved count:
    its inventory move is our outbox's effect, already decided by a person)."""

    code = "inventory_variance"
    label = _("Inventory variance")
    watches = ("stock.move",)

    def subjects_from_changes(self, changes: ChangeSet) -> set[int]:
        if changes.odoo_model != "stock.move" or not (changes.created or changes.updated):
            return set()
        inventory = list(Location.objects.filter(usage="inventory").values_list("odoo_id", flat=True))
        pairs: set[tuple[int, int]] = set()
        for batch in chunks([*changes.created, *changes.updated]):
            for move in Move.objects.filter(odoo_id__in=batch, state="done").filter(
                Q(location_id__in=inventory) | Q(location_dest_id__in=inventory)
            ):
                counted_at = move.location_id if move.location_dest_id in inventory else move.location_dest_id
                if move.product_id is not None and counted_at is not None:  # Odoo requires both on a move
                    pairs.add((move.product_id, counted_at))
        found: set[int] = set()
        for product_id, location_id in pairs:
            found.update(
                Quant.objects.filter(product_id=product_id, location_id=location_id).values_list("odoo_id", flat=True)
            )
        return found

    def evaluate(self, subject_ids: set[int], sites: SiteResolver, now: datetime) -> Evaluation:
        evaluation = Evaluation()
        inventory = set(Location.objects.filter(usage="inventory").values_list("odoo_id", flat=True))
        quants: list[Mapping[str, Any]] = []
        for batch in chunks(subject_ids):
            quants.extend(Quant.objects.filter(odoo_id__in=batch).values())
        labels = product_labels(q["product_id"] for q in quants if q["product_id"])
        # Our outbox is applying a count there: left as they are until its effects are recorded
        # (the sweep re-judges open cases; a new case now would be about our own count).
        applying = writes_in_flight(odoo_model="stock.quant", odoo_ids=[q["odoo_id"] for q in quants])
        counted: list[tuple[Mapping[str, Any], SiteRules, Mapping[str, Any]]] = []
        for quant in quants:
            rules = sites.for_location(quant["location_id"])
            if rules is None or not rules.enabled(self.code) or quant["odoo_id"] in applying:
                continue
            evaluation.checked_keys.add(self.key("stock.quant", quant["odoo_id"]))
            move = _latest_count(quant, inventory)
            if move is not None:
                counted.append((quant, rules, move))
        # A count Control Tower applied (an approved request) was decided already: no variance to chase.
        ours = own_effects(
            odoo_model="stock.move", write_dates={move["odoo_id"]: move["odoo_write_date"] for _, _, move in counted}
        )
        for quant, rules, move in counted:
            if move["odoo_id"] in ours:
                continue
            key = self.key("stock.quant", quant["odoo_id"])
            signed = move["product_uom_qty"] if move["location_id"] in inventory else -move["product_uom_qty"]
            before = quant["quantity"] - signed
            pct = abs(signed) / before * 100 if before > 0 else 100.0
            cost = product_cost(quant["product_id"])
            value = abs(signed) * cost if cost else None
            settings = rules.settings
            over_qty = abs(signed) >= settings.variance_qty and pct >= settings.variance_pct
            over_value = value is not None and value >= settings.variance_value
            if not (over_qty or over_value):
                continue
            severity = Severity.HIGH if pct >= 2 * settings.variance_pct or over_value else Severity.MEDIUM
            product = labels.get(quant["product_id"], f"product {quant['product_id']}")
            detail = {"counted_change": signed, "before": before, "after": quant["quantity"], "percent": round(pct, 1)}
            if value is not None:
                detail["value"] = round(value, 2)
            evaluation.add(
                Finding(
                    key=key,
                    rules=rules,
                    title=f"Count changed {product} by {signed:+g} ({pct:.0f}%) at {_location_name(quant)}",
                    severity=severity,
                    priority=priority_for(severity=severity),
                    odoo_model="stock.quant",
                    odoo_id=quant["odoo_id"],
                    record_name=f"{product} @ {_location_name(quant)}",
                    subject_ids=[quant["odoo_id"]],
                    detail={**detail, "move": move["odoo_id"]},
                    context=_variance_context(rules, quant, detail, product),
                )
            )
        return evaluation


def _latest_count(quant: Mapping[str, Any], inventory: set[int]) -> Mapping[str, Any] | None:
    """The newest inventory move (an applied count) of the quant's product at its location."""
    return (
        Move.objects.filter(product_id=quant["product_id"], state="done")
        .filter(
            Q(location_id=quant["location_id"], location_dest_id__in=inventory)
            | Q(location_dest_id=quant["location_id"], location_id__in=inventory)
        )
        .order_by("-date", "-odoo_id")
        .values("odoo_id", "product_uom_qty", "location_id", "date", "odoo_write_date")
        .first()
    )


def _location_name(quant: Mapping[str, Any]) -> str:
    return Location.objects.filter(odoo_id=quant["location_id"]).values_list("complete_name", flat=True).first() or ""


def _variance_context(rules, quant: Mapping[str, Any], detail: dict, product: str):
    def build() -> dict:
        return {
            "captured_at": timezone.now().isoformat(),
            "site": site_part(rules),
            "count": {"product": product, "location": _location_name(quant), **detail},
            "stock": stock_position([quant["product_id"]], rules.warehouse_id),
        }

    return build


@register
class RepeatedPickFailureDetector(Detector):
    """N pick failures at one location within the window (reports arrive through the API)."""

    code = "pick_failure"
    label = _("Repeated pick failures")
    time_based = True  # old reports leave the window: the case clears by itself

    def sweep_candidates(self, sites: SiteResolver, now: datetime) -> Iterable[int]:
        since = now - timedelta(hours=24)
        return PickFailureReport.objects.filter(reported_at__gte=since).values_list("location_odoo_id", flat=True)

    def evaluate(self, subject_ids: set[int], sites: SiteResolver, now: datetime) -> Evaluation:
        evaluation = Evaluation()
        names = dict(Location.objects.filter(odoo_id__in=subject_ids).values_list("odoo_id", "complete_name"))
        for location_id in subject_ids:
            rules = sites.for_location(location_id)
            if rules is None or not rules.enabled(self.code):
                continue
            key = self.key("stock.location", location_id)
            evaluation.checked_keys.add(key)
            since = now - timedelta(hours=rules.settings.pick_failure_window_hours)
            reports = PickFailureReport.objects.filter(location_odoo_id=location_id, reported_at__gte=since)
            summary = reports.aggregate(count=Count("id"), last=Max("reported_at"))
            if summary["count"] < rules.settings.pick_failure_count:
                continue
            count = summary["count"]
            severity = Severity.HIGH if count >= 2 * rules.settings.pick_failure_count else Severity.MEDIUM
            where = names.get(location_id, f"location {location_id}")
            evaluation.add(
                Finding(
                    key=key,
                    rules=rules,
                    title=f"{count} pick failures at {where} in {rules.settings.pick_failure_window_hours} h",
                    severity=severity,
                    priority=priority_for(severity=severity),
                    odoo_model="stock.location",
                    odoo_id=location_id,
                    record_name=where,
                    subject_ids=[location_id],
                    detail={"failures": count, "last": summary["last"].isoformat()},
                    context=_failure_context(rules, location_id, list(reports.values("reason", "picking_odoo_id"))),
                )
            )
        return evaluation


def _failure_context(rules, location_id: int, reports: list[Mapping[str, Any]]):
    def build() -> dict:
        products = Quant.objects.filter(location_id=location_id).values_list("product_id", flat=True)[:20]
        return {
            "captured_at": timezone.now().isoformat(),
            "site": site_part(rules),
            "failures": reports[:50],
            "stock": stock_position(products, rules.warehouse_id),
        }

    return build
