"""Replays every recorded errors/ exchange: same error class, same message (ids aside), same envelope."""

from __future__ import annotations

import copy
from http.cookies import SimpleCookie

import pytest

from .conftest import CONTRACT, Client, http_post, load, normalize_message, shape

ERROR_FILES = sorted((CONTRACT / "errors").glob("*.json"))

#: which kind of record stands in for the recorded ids in each file
IDS_FOR = {
    "user_error_cancel_done": "done_picking",
    "user_error_unlink_done": "done_picking",
    "user_error_validate_nothing_reserved": "unreserved_picking",
    "call_kw_session_user_error": "unreserved_picking",
    "validation_error_constraint": "partner",
    "access_error_write": "partner",
}


@pytest.fixture(scope="module")
def refs(sim):
    rpc = Client(sim.url)
    done = rpc.call("stock.picking", "search", [["state", "=", "done"]], limit=1)[0]
    ready = rpc.call("stock.picking", "search", [["state", "=", "assigned"]], limit=1)[0]
    partner = rpc.call("res.partner", "search", [["customer_rank", ">", 0]], limit=1)[0]
    out_type = rpc.call("stock.picking.type", "search", [["code", "=", "outgoing"]], limit=1)[0]
    product = rpc.call("product.product", "create", {"name": "Never stocked", "detailed_type": "product"})
    unreserved = rpc.call(
        "stock.picking",
        "create",
        {
            "picking_type_id": out_type,
            "partner_id": partner,
            "move_ids": [[0, 0, {"product_id": product, "product_uom_qty": 3}]],
        },
    )
    rpc.call("stock.picking", "action_confirm", [unreserved])
    code = rpc.call("stock.warehouse", "search_read", [], fields=["code"], limit=1)[0]["code"]
    return {
        "done_picking": done,
        "picking": ready,
        "partner": partner,
        "unreserved_picking": unreserved,
        "warehouse_code": code,
    }


def _adapt_args(stem: str, method_args: list, refs: dict) -> list:
    args = copy.deepcopy(method_args)
    if args and isinstance(args[0], list | int) and args[0] not in ([999999], 999999):
        ref = refs[IDS_FOR.get(stem, "picking")]
        args[0] = ref if isinstance(args[0], int) else [ref]
    if stem == "validation_error_constraint":
        args[1]["parent_id"] = refs["partner"]
    if stem == "validation_error_sql_unique":
        args[0]["code"] = refs["warehouse_code"]
    return args


def _session_cookie(url: str) -> str:
    _s, headers, _b = http_post(
        url + "/web/session/authenticate",
        {"jsonrpc": "2.0", "method": "call", "params": {"db": "demo", "login": "admin", "password": "admin"}, "id": 1},
    )
    jar = SimpleCookie()
    jar.load(headers["Set-Cookie"])
    return f"session_id={jar['session_id'].value}"


@pytest.mark.parametrize("path", ERROR_FILES, ids=[p.stem for p in ERROR_FILES])
def test_error_exchange_matches_recording(sim, refs, path):
    recorded = load(path)
    request, want = recorded["request"], recorded["response"]["body"]
    params = copy.deepcopy(request["body"]["params"])
    headers = {}
    if request["path"] == "/jsonrpc":
        args = params.get("args") or []
        if args and args[0] == "wh_demo":
            args[0] = sim.database
        if len(args) > 5 and params.get("method") == "execute_kw":
            args[5] = _adapt_args(path.stem, args[5], refs)
    else:
        headers["Cookie"] = _session_cookie(sim.url)
        params["args"] = _adapt_args(path.stem, params["args"], refs)
    body = {**request["body"], "params": params}
    status, _headers, got = http_post(sim.url + request["path"], body, headers)

    assert status == 200
    assert sorted(got) == sorted(want)
    assert got["id"] == want["id"]
    if "error" not in want:
        assert shape(got.get("result")) == shape(want.get("result"))
        return
    error, want_error = got["error"], want["error"]
    assert (error["code"], error["message"]) == (want_error["code"], want_error["message"])
    assert sorted(error["data"]) == sorted(want_error["data"])
    assert error["data"]["name"] == want_error["data"]["name"]
    assert normalize_message(error["data"]["message"]) == normalize_message(want_error["data"]["message"])
    assert [normalize_message(a) for a in error["data"]["arguments"]] == [
        normalize_message(a) for a in want_error["data"]["arguments"]
    ]
    assert normalize_message(error["data"]["debug"].splitlines()[-1]) == normalize_message(
        want_error["data"]["debug"].splitlines()[-1]
    )
