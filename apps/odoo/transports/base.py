"""What every transport offers, and the mapping of network failures to typed errors."""

from __future__ import annotations

import http.client
import json
import re
import socket
import urllib.error
from dataclasses import dataclass
from typing import Any, Protocol

import requests

from ..errors import OdooConnectionError, OdooError, OdooServerError, OdooTimeout, http_status_error


@dataclass(frozen=True)
class ServerVersion:
    """The server's version as ``/web/webclient/version_info`` reports it."""

    server_version: str
    major: int
    raw: dict[str, Any]

    @classmethod
    def from_result(cls, result: dict[str, Any]) -> ServerVersion:
        """Build from the ``result`` of ``version_info`` (or ``common.version``)."""
        info = result.get("server_version_info") or result.get("version_info") or []
        version = str(result.get("server_version") or result.get("version") or "")
        if info and isinstance(info[0], int):
            major = info[0]
        else:  # "saas~17.2", "18.0+e": the first number is the major version
            match = re.search(r"\d+", version)
            major = int(match.group()) if match else 0
        return cls(server_version=version, major=major, raw=result)


class Transport(Protocol):
    """One way of speaking to Odoo. Implementations raise only :class:`OdooError`."""

    name: str

    def version(self) -> ServerVersion:
        """The server version (no authentication needed)."""
        ...

    def authenticate(self) -> int:
        """Check the credentials and return the user id."""
        ...

    def execute(
        self,
        model: str,
        method: str,
        ids: list[int] | None,
        args: list[Any],
        kwargs: dict[str, Any],
    ) -> Any:
        """Call ``model.method`` on ``ids`` (None for ``@api.model`` methods).

        ``args`` are the positional parameters after the ids, ``kwargs`` the named ones
        (``context`` among them). Returns the method's result, None when it returned None.
        """
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def version_info(base_url: str, timeout_s: float, session: requests.Session | None = None) -> ServerVersion:
    """Ask ``/web/webclient/version_info`` (public, a JSON-RPC route on Odoo 9 to 19)."""
    url = f"{base_url}/web/webclient/version_info"
    payload: dict[str, Any] = {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1}
    try:
        response = (session or requests).post(url, json=payload, timeout=timeout_s)
    except requests.RequestException as exc:
        raise error_from_requests(exc, url=base_url, model=None, method="version_info", timeout_s=timeout_s) from exc
    if response.status_code != 200:
        raise http_status_error(response.status_code, url=base_url, method="version_info")
    try:
        body = response.json()
    except ValueError as exc:
        raise OdooServerError(f"{base_url} did not answer JSON to version_info: is ODOO_URL an Odoo server?") from exc
    if not isinstance(body, dict) or not isinstance(body.get("result"), dict):
        raise OdooServerError(f"{base_url} gave no version in its version_info answer: is ODOO_URL an Odoo server?")
    return ServerVersion.from_result(body["result"])


# --- Network failures --------------------------------------------------------------------------

# Failures where the request provably never reached Odoo, so repeating even a write is safe.
_NOT_DELIVERED = (ConnectionRefusedError, socket.gaierror)


def _connection_error(url: str, reason: Any) -> OdooConnectionError:
    return OdooConnectionError(
        f"Cannot reach Odoo at {url}: {reason}. Check ODOO_URL and that the Odoo server is running."
    )


def _timeout_error(url: str, model: str | None, method: str | None, timeout_s: float) -> OdooTimeout:
    target = f"{model}.{method}" if model and method else (method or "the call")
    return OdooTimeout(
        f"Odoo at {url} gave no answer to {target} within {timeout_s:g} s. If it was a write or an action, "
        "its outcome is unknown: re-read the record before trying again.",
        model=model,
        method=method,
    )


def _lost_error(url: str, model: str | None, method: str | None, reason: Any) -> OdooTimeout:
    target = f"{model}.{method}" if model and method else (method or "the call")
    return OdooTimeout(
        f"The connection to Odoo at {url} broke during {target} ({reason}). If it was a write or an action, "
        "its outcome is unknown: re-read the record before trying again.",
        model=model,
        method=method,
    )


def error_from_urllib(
    exc: BaseException, *, url: str, model: str | None, method: str | None, timeout_s: float
) -> OdooError:
    """Map what ``urllib`` (under ``odoorpc``) raises to a typed error."""
    if isinstance(exc, urllib.error.HTTPError):
        return http_status_error(exc.code, url=url, model=model, method=method)
    if isinstance(exc, urllib.error.URLError):
        # urllib raises URLError only while connecting or sending: Odoo never got a whole
        # request, so even a write is safe to repeat.
        if isinstance(exc.reason, TimeoutError):
            return OdooConnectionError(f"Cannot reach Odoo at {url}: connecting timed out after {timeout_s:g} s.")
        return _connection_error(url, exc.reason)
    if isinstance(exc, TimeoutError):
        return _timeout_error(url, model, method, timeout_s)
    if isinstance(exc, _NOT_DELIVERED):
        return _connection_error(url, exc)
    if isinstance(exc, ConnectionError | http.client.HTTPException):
        return _lost_error(url, model, method, exc)
    if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError):
        return OdooServerError(
            f"Odoo at {url} answered {method or 'a call'} with something that is not JSON: is ODOO_URL right?",
            transient=True,
            outcome_unknown=True,
            model=model,
            method=method,
        )
    return OdooServerError(f"Unexpected failure talking to Odoo at {url}: {exc!r}", model=model, method=method)


def error_from_requests(
    exc: BaseException, *, url: str, model: str | None, method: str | None, timeout_s: float
) -> OdooError:
    """Map what ``requests`` raises to a typed error."""
    if isinstance(exc, requests.ConnectTimeout):
        return OdooConnectionError(f"Cannot reach Odoo at {url}: connecting timed out after {timeout_s:g} s.")
    if isinstance(exc, requests.Timeout):
        return _timeout_error(url, model, method, timeout_s)
    if isinstance(exc, requests.ConnectionError):
        text = str(exc)
        # urllib3 wraps refused connections and DNS failures in NewConnectionError /
        # NameResolutionError; "Connection aborted" / RemoteDisconnected means it was sent.
        if "NewConnectionError" in text or "NameResolutionError" in text or "Connection refused" in text:
            return _connection_error(url, _short_reason(text))
        return _lost_error(url, model, method, _short_reason(text))
    return OdooServerError(f"Unexpected failure talking to Odoo at {url}: {exc!r}", model=model, method=method)


def _short_reason(text: str) -> str:
    for marker in ("Connection refused", "Name or service not known", "Temporary failure in name resolution"):
        if marker in text:
            return marker
    return text[:200]
