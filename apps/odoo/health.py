"""Odoo's health for ``/readyz`` and the integration page."""

from __future__ import annotations

import logging
import time
from typing import Any

from .config import OdooConfig
from .errors import OdooError
from .resilience import get_breaker
from .transports import build_transport

logger = logging.getLogger("apps.odoo")


def odoo_status(config: OdooConfig | None = None, *, check_login: bool = True) -> dict[str, Any]:
    """Probe Odoo once with a short timeout; never raises.

    Returns ``{"ok", "latency_ms", "server_version", "transport", "error", "breaker"}``. The probe
    bypasses the circuit breaker (it must tell the truth while the breaker is open) and does not
    count towards it; ``breaker`` is the shared breaker's status as the sync and write-back see it.
    With ``check_login`` the credentials are checked too, so a revoked API key shows up here.
    """
    result: dict[str, Any] = {
        "ok": False,
        "latency_ms": None,
        "server_version": None,
        "transport": None,
        "error": None,
        "breaker": None,
    }
    try:
        config = config or OdooConfig.from_settings()
        result["transport"] = config.transport
        result["breaker"] = get_breaker(config).status()
    except Exception as exc:  # a broken configuration is a status to show, not a crash
        result["error"] = str(exc)
        return result

    probe_config = config.with_overrides(timeout_s=min(config.timeout_s, config.health_timeout_s))
    started = time.perf_counter()
    transport = None
    try:
        transport = build_transport(probe_config)
        result["transport"] = transport.name
        result["server_version"] = transport.version().server_version
        if check_login:
            transport.authenticate()
        result["ok"] = True
    except OdooError as exc:
        result["error"] = str(exc)
    except Exception as exc:  # never let a health check raise
        logger.exception("odoo health check failed unexpectedly")
        result["error"] = f"unexpected error: {exc!r}"
    finally:
        result["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
        if transport is not None:
            transport.close()
    return result
