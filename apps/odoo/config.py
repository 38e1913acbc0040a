"""Connection settings of the Odoo gateway, read once from Django settings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from .errors import OdooConfigurationError

TRANSPORTS = ("auto", "jsonrpc", "json2")


@dataclass(frozen=True)
class OdooConfig:
    """Everything the gateway needs to reach one Odoo database.

    ``api_key`` is preferred over ``password``: Odoo accepts an API key in place of the
    password on JSON-RPC, and JSON-2 (Odoo 19+) accepts only API keys.
    """

    url: str
    database: str
    login: str
    api_key: str = ""
    password: str = ""
    transport: str = "auto"
    timeout_s: float = 10.0
    page_size: int = 2500
    read_chunk_size: int = 2500
    reads_in_flight: int = 2
    retry_attempts: int = 4
    retry_base_delay_s: float = 0.5
    retry_max_delay_s: float = 8.0
    breaker_fail_max: int = 5
    breaker_reset_timeout_s: float = 30.0
    health_timeout_s: float = 3.0

    def __post_init__(self) -> None:
        if self.transport not in TRANSPORTS:
            choices = ", ".join(TRANSPORTS)
            raise OdooConfigurationError(f"ODOO_TRANSPORT must be one of {choices}, not {self.transport!r}.")
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OdooConfigurationError(f"ODOO_URL must look like http(s)://host[:port], not {self.url!r}.")
        if self.page_size < 1 or self.read_chunk_size < 1:
            raise OdooConfigurationError("ODOO_PAGE_SIZE and ODOO_READ_CHUNK_SIZE must be at least 1.")
        if self.reads_in_flight < 1:
            raise OdooConfigurationError("ODOO_READS_IN_FLIGHT must be at least 1 (1 means: one read at a time).")
        if self.retry_attempts < 1:
            raise OdooConfigurationError("ODOO_RETRY_ATTEMPTS must be at least 1 (1 means: no retry).")

    @property
    def secret(self) -> str:
        """The credential sent to Odoo: the API key when set, else the password."""
        return self.api_key or self.password

    @property
    def base_url(self) -> str:
        """The URL without a trailing slash."""
        return self.url.rstrip("/")

    def with_overrides(self, **changes: Any) -> OdooConfig:
        """A copy with some fields changed (a shorter timeout for health checks, test knobs)."""
        return replace(self, **changes)

    def __repr__(self) -> str:  # never print secrets in logs or tracebacks
        return (
            f"OdooConfig(url={self.url!r}, database={self.database!r}, login={self.login!r}, "
            f"transport={self.transport!r}, api_key={'***' if self.api_key else ''!r}, "
            f"password={'***' if self.password else ''!r})"
        )

    @classmethod
    def from_settings(cls, **overrides: Any) -> OdooConfig:
        """Build the config from Django settings (``ODOO_*``); keyword arguments override them."""
        from django.conf import settings

        # Every ODOO_* setting and its default is defined once, in controltower/settings.py.
        values: dict[str, Any] = {
            "url": settings.ODOO_URL,
            "database": settings.ODOO_DATABASE,
            "login": settings.ODOO_LOGIN,
            "api_key": settings.ODOO_API_KEY or "",
            "password": settings.ODOO_PASSWORD or "",
            "transport": settings.ODOO_TRANSPORT or "auto",
            "timeout_s": float(settings.ODOO_TIMEOUT_S),
            "page_size": int(settings.ODOO_PAGE_SIZE),
            "read_chunk_size": int(settings.ODOO_READ_CHUNK_SIZE),
            "reads_in_flight": int(settings.ODOO_READS_IN_FLIGHT),
            "retry_attempts": int(settings.ODOO_RETRY_ATTEMPTS),
            "retry_base_delay_s": float(settings.ODOO_RETRY_BASE_DELAY_S),
            "retry_max_delay_s": float(settings.ODOO_RETRY_MAX_DELAY_S),
            "breaker_fail_max": int(settings.ODOO_BREAKER_FAIL_MAX),
            "breaker_reset_timeout_s": float(settings.ODOO_BREAKER_RESET_TIMEOUT_S),
            "health_timeout_s": float(settings.ODOO_HEALTH_TIMEOUT_S),
        }
        values.update(overrides)
        return cls(**values)
