"""Replays connection/ (what a "connect your Odoo" wizard asks a real Odoo 17) against the simulator.

Users are mapped by login (admin -> admin, lowrights -> lowrights), the database by name, and the
model / field / rule / action ids the recording learned from earlier answers.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.servers import serve_in_background

from .conftest import CONTRACT, Client, RpcError, load, normalize_message, shape

CONNECTION = CONTRACT / "connection"
PASSWORDS = {"admin": "admin", "lowrights": "lowrights"}


class ConnectionReplayer:
    def __init__(self, url: str) -> None:
        self.url = url
        self.ids: dict[tuple[str, int], int] = {}

    def client(self, login: str) -> Client:
        uid = 2 if login == "admin" else 8
        return Client(self.url, uid=uid, password=PASSWORDS[login])

    def map_value(self, model: str, value: Any) -> Any:
        """Recorded ids (in args, domains and x2many commands) -> simulator ids learned so far."""
        if isinstance(value, list):
            return [self.map_value(model, v) for v in value]
        if isinstance(value, dict):
            return {k: self.map_value(model, v) for k, v in value.items()}
        if isinstance(value, int) and not isinstance(value, bool):
            for (_m, recorded), got in self.ids.items():
                if recorded == value:
                    return got
        return value

    def learn(self, model: str, recorded: Any, got: Any) -> None:
        if isinstance(recorded, int) and isinstance(got, int) and not isinstance(recorded, bool):
            self.ids[(model, recorded)] = got
        elif isinstance(recorded, list) and isinstance(got, list):
            by_key = {(r.get("model"), r.get("name")): r for r in got if isinstance(r, dict)}
            for rec in recorded:
                if not isinstance(rec, dict) or "id" not in rec:
                    continue
                new = by_key.get((rec.get("model"), rec.get("name"))) or (got[0] if len(got) == 1 else None)
                if new:
                    self.ids[(model, rec["id"])] = new["id"]
                    for key in ("action_server_ids",):
                        if key in rec and key in new:
                            for a, b in zip(rec[key], new[key], strict=False):
                                self.ids[("ir.actions.server", a)] = b

    def call(self, step: dict) -> tuple[Any, Any]:
        """(what the simulator answered, what Odoo answered): {"result": ...} or {"error": ...}."""
        args = step["request"]["body"]["params"]["args"]
        login, model, method = args[2], args[3], args[4]
        m_args = self.map_value(model, copy.deepcopy(args[5]))
        m_kwargs = copy.deepcopy(args[6]) if len(args) > 6 else {}
        try:
            got = {
                "result": self.client(login if login in PASSWORDS else "admin").call(model, method, *m_args, **m_kwargs)
            }
        except RpcError as exc:
            got = {"error": exc.error}
        return got, step["response"]["body"]


def _execute_steps(name: str) -> list[dict]:
    return [
        s
        for s in load(CONNECTION / name)["steps"]
        if s["request"]["path"] == "/jsonrpc" and s["request"]["body"]["params"].get("method") == "execute_kw"
    ]


@pytest.fixture
def replayer(sim) -> ConnectionReplayer:
    return ConnectionReplayer(sim.url)


def test_module_states_read_like_odoo(replayer):
    for step in _execute_steps("01_modules.json"):
        got, want = replayer.call(step)
        if step["request"]["body"]["params"]["args"][4] == "fields_get":
            assert got["result"]["state"]["selection"] == want["result"]["state"]["selection"]
            continue
        states = {row["name"]: row["state"] for row in got["result"]}
        assert states == {row["name"]: row["state"] for row in want["result"]}, step["description"]
        assert shape(got["result"][0]) == shape(want["result"][0])


def test_access_rights_answer_like_odoo(replayer):
    """has_group / check_access_rights booleans, and the AccessError on base.automation, as recorded."""
    for step in _execute_steps("04_access_rights.json"):
        args = step["request"]["body"]["params"]["args"]
        if args[4] not in ("has_group", "check_access_rights") and args[3] != "base.automation":
            continue  # the recording's own setup of its low-rights user
        got, want = replayer.call(step)
        if "error" in want:
            assert "error" in got, step["description"]
            assert got["error"]["data"]["name"] == want["error"]["data"]["name"]
            assert normalize_message(got["error"]["data"]["message"]) == normalize_message(
                want["error"]["data"]["message"]
            ), step["description"]
        else:
            assert got == {"result": want["result"]}, step["description"]


def test_warehouse_time_zone_sources_have_odoos_shape(replayer):
    for step in _execute_steps("03_warehouses_timezone.json"):
        args = step["request"]["body"]["params"]["args"]
        if args[4] == "read":
            continue  # ids of the recorded database's partners and calendars
        got, want = replayer.call(step)
        assert "result" in got, (step["description"], got)
        result, recorded = got["result"], want["result"]
        if isinstance(recorded, list):
            assert shape(result[0]) == shape(recorded[0]), step["description"]
        else:
            assert sorted(result) == sorted(recorded), step["description"]


def test_calendar_time_zone_is_never_empty(sim):
    rpc = Client(sim.url)
    companies = rpc.call("res.company", "search_read", [], fields=["id", "name", "partner_id", "resource_calendar_id"])
    calendars = rpc.call("resource.calendar", "read", [c["resource_calendar_id"][0] for c in companies], fields=["tz"])
    assert calendars and all(c["tz"] for c in calendars)


def test_automation_rule_lifecycle_like_odoo(replayer):
    """find (nothing) -> ids -> create -> find by name -> update the URL -> read back -> archive -> unlink."""
    for step in _execute_steps("06_automation_rule_lifecycle.json"):
        args = step["request"]["body"]["params"]["args"]
        model, method = args[3], args[4]
        if model == "stock.picking":
            continue  # the timing writes; covered by test_rule_fires_a_webhook_on_save
        got, want = replayer.call(step)
        assert "result" in got, (step["description"], got)
        result, recorded = got["result"], want["result"]
        if method in ("search_read", "read") and model in ("ir.model", "ir.model.fields"):
            assert {r.get("name") or r.get("model") for r in result} == {
                r.get("name") or r.get("model") for r in recorded
            }
            replayer.learn(model, recorded, result)
            continue
        if method == "create" or (isinstance(recorded, list) and recorded):
            replayer.learn(model, recorded, result)
        assert shape(result) == shape(recorded), step["description"]
        if method == "read" and model == "ir.actions.server":
            assert result[0]["name"] == recorded[0]["name"] == "Send Webhook Notification"
            assert result[0]["webhook_url"] == recorded[0]["webhook_url"]
            assert result[0]["usage"] == recorded[0]["usage"]
        if method == "read" and model == "base.automation":
            assert result[0]["trigger"] == recorded[0]["trigger"]
            assert result[0]["active"] == recorded[0]["active"]
        if isinstance(recorded, list) and not recorded:
            assert result == [], step["description"]


def test_rule_fires_a_webhook_on_save(sim):
    """A rule made over RPC posts Odoo's webhook body to its URL when a transfer is saved."""
    import json
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    serve_in_background(server)
    rpc = Client(sim.url)
    try:
        model_id = rpc.call("ir.model", "search_read", [["model", "=", "stock.picking"]], fields=["id"])[0]["id"]
        field_ids = [
            f["id"]
            for f in rpc.call(
                "ir.model.fields",
                "search_read",
                [["model", "=", "stock.picking"], ["name", "in", ["state", "write_date"]]],
                fields=["id"],
            )
        ]
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        rule = rpc.call(
            "base.automation",
            "create",
            {
                "name": "test rule",
                "model_id": model_id,
                "trigger": "on_create_or_write",
                "action_server_ids": [
                    [
                        0,
                        0,
                        {
                            "model_id": model_id,
                            "name": "x",
                            "state": "webhook",
                            "webhook_url": url,
                            "webhook_field_ids": [[6, 0, field_ids]],
                        },
                    ]
                ],
            },
        )
        picking = rpc.call("stock.picking", "search", [["state", "=", "assigned"]], limit=1)[0]
        rpc.call("stock.picking", "write", [picking], {"origin": "touched"})
        assert received and received[-1]["_model"] == "stock.picking" and received[-1]["id"] == picking
        assert set(received[-1]) == {"_action", "_id", "_model", "id", "state", "write_date"}
        rpc.call("base.automation", "unlink", [rule])
        count = len(received)
        rpc.call("stock.picking", "write", [picking], {"origin": "touched again"})
        assert len(received) == count
    finally:
        server.shutdown()


def test_unknown_database_answers_like_odoo(sim):
    """common.login / authenticate / execute_kw on a database that does not exist (connection/07)."""
    from .conftest import http_post

    steps = [s for s in load(CONNECTION / "07_connection_errors.json")["steps"] if "no_such_db" in str(s["request"])]
    assert len(steps) == 3
    for step in steps:
        status, _headers, body = http_post(sim.url + step["request"]["path"], step["request"]["body"])
        want = step["response"]["body"]["error"]["data"]
        assert status == step["response"]["status"]
        assert body["error"]["data"]["name"] == want["name"], step["description"]
        assert body["error"]["data"]["message"] == want["message"], step["description"]
