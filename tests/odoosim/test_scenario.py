"""The scenario: three sites, deterministic for a seed and clock, exceptions injected."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from apps.odoosim.server import start_simulator

from .conftest import Client

START = datetime(2026, 11, 27, 8, 0, 0)
MODELS = {
    "stock.picking": [
        "name",
        "state",
        "scheduled_date",
        "date_done",
        "partner_id",
        "carrier_id",
        "write_date",
        "move_ids",
    ],
    "stock.move": ["product_id", "product_uom_qty", "quantity", "state", "write_date"],
    "stock.quant": ["product_id", "location_id", "quantity", "reserved_quantity", "write_date"],
    "sale.order": ["name", "partner_id", "state", "write_date"],
    "purchase.order": ["name", "state", "write_date"],
    "mail.message": ["body", "res_id", "date"],
    "mail.activity": ["summary", "res_id", "date_deadline"],
    "res.partner": ["name", "credit", "credit_limit", "ref", "write_date"],
}


def _snapshot(url: str) -> dict:
    rpc = Client(url)
    return {
        model: rpc.call(model, "search_read", [], fields=fields, order="id asc", context={"active_test": False})
        for model, fields in MODELS.items()
    }


def _run(advance_in: list[int]) -> dict:
    with start_simulator(seed=7, clock_start=START, frozen_clock=True) as sim:
        for seconds in advance_in:
            sim.advance(seconds)
        return _snapshot(sim.url)


def test_same_seed_and_clock_give_the_same_records():
    one_jump = _run([1800])
    small_steps = _run([600, 600, 600])
    assert one_jump == small_steps
    assert len(one_jump["sale.order"]) > 0 and len(one_jump["purchase.order"]) > 0


def test_another_seed_gives_other_records():
    with start_simulator(seed=8, clock_start=START, frozen_clock=True) as sim:
        sim.advance(1800)
        other = _snapshot(sim.url)
    assert other != _run([1800])


def test_three_sites_with_time_zones_and_exceptions_flow():
    rates = {
        name: 1.0
        for name in (
            "late_receipt",
            "forward_shortage",
            "unreserved_near_cutoff",
            "credit_limit",
            "carrier_delay",
            "inventory_variance",
            "pick_failure",
        )
    }
    with start_simulator(seed=3, clock_start=START, frozen_clock=True, exception_rates=rates) as sim:
        rpc = Client(sim.url)
        warehouses = rpc.call("stock.warehouse", "search_read", [], fields=["code", "partner_id"])
        assert [w["code"] for w in warehouses] == ["BRU", "CHI", "SIN"]
        zones = {rpc.call("res.partner", "read", [w["partner_id"][0]], ["tz"])[0]["tz"] for w in warehouses}
        assert zones == {"Europe/Brussels", "America/Chicago", "Asia/Singapore"}
        types = rpc.call("stock.picking.type", "search_read", [], fields=["code", "warehouse_id"])
        assert len(types) == 9 and {t["code"] for t in types} == {"incoming", "internal", "outgoing"}
        before = rpc.call("stock.picking", "search_count", [])
        sim.advance(600)
        events = {e["event"] for e in sim.sim.scenario.events}
        assert {"late_receipt", "credit_limit", "pick_failure", "inventory_variance", "carrier_delay"} <= events
        assert rpc.call("stock.picking", "search_count", []) > before
        over = rpc.call("res.partner", "search_read", [["customer_rank", ">", 0]], fields=["credit", "credit_limit"])
        assert any(p["credit"] > p["credit_limit"] for p in over)
        assert rpc.call("mail.activity", "search_count", [["summary", "like", "Pick failure"]]) > 0
        assert sim.state()["scenario_time"] == "2026-11-27 08:10:00"


def test_scale_sizes_the_initial_data():
    with start_simulator(scale=2) as sim:
        counts = sim.state()["counts"]
    assert counts["stock.picking"] == 500 and counts["stock.move"] > 1500 and counts["product.product"] == 70


def test_state_file_survives_a_restart(tmp_path):
    path = tmp_path / "odoo.sqlite3"
    with start_simulator(state_path=path) as sim:
        rpc = Client(sim.url)
        pid = rpc.call("stock.picking", "search", [], limit=1)[0]
        rpc.call("stock.picking", "write", [pid], {"origin": "kept"})
    with start_simulator(state_path=path) as sim:
        assert Client(sim.url).call("stock.picking", "read", [pid], ["origin"])[0]["origin"] == "kept"


@pytest.mark.slow  # a real worker, process or long scenario: CI runs it once, on PostgreSQL
def test_history_plays_past_hours_into_a_fresh_database_without_running_ahead_of_the_clock():
    """The demo opens on a day under way: orders and purchases exist, every stamp is in the past."""
    with start_simulator(seed=7, clock_start=START, frozen_clock=True, history_hours=2) as sim:
        snapshot = _snapshot(sim.url)
        state = sim.state()
    assert len(snapshot["sale.order"]) > 20 and len(snapshot["purchase.order"]) > 5
    stamps = [row["write_date"] for model in ("stock.picking", "sale.order") for row in snapshot[model]]
    assert max(stamps) <= START.strftime("%Y-%m-%d %H:%M:%S")
    assert state["scenario_time"] == START.strftime("%Y-%m-%d %H:%M:%S")  # played up to now, not beyond
    # the same history as a database seeded two hours earlier and run forward
    with start_simulator(seed=7, clock_start=START - timedelta(hours=2), frozen_clock=True) as sim:
        sim.advance(7200)
        assert _snapshot(sim.url)["sale.order"] == snapshot["sale.order"]


@pytest.mark.slow  # a real worker, process or long scenario: CI runs it once, on PostgreSQL
def test_customers_pay_so_a_working_day_does_not_put_every_customer_on_credit_hold():
    with start_simulator(seed=1, clock_start=START, frozen_clock=True, history_hours=8) as sim:
        customers = Client(sim.url).call(
            "res.partner", "search_read", [("customer_rank", ">", 0)], fields=["credit", "credit_limit", "write_date"]
        )
        events = list(sim.sim.scenario.events)
    payments = [event for event in events if event["event"] == "customer_payment"]
    assert payments, "no customer paid in eight hours"
    over_limit = [c for c in customers if c["credit_limit"] and c["credit"] > c["credit_limit"]]
    assert len(over_limit) < len(customers) / 2
    # As in Odoo, a payment moves the computed receivable, not the partner record's write_date.
    written = {event["partner"] for event in events if event["event"] == "credit_limit"}
    only_paid = [c for c in customers if c["id"] in {p["partner"] for p in payments} - written]
    assert only_paid and all(c["write_date"] < payments[0]["at"] for c in only_paid)
