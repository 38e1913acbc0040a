"""JSON-RPC 2.0 and JSON-2 envelopes, exactly shaped like the recorded Odoo 17 responses."""

from __future__ import annotations

import json
from typing import Any

from .errors import OdooError, PyValueError, SessionExpired

VERSION_INFO: dict[str, Any] = {
    "server_version": "17.0",
    "server_version_info": [17, 0, 0, "final", 0, ""],
    "server_serie": "17.0",
    "protocol_version": 1,
}

_NO_RESULT = object()


def dumps(payload: Any) -> bytes:
    """Serialize a response body (compact, UTF-8)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def error_data(exc: OdooError, context: dict | None = None) -> dict:
    """The `data` object of an Odoo error (also the whole body of a JSON-2 error)."""
    return {
        "name": exc.qualified_name,
        "message": exc.message,
        "arguments": list(exc.arguments),
        "context": context or {},
        "debug": "Traceback (most recent call last):\n  ...\n" + exc.debug_last_line,
    }


def rpc_result(request_id: Any, result: Any) -> dict:
    """A success envelope; a method that returned None has no `result` key at all."""
    body: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
    if result is not None:
        body["result"] = result
    return body


def rpc_error(request_id: Any, exc: OdooError) -> dict:
    """An error envelope: code 200 "Odoo Server Error", or code 100 for an expired session."""
    if isinstance(exc, SessionExpired):
        return {
            "jsonrpc": "2.0",
            "id": None,
            "error": {"code": 100, "message": "Odoo Session Expired", "data": error_data(exc)},
        }
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "error": {"code": 200, "message": "Odoo Server Error", "data": error_data(exc)},
    }


def parse_jsonrpc(raw: bytes) -> tuple[Any, dict]:
    """Return (id, params) of a JSON-RPC request body; a broken body is a ValueError like Odoo's."""
    try:
        body = json.loads(raw or b"{}")
    except ValueError as exc:
        raise PyValueError(f"Invalid JSON data: {exc}") from None
    if not isinstance(body, dict):
        raise PyValueError("Invalid JSON-RPC data")
    params = body.get("params") or {}
    if not isinstance(params, dict):
        raise PyValueError("Invalid JSON-RPC params")
    return body.get("id"), params
