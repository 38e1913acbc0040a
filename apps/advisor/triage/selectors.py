"""Reads for message triage: the mirrored transfer a message is about, at the site it was pasted for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from apps.advisor.providers.base import TriageFacts
from apps.mirror.models import Move, Picking, Product, PurchaseOrder, SaleOrder
from apps.mirror.selectors import site_warehouse_ids
from apps.sites.models import Site
from apps.writeback.operations.base import OPEN_PICKING_STATES


@dataclass(frozen=True)
class RecordMatch:
    """The transfer a message is about (None when not found at this site), and how it was found."""

    picking: Picking | None
    order_name: str = ""  # the purchase or sale order the reference named, when it was one
    product: Product | None = None
    note: str = ""  # a sentence for the screen: how it matched, or why not

    @property
    def found(self) -> bool:
        return self.picking is not None


def _site_pickings(site: Site) -> QuerySet[Picking]:
    return Picking.objects.filter(
        picking_type__warehouse_id__in=site_warehouse_ids(site.code), is_deleted=False
    ).select_related("partner")


def _order_names(reference: str) -> list[str]:
    """P00012 and PO00012 name the same purchase order in different databases' sequences."""
    match = re.fullmatch(r"(PO|P|SO|S)(\d+)", reference)
    if not match:
        return [reference]
    prefix, number = match.groups()
    twins = {"PO": "P", "P": "PO", "SO": "S", "S": "SO"}
    return [reference, twins[prefix] + number]


def _first_open(pickings: QuerySet[Picking]) -> Picking | None:
    """The open transfer due first (a message about an order means the transfer still to come), else the latest."""
    open_first = pickings.filter(state__in=OPEN_PICKING_STATES).order_by("scheduled_date", "odoo_id").first()
    return open_first or pickings.order_by("-scheduled_date", "-odoo_id").first()


def _product(facts: TriageFacts, picking: Picking, message: str) -> Product | None:
    product_ids = list(Move.objects.filter(picking=picking).values_list("product_id", flat=True))
    products = Product.objects.filter(odoo_id__in=product_ids)
    if facts.product:
        named = products.filter(Q(default_code__iexact=facts.product) | Q(name__iexact=facts.product)).first()
        if named is None:
            singular = facts.product.rstrip("s")
            named = products.filter(name__icontains=singular).first() if len(singular) >= 3 else None
        if named is not None:
            return named
    lowered = message.lower()
    for product in products.order_by("-odoo_id")[:200]:
        if (product.default_code and product.default_code.lower() in lowered) or product.name.lower() in lowered:
            return product
    return None


def triage_match(*, site: Site, facts: TriageFacts, message: str) -> RecordMatch:
    """The site's transfer the message refers to: by transfer name, by its purchase or sale order, or
    by the order name in the transfer's source document. Only this site's transfers match."""
    reference = facts.reference
    if not reference:
        return RecordMatch(None, note="The message names no order or transfer: find it and act by hand.")
    pickings = _site_pickings(site)
    picking = pickings.filter(name__iexact=reference).first()
    order_name = ""
    if picking is None:
        names = _order_names(reference)
        purchase = PurchaseOrder.objects.filter(name__in=names, is_deleted=False).first()
        sale = SaleOrder.objects.filter(name__in=names, is_deleted=False).first() if purchase is None else None
        if purchase is not None:
            order_name = purchase.name
            picking = _first_open(pickings.filter(purchase_order=purchase))
        elif sale is not None:
            order_name = sale.name
            picking = _first_open(pickings.filter(sale_order=sale))
        if picking is None:
            picking = _first_open(pickings.filter(origin__in=names))
            order_name = order_name or (reference if picking else "")
    if picking is None:
        elsewhere = Picking.objects.filter(Q(name__iexact=reference) | Q(origin__in=_order_names(reference))).exists()
        note = (
            f"{reference} is not a transfer of {site.code}: pick the site it belongs to."
            if elsewhere
            else f"{reference} is not in the mirror (yet): check the reference, or wait for the next sync."
        )
        return RecordMatch(None, order_name=order_name, note=note)
    how = f"{picking.name} (from {order_name})" if order_name else picking.name
    return RecordMatch(
        picking, order_name=order_name, product=_product(facts, picking, message), note=f"Matched {how}."
    )
