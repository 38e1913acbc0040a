"""Readiness checks: can this process reach what it needs? Each returns a dict and never raises."""

import time

from django.db import connection

from apps.core.redis import get_redis


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


def readiness() -> dict:
    """All checks; ready only when every one passes."""
    checks = {"database": check_database(), "redis": check_redis()}
    return {"ready": all(check["ok"] for check in checks.values()), "checks": checks}
