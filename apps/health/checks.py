"""Readiness checks: can this process reach what it needs? Each returns a dict and never raises."""

import threading
import time

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor

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


# Once this process's migrations are all applied they stay applied (its code cannot gain new ones
# without a restart): remember that, so a probe every second costs nothing. While some are pending,
# look again at most every few seconds (building the migration graph takes a moment).
PENDING_RECHECK_S = 3
_migrations: dict = {"all_applied": False, "at": 0.0, "pending": []}
_migrations_lock = threading.Lock()


def pending_migrations() -> list[str]:
    """``app.migration`` names this code has and the database has not applied, in order."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, backwards in plan if not backwards]


def check_migrations() -> dict:
    """Not ready while this release's migrations are not applied (a new process started before
    ``migrate`` ran must not take traffic: its code expects columns that are not there yet)."""

    def look() -> dict:
        with _migrations_lock:
            if _migrations["all_applied"]:
                return {"pending": 0}
            if time.monotonic() - _migrations["at"] >= PENDING_RECHECK_S or not _migrations["at"]:
                _migrations["pending"] = pending_migrations()
                _migrations["at"] = time.monotonic()
                _migrations["all_applied"] = not _migrations["pending"]
            pending = list(_migrations["pending"])
        if pending:
            raise RuntimeError(f"{len(pending)} migration(s) not applied yet: {', '.join(pending[:5])}; run migrate")
        return {"pending": 0}

    return _timed(look)


def forget_migration_check() -> None:
    """Look at the database again at the next probe (tests; a database swapped under the process)."""
    with _migrations_lock:
        _migrations.update(all_applied=False, at=0.0, pending=[])


def readiness() -> dict:
    """Database, Redis and applied migrations decide readiness. Odoo is reported but does not: when
    Odoo is down this process still serves screens and queues write-backs, so a load balancer must
    keep it. ``reason`` says in a few words why it is not ready (shown to anyone)."""
    checks = {"database": check_database(), "redis": check_redis(), "odoo": check_odoo()}
    if checks["database"]["ok"]:
        checks["migrations"] = check_migrations()
    ready = checks["database"]["ok"] and checks["redis"]["ok"] and checks.get("migrations", {}).get("ok", False)
    reasons = [
        text
        for name, text in (
            ("database", "the database does not answer"),
            ("redis", "Redis does not answer"),
            ("migrations", "database migrations are pending"),
        )
        if name in checks and not checks[name]["ok"]
    ]
    report = {"ready": ready, "degraded": ready and not checks["odoo"]["ok"], "checks": checks}
    if reasons:
        report["reason"] = "; ".join(reasons)
    return report
