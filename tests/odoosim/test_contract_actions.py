"""Replays the recorded actions/ scenarios step by step on one simulator.

Ids differ between the recorded database and the simulator, so the replayer maps them: a
recorded id returned by create / search / read / an action's res_id is bound to the id the
simulator returned at the same place; ids the scenarios take from the demo data (the stock
location, the delivery type, a product in stock...) are bound to equivalent simulator records.
Each answer must have the recorded shape, and states, quantities written by the scenario,
picked flags, message bodies and wizard actions must be equal.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from .conftest import CONTRACT, Client, RpcError, load, normalize_message, shape

ACTION_FILES = sorted((CONTRACT / "actions").glob("*.json"))
#: keys whose values must be equal, not only of the same type
EXACT_KEYS = {
    "state",
    "picked",
    "product_uom_qty",
    "inventory_quantity",
    "inventory_quantity_set",
    "body",
    "message_type",
    "res_model",
    "model",
    "type",
    "target",
    "view_mode",
    "is_inventory",
    "summary",
    "note",
    "date_deadline",
    "products_availability",
    "products_availability_state",
}
RESULT_MODEL = {"message_post": "mail.message", "action_feedback": "mail.message"}


class Replayer:
    def __init__(self, rpc: Client, static: dict[tuple[str, int], int]) -> None:
        self.rpc = rpc
        self.ids = dict(static)

    # -- id mapping -------------------------------------------------------------------------
    def map_id(self, model: str | None, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or model is None:
            return value
        return self.ids.get((model, value), value)

    def map_ids(self, model: str, value: Any) -> Any:
        if isinstance(value, list):
            return [self.map_id(model, v) for v in value]
        return self.map_id(model, value)

    def learn(self, model: str | None, recorded: Any, got: Any) -> None:
        if model is None or isinstance(recorded, bool) or isinstance(got, bool):
            return
        if isinstance(recorded, int) and isinstance(got, int):
            self.ids.setdefault((model, recorded), got)
        elif isinstance(recorded, list) and isinstance(got, list) and len(recorded) == len(got):
            for rec, new in zip(recorded, got, strict=True):
                if isinstance(rec, dict) and isinstance(new, dict):
                    self.learn(model, rec.get("id"), new.get("id"))
                    for key, value in rec.items():
                        relation = self.fields(model).get(key, {}).get("relation")
                        if not relation or not isinstance(value, list) or not isinstance(new.get(key), list):
                            continue
                        if self.fields(model)[key]["type"] == "many2one":
                            self.learn(relation, value[0], new[key][0])
                        else:
                            self.learn(relation, value, new[key])
                else:
                    self.learn(model, rec, new)
        elif isinstance(recorded, dict) and isinstance(got, dict) and recorded.get("res_id"):
            self.learn(recorded.get("res_model"), recorded["res_id"], got.get("res_id"))

    _fields_cache: dict[str, dict] = {}

    def fields(self, model: str) -> dict:
        if model not in self._fields_cache:
            try:
                self._fields_cache[model] = self.rpc.call(model, "fields_get", [], attributes=["type", "relation"])
            except RpcError:
                self._fields_cache[model] = {}
        return self._fields_cache[model]

    def adapt_vals(self, model: str, vals: dict) -> dict:
        out = {}
        fields = self.fields(model)
        for key, value in vals.items():
            fdef = fields.get(key, {})
            relation = fdef.get("relation")
            if fdef.get("type") == "many2one":
                out[key] = self.map_id(relation, value)
            elif fdef.get("type") in ("one2many", "many2many") and isinstance(value, list):
                commands = []
                for cmd in value:
                    if cmd[0] == 0:
                        commands.append([0, 0, self.adapt_vals(relation, cmd[2])])
                    elif cmd[0] == 6:
                        commands.append([6, 0, self.map_ids(relation, cmd[2])])
                    else:
                        commands.append([cmd[0], self.map_id(relation, cmd[1]), *cmd[2:]])
                out[key] = commands
            elif key == "res_model_id":
                out[key] = self.map_id("ir.model", value)
            elif key == "res_id" and "res_model_id" in vals:
                out[key] = self.map_id("stock.picking", value)
            else:
                out[key] = value
        return out

    def adapt_domain(self, model: str, domain: list) -> list:
        out = []
        for leaf in domain:
            if isinstance(leaf, list) and len(leaf) == 3:
                fdef = self.fields(model).get(leaf[0], {})
                value = self.map_ids(fdef["relation"], leaf[2]) if fdef.get("type") == "many2one" else leaf[2]
                out.append([leaf[0], leaf[1], value])
            else:
                out.append(leaf)
        return out

    def adapt_context(self, context: dict) -> dict:
        ctx = dict(context)
        for key in ("button_validate_picking_ids", "picking_ids_not_to_backorder"):
            if key in ctx:
                ctx[key] = self.map_ids("stock.picking", ctx[key])
        if "default_pick_ids" in ctx:
            ctx["default_pick_ids"] = [[c[0], self.map_id("stock.picking", c[1])] for c in ctx["default_pick_ids"]]
        return ctx

    # -- one step ---------------------------------------------------------------------------
    def run(self, step: dict) -> None:
        args = step["request"]["body"]["params"]["args"]
        model, method = args[3], args[4]
        m_args, m_kwargs = copy.deepcopy(args[5]), copy.deepcopy(args[6])
        if method == "create":
            m_args[0] = (
                [self.adapt_vals(model, v) for v in m_args[0]]
                if isinstance(m_args[0], list)
                else self.adapt_vals(model, m_args[0])
            )
        elif method in ("search", "search_count"):
            m_args[0] = self.adapt_domain(model, m_args[0])
        elif method == "search_read":
            m_kwargs["domain"] = self.adapt_domain(model, m_kwargs.get("domain", []))
        elif m_args:
            m_args[0] = self.map_ids(model, m_args[0])
            if method == "write":
                m_args[1] = self.adapt_vals(model, m_args[1])
        if "context" in m_kwargs:
            m_kwargs["context"] = self.adapt_context(m_kwargs["context"])
        want = step["response"]["body"]
        try:
            got = {"result": self.rpc.call(model, method, *m_args, **m_kwargs)}
        except RpcError as exc:
            got = {"error": exc.error}
        label = f"{model}.{method}: {step.get('description')}"
        if "error" in want:
            assert "error" in got, label
            assert got["error"]["data"]["name"] == want["error"]["data"]["name"], label
            assert normalize_message(got["error"]["data"]["message"]) == normalize_message(
                want["error"]["data"]["message"]
            ), label
            return
        assert "error" not in got, f"{label}: {got.get('error', {}).get('data', {}).get('message')}"
        assert ("result" in want) == (got["result"] is not None), label
        result, recorded = got["result"], want.get("result")
        self.learn(RESULT_MODEL.get(method, model), recorded, result)
        assert shape(result) == shape(recorded), label
        compare_exact(recorded, result, label)


def compare_exact(recorded: Any, got: Any, label: str) -> None:
    if isinstance(recorded, list) and isinstance(got, list):
        assert len(recorded) == len(got), label
        for rec, new in zip(recorded, got, strict=True):
            compare_exact(rec, new, label)
    elif isinstance(recorded, dict) and isinstance(got, dict):
        for key, value in recorded.items():
            if key in EXACT_KEYS and not isinstance(value, dict):
                assert got.get(key) == value, f"{label}: {key}"
        if recorded.get("type") == "ir.actions.act_window":
            assert sorted(got["context"]) == sorted(recorded["context"]), label
            assert got["name"] == recorded["name"], label


@pytest.fixture(scope="module")
def static_ids(sim) -> dict[tuple[str, int], int]:
    """Recorded demo-data ids bound to equivalent simulator records."""
    rpc = Client(sim.url)
    bru = rpc.call(
        "stock.warehouse", "search_read", [["code", "=", "BRU"]], fields=["lot_stock_id", "in_type_id", "out_type_id"]
    )[0]
    stock = bru["lot_stock_id"][0]
    customers = rpc.call("stock.location", "search", [["usage", "=", "customer"]], limit=1)[0]
    vendors = rpc.call("stock.location", "search", [["usage", "=", "supplier"]], limit=1)[0]
    # a customer with a phone: its first outgoing validation asks the stock_sms question
    partner = rpc.call("res.partner", "search", [["customer_rank", ">", 0], ["phone", "!=", False]], limit=1)[0]
    quants = rpc.call(
        "stock.quant",
        "search_read",
        [["location_id", "=", stock]],
        fields=["product_id", "quantity", "reserved_quantity"],
        order="quantity desc",
    )
    in_stock, other, third = (q["product_id"][0] for q in quants[:3])
    empty = [
        rpc.call("product.product", "create", {"name": f"Never stocked {i}", "detailed_type": "product"})
        for i in range(2)
    ]
    todo = rpc.call("mail.activity.type", "search", [["name", "=", "To-Do"]])[0]
    ready = rpc.call(
        "stock.picking", "search", [["state", "=", "assigned"], ["picking_type_code", "=", "outgoing"]], limit=1
    )[0]
    static = {
        ("stock.location", 5): customers,
        ("stock.location", 8): stock,
        ("stock.location", 4): vendors,
        ("stock.picking.type", 1): bru["in_type_id"][0],
        ("stock.picking.type", 2): bru["out_type_id"][0],
        ("res.partner", 9): partner,
        ("product.product", 20): in_stock,
        ("product.product", 23): other,
        ("product.product", 24): third,
        ("product.product", 16): empty[0],
        ("product.product", 5): empty[1],
        ("uom.uom", 1): 1,
        ("res.users", 2): 2,
        ("mail.activity.type", 4): todo,
        ("stock.picking", 1): ready,
    }
    return static


@pytest.fixture(scope="module")
def replayer(sim, static_ids) -> Replayer:
    return Replayer(Client(sim.url), static_ids)


@pytest.mark.parametrize("path", ACTION_FILES, ids=[p.stem for p in ACTION_FILES])
def test_action_scenario_replays_like_recorded(replayer, path):
    for step in load(path)["steps"]:
        if "request" in step and step["request"]["path"] == "/jsonrpc":
            replayer.run(step)


#: keys a client passes to button_validate; Odoo 17 returns them in the wizard action's context
CALLER_CONTEXT = {"skip_sms": True, "lang": "en_US", "tz": "Europe/Brussels"}


def _with_caller_context(step: dict) -> dict:
    """The recorded step, called with CALLER_CONTEXT; a returned action carries it under its own keys.

    Odoo builds the backorder action as ``dict(self.env.context, default_show_transfers=...,
    default_pick_ids=...)`` and stock_sms's as ``self.env.context``: the caller's keys stay, the
    action's own keys win.
    """
    step = copy.deepcopy(step)
    params = step["request"]["body"]["params"]["args"]
    params[6] = {**params[6], "context": {**CALLER_CONTEXT, **params[6].get("context", {})}}
    result = step["response"]["body"].get("result")
    if isinstance(result, dict) and result.get("type") == "ir.actions.act_window":
        result["context"] = {**CALLER_CONTEXT, **result["context"]}
    return step


def test_returned_action_carries_the_callers_context(sim, static_ids):
    """actions/04 with a caller context: the backorder wizard action keeps it, and completing the
    wizard with that context validates the partial picking without the SMS question (skip_sms)."""
    replayer = Replayer(Client(sim.url), static_ids)
    steps = load(CONTRACT / "actions" / "04_partial_backorder_process.json")["steps"]
    validate = next(i for i, s in enumerate(steps) if s["request"]["body"]["params"]["args"][4] == "button_validate")
    for step in steps[:validate]:
        replayer.run(step)
    step = _with_caller_context(steps[validate])
    m_args = [replayer.map_ids("stock.picking", step["request"]["body"]["params"]["args"][5][0])]
    action = replayer.rpc.call("stock.picking", "button_validate", *m_args, context=CALLER_CONTEXT)
    recorded = step["response"]["body"]["result"]
    assert action["res_model"] == recorded["res_model"] == "stock.backorder.confirmation"
    assert action["context"] == replayer.adapt_context(recorded["context"])
    for key, value in CALLER_CONTEXT.items():
        assert action["context"][key] == value
    # the client completes the wizard with the action's context, as Odoo's web client does
    wizard = replayer.rpc.call("stock.backorder.confirmation", "create", {}, context=action["context"])
    result = replayer.rpc.call("stock.backorder.confirmation", "process", [wizard], context=action["context"])
    assert result is True
    picking = replayer.rpc.call("stock.picking", "read", m_args[0], fields=["state"])[0]
    assert picking["state"] == "done"


def test_sms_wizard_action_carries_the_callers_context(sim):
    """The stock_sms question (actions/02) comes back with the caller's keys in its context."""
    rpc = Client(sim.url)
    recorded = next(
        s["response"]["body"]["result"]
        for s in load(CONTRACT / "actions" / "02_confirm_assign_validate_full.json")["steps"]
        if s["request"]["body"]["params"]["args"][4] == "button_validate"
    )
    bru = rpc.call("stock.warehouse", "search_read", [["code", "=", "CHI"]], fields=["lot_stock_id", "out_type_id"])[0]
    customers = rpc.call("stock.location", "search", [["usage", "=", "customer"]], limit=1)[0]
    partner = rpc.call("res.partner", "search", [["customer_rank", ">", 0], ["phone", "!=", False]], limit=1)[0]
    product = rpc.call(
        "stock.quant",
        "search_read",
        [["location_id", "=", bru["lot_stock_id"][0]]],
        fields=["product_id"],
        order="quantity desc",
        limit=1,
    )[0]["product_id"][0]
    picking = rpc.call(
        "stock.picking",
        "create",
        {
            "picking_type_id": bru["out_type_id"][0],
            "location_id": bru["lot_stock_id"][0],
            "location_dest_id": customers,
            "partner_id": partner,
            "move_ids": [[0, 0, {"name": "x", "product_id": product, "product_uom_qty": 1, "product_uom": 1}]],
        },
    )
    rpc.call("stock.picking", "action_confirm", [picking])
    caller = {"lang": "en_US", "tz": "America/Chicago"}
    action = rpc.call("stock.picking", "button_validate", [picking], context=caller)
    assert action["res_model"] == recorded["res_model"] == "confirm.stock.sms"
    assert sorted(action["context"]) == sorted({**caller, **recorded["context"]})
    assert action["context"]["tz"] == "America/Chicago"
    assert action["context"]["button_validate_picking_ids"] == [picking]
