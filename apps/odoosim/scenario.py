# ruff: noqa: S608, S311  -- SQL identifiers come from the registry (values are bound); random drives the simulation
"""The scenario clock: orders, receipts, replenishments and deliveries flowing, plus exceptions.

Time is cut into fixed 60 s steps aligned on the start time. Step k draws its events from
`Random(seed, k)` and runs in its own transaction stamped at the step's time, so two runs with
the same seed and the same simulated clock produce the same records, however the clock was
advanced (one call of 3600 s or sixty of 60 s).
"""

from __future__ import annotations

import json
import random
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from . import dispatch
from .errors import OdooError
from .orm import Env
from .scenario_world import World, build_world

if TYPE_CHECKING:
    from .simulator import Simulator

STEP_SECONDS = 60
#: probability per step (scaled by --scale) of each exception; override with exception_rates=
DEFAULT_EXCEPTION_RATES: dict[str, float] = {
    "late_receipt": 0.15,
    "forward_shortage": 0.08,
    "unreserved_near_cutoff": 0.06,
    "credit_limit": 0.04,
    "carrier_delay": 0.05,
    "inventory_variance": 0.03,
    "pick_failure": 0.05,
}
#: probability per step of the normal flow events
FLOW_RATES = {
    "new_sale": 0.6,
    "new_purchase": 0.2,
    "validate_delivery": 0.6,
    "validate_receipt": 0.4,
    "replenish": 0.2,
    "customer_payment": 0.03,
}


class Scenario:
    """Deterministic event generator driven by the simulator clock."""

    def __init__(self, sim: Simulator, *, seed: int, scale: int, exception_rates: dict | None = None) -> None:
        self.sim = sim
        self.seed = seed
        self.scale = max(1, int(scale))
        self.rates = {**DEFAULT_EXCEPTION_RATES, **(exception_rates or {})}
        self._world: World | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.events: list[dict] = []

    # -- lifecycle --------------------------------------------------------------------------------
    @property
    def world(self) -> World:
        """The seeded world (sites, customers, products); loaded by start() or the first step."""
        if self._world is None:
            raise RuntimeError("The scenario's world is not loaded yet: call start() first.")
        return self._world

    def build_initial(self, history: timedelta = timedelta(0)) -> None:
        """Seed the database (once; a --state file keeps it across restarts).

        With `history`, the world is seeded that long ago and the scenario is played up to now,
        so a fresh database already holds the orders, purchases and exceptions of those hours.
        Every write_date stays in the past: nothing runs ahead of the real clock.
        """
        store = self.sim.store
        origin = (self.sim.clock.now() - history).replace(microsecond=0)
        with store.transaction(at=origin):
            self._world = build_world(store, self.seed, self.scale, origin)
            store.meta_set("scenario_origin", origin.strftime("%Y-%m-%d %H:%M:%S"))
            store.meta_set("scenario_step", "0")
            store.meta_set("world", json.dumps(self._world.__dict__))
        if history:
            self.run_until(self.sim.clock.now())

    def play_inventory_history(self, days: float, *, counts_per_day: float = 1.0) -> int:
        """Inventory counts applied over the past `days`, each in its own transaction stamped at its
        time (its move's date and write_date in the past), as an Odoo in use for a year holds them.
        Returns how many were applied."""
        rng = random.Random(f"{self.seed}:inventory-history")
        now = self.sim.clock.now()
        span = days * 86400
        times = sorted(
            now - timedelta(seconds=span) + timedelta(seconds=rng.uniform(0, span - 3600))
            for _ in range(max(1, round(days * counts_per_day)))
        )
        env = Env(self.sim.store, 2, {}, self.sim)
        for at in times:
            with self.sim.store.transaction(at=at):
                self._exc_inventory_variance(env, rng, at)
        return len(times)

    def _load(self) -> tuple[datetime, int]:
        with self.sim.store.snapshot():
            origin = self.sim.store.meta_get("scenario_origin")
            step = int(self.sim.store.meta_get("scenario_step", "0") or 0)
            if self._world is None:
                self._world = World(**json.loads(self.sim.store.meta_get("world") or "{}"))
        if origin is None:
            raise RuntimeError("The scenario has not been started on this database (no scenario_origin).")
        return datetime.strptime(origin, "%Y-%m-%d %H:%M:%S"), step

    def processed_until_text(self) -> str:
        origin, step = self._load()
        return (origin + timedelta(seconds=step * STEP_SECONDS)).strftime("%Y-%m-%d %H:%M:%S")

    def start_background(self, interval: float = 0.5) -> None:
        """Tick in a thread (used when --speed > 0)."""

        def loop() -> None:
            while not self._stop.wait(interval):
                try:
                    self.run_until(self.sim.clock.now())
                except Exception:  # keep the clock alive; a failed step is retried next tick
                    import logging

                    logging.getLogger(__name__).exception("scenario step failed")

        self._thread = threading.Thread(target=loop, daemon=True, name="odoosim-scenario")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def run_until(self, until: datetime) -> int:
        """Process every whole step whose time is <= `until`; returns how many ran."""
        with self._lock:
            origin, step = self._load()
            ran = 0
            while origin + timedelta(seconds=(step + 1) * STEP_SECONDS) <= until:
                step += 1
                at = origin + timedelta(seconds=step * STEP_SECONDS)
                with self.sim.store.transaction(at=at):
                    self._step(step, at)
                    self.sim.store.meta_set("scenario_step", str(step))
                ran += 1
            return ran

    # -- one step ---------------------------------------------------------------------------------
    def _step(self, step: int, at: datetime) -> None:
        rng = random.Random(f"{self.seed}:{step}")
        env = Env(self.sim.store, 2, {}, self.sim)
        actions = [
            ("new_sale", FLOW_RATES["new_sale"], self._new_sale),
            ("new_purchase", FLOW_RATES["new_purchase"], self._new_purchase),
            ("validate_receipt", FLOW_RATES["validate_receipt"], self._validate_receipt),
            ("validate_delivery", FLOW_RATES["validate_delivery"], self._validate_delivery),
            ("replenish", FLOW_RATES["replenish"], self._replenish),
            *[(name, rate, getattr(self, f"_exc_{name}")) for name, rate in self.rates.items()],
            # last, so adding it left every earlier draw of a step (and the tests' scenarios) unchanged
            ("customer_payment", FLOW_RATES["customer_payment"], self._customer_payment),
        ]
        # activity grows slower than data volume: a 200x database is not 200x busier per minute
        repeats = max(1, round(self.scale**0.5))
        for name, rate, fn in actions:
            for _ in range(repeats if rate > 0 else 0):
                if rng.random() < rate:
                    try:
                        detail = fn(env, rng, at)
                    except OdooError as exc:
                        detail = {"error": exc.message}
                    if detail is not None:
                        self.events.append(
                            {"step": step, "at": at.strftime("%Y-%m-%d %H:%M:%S"), "event": name, **detail}
                        )
        del self.events[:-500]

    # -- helpers ----------------------------------------------------------------------------------
    def _call(self, env: Env, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return dispatch.call(env, model, method, list(args), kwargs)

    def _site(self, rng: random.Random) -> dict:
        return rng.choice(self.world.sites)

    def _pick_open(
        self, env: Env, rng: random.Random, code: str, states: tuple[str, ...], due_before: datetime | None = None
    ) -> dict | None:
        marks = ",".join("?" * len(states))
        sql = f"SELECT id, name, scheduled_date FROM stock_picking WHERE picking_type_code = ? AND state IN ({marks})"
        params: list[Any] = [code, *states]
        if due_before is not None:
            sql += " AND scheduled_date <= ?"
            params.append(due_before.strftime("%Y-%m-%d %H:%M:%S.999999"))
        sql += " ORDER BY scheduled_date, id LIMIT 20"
        rows = env.store.query(sql, params)
        return dict(rng.choice(rows)) if rows else None

    # -- normal flow ------------------------------------------------------------------------------
    def _new_sale(self, env: Env, rng: random.Random, at: datetime) -> dict:
        site = self._site(rng)
        customer = rng.choice(self.world.customers)
        lines = [
            [
                0,
                0,
                {
                    "product_id": p,
                    "name": "line",
                    "product_uom_qty": float(rng.randint(1, 8)),
                    "price_unit": float(rng.randint(10, 300)),
                },
            ]
            for p in rng.sample(self.world.products, k=min(len(self.world.products), rng.randint(1, 4)))
        ]
        commitment = (at + timedelta(hours=rng.randint(2, 30))).strftime("%Y-%m-%d %H:%M:%S")
        order = self._call(
            env,
            "sale.order",
            "create",
            {
                "partner_id": customer,
                "warehouse_id": site["warehouse_id"],
                "commitment_date": commitment,
                "order_line": lines,
            },
        )
        self._call(env, "sale.order", "action_confirm", [order])
        pickings = env.store.query("SELECT id FROM stock_picking WHERE sale_id = ?", [order])
        if pickings:
            env.store.update("stock.picking", [pickings[0][0]], {"carrier_id": rng.choice(self.world.carriers)})
        return {"sale_order": order}

    def _new_purchase(self, env: Env, rng: random.Random, at: datetime) -> dict:
        site = self._site(rng)
        planned = (at + timedelta(hours=rng.randint(1, 12))).strftime("%Y-%m-%d %H:%M:%S")
        lines = [
            [
                0,
                0,
                {
                    "product_id": p,
                    "name": "supply",
                    "product_qty": float(rng.randint(10, 80)),
                    "price_unit": 10.0,
                    "date_planned": planned,
                },
            ]
            for p in rng.sample(self.world.products, k=min(len(self.world.products), rng.randint(1, 3)))
        ]
        order = self._call(
            env,
            "purchase.order",
            "create",
            {
                "partner_id": rng.choice(self.world.suppliers),
                "picking_type_id": site["types"]["incoming"],
                "date_planned": planned,
                "order_line": lines,
            },
        )
        self._call(env, "purchase.order", "button_confirm", [order])
        return {"purchase_order": order}

    def _validate(self, env: Env, picking_id: int) -> None:
        result = self._call(
            env.with_context(skip_sms=True, skip_backorder=True), "stock.picking", "button_validate", [picking_id]
        )
        if isinstance(result, dict):
            raise OdooError("unexpected wizard")

    def _validate_receipt(self, env: Env, rng: random.Random, at: datetime) -> dict | None:
        picking = self._pick_open(env, rng, "incoming", ("assigned",), due_before=at)
        if picking is None or env.store.meta_get(f"late:{picking['id']}"):
            return None
        self._validate(env, picking["id"])
        return {"picking": picking["id"], "name": picking["name"]}

    def _validate_delivery(self, env: Env, rng: random.Random, at: datetime) -> dict | None:
        picking = self._pick_open(env, rng, "outgoing", ("assigned",), due_before=at + timedelta(hours=4))
        if picking is None:
            return None
        self._validate(env, picking["id"])
        return {"picking": picking["id"], "name": picking["name"]}

    def _replenish(self, env: Env, rng: random.Random, at: datetime) -> dict | None:
        """Forward pick below its orderpoint minimum: internal transfer Stock -> Forward, done at once."""
        candidates = env.store.query("SELECT id FROM stock_warehouse_orderpoint WHERE active = 1 ORDER BY id")
        if not candidates:
            return None
        sample = sorted(r[0] for r in rng.sample(candidates, k=min(25, len(candidates))))
        marks = ",".join("?" * len(sample))
        rows = env.store.query(
            "SELECT o.id, o.product_id, o.location_id, o.product_min_qty, o.product_max_qty, o.warehouse_id, "
            "COALESCE((SELECT SUM(quantity) FROM stock_quant q WHERE q.product_id = o.product_id "
            "AND q.location_id = o.location_id), 0) AS qty "
            f"FROM stock_warehouse_orderpoint o WHERE o.id IN ({marks}) ORDER BY o.id",
            sample,
        )
        low = [r for r in rows if r["qty"] < r["product_min_qty"]]
        if not low:
            return None
        op = rng.choice(low)
        site = next(s for s in self.world.sites if s["warehouse_id"] == op["warehouse_id"])
        pid = self._call(
            env,
            "stock.picking",
            "create",
            {
                "picking_type_id": site["types"]["internal"],
                "origin": f"Replenish OP {op['id']}",
                "move_ids": [
                    [
                        0,
                        0,
                        {
                            "product_id": op["product_id"],
                            "name": "replenish",
                            "product_uom_qty": float(op["product_max_qty"] - op["qty"]),
                        },
                    ]
                ],
            },
        )
        self._call(env, "stock.picking", "action_confirm", [pid])
        state = env.store.row("stock.picking", pid)["state"]
        if state == "assigned" and rng.random() < 0.7:
            self._validate(env, pid)
        return {"picking": pid, "orderpoint": op["id"]}

    def _customer_payment(self, env: Env, rng: random.Random, at: datetime) -> dict | None:
        """A customer pays invoices: the receivable (`credit`) drops. As in Odoo, `credit` is computed
        from posted journal items, so the partner's write_date does not move. Without payments,
        every customer would drift over the limit and hold every delivery."""
        rows = env.store.query(
            "SELECT id, credit, credit_limit FROM res_partner WHERE customer_rank > 0 AND credit_limit > 0 "
            "AND credit > credit_limit * 0.6 ORDER BY id"
        )
        if not rows:
            return None
        row = rng.choice(rows)
        paid_down_to = round(row["credit_limit"] * rng.uniform(0.2, 0.6), 2)
        env.store.update("res.partner", [row["id"]], {"credit": paid_down_to}, touch=False)
        return {"partner": row["id"], "credit": paid_down_to}

    # -- exceptions -------------------------------------------------------------------------------
    def _exc_late_receipt(self, env: Env, rng: random.Random, at: datetime) -> dict | None:
        """A receipt that will not arrive on time: scheduled in the past, never validated."""
        picking = self._pick_open(env, rng, "incoming", ("assigned",))
        if picking is None:
            return None
        env.store.meta_set(f"late:{picking['id']}", "1")
        late = (at - timedelta(hours=rng.randint(1, 8))).strftime("%Y-%m-%d %H:%M:%S")
        self._call(env, "stock.picking", "write", [picking["id"]], {"scheduled_date": late})
        return {"picking": picking["id"], "scheduled_date": late}

    def _exc_forward_shortage(self, env: Env, rng: random.Random, at: datetime) -> dict | None:
        """Forward location stock drops below the orderpoint minimum (a count finds less)."""
        rows = env.store.query(
            "SELECT product_id, location_id, product_min_qty FROM stock_warehouse_orderpoint "
            "WHERE active = 1 ORDER BY id"
        )
        if not rows:
            return None
        op = rng.choice(rows)
        counted = float(max(0, int(op["product_min_qty"]) - rng.randint(1, 8)))
        quant = self._call(
            env.with_context(inventory_mode=True),
            "stock.quant",
            "create",
            {"product_id": op["product_id"], "location_id": op["location_id"], "inventory_quantity": counted},
        )
        self._call(env.with_context(inventory_mode=True), "stock.quant", "action_apply_inventory", [quant])
        return {"quant": quant, "counted": counted}

    def _exc_unreserved_near_cutoff(self, env: Env, rng: random.Random, at: datetime) -> dict:
        """A delivery due before today's carrier cutoff for a product with no free stock."""
        site = self._site(rng)
        product = rng.choice(self.world.products)
        free = env.store.query(
            "SELECT COALESCE(SUM(quantity - reserved_quantity), 0) FROM stock_quant q "
            "JOIN stock_location l ON l.id = q.location_id WHERE q.product_id = ? AND l.complete_name LIKE ?",
            [product, f"{site['code']}/Stock%"],
        )[0][0]
        pid = self._call(
            env,
            "stock.picking",
            "create",
            {
                "picking_type_id": site["types"]["outgoing"],
                "partner_id": rng.choice(self.world.customers),
                "origin": "Rush order",
                "carrier_id": rng.choice(self.world.carriers),
                "scheduled_date": (at + timedelta(minutes=rng.randint(30, 120))).strftime("%Y-%m-%d %H:%M:%S"),
                "priority": "1",
                "move_ids": [
                    [
                        0,
                        0,
                        {
                            "product_id": product,
                            "name": "rush",
                            "product_uom_qty": float(free) + float(rng.randint(5, 20)),
                        },
                    ]
                ],
            },
        )
        self._call(env, "stock.picking", "action_confirm", [pid])
        return {"picking": pid}

    def _exc_credit_limit(self, env: Env, rng: random.Random, at: datetime) -> dict:
        """A customer goes over the credit limit and places a new order (left as a quotation)."""
        customer = rng.choice(self.world.customers)
        row = env.store.row("res.partner", customer)
        self._call(
            env,
            "res.partner",
            "write",
            [customer],
            {"credit": round((row["credit_limit"] or 1000.0) * rng.uniform(1.05, 1.5), 2)},
        )
        lines: list[list[Any]] = [
            [
                0,
                0,
                {
                    "product_id": rng.choice(self.world.products),
                    "name": "line",
                    "product_uom_qty": float(rng.randint(5, 20)),
                    "price_unit": 250.0,
                },
            ]
        ]
        order = self._call(
            env,
            "sale.order",
            "create",
            {
                "partner_id": customer,
                "warehouse_id": self._site(rng)["warehouse_id"],
                "order_line": lines,
                "amount_total": 250.0 * lines[0][2]["product_uom_qty"],
            },
        )
        return {"partner": customer, "sale_order": order}

    def _exc_carrier_delay(self, env: Env, rng: random.Random, at: datetime) -> dict | None:
        picking = self._pick_open(env, rng, "outgoing", ("assigned", "confirmed"))
        if picking is None:
            return None
        hours = rng.randint(1, 6)
        current = datetime.strptime(picking["scheduled_date"][:19], "%Y-%m-%d %H:%M:%S")
        new = (max(current, at) + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S")
        self._call(
            env,
            "stock.picking",
            "write",
            [picking["id"]],
            {"scheduled_date": new, "carrier_tracking_ref": f"DELAY-{rng.randint(10000, 99999)}"},
        )
        self._call(
            env,
            "stock.picking",
            "message_post",
            [picking["id"]],
            body=f"Carrier pickup delayed by {hours}h",
            message_type="comment",
        )
        return {"picking": picking["id"], "delay_hours": hours}

    def _exc_inventory_variance(self, env: Env, rng: random.Random, at: datetime) -> dict | None:
        rows = env.store.query(
            "SELECT q.id, q.quantity FROM stock_quant q JOIN stock_location l ON l.id = q.location_id "
            "WHERE l.usage = 'internal' AND q.quantity > 20 ORDER BY q.id LIMIT 200"
        )
        if not rows:
            return None
        quant = rng.choice(rows)
        counted = float(round(quant["quantity"] * rng.choice([0.4, 0.5, 0.6, 1.5, 1.8])))
        ctx = env.with_context(inventory_mode=True)
        self._call(ctx, "stock.quant", "write", [quant["id"]], {"inventory_quantity": counted})
        self._call(ctx, "stock.quant", "action_apply_inventory", [quant["id"]])
        return {"quant": quant["id"], "from": quant["quantity"], "to": counted}

    def _exc_pick_failure(self, env: Env, rng: random.Random, at: datetime) -> dict | None:
        """A picker fails to pick: chatter note plus a To-Do activity on the picking (repeats pile up)."""
        picking = self._pick_open(env, rng, "outgoing", ("assigned",))
        if picking is None:
            return None
        failures = int(env.store.meta_get(f"pickfail:{picking['id']}", "0")) + 1
        env.store.meta_set(f"pickfail:{picking['id']}", str(failures))
        self._call(
            env,
            "stock.picking",
            "message_post",
            [picking["id"]],
            body=f"Pick failure #{failures}: location empty",
            message_type="comment",
        )
        self._call(
            env,
            "stock.picking",
            "activity_schedule",
            [picking["id"]],
            act_type_xmlid="mail.mail_activity_data_todo",
            summary=f"Pick failure #{failures}",
            date_deadline=at.strftime("%Y-%m-%d"),
        )
        return {"picking": picking["id"], "failures": failures}
