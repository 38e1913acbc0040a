"""Fault knobs (control endpoint and handle) and outgoing webhooks as Odoo 17 sends them."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from apps.odoosim.server import start_simulator
from tests.servers import serve_in_background

from .conftest import CONTRACT, Client, RpcError, http_post, load


class Listener:
    """A tiny webhook receiver that also reads the record back while Odoo waits."""

    def __init__(self, read_back=None) -> None:
        self.requests: list[dict] = []
        self.read_back = read_back
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                return

            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                seen = owner.read_back(json.loads(raw)) if owner.read_back else None
                owner.requests.append(
                    {"headers": dict(self.headers), "raw": raw.decode(), "body": json.loads(raw), "seen": seen}
                )
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        serve_in_background(self.server)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/odoo/hook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_control_endpoint_state_and_faults(sim):
    status, _h, state = http_post(sim.url + "/__sim__/state", {})
    assert status == 200 and state["database"] == "demo" and state["counts"]["stock.picking"] > 0
    status, _h, faults = http_post(sim.url + "/__sim__/faults", {"latency_ms": 150})
    assert faults["latency_ms"] == 150
    rpc = Client(sim.url)
    started = time.monotonic()
    rpc.call("stock.picking", "search_count", [])
    assert time.monotonic() - started >= 0.15
    status, _h, faults = http_post(sim.url + "/__sim__/faults", {"reset": True})
    assert faults["latency_ms"] == 0
    status, _h, _body = http_post(sim.url + "/__sim__/faults", {"no_such_knob": 1})
    assert status == 400


def test_error_rate_per_method_returns_a_server_error_or_drops(sim):
    rpc = Client(sim.url)
    sim.set_faults(error_rate={"search_count": 1.0})
    try:
        with pytest.raises(RpcError) as err:
            rpc.call("stock.picking", "search_count", [])
        assert err.value.name == "psycopg2.errors.SerializationFailure"
        assert rpc.call("stock.picking", "search", [], limit=1)  # other methods unaffected
        sim.set_faults(error_mode="drop")
        with pytest.raises((urllib.error.URLError, ConnectionError, http_error_types())):
            rpc.call("stock.picking", "search_count", [])
    finally:
        sim.reset_faults()
    assert rpc.call("stock.picking", "search_count", []) > 0


def test_committed_writes_are_counted_per_record_and_method(sim):
    """How the fault suite proves no write-back reached Odoo twice: a refused call is no write, a
    slow one (method_latency_ms) still lands once."""
    rpc = Client(sim.url)
    picking = rpc.call("stock.picking", "search", [], limit=1)[0]
    rpc.call("stock.picking", "message_post", [picking], body="first note")
    sim.set_faults(error_rate={"message_post": 1.0})
    with pytest.raises(RpcError):
        rpc.call("stock.picking", "message_post", [picking], body="refused note")
    state = sim.set_faults(error_rate={}, method_latency_ms={"message_post": 20})
    assert state["method_latency_ms"] == {"message_post": 20.0}
    rpc.call("stock.picking", "message_post", [picking], body="slow note")
    sim.reset_faults()

    assert sim.writes("stock.picking", picking, "message_post") == 2
    assert sim.writes("stock.picking", picking, "write") == 0
    assert sim.state()["writes"] >= 2


def http_error_types():
    import http.client

    return http.client.RemoteDisconnected


def test_downtime_refuses_connections_then_recovers():
    with start_simulator() as sim:
        rpc = Client(sim.url)
        sim.set_faults(down_for_seconds=0.6, down_mode="refuse")
        time.sleep(0.2)
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", sim.port), timeout=1).close()
        time.sleep(0.8)
        assert rpc.call("stock.picking", "search_count", []) > 0
        sim.set_faults(down_for_seconds=0.5, down_mode="close")
        with pytest.raises((urllib.error.URLError, ConnectionError, http_error_types())):
            rpc.call("stock.picking", "search_count", [])
        time.sleep(0.6)
        assert rpc.call("stock.picking", "search_count", []) > 0


def test_slow_transaction_commits_an_older_write_date_and_clock_advance(sim):
    rpc = Client(sim.url)
    pid = rpc.call("stock.picking", "search", [], limit=1)[0]
    status, _h, result = http_post(
        sim.url + "/__sim__/slow_transaction", {"model": "stock.picking", "id": pid, "age_seconds": 300}
    )
    assert status == 200 and result["id"] == pid
    [row] = rpc.call("stock.picking", "read", [pid], ["write_date"])
    assert row["write_date"] == result["write_date"][:19]
    status, _h, result = http_post(sim.url + "/__sim__/clock/advance", {"seconds": 120})
    assert status == 200 and len(result["now"]) == 19


def test_webhook_payload_is_shaped_like_odoo_and_sent_before_commit():
    recorded = load(CONTRACT / "webhooks" / "03_received_requests.json")["requests"]
    holder = {}

    def read_back(body):
        return Client(holder["url"]).call(body["_model"], "read", [body["_id"]], ["state"])

    listener = Listener(read_back)
    try:
        with start_simulator(webhook_url=listener.url) as sim:
            holder["url"] = sim.url
            rpc = Client(sim.url)
            bru = rpc.call(
                "stock.warehouse", "search_read", [["code", "=", "BRU"]], fields=["out_type_id", "lot_stock_id"]
            )[0]
            product = rpc.call(
                "stock.quant",
                "search_read",
                [["location_id", "=", bru["lot_stock_id"][0]]],
                fields=["product_id"],
                order="quantity desc",
                limit=1,
            )[0]["product_id"][0]
            pid = rpc.call(
                "stock.picking",
                "create",
                {
                    "picking_type_id": bru["out_type_id"][0],
                    "origin": "webhook test",
                    "move_ids": [[0, 0, {"product_id": product, "product_uom_qty": 1}]],
                },
            )
            rpc.call("stock.picking", "action_confirm", [pid])
    finally:
        listener.close()
    pickings = [r for r in listener.requests if r["body"]["_model"] == "stock.picking" and r["body"]["_id"] == pid]
    assert len(pickings) >= 2
    first, second = pickings[0], pickings[1]
    want = recorded[0]
    assert sorted(first["body"]) == sorted(want["body"])
    assert first["raw"] == json.dumps(first["body"], sort_keys=True)
    assert first["headers"]["Content-Type"] == "application/json"
    assert first["headers"]["User-Agent"] == "python-requests/2.31.0"
    assert first["body"]["_action"].startswith("Send Webhook Notification(#")
    assert isinstance(first["body"]["picking_type_id"], int)
    assert len(first["body"]["write_date"]) == 26  # microseconds, unlike RPC reads
    assert first["body"]["state"] == "draft" and first["seen"] == []  # created, not committed yet
    assert second["body"]["state"] == "assigned" and second["seen"] == [{"id": pid, "state": "draft"}]


def test_duplicate_webhooks_knob():
    listener = Listener()
    try:
        with start_simulator(webhook_url=listener.url, faults={"webhook_duplicate_rate": 1.0}) as sim:
            rpc = Client(sim.url)
            pid = rpc.call("stock.picking", "search", [["state", "=", "assigned"]], limit=1)[0]
            rpc.call("stock.picking", "write", [pid], {"origin": "dup"})
    finally:
        listener.close()
    bodies = [r["raw"] for r in listener.requests if r["body"]["_model"] == "stock.picking"]
    assert len(bodies) == 2 and bodies[0] == bodies[1]
