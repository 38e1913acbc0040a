"""Readiness checks: can this process reach what it needs? Each returns a dict and never raises."""

import threading
import time

from django.db import connection

from apps.core.redis import get_redis
from apps.odoo.health import odoo_status

ODOO_PROBE_TTL_S = 5  # probes hit Odoo with 2–3 requests: answer frequent polls from memory
_odoo_probe: dict = {"at": 0.0, "result": None}
_odoo_probe_lock = threading.Lock()


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        detail = check() or {}
        ok = True
        error = None
    except Exception as exc:  # a readiness probe reports failures, it does not raise them
        detail, ok, error = {}, False, f"{type(exc).__name__}: {exc}"
    return {"ok": ok, "latency_ms": round((time.perf_counter() - started) * 1000, 1), "error": error, **detail}


def check_database() -> dict:
    def query():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"vendor": connection.vendor}

    return _timed(query)


def check_redis() -> dict:
    return _timed(lambda: {"pong": get_redis().ping()})


def check_odoo() -> dict:
    """Odoo reachability, login and latency (through the gateway), cached for a few seconds."""
    with _odoo_probe_lock:
        if _odoo_probe["result"] is None or time.monotonic() - _odoo_probe["at"] > ODOO_PROBE_TTL_S:
            _odoo_probe["result"] = odoo_status()
            _odoo_probe["at"] = time.monotonic()
        return dict(_odoo_probe["result"])


def readiness() -> dict:
    """Database and Redis decide readiness. Odoo is reported but does not: when Odoo is down this
    process still serves screens and queues write-backs, so a load balancer must keep it."""
    checks = {"database": check_database(), "redis": check_redis(), "odoo": check_odoo()}
    ready = checks["database"]["ok"] and checks["redis"]["ok"]
    return {"ready": ready, "degraded": ready and not checks["odoo"]["ok"], "checks": checks}
