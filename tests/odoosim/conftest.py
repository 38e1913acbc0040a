"""Fixtures for the Odoo simulator tests: a running simulator and a tiny JSON-RPC client."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from apps.odoosim.server import SimulatorHandle, start_simulator

CONTRACT = Path(__file__).resolve().parents[1] / "contract" / "odoo17"


class RpcError(Exception):
    """A JSON-RPC error answer; `.error` is the whole error object."""

    def __init__(self, error: dict) -> None:
        super().__init__(error.get("data", {}).get("message"))
        self.error = error
        self.name = error.get("data", {}).get("name")
        self.message = error.get("data", {}).get("message")


def http_post(url: str, payload: Any, headers: dict | None = None, timeout: float = 10) -> tuple[int, dict, Any]:
    """POST JSON; returns (status, headers, decoded body) also for 4xx/5xx answers."""
    data = json.dumps(payload).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, dict(response.headers), json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode(errors="replace")
        return exc.code, dict(exc.headers), body


class Client:
    """Stateless /jsonrpc client (execute_kw), like the product's gateway uses."""

    def __init__(self, url: str, db: str = "demo", uid: int = 2, password: str = "admin") -> None:  # noqa: S107
        self.url = url
        self.db = db
        self.uid = uid
        self.password = password
        self._id = 0

    def envelope(self, params: dict) -> dict:
        self._id += 1
        return {"jsonrpc": "2.0", "method": "call", "params": params, "id": self._id}

    def raw(self, path: str, params: dict, headers: dict | None = None) -> tuple[int, dict, Any]:
        return http_post(self.url + path, self.envelope(params), headers)

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        _status, _headers, body = self.raw(
            "/jsonrpc",
            {
                "service": "object",
                "method": "execute_kw",
                "args": [self.db, self.uid, self.password, model, method, list(args), kwargs],
            },
        )
        if "error" in body:
            raise RpcError(body["error"])
        return body.get("result")


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def shape(value: Any) -> Any:
    """A comparable skeleton of a JSON value: types, keys, but no ids or dates."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        if len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str):
            return "many2one"
        return "list"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", value):
            return "datetime"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return "date"
        return "str"
    return repr(value)


def normalize_message(text: str) -> str:
    """Error messages compared without ids and names that differ between databases."""
    return re.sub(r"\d+", "N", text or "")


@pytest.fixture(scope="module")
def sim() -> SimulatorHandle:
    handle = start_simulator(seed=1)
    yield handle
    handle.stop()


@pytest.fixture
def rpc(sim: SimulatorHandle) -> Client:
    return Client(sim.url)
