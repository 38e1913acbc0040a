"""JSON-RPC transport through ``odoorpc`` (Odoo 16 to 18, and 19 until it drops ``/jsonrpc``).

``odoorpc`` speaks the stateless ``POST /jsonrpc`` endpoint: ``common.login`` once for the uid,
then ``object.execute_kw(db, uid, secret, model, method, args, kwargs)`` on every call; Odoo
checks the secret each time, and accepts an API key in place of the password. We use only
``ODOO.login`` and ``ODOO.execute_kw`` (never ``env[model]`` / ``browse``, which fetch every field
of a model) and pass our own context, so the calls are exactly those recorded in
``tests/contract/odoo17/odoorpc/``.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

import odoorpc
import odoorpc.error

from ..config import OdooConfig
from ..errors import (
    OdooConfigurationError,
    OdooError,
    OdooServerError,
    access_denied,
    error_from_payload,
    uid_from_login_result,
)
from .base import ServerVersion, error_from_urllib


class JsonRpcTransport:
    """Stateless JSON-RPC via ``odoorpc``; safe to share between threads."""

    name = "jsonrpc"

    def __init__(self, config: OdooConfig, *, server_version: ServerVersion | None = None) -> None:
        self.config = config
        parts = urlsplit(config.base_url)
        if parts.path not in ("", "/"):
            # odoorpc builds URLs as scheme://host:port/<route>; it cannot keep a path prefix.
            raise OdooConfigurationError(
                f"ODOO_URL {config.url!r} has a path; the jsonrpc transport needs the server root (scheme://host:port)."
            )
        self._host = parts.hostname or ""
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
        self._protocol = "jsonrpc+ssl" if parts.scheme == "https" else "jsonrpc"
        self._server_version = server_version
        self._odoo: odoorpc.ODOO | None = None
        self._uid: int | None = None
        self._lock = threading.Lock()

    # --- connection ---------------------------------------------------------------------------

    def _connect(self) -> odoorpc.ODOO:
        if self._odoo is None:
            with self._lock:
                if self._odoo is None:
                    version = self._server_version.server_version if self._server_version else None
                    # Passing the version skips odoorpc's own version_info request when we know it.
                    self._odoo = self._guard(
                        lambda: odoorpc.ODOO(
                            self._host,
                            protocol=self._protocol,
                            port=self._port,
                            timeout=self.config.timeout_s,
                            version=version,
                        ),
                        method="version_info",
                    )
        return self._odoo

    def version(self) -> ServerVersion:
        """The server version, through ``/web/webclient/version_info``."""
        odoo = self._connect()
        result = self._guard(lambda: odoo.json("/web/webclient/version_info", {})["result"], method="version_info")
        self._server_version = ServerVersion.from_result(result)
        return self._server_version

    def authenticate(self) -> int:
        """``common.login`` with the API key (or password); ``false`` means refused."""
        odoo = self._connect()
        cfg = self.config
        if not cfg.secret:
            raise OdooConfigurationError("Set ODOO_API_KEY (preferred) or ODOO_PASSWORD for the Odoo integration user.")
        with self._lock:
            try:
                self._guard(lambda: odoo.login(cfg.database, cfg.login, cfg.secret), method="login")
            except OdooError as exc:
                # odoorpc turns common.login's `false` into RPCError("Wrong login ID or password")
                # without an error payload; `_guard` maps that to OdooServerError: re-type it.
                if exc.odoo_name is None and exc.odoo_message == "Wrong login ID or password":
                    raise access_denied(login=cfg.login, database=cfg.database) from exc
                raise
            self._uid = uid_from_login_result(odoo.env.uid, login=cfg.login, database=cfg.database)
            return self._uid

    def execute(
        self,
        model: str,
        method: str,
        ids: list[int] | None,
        args: list[Any],
        kwargs: dict[str, Any],
    ) -> Any:
        """``object.execute_kw``; returns None when Odoo's answer has no ``result`` key."""
        if self._uid is None:
            self.authenticate()
        odoo = self._connect()
        positional = ([list(ids)] if ids is not None else []) + list(args)
        # odoorpc's execute_kw returns data.get('result'): a method returning None (no
        # `result` key, e.g. do_unreserve) comes back as None, not as an error.
        return self._guard(lambda: odoo.execute_kw(model, method, positional, kwargs), model=model, method=method)

    def close(self) -> None:
        """Forget the connection (odoorpc keeps no socket open between calls)."""
        self._odoo = None
        self._uid = None

    # --- error mapping ------------------------------------------------------------------------

    def _guard(self, func: Any, *, model: str | None = None, method: str | None = None) -> Any:
        cfg = self.config
        try:
            return func()
        except odoorpc.error.RPCError as exc:
            info = exc.info if isinstance(exc.info, dict) else None
            if info:
                raise error_from_payload(
                    info, model=model, method=method, login=cfg.login, database=cfg.database
                ) from None
            raise _plain_rpc_error(str(exc), model=model, method=method) from None
        except odoorpc.error.InternalError as exc:
            raise _plain_rpc_error(str(exc), model=model, method=method) from None
        except OdooError:
            raise
        except Exception as exc:
            # urllib's URLError/HTTPError, timeouts and resets (OSError), a non-JSON answer
            # (ValueError), an error payload without `data` (KeyError): never leak them raw.
            raise error_from_urllib(
                exc, url=cfg.base_url, model=model, method=method, timeout_s=cfg.timeout_s
            ) from None


def _plain_rpc_error(text: str, *, model: str | None, method: str | None) -> OdooError:
    return OdooServerError(f"odoorpc: {text}", odoo_message=text, model=model, method=method)
