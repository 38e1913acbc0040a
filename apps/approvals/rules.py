"""Rules that raise approval requests from the mirror's change sets.

- delivery to a customer over the credit limit → shipment release (finance)
- a ready delivery within credit with a carrier → standard order release, straight-through
- a count away from the books (pending, or applied by an inventory move) → inventory adjustment
- a forward location below its minimum with nothing incoming → emergency purchase
- a carrier that reports a later pickup → expedited carrier upgrade

Each rule raises a condition once (the dedupe key); the policy in force decides whether it needs
people at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone

from apps.approvals import builders
from apps.approvals.builders import DraftError
from apps.approvals.facts import credit_facts, partner_credit, product_cost
from apps.approvals.policies import PolicyError
from apps.approvals.services.raising import RequestDraft, request_raise
from apps.mirror.changes import ChangeSet
from apps.mirror.models import Location, Move, Orderpoint, Picking, Quant, SaleOrder
from apps.mirror.selectors import mirrored_while_building
from apps.mirror.services.sync_runs import sync_run_note_skipped
from apps.writeback.selectors import own_effects, writes_in_flight

logger = logging.getLogger(__name__)

OPEN_DELIVERY_STATES = ("confirmed", "waiting", "assigned")
FRESH = timedelta(hours=2)
OPEN_MOVE_STATES = ("draft", "waiting", "confirmed", "partially_available", "assigned")


def _raise(build: Callable[..., RequestDraft], *args, **kwargs) -> None:
    """Build the draft and raise it; a record that cannot be a subject (no site, no policy) is skipped."""
    try:
        request_raise(draft=build(*args, **kwargs))
    except (DraftError, PolicyError) as exc:
        logger.info("approval rule skipped", extra={"reason": str(exc)})


def on_change_set(changes: ChangeSet) -> None:
    """The mirror's hook (registered in AppConfig.ready)."""
    handler = HANDLERS.get(changes.odoo_model)
    if handler is not None:
        handler(changes)


# -- deliveries: credit hold, straight-through release, late carrier ------------------------------
def _deliveries(picking_ids) -> list[Picking]:
    return list(
        Picking.objects.filter(
            odoo_id__in=list(picking_ids), picking_type_code="outgoing", state__in=OPEN_DELIVERY_STATES
        )
        .select_related("partner")
        .order_by("odoo_id")
    )


def check_deliveries(pickings: list[Picking], *, release_ids: set[int]) -> None:
    """Credit hold for deliveries to customers over their limit; the ready ones among `release_ids`
    within credit go straight through."""
    # a partner not mirrored yet is checked when it arrives (on_partners)
    pickings = [p for p in pickings if p.partner is not None]
    credits = partner_credit([p.partner_id for p in pickings if p.partner_id is not None])
    for picking in pickings:
        if picking.partner_id not in credits:
            continue  # no customer, or Odoo did not answer: decide when the picking next changes
        credit = credits[picking.partner_id]
        if _over_limit(picking, credit):
            _raise(builders.shipment_release_draft, picking, credit=credit, rule="credit_limit")
        elif picking.odoo_id in release_ids:
            _raise(builders.order_release_draft, picking, credit=credit, rule="order_release")


def _over_limit(picking: Picking, credit: float) -> bool:
    assert picking.partner is not None  # check_deliveries keeps only pickings with a customer
    return not credit_facts(picking.partner, credit, builders.order_amount(picking))["credit_ok"]


def _fresh(picking: Picking) -> bool:
    """Created in Odoo lately: the first sync of an old database releases nothing in bulk."""
    return picking.odoo_create_date is not None and picking.odoo_create_date >= timezone.now() - FRESH


def on_pickings(changes: ChangeSet) -> None:
    touched = set(changes.created) | {
        pk for pk, columns in changes.updated.items() if {"state", "partner", "carrier_odoo_id"} & set(columns)
    }
    pickings = _deliveries(touched)
    became_ready = {pk for pk, columns in changes.updated.items() if "state" in columns}
    release_ids = {p.odoo_id for p in pickings if (p.odoo_id in became_ready or _fresh(p)) and p.state == "assigned"}
    check_deliveries(pickings, release_ids=release_ids)
    delayed = [
        pk
        for pk, columns in changes.updated.items()
        if "scheduled_date" in columns and "carrier_tracking_ref" in columns
    ]
    for picking in _deliveries(delayed):
        _raise(builders.carrier_upgrade_draft, picking, delay_hours=_delay_hours(picking), rule="carrier_delay")


def _delay_hours(picking: Picking) -> float | None:
    promised = picking.date_deadline
    if promised is None and picking.sale_order_id:
        promised = (
            SaleOrder.objects.filter(odoo_id=picking.sale_order_id).values_list("commitment_date", flat=True).first()
        )
    if promised is None or picking.scheduled_date is None:
        return None
    return max(0.0, (picking.scheduled_date - promised).total_seconds() / 3600)


def on_sale_orders(changes: ChangeSet) -> None:
    """A new or changed order may push its customer over the limit: check their open deliveries."""
    ids = set(changes.created) | set(changes.updated)
    partners = set(SaleOrder.objects.filter(odoo_id__in=list(ids)).values_list("partner_id", flat=True)) - {None}
    pickings = Picking.objects.filter(partner_id__in=partners).values_list("odoo_id", flat=True)
    check_deliveries(_deliveries(pickings), release_ids=set())


def on_partners(changes: ChangeSet) -> None:
    """A customer arriving in the mirror, or a changed limit or hold: check their open deliveries."""
    ids = set(changes.created) | {
        pk for pk, columns in changes.updated.items() if {"credit_limit", "picking_warn"} & set(columns)
    }
    pickings = Picking.objects.filter(partner_id__in=ids).values_list("odoo_id", flat=True)
    check_deliveries(_deliveries(pickings), release_ids=set())


# -- counts: variances above threshold, forward stockouts -----------------------------------------
def on_moves(changes: ChangeSet) -> None:
    """Inventory moves (to or from the inventory-loss location) are applied counts."""
    inventory = Location.objects.filter(usage="inventory").values_list("odoo_id", flat=True)
    created = Move.objects.filter(odoo_id__in=changes.created, state="done")
    moves = created.filter(location_id__in=inventory) | created.filter(location_dest_id__in=inventory)
    check_applied_counts(list(moves.distinct().order_by("odoo_id")), set(inventory), changes=changes)


def _past_counts(moves: list[Move], changes: ChangeSet) -> list[Move]:
    """Counts applied before now that nobody can decide on any more: everything a first sync or a
    backfill brings (the mirror is being built), and any count done longer ago than FRESH."""
    if changes.historical:
        return list(moves)
    stale_before = timezone.now() - FRESH
    return [m for m in moves if m.date is not None and m.date < stale_before]


def check_applied_counts(moves: list[Move], inventory_ids: set[int], *, changes: ChangeSet) -> None:
    """A count applied in Odoo: the variance is the move, the books before it are the quant minus the move.

    Moves and quants reach the mirror in either order; a move is judged once its quant shows the count
    (the quant's write is not older than the move), so `before` is never computed from a stale quant.
    Past counts (a first sync, a backfill) raise nothing; the sync's record counts them.
    """
    # A count our outbox applied (an approved request) makes an inventory move: not a new count.
    ours = own_effects(odoo_model="stock.move", write_dates={m.odoo_id: m.odoo_write_date for m in moves})
    moves = [m for m in moves if m.odoo_id not in ours]
    past = {m.odoo_id for m in _past_counts(moves, changes)}
    sync_run_note_skipped(run_id=changes.sync_run_id, decisions=len(past))
    moves = [m for m in moves if m.odoo_id not in past]
    costs = product_cost([m.product_id for m in moves if m.product_id])
    for move in moves:
        gain = move.location_id in inventory_ids
        internal = move.location_dest_id if gain else move.location_id
        if move.product_id is None or internal is None:
            continue  # Odoo requires both on a move: nothing to count against
        quant = (
            Quant.objects.filter(product_id=move.product_id, location_id=internal)
            .select_related("product", "location")
            .first()
        )
        if quant is None or not _reflects(quant, move):
            continue  # on_quants picks it up when the quant arrives
        if writes_in_flight(odoo_model="stock.quant", odoo_ids=[quant.odoo_id]):
            continue  # our outbox is applying a count there: its effects are recorded when it finishes
        after = quant.quantity
        before = after - move.quantity if gain else after + move.quantity
        _raise(
            builders.inventory_adjustment_draft,
            quant,
            before=before,
            counted=after,
            unit_cost=_cost(costs, move.product_id),
            already_applied=True,
            key=f"inventory_adjustment:move:{move.odoo_id}",
            rule="inventory_variance",
        )


def _reflects(quant: Quant, move: Move) -> bool:
    """Whether the mirrored quant already shows this move. Odoo stamps the quant and the move written
    in one transaction with the same write_date, so a quant at least that new includes the move. (The
    move's `date` is taken later in the transaction; a tolerance on it let a quant written a moment
    *before* the count pass as "after", and the variance came out wrong.)"""
    if quant.odoo_write_date is None:
        return False
    if move.odoo_write_date is not None:
        return quant.odoo_write_date >= move.odoo_write_date
    return move.date is not None and quant.odoo_write_date >= move.date - timedelta(seconds=1)


def _applied_counts_of(quants: list[Quant]) -> list[Move]:
    """Inventory moves of these quants' product and location, done since shortly before the quant changed
    and not yet judged: the moves on_moves left for the quant (it did not show them yet)."""
    inventory = set(Location.objects.filter(usage="inventory").values_list("odoo_id", flat=True))
    found: list[Move] = []
    for quant in quants:
        if quant.odoo_write_date is None or quant.product_id is None or quant.location_id is None:
            continue
        done = Move.objects.filter(
            product_id=quant.product_id, state="done", date__gte=quant.odoo_write_date - timedelta(minutes=5)
        )
        found += list(
            (
                done.filter(location_id=quant.location_id, location_dest_id__in=inventory)
                | done.filter(location_dest_id=quant.location_id, location_id__in=inventory)
            ).order_by("odoo_id")
        )
    # A count the first (or a full) sync mirrored was judged then, as past: the quant changing now
    # (our own apply a minute later, say) does not make it a new count.
    past = mirrored_while_building(found, since=timezone.now() - FRESH)
    return [move for move in found if move.odoo_id not in past]


def _raise_pending_counts(pending: list[Quant], costs: dict) -> None:
    for quant in pending:
        _raise(
            builders.inventory_adjustment_draft,
            quant,
            before=quant.quantity,
            counted=quant.inventory_quantity,
            unit_cost=_cost(costs, quant.product_id),
            already_applied=False,
            key=f"inventory_adjustment:quant:{quant.odoo_id}:{quant.inventory_quantity:g}",
            rule="inventory_count",
        )


def recheck_pending_counts() -> int:
    """Raise the request of every count still waiting in Odoo; how many counts were looked at.

    A count normally raises its request from the sync's change set, but a change set can be lost
    (Redis restarted with the task still queued, the database away while it ran) and the sync will
    not bring the quant again until it changes. Raising is idempotent (the same count has the same
    key), so this only fills the gaps.
    """
    pending = list(
        Quant.objects.filter(inventory_quantity_set=True).select_related("product", "location").order_by("odoo_id")
    )
    _raise_pending_counts(pending, product_cost([q.product_id for q in pending if q.product_id is not None]))
    return len(pending)


def on_quants(changes: ChangeSet) -> None:
    ids = list(set(changes.created) | set(changes.updated))
    quants = list(Quant.objects.filter(odoo_id__in=ids).select_related("product", "location").order_by("odoo_id"))
    pending = [q for q in quants if q.inventory_quantity_set]
    recounted = [q for q in quants if "quantity" in changes.updated.get(q.odoo_id, ())]
    if recounted:
        check_applied_counts(
            _applied_counts_of(recounted),
            set(Location.objects.filter(usage="inventory").values_list("odoo_id", flat=True)),
            changes=changes,
        )
    short = forward_shortages(
        {(q.product_id, q.location_id) for q in quants if q.product_id is not None and q.location_id is not None}
    )
    costs = product_cost(
        [q.product_id for q in pending if q.product_id is not None]
        + [op.product_id for op, _ in short if op.product_id is not None]
    )
    _raise_pending_counts(pending, costs)
    for orderpoint, on_hand in short:
        _raise(
            builders.emergency_purchase_draft,
            orderpoint,
            on_hand=on_hand,
            unit_cost=_cost(costs, orderpoint.product_id),
            # one request per orderpoint and day: a decided stockout may come back tomorrow
            key=f"emergency_purchase:orderpoint:{orderpoint.odoo_id}:{timezone.now():%Y-%m-%d}",
            rule="forward_stockout",
        )


def _cost(costs: dict[int, float], product_id: int | None) -> float | None:
    return costs.get(product_id) if product_id is not None else None


def forward_shortages(pairs: set[tuple[int, int]]) -> list[tuple[Orderpoint, float]]:
    """Orderpoint locations among `pairs` below their minimum, with no receipt on its way for the product."""
    if not pairs:
        return []
    candidates = Orderpoint.objects.filter(
        product_id__in={p for p, _ in pairs}, location_id__in={loc for _, loc in pairs}, is_archived=False
    ).select_related("product", "location")
    found: list[tuple[Orderpoint, float]] = []
    for orderpoint in sorted(candidates, key=lambda op: op.odoo_id):
        if orderpoint.product_id is None or orderpoint.location_id is None:
            continue  # not among `pairs`, which hold ids only
        if (orderpoint.product_id, orderpoint.location_id) not in pairs:
            continue
        stock = Quant.objects.filter(product_id=orderpoint.product_id, location_id=orderpoint.location_id)
        on_hand = stock.aggregate(total=Sum("quantity"))["total"] or 0.0
        if on_hand < orderpoint.product_min_qty and not _incoming(orderpoint.product_id, orderpoint.warehouse_id):
            found.append((orderpoint, on_hand))
    return found


def _incoming(product_id: int, warehouse_id: int | None) -> bool:
    # Without a warehouse, the locations that belong to none (what filtering on None has always meant).
    locations = (
        Location.objects.filter(warehouse_id__isnull=True)
        if warehouse_id is None
        else Location.objects.filter(warehouse_id=warehouse_id)
    )
    warehouse_locations = locations.values_list("odoo_id", flat=True)
    return Move.objects.filter(
        product_id=product_id,
        state__in=OPEN_MOVE_STATES,
        picking__picking_type_code="incoming",
        location_dest_id__in=warehouse_locations,
    ).exists()


HANDLERS: dict[str, Callable[[ChangeSet], None]] = {
    "stock.picking": on_pickings,
    "sale.order": on_sale_orders,
    "res.partner": on_partners,
    "stock.move": on_moves,
    "stock.quant": on_quants,
}
