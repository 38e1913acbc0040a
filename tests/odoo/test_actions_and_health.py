"""The button_validate wizard loop (scripted) and odoo_status (replayed / unreachable)."""

import json
import logging
import socket

import pytest

from apps.odoo.actions import validate_picking
from apps.odoo.errors import OdooValidationError
from apps.odoo.health import odoo_status

from .fakes import ScriptedTransport, make_client, make_config
from .replay import CONTRACT, replay_server


def _backorder_action(picking_id):
    # the action recorded in actions/04_partial_backorder_process.json, shape-wise
    return {
        "type": "ir.actions.act_window",
        "res_model": "stock.backorder.confirmation",
        "context": {
            "button_validate_picking_ids": [picking_id],
            "default_pick_ids": [[4, picking_id]],
            "default_show_transfers": False,
        },
    }


def test_recorded_backorder_action_is_a_window_action():
    steps = json.loads((CONTRACT / "actions/04_partial_backorder_process.json").read_text())["steps"]
    results = [s["response"]["body"].get("result") for s in steps]
    actions = [r for r in results if isinstance(r, dict) and r.get("type") == "ir.actions.act_window"]
    assert actions and actions[0]["res_model"] == "stock.backorder.confirmation"


@pytest.mark.parametrize("create_backorder,button", [(True, "process"), (False, "process_cancel_backorder")])
def test_validate_completes_the_backorder_wizard(create_backorder, button):
    transport = ScriptedTransport(_backorder_action(42), [77], True)
    client, _ = make_client(transport)

    assert validate_picking(client, 42, create_backorder=create_backorder) is True

    validate, create, press = transport.calls
    assert validate[:3] == ("stock.picking", "button_validate", [42])
    assert create[:2] == ("stock.backorder.confirmation", "create")
    assert create[3] == [[{}]]
    assert create[4]["context"]["button_validate_picking_ids"] == [42]
    assert press[:3] == ("stock.backorder.confirmation", button, [77])
    assert press[4]["context"] == _backorder_action(42)["context"]


def test_validate_answers_the_sms_wizard_then_returns():
    sms = {"type": "ir.actions.act_window", "res_model": "confirm.stock.sms", "res_id": 3, "context": {"x": 1}}
    transport = ScriptedTransport(sms, True)
    client, _ = make_client(transport)
    assert validate_picking(client, 42) is True
    assert transport.calls[1][:3] == ("confirm.stock.sms", "dont_send_sms", [3])


def test_validate_refuses_unknown_wizards():
    other = {"type": "ir.actions.act_window", "res_model": "stock.immediate.transfer", "context": {}}
    client, _ = make_client(ScriptedTransport(other))
    with pytest.raises(OdooValidationError, match="finish it in Odoo"):
        validate_picking(client, 42)


def test_calls_are_logged_with_model_method_rows_and_outcome(caplog):
    client, _ = make_client(ScriptedTransport([{"id": 1}, {"id": 2}], OdooValidationError("no")))
    with caplog.at_level(logging.DEBUG, logger="apps.odoo"):
        client.search_read("stock.picking", [], ["name"])
        with pytest.raises(OdooValidationError):
            client.write("stock.picking", [1], {"priority": "7"})
    ok, failed = [r for r in caplog.records if hasattr(r, "odoo_method")]
    assert (ok.odoo_model, ok.odoo_method, ok.rows, ok.outcome) == ("stock.picking", "search_read", 2, "ok")
    assert (failed.odoo_method, failed.outcome, failed.levelno) == ("write", "OdooValidationError", logging.WARNING)
    assert ok.duration_ms >= 0


def test_odoo_status_ok_against_recorded_answers():
    with replay_server(lambda path, body: (404, None)) as server:
        status = odoo_status(make_config(url=server["url"], database="status-ok"))
    assert status["ok"] is True
    assert status["server_version"] == "17.0"
    assert status["transport"] == "jsonrpc"
    assert status["error"] is None
    assert status["latency_ms"] >= 0
    assert status["breaker"]["state"] in ("closed", "open", "half-open")


def test_odoo_status_reports_unreachable_without_raising():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    status = odoo_status(make_config(url=f"http://127.0.0.1:{port}", database="status-down"))
    assert status["ok"] is False
    assert "Cannot reach Odoo" in status["error"]
    assert status["server_version"] is None


def test_odoo_status_reports_wrong_credentials():
    def answer(path, body):
        if body.get("params", {}).get("method") == "login":
            return 200, {"jsonrpc": "2.0", "id": body["id"], "result": False}
        return 404, None

    with replay_server(answer) as server:
        status = odoo_status(make_config(url=server["url"], database="status-denied"))
    assert status["ok"] is False
    assert "ODOO_LOGIN" in status["error"]


def test_odoo_status_never_raises_on_bad_configuration(settings):
    settings.ODOO_TRANSPORT = "carrier-pigeon"
    status = odoo_status()
    assert status["ok"] is False
    assert "ODOO_TRANSPORT" in status["error"]
