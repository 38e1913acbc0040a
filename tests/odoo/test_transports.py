"""The real transports (odoorpc JSON-RPC, JSON-2 over requests) against recorded answers."""

import socket

import pytest

from apps.odoo import errors
from apps.odoo.config import OdooConfig
from apps.odoo.transports import build_transport, choose_transport
from apps.odoo.transports.base import ServerVersion
from apps.odoo.transports.json2 import Json2Transport
from apps.odoo.transports.jsonrpc import JsonRpcTransport

from .replay import recorded, replay_server


def config(url, **overrides):
    values = {"url": url, "database": "wh_demo", "login": "admin", "password": "admin", "timeout_s": 2.0}
    values.update(overrides)
    return OdooConfig(**values)


def answer_execute_kw_with(body_for: dict):
    """Answer execute_kw with the given body (recorded ``id`` replaced by the request's)."""

    def answer(path, body):
        params = body.get("params", {})
        if params.get("method") == "execute_kw":
            return 200, {**body_for, "id": body["id"]}
        return 404, None

    return answer


@pytest.mark.parametrize(
    "relative,expected",
    [
        ("errors/missing_error_write.json", errors.OdooMissingError),
        ("errors/unknown_model.json", errors.OdooUnknownModelOrMethod),
        ("errors/access_error_read.json", errors.OdooAccessError),
        ("auth/jsonrpc_execute_kw_wrong_password.json", errors.OdooAccessDenied),
    ],
)
def test_jsonrpc_maps_recorded_errors_through_odoorpc(relative, expected):
    body = recorded(relative)["response"]["body"]
    with replay_server(answer_execute_kw_with(body)) as server:
        transport = JsonRpcTransport(config(server["url"]))
        with pytest.raises(expected):
            transport.execute("stock.picking", "write", [999999], [{"origin": "x"}], {})


def test_jsonrpc_method_returning_none_has_no_result_key():
    with replay_server(answer_execute_kw_with({"jsonrpc": "2.0"})) as server:
        transport = JsonRpcTransport(config(server["url"]))
        assert transport.execute("stock.picking", "do_unreserve", [1], [], {}) is None


def test_jsonrpc_sends_what_odoorpc_recorded():
    with replay_server(answer_execute_kw_with({"jsonrpc": "2.0", "result": 48})) as server:
        transport = JsonRpcTransport(config(server["url"], api_key="key-123", password=""))
        assert transport.execute("stock.picking", "search_count", None, [[]], {"context": {"tz": "UTC"}}) == 48
        login, _context_get, call = (r["body"]["params"] for r in server["requests"][-3:])
    assert login == {"service": "common", "method": "login", "args": ["wh_demo", "admin", "key-123"]}
    assert call == {
        "service": "object",
        "method": "execute_kw",
        "args": ["wh_demo", 2, "key-123", "stock.picking", "search_count", [[]], {"context": {"tz": "UTC"}}],
    }


def test_jsonrpc_wrong_login_is_access_denied():
    def answer(path, body):
        if body.get("params", {}).get("method") == "login":
            return 200, {"jsonrpc": "2.0", "id": body["id"], "result": False}
        return 404, None

    with replay_server(answer) as server:
        transport = JsonRpcTransport(config(server["url"], login="nobody"))
        with pytest.raises(errors.OdooAccessDenied, match="user 'nobody'"):
            transport.authenticate()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_refused_connection_is_a_transient_connection_error():
    transport = JsonRpcTransport(config(f"http://127.0.0.1:{_free_port()}"))
    with pytest.raises(errors.OdooConnectionError) as caught:
        transport.authenticate()
    assert caught.value.transient and not caught.value.outcome_unknown
    assert "Check ODOO_URL" in str(caught.value)


def test_json2_refused_connection_is_a_connection_error():
    transport = Json2Transport(config(f"http://127.0.0.1:{_free_port()}", api_key="k"))
    with pytest.raises(errors.OdooConnectionError):
        transport.execute("res.users", "context_get", None, [], {})


def test_json2_sends_named_arguments_and_bearer_key():
    def answer(path, body):
        return 200, [{"id": 1, "name": "WH/OUT/00001"}]

    with replay_server(answer) as server:
        transport = Json2Transport(config(server["url"], api_key="key-123"))
        rows = transport.execute("stock.picking", "search_read", None, [[["state", "=", "assigned"]]], {"limit": 1})
        written = transport.execute("stock.picking", "write", [1], [{"origin": "x"}], {"context": {"a": 1}})
    assert rows == [{"id": 1, "name": "WH/OUT/00001"}]
    assert written == rows  # the replay answers everything the same
    first, second = server["requests"]
    assert first["path"] == "/json/2/stock.picking/search_read"
    assert first["body"] == {"domain": [["state", "=", "assigned"]], "limit": 1}
    assert first["headers"]["Authorization"] == "bearer key-123"
    assert first["headers"]["X-Odoo-Database"] == "wh_demo"
    assert second["body"] == {"vals": {"origin": "x"}, "ids": [1], "context": {"a": 1}}


def test_json2_error_statuses_are_typed():
    def answer(path, body):
        return 401, {"name": "werkzeug.exceptions.Unauthorized", "message": "Invalid apikey", "arguments": []}

    with replay_server(answer) as server:
        transport = Json2Transport(config(server["url"], api_key="wrong"))
        with pytest.raises(errors.OdooAccessDenied):
            transport.authenticate()


def test_json2_null_body_is_none():
    with replay_server(lambda path, body: (200, b"null")) as server:
        transport = Json2Transport(config(server["url"], api_key="k"))
        assert transport.execute("stock.quant", "action_apply_inventory", [1], [], {}) is None


def test_json2_needs_an_api_key():
    with pytest.raises(errors.OdooConfigurationError, match="ODOO_API_KEY"):
        Json2Transport(config("http://127.0.0.1:1", api_key=""))


@pytest.mark.parametrize(
    "transport,major,api_key,expected",
    [
        ("auto", 17, "k", "jsonrpc"),
        ("auto", 19, "k", "json2"),
        ("auto", 19, "", "jsonrpc"),
        ("json2", 17, "k", "json2"),
        ("jsonrpc", 19, "k", "jsonrpc"),
    ],
)
def test_choose_transport(transport, major, api_key, expected):
    version = ServerVersion(server_version=f"{major}.0", major=major, raw={})
    assert choose_transport(config("http://x", transport=transport, api_key=api_key), version) == expected


def test_auto_asks_the_server_version():
    with replay_server(lambda path, body: (404, None)) as server:
        assert build_transport(config(server["url"])).name == "jsonrpc"


def test_config_rejects_bad_values():
    with pytest.raises(errors.OdooConfigurationError):
        config("http://x", transport="xmlrpc")
    with pytest.raises(errors.OdooConfigurationError):
        config("ftp://x")
    assert "key-123" not in repr(config("http://x", api_key="key-123"))


def test_config_from_settings(settings):
    settings.ODOO_URL = "http://odoo.example:8069"
    settings.ODOO_API_KEY = "secret"
    settings.ODOO_PAGE_SIZE = 500
    settings.ODOO_READ_CHUNK_SIZE = 200
    cfg = OdooConfig.from_settings()
    assert (cfg.url, cfg.api_key, cfg.page_size, cfg.read_chunk_size) == (
        "http://odoo.example:8069",
        "secret",
        500,
        200,
    )
    assert cfg.secret == "secret"
