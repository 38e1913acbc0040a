"""odoorpc (the product's client library) and the Odoo 19 JSON-2 API against the simulator."""

from __future__ import annotations

import odoorpc
import pytest

from .conftest import http_post


def test_odoorpc_logs_in_and_reads_unchanged(sim):
    odoo = odoorpc.ODOO("127.0.0.1", port=sim.port)
    odoo.login(sim.database, "admin", "admin")
    assert odoo.version == "17.0"
    assert odoo.env.context == {"lang": "en_US", "tz": "Europe/Brussels", "uid": 2}
    pickings = odoo.env["stock.picking"]
    rows = pickings.search_read(
        [["state", "=", "assigned"]], ["name", "state", "scheduled_date", "write_date"], limit=3, order="id asc"
    )
    assert len(rows) == 3 and all(r["state"] == "assigned" for r in rows)
    assert pickings.search_count([]) > 0
    record = pickings.browse(rows[0]["id"])
    assert record.state == "assigned"
    with pytest.raises(ValueError, match=r"There is no 'stock.picking' record with IDs \[999999\]"):
        _ = pickings.browse(999999).name


def test_odoorpc_wrong_password_and_api_key(sim):
    odoo = odoorpc.ODOO("127.0.0.1", port=sim.port)
    with pytest.raises(odoorpc.error.RPCError, match="Wrong login ID or password"):
        odoo.login(sim.database, "admin", "wrong")
    odoo.login(sim.database, "admin", "demo-api-key")  # an API key works in place of the password
    assert odoo.env.uid == 2


def _json2(sim, model, method, body, key="demo-api-key", headers=None):
    return http_post(f"{sim.url}/json/2/{model}/{method}", body, {"Authorization": f"bearer {key}", **(headers or {})})


def test_json2_search_read_read_and_write(sim):
    status, headers, rows = _json2(
        sim,
        "stock.picking",
        "search_read",
        {"domain": [["state", "=", "assigned"]], "fields": ["name", "state"], "limit": 2, "context": {"lang": "en_US"}},
    )
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert [sorted(r) for r in rows] == [["id", "name", "state"]] * 2
    ids = [r["id"] for r in rows]
    status, _h, read = _json2(
        sim, "stock.picking", "read", {"ids": ids, "fields": ["name"]}, headers={"X-Odoo-Database": sim.database}
    )
    assert status == 200 and [r["id"] for r in read] == ids
    status, _h, result = _json2(sim, "stock.picking", "write", {"ids": ids[:1], "vals": {"origin": "json2"}})
    assert (status, result) == (200, True)


def test_json2_errors_use_http_status_and_the_documented_body(sim):
    status, _h, body = _json2(sim, "stock.picking", "search_read", {}, key="nope")
    assert status == 401
    assert sorted(body) == ["arguments", "context", "debug", "message", "name"]
    assert body["name"] == "werkzeug.exceptions.Unauthorized"
    status, _h, body = _json2(sim, "stock.picking", "write", {"ids": [999999], "vals": {"origin": "x"}})
    assert status == 404 and body["name"] == "odoo.exceptions.MissingError"
    status, _h, body = _json2(
        sim, "stock.picking", "search_read", {"domain": [["nope", "=", 1]], "context": {"tz": "UTC"}}
    )
    assert status == 422 and body["name"] == "builtins.ValueError" and body["context"] == {"tz": "UTC"}
    status, _h, body = _json2(sim, "stock.picking", "search_read", {"bogus": 1})
    assert status == 422 and "unexpected keyword argument 'bogus'" in body["message"]
