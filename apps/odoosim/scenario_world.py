# ruff: noqa: S608, S311  -- SQL identifiers come from the registry (values are bound); random drives the simulation
"""The initial demo world: three sites, products, customers, suppliers, carriers, history.

Built with bulk inserts (fast at --scale 200: 50k pickings, 200k moves) and fully
deterministic for a seed and a start time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .clock import fmt_micro
from .registry import DESCRIPTIONS, registry
from .store import Store

SITES: list[dict[str, Any]] = [
    {"code": "BRU", "name": "Brussels DC", "tz": "Europe/Brussels", "city": "Brussels", "country": 2},
    {"code": "CHI", "name": "Chicago DC", "tz": "America/Chicago", "city": "Chicago", "country": 1},
    {"code": "SIN", "name": "Singapore DC", "tz": "Asia/Singapore", "city": "Singapore", "country": 3},
]
CARRIERS = [
    ("DHL Express", 16.0, 0.05),
    ("UPS Ground", 17.0, 0.08),
    ("FedEx Priority", 15.5, 0.04),
    ("Local Courier", 18.0, 0.1),
]
ADJECTIVES = [
    "Steel",
    "Oak",
    "Compact",
    "Heavy",
    "Large",
    "Mini",
    "Ergonomic",
    "Stackable",
    "Foldable",
    "Industrial",
    "Acoustic",
    "Modular",
]
NOUNS = [
    "Shelf",
    "Desk",
    "Chair",
    "Cabinet",
    "Pallet Rack",
    "Tote",
    "Cart",
    "Lamp",
    "Drawer",
    "Bin",
    "Ladder",
    "Screen",
    "Trolley",
]
CUSTOMER_WORDS = [
    "Nordic",
    "Atlas",
    "Bright",
    "Harbor",
    "Summit",
    "Delta",
    "Crown",
    "Pioneer",
    "Vertex",
    "Orchid",
    "Maple",
    "Granite",
]
CUSTOMER_KINDS = ["Retail", "Logistics", "Supplies", "Trading", "Stores", "Industries", "Outfitters", "Wholesale"]
TIERS = ["TIER-A", "TIER-B", "TIER-C"]

PER_SCALE_PRODUCTS = 35
PER_SCALE_CUSTOMERS = 15
PER_SCALE_SUPPLIERS = 5
PER_SCALE_PICKINGS = 250


@dataclass
class World:
    """Ids of the seeded records the scenario engine needs."""

    company_id: int = 1
    us_company_id: int = 2
    sites: list[dict[str, Any]] = field(default_factory=list)
    products: list[int] = field(default_factory=list)
    customers: list[int] = field(default_factory=list)
    suppliers: list[int] = field(default_factory=list)
    carriers: list[int] = field(default_factory=list)
    supplier_location: int = 0
    customer_location: int = 0
    inventory_location: int = 0


def _dt(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") + ".000000"


def build_world(store: Store, seed: int, scale: int, now: datetime) -> World:
    """Insert the initial data inside the current transaction; returns the ids the scenario uses."""
    rng = random.Random(f"world-{seed}")
    scale = max(1, int(scale))
    stamp = fmt_micro(now)
    audit = {"create_date": stamp, "write_date": stamp, "create_uid": 1, "write_uid": 1}
    world = World()

    def ins(model: str, values: dict[str, Any]) -> int:
        return store.insert(model, {**audit, **values})

    # -- base data ---------------------------------------------------------------------------
    ins("res.currency", {"name": "USD", "symbol": "$"})
    for name, code in (("United States", "US"), ("Belgium", "BE"), ("Singapore", "SG")):
        ins("res.country", {"name": name, "code": code})
    ins("uom.uom", {"name": "Units"})
    ins("product.category", {"name": "All", "complete_name": "All"})
    ins(
        "product.category",
        {"name": "Warehouse Equipment", "complete_name": "All / Warehouse Equipment", "parent_id": 1},
    )
    company_partner = ins(
        "res.partner",
        {
            "name": "Control Tower Demo",
            "complete_name": "Control Tower Demo",
            "is_company": 1,
            "active": 1,
            "type": "contact",
            "phone": "+32 2 555 01 00",
            "email": "info@controltower.example",
            "tz": "Europe/Brussels",
        },
    )
    world.company_id = ins(
        "res.company", {"name": "Control Tower Demo", "partner_id": company_partner, "currency_id": 1}
    )
    store.update("res.partner", [company_partner], {"company_id": world.company_id}, touch=False)
    us_partner = ins(
        "res.partner",
        {
            "name": "Control Tower Demo (US)",
            "complete_name": "Control Tower Demo (US)",
            "is_company": 1,
            "active": 1,
            "type": "contact",
            "phone": "+1 312 555 0100",
            "tz": "America/Chicago",
        },
    )
    world.us_company_id = ins(
        "res.company", {"name": "Control Tower Demo (US)", "partner_id": us_partner, "currency_id": 1}
    )
    bot_partner = ins("res.partner", {"name": "OdooBot", "complete_name": "OdooBot", "active": 0, "type": "contact"})
    admin_partner = ins(
        "res.partner",
        {
            "name": "Mitchell Admin",
            "complete_name": "Control Tower Demo, Mitchell Admin",
            "parent_id": company_partner,
            "active": 1,
            "type": "contact",
            "email": "admin@controltower.example",
            "tz": "Europe/Brussels",
        },
    )
    demo_partner = ins(
        "res.partner",
        {
            "name": "Marc Demo",
            "complete_name": "Control Tower Demo, Marc Demo",
            "parent_id": company_partner,
            "active": 1,
            "type": "contact",
            "tz": "Europe/Brussels",
        },
    )
    user_common = {
        "company_id": world.company_id,
        "company_ids": "[2, 1]",
        "lang": "en_US",
        "share": 0,
        "notification_type": "email",
    }
    store.insert(
        "res.users",
        {
            **audit,
            **user_common,
            "id": 1,
            "login": "__system__",
            "name": "OdooBot",
            "partner_id": bot_partner,
            "active": 0,
            "tz": "Europe/Brussels",
        },
    )
    store.insert(
        "res.users",
        {
            **audit,
            **user_common,
            "id": 2,
            "login": "admin",
            "name": "Mitchell Admin",
            "partner_id": admin_partner,
            "active": 1,
            "tz": "Europe/Brussels",
        },
    )
    store.insert(
        "res.users",
        {
            **audit,
            **user_common,
            "id": 6,
            "login": "demo",
            "name": "Marc Demo",
            "partner_id": demo_partner,
            "active": 1,
            "tz": "Europe/Brussels",
        },
    )
    for name in sorted(registry()):
        ins("ir.model", {"model": name, "name": DESCRIPTIONS.get(name, name)})
    ins("mail.message.subtype", {"name": "Discussions", "xmlid": "mail.mt_comment"})
    ins("mail.message.subtype", {"name": "Note", "xmlid": "mail.mt_note"})
    for seq, name, category, xmlid, res_model in [
        (0, "Email", "default", "mail.mail_activity_data_email", None),
        (1, "Call", "phonecall", "mail.mail_activity_data_call", None),
        (2, "Meeting", "default", "mail.mail_activity_data_meeting", None),
        (4, "To-Do", "default", "mail.mail_activity_data_todo", None),
        (5, "Upload Document", "upload_file", "mail.mail_activity_data_upload_document", None),
        (3, "Order Upsell", "default", "sale.mail_act_sale_upsell", "sale.order"),
    ]:
        values = {"name": name, "category": category, "xmlid": xmlid, "sequence": seq, "res_model": res_model}
        ins("mail.activity.type", values)
    for name, cutoff, delay in CARRIERS:
        world.carriers.append(
            ins(
                "delivery.carrier",
                {
                    "name": name,
                    "active": 1,
                    "delivery_type": "fixed",
                    "company_id": world.company_id,
                    "x_cutoff_hour": cutoff,
                    "x_delay_rate": delay,
                },
            )
        )

    # -- locations and sites -------------------------------------------------------------------
    def loc(name: str, complete: str, usage: str, parent: int | None = None, company: int | None = None) -> int:
        return ins(
            "stock.location",
            {
                "name": name,
                "complete_name": complete,
                "usage": usage,
                "location_id": parent,
                "active": 1,
                "company_id": company,
            },
        )

    physical = loc("Physical Locations", "Physical Locations", "view")
    partners = loc("Partners", "Partners", "view")
    world.supplier_location = loc("Vendors", "Partners/Vendors", "supplier", partners)
    world.customer_location = loc("Customers", "Partners/Customers", "customer", partners)
    virtual = loc("Virtual Locations", "Virtual Locations", "view")
    world.inventory_location = loc(
        "Inventory adjustment", "Virtual Locations/Inventory adjustment", "inventory", virtual
    )
    for index, site in enumerate(SITES):
        company = world.us_company_id if site["code"] == "CHI" else world.company_id
        site_partner = ins(
            "res.partner",
            {
                "name": site["name"],
                "complete_name": site["name"],
                "is_company": 1,
                "active": 1,
                "type": "contact",
                "city": site["city"],
                "country_id": site["country"],
                "tz": site["tz"],
            },
        )
        view = loc(site["code"], site["code"], "view", physical, company)
        stock = loc("Stock", f"{site['code']}/Stock", "internal", view, company)
        forward = loc("Forward Pick", f"{site['code']}/Stock/Forward Pick", "internal", stock, company)
        dock_in = loc("Dock In", f"{site['code']}/Dock In", "internal", view, company)
        dock_out = loc("Dock Out", f"{site['code']}/Dock Out", "internal", view, company)
        wh = ins(
            "stock.warehouse",
            {
                "name": site["name"],
                "code": site["code"],
                "company_id": company,
                "partner_id": site_partner,
                "view_location_id": view,
                "lot_stock_id": stock,
                "reception_steps": "one_step",
                "delivery_steps": "ship_only",
                "sequence": index * 10,
                "active": 1,
            },
        )
        store.update("stock.location", [view, stock, forward, dock_in, dock_out], {"warehouse_id": wh}, touch=False)
        types = {}
        for seq, (code, name, seq_code, src, dest) in enumerate(
            [
                ("incoming", "Receipts", "IN", None, stock),
                ("internal", "Internal Transfers", "INT", stock, forward),
                ("outgoing", "Delivery Orders", "OUT", stock, None),
            ]
        ):
            types[code] = ins(
                "stock.picking.type",
                {
                    "name": name,
                    "code": code,
                    "sequence_code": seq_code,
                    "sequence": index * 10 + seq,
                    "warehouse_id": wh,
                    "company_id": company,
                    "default_location_src_id": src,
                    "default_location_dest_id": dest,
                    "reservation_method": "at_confirm",
                    "create_backorder": "ask",
                    "active": 1,
                },
            )
        store.update(
            "stock.warehouse",
            [wh],
            {"in_type_id": types["incoming"], "int_type_id": types["internal"], "out_type_id": types["outgoing"]},
            touch=False,
        )
        world.sites.append(
            {
                **site,
                "warehouse_id": wh,
                "stock": stock,
                "forward": forward,
                "dock_in": dock_in,
                "dock_out": dock_out,
                "types": types,
                "partner_id": site_partner,
                "company_id": company,
            }
        )

    # -- partners ----------------------------------------------------------------------------
    for index in range(PER_SCALE_CUSTOMERS * scale):
        name = f"{rng.choice(CUSTOMER_WORDS)} {rng.choice(CUSTOMER_KINDS)} {index + 1:03d}"
        limit = float(rng.choice([5000, 10000, 25000, 50000, 100000]))
        world.customers.append(
            ins(
                "res.partner",
                {
                    "name": name,
                    "complete_name": name,
                    "is_company": 1,
                    "active": 1,
                    "type": "contact",
                    "customer_rank": 1,
                    "ref": rng.choice(TIERS),
                    "credit_limit": limit,
                    "use_partner_credit_limit": 1,
                    "credit": round(limit * rng.uniform(0.05, 0.7), 2),
                    "phone": f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
                    if rng.random() < 0.5
                    else None,
                    "email": f"orders{index + 1}@customer.example",
                    "tz": rng.choice(SITES)["tz"],
                },
            )
        )
    for index in range(PER_SCALE_SUPPLIERS * scale):
        name = f"{rng.choice(CUSTOMER_WORDS)} Manufacturing {index + 1:03d}"
        world.suppliers.append(
            ins(
                "res.partner",
                {
                    "name": name,
                    "complete_name": name,
                    "is_company": 1,
                    "active": 1,
                    "type": "contact",
                    "supplier_rank": 1,
                    "email": f"sales{index + 1}@supplier.example",
                },
            )
        )

    # -- products, quants, orderpoints ------------------------------------------------------------
    quants: dict[tuple[int, int], Any] = {}  # on hand; _build_history turns each into (on hand, reserved)
    for index in range(PER_SCALE_PRODUCTS * scale):
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        pid = ins(
            "product.product",
            {
                "name": name,
                "default_code": f"CT-{index + 1:05d}",
                "detailed_type": "product",
                "type": "product",
                "tracking": "none",
                "uom_id": 1,
                "uom_po_id": 1,
                "categ_id": 2,
                "active": 1,
                "sale_ok": 1,
                "purchase_ok": 1,
                "list_price": round(rng.uniform(10, 900), 2),
                "standard_price": round(rng.uniform(5, 500), 2),
                "priority": "0",
                "sale_line_warn": "no-message",
                "purchase_line_warn": "no-message",
                "barcode": f"54{seed % 100:02d}{index + 1:08d}",
            },
        )
        world.products.append(pid)
        for site in world.sites:
            quants[(pid, site["stock"])] = float(rng.randint(20, 400))
            quants[(pid, site["forward"])] = float(rng.randint(5, 60))
            if rng.random() < 0.25:
                minimum = float(rng.randint(10, 30))
                ins(
                    "stock.warehouse.orderpoint",
                    {
                        "name": f"OP/{len(world.products):05d}-{site['code']}",
                        "product_id": pid,
                        "location_id": site["forward"],
                        "warehouse_id": site["warehouse_id"],
                        "company_id": site["company_id"],
                        "product_min_qty": minimum,
                        "product_max_qty": minimum * 3,
                        "qty_multiple": 1.0,
                        "trigger": "auto",
                        "active": 1,
                    },
                )

    for index, pid in enumerate(world.products[: 2 * scale]):
        ins("stock.lot", {"name": f"LOT-{seed:03d}-{index + 1:05d}", "product_id": pid, "company_id": world.company_id})
    _build_history(store, rng, world, scale, now, quants)
    _build_batches(store, world, audit)
    loc_company = {s["stock"]: s["company_id"] for s in world.sites} | {
        s["forward"]: s["company_id"] for s in world.sites
    }
    rows = [
        {
            **audit,
            "product_id": pid,
            "location_id": loc_id,
            "quantity": qty,
            "reserved_quantity": reserved,
            "inventory_quantity": 0.0,
            "inventory_quantity_set": 0,
            "in_date": stamp,
            "company_id": loc_company[loc_id],
            "product_uom_id": 1,
        }
        for (pid, loc_id), (qty, reserved) in sorted(quants.items())
    ]
    store.insert_many("stock.quant", rows)
    return world


def _build_history(
    store: Store, rng: random.Random, world: World, scale: int, now: datetime, quants: dict[tuple[int, int], Any]
) -> None:
    """Pickings (mostly done, some open) with moves and move lines; reservations recorded on quants."""
    reserved: dict[tuple[int, int], float] = {}
    counters: dict[int, int] = {}
    picking_rows: list[dict[str, Any]] = []
    move_rows: list[dict[str, Any]] = []
    line_rows: list[dict[str, Any]] = []
    next_picking = _next_id(store, "stock_picking")
    next_move = _next_id(store, "stock_move")
    total = PER_SCALE_PICKINGS * scale
    for index in range(total):
        site = world.sites[index % len(world.sites)]
        kind = rng.choices(["outgoing", "incoming", "internal"], weights=[6, 3, 1])[0]
        type_id = site["types"][kind]
        counters[type_id] = counters.get(type_id, 0) + 1
        prefix = {"incoming": "IN", "internal": "INT", "outgoing": "OUT"}[kind]
        name = f"{site['code']}/{prefix}/{counters[type_id]:05d}"
        age = timedelta(minutes=rng.randint(0, 14 * 24 * 60))
        created = now - age
        is_open = rng.random() < 0.2 or age < timedelta(hours=6)
        scheduled = (
            created + timedelta(hours=rng.randint(2, 72)) if is_open else created + timedelta(hours=rng.randint(1, 24))
        )
        src = {"incoming": world.supplier_location, "internal": site["stock"], "outgoing": site["stock"]}[kind]
        dest = {"incoming": site["stock"], "internal": site["forward"], "outgoing": world.customer_location}[kind]
        partner = (
            rng.choice(world.customers)
            if kind == "outgoing"
            else rng.choice(world.suppliers)
            if kind == "incoming"
            else None
        )
        pid = next_picking + index
        move_states = []
        for _ in range(rng.choice([2, 3, 4, 4, 5, 6])):
            product = rng.choice(world.products)
            demand = float(rng.randint(1, 12))
            state, qty = ("done", demand)
            if is_open:
                if kind == "incoming":
                    state, qty = "assigned", demand
                else:
                    free = quants.get((product, src), 0.0) - reserved.get((product, src), 0.0)
                    qty = max(0.0, min(demand, free))
                    state = "assigned" if qty >= demand else "partially_available" if qty > 0 else "confirmed"
                    if qty > 0:
                        reserved[(product, src)] = reserved.get((product, src), 0.0) + qty
            mid = next_move + len(move_rows)
            move_rows.append(
                {
                    "id": mid,
                    "name": name,
                    "reference": name,
                    "picking_id": pid,
                    "product_id": product,
                    "product_uom": 1,
                    "product_uom_qty": demand,
                    "quantity": qty,
                    "picked": 1 if state == "done" else 0,
                    "state": state,
                    "location_id": src,
                    "location_dest_id": dest,
                    "picking_type_id": type_id,
                    "partner_id": partner,
                    "company_id": site["company_id"],
                    "date": _dt(scheduled),
                    "procure_method": "make_to_stock",
                    "sequence": 10,
                    "create_date": _dt(created),
                    "write_date": _dt(min(scheduled, now) if not is_open else created),
                    "create_uid": 2,
                    "write_uid": 2,
                }
            )
            if qty > 0:
                line_rows.append(
                    {
                        "move_id": mid,
                        "picking_id": pid,
                        "product_id": product,
                        "product_uom_id": 1,
                        "quantity": qty,
                        "picked": 1 if state == "done" else 0,
                        "state": "done" if state == "done" else "assigned",
                        "location_id": src,
                        "location_dest_id": dest,
                        "picking_type_id": type_id,
                        "reference": name,
                        "company_id": site["company_id"],
                        "date": _dt(scheduled),
                        "create_date": _dt(created),
                        "write_date": _dt(created),
                        "create_uid": 2,
                        "write_uid": 2,
                    }
                )
            move_states.append(state)
        from .models.stock import compute_picking_state

        pstate = compute_picking_state("direct", move_states)
        picking_rows.append(
            {
                "id": pid,
                "name": name,
                "origin": f"SIM-{index + 1:06d}",
                "picking_type_id": type_id,
                "picking_type_code": kind,
                "location_id": src,
                "location_dest_id": dest,
                "partner_id": partner,
                "company_id": site["company_id"],
                "state": pstate,
                "move_type": "direct",
                "priority": "1" if rng.random() < 0.1 else "0",
                "scheduled_date": _dt(scheduled),
                "date_done": _dt(min(scheduled, now)) if pstate == "done" else None,
                "carrier_id": rng.choice(world.carriers) if kind == "outgoing" else None,
                "create_date": _dt(created),
                "write_date": _dt(min(scheduled, now) if pstate == "done" else created),
                "create_uid": 2,
                "write_uid": 2,
            }
        )
    for type_id, count in counters.items():
        store.meta_set(f"seq:stock.picking.type:{type_id}", str(count))
    store.insert_many("stock.picking", picking_rows)
    store.insert_many("stock.move", move_rows)
    # move lines rows differ in keys only by value, so they share columns
    store.insert_many("stock.move.line", line_rows)
    for key, qty in list(quants.items()):
        quants[key] = (qty, reserved.get(key, 0.0))


def _next_id(store: Store, table: str) -> int:
    row = store.query(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')
    return int(row[0][0])


def _build_batches(store: Store, world: World, audit: dict) -> None:
    """One batch transfer per site grouping its first open deliveries."""
    for index, site in enumerate(world.sites):
        rows = store.query(
            "SELECT id FROM stock_picking WHERE picking_type_id = ? AND state = 'assigned' ORDER BY id LIMIT 3",
            [site["types"]["outgoing"]],
        )
        if not rows:
            continue
        batch = store.insert(
            "stock.picking.batch",
            {
                **audit,
                "name": f"BATCH/{index + 1:05d}",
                "state": "in_progress",
                "picking_type_id": site["types"]["outgoing"],
                "company_id": site["company_id"],
                "scheduled_date": audit["create_date"],
            },
        )
        store.update("stock.picking", [r[0] for r in rows], {"batch_id": batch}, touch=False)
