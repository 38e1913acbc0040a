"""Odoo 19's External JSON-2 API: ``POST /json/2/<model>/<method>``.

- Authentication by API key only: ``Authorization: bearer <key>``; ``X-Odoo-Database`` picks the
  database when the server hosts several.
- The body is a JSON object of **named** arguments, plus ``ids`` (record methods) and ``context``;
  there are no positional arguments, so positional ones are named through ``_POSITIONAL_NAMES``.
- Success is HTTP 200 with the method's return value as the body (``null`` for None); an error
  is 4xx/5xx with ``{"name", "message", "arguments", "context", "debug"}`` (401 Unauthorized for a
  bad key, 404 NotFound for an unknown model or method, 422 for arguments that do not fit).
- Each call is its own transaction (https://www.odoo.com/documentation/19.0/developer/reference/external_api.html).
"""

from __future__ import annotations

from typing import Any

import requests

from ..config import OdooConfig
from ..errors import (
    OdooConfigurationError,
    OdooServerError,
    error_from_payload,
    http_status_error,
    uid_from_login_result,
)
from .base import ServerVersion, error_from_requests, version_info

# Parameter names of the ORM methods the gateway calls with positional arguments.
_POSITIONAL_NAMES: dict[str, tuple[str, ...]] = {
    "create": ("vals_list",),
    "write": ("vals",),
    "read": ("fields",),
    "search": ("domain",),
    "search_read": ("domain", "fields"),
    "search_count": ("domain",),
    "fields_get": ("allfields",),
    "name_search": ("name",),
    "copy": ("default",),
}
USER_AGENT = "control-tower-odoo-gateway"


class Json2Transport:
    """JSON-2 over one pooled ``requests.Session`` (thread-safe for plain POSTs)."""

    name = "json2"

    def __init__(self, config: OdooConfig, *, server_version: ServerVersion | None = None) -> None:
        if not config.api_key:
            raise OdooConfigurationError("The json2 transport (Odoo 19+) needs ODOO_API_KEY; a password is not enough.")
        self.config = config
        self._server_version = server_version
        self._session = requests.Session()
        self._session.headers.update(
            {
                "Authorization": f"bearer {config.api_key}",
                "X-Odoo-Database": config.database,
                "User-Agent": f"{USER_AGENT} {requests.utils.default_user_agent()}",
            }
        )

    def version(self) -> ServerVersion:
        """The server version (public route, no key needed)."""
        self._server_version = version_info(self.config.base_url, self.config.timeout_s, self._session)
        return self._server_version

    def authenticate(self) -> int:
        """JSON-2 has no login: ``res.users/context_get`` proves the key and gives the uid."""
        context = self.execute("res.users", "context_get", None, [], {})
        uid = context.get("uid") if isinstance(context, dict) else None
        return uid_from_login_result(uid, login=self.config.login, database=self.config.database)

    def execute(
        self,
        model: str,
        method: str,
        ids: list[int] | None,
        args: list[Any],
        kwargs: dict[str, Any],
    ) -> Any:
        """POST the call; positional ``args`` are named from ``_POSITIONAL_NAMES``."""
        body: dict[str, Any] = dict(kwargs)
        if args:
            names = _POSITIONAL_NAMES.get(method, ())
            if len(args) > len(names):
                raise OdooConfigurationError(
                    f"JSON-2 takes named arguments only: call {model}.{method} with keyword arguments."
                )
            body.update(zip(names, args, strict=False))
        if ids is not None:
            body["ids"] = list(ids)
        cfg = self.config
        url = f"{cfg.base_url}/json/2/{model}/{method}"
        try:
            response = self._session.post(url, json=body, timeout=cfg.timeout_s)
        except requests.RequestException as exc:
            raise error_from_requests(
                exc, url=cfg.base_url, model=model, method=method, timeout_s=cfg.timeout_s
            ) from None
        return self._result(response, model=model, method=method)

    def close(self) -> None:
        """Close pooled connections."""
        self._session.close()

    def _result(self, response: requests.Response, *, model: str, method: str) -> Any:
        cfg = self.config
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None
            if response.status_code == 200:
                raise OdooServerError(
                    f"Odoo answered {model}.{method} with something that is not JSON: is ODOO_URL right?",
                    transient=True,
                    outcome_unknown=True,
                    model=model,
                    method=method,
                ) from None
        if response.status_code == 200:
            return body
        if isinstance(body, dict) and body.get("name"):
            return_error = error_from_payload(
                body,
                model=model,
                method=method,
                login=cfg.login,
                database=cfg.database,
                http_status=response.status_code,
            )
            raise return_error
        raise http_status_error(response.status_code, url=cfg.base_url, model=model, method=method)
