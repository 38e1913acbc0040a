"""Replays every recorded auth/ exchange against the simulator and compares the shapes."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest

from .conftest import CONTRACT, http_post, load, shape

AUTH_FILES = sorted((CONTRACT / "auth").glob("*.json"))


def _login_cookie(url: str) -> str:
    _status, headers, _body = http_post(
        url + "/web/session/authenticate",
        {"jsonrpc": "2.0", "method": "call", "params": {"db": "demo", "login": "admin", "password": "admin"}, "id": 1},
    )
    jar = SimpleCookie()
    jar.load(headers["Set-Cookie"])
    return f"session_id={jar['session_id'].value}"


def _adapt(value, database: str):
    """The recorded database was `wh_demo`; ours is `demo` (an unknown db name stays unknown)."""
    if value == "wh_demo":
        return database
    if isinstance(value, list):
        return [_adapt(v, database) for v in value]
    if isinstance(value, dict):
        return {k: _adapt(v, database) for k, v in value.items()}
    return value


@pytest.mark.parametrize("path", AUTH_FILES, ids=[p.stem for p in AUTH_FILES])
def test_auth_exchange_has_the_recorded_shape(sim, path):
    recorded = load(path)
    request, response = recorded["request"], recorded["response"]
    body = _adapt(request["body"], sim.database)
    headers = {}
    if "Cookie" in request["headers"]:
        headers["Cookie"] = _login_cookie(sim.url)
        if "after_logout" in path.stem:
            http_post(
                sim.url + "/web/session/destroy", {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1}, headers
            )
    status, got_headers, got = http_post(sim.url + request["path"], body, headers)

    assert status == response["status"] == 200
    assert got_headers["Content-Type"] == response["headers"]["Content-Type"]
    assert ("Set-Cookie" in got_headers) == ("Set-Cookie" in response["headers"])
    want = response["body"]
    assert sorted(got) == sorted(want)
    assert got["id"] == want["id"]
    if "error" in want:
        assert got["error"]["code"] == want["error"]["code"]
        assert got["error"]["message"] == want["error"]["message"]
        assert got["error"]["data"]["name"] == want["error"]["data"]["name"]
        assert got["error"]["data"]["message"] == want["error"]["data"]["message"]
        assert sorted(got["error"]["data"]) == sorted(want["error"]["data"])
        assert got["error"]["data"]["debug"].splitlines()[-1] == want["error"]["data"]["debug"].splitlines()[-1]
    elif "result" in want:
        assert shape(got["result"]) == shape(want["result"])
