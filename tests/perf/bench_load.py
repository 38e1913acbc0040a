"""load_p95_ms, load_error_rate, load_rps: locust against the production path (issue 16, point 4).

The stack is the fault suite's (tests/fault/stack.py): a private redis-server, Daphne, a Celery
worker, the Odoo simulator in this process, on a scratch PostgreSQL database (DATABASE_URL must name
a PostgreSQL server; on SQLite the benchmark is skipped). Supervisors read the queue and case pages,
approvers list their inbox and approve through the API with tokens, wall displays fetch their board
and tiles over HTTP, Odoo posts webhooks with the real secret (tests/perf/load/locustfile.py).

`make bench` runs it short (50 users, 10 s warm-up, 30 s measured); `make load` runs the issue's
figures (50 users, 30 s warm-up, 300 s). LOAD_USERS, LOAD_WARMUP_S, LOAD_DURATION_S override them.
Locust runs on the same two cores: its CPU is counted and printed beside the server processes'.
Afterwards: every accepted webhook reached the mirror, every approval is one outbox entry written
to Odoo once.
"""

from __future__ import annotations

import shutil

import redis
from django.db import connection

from apps.odoosim.server import start_simulator
from tests.fault.stack import PrivateRedis, Web, Worker, broker_for, child_environment
from tests.perf.bench_writeback import scratch_database
from tests.perf.load import scenario


def run() -> dict:
    if connection.vendor != "postgresql":
        print("  skipped: the load test runs on the production path; set DATABASE_URL to a PostgreSQL database")
        return {}
    settings = scenario.LoadSettings.from_environment()
    secret = scenario.new_webhook_secret()
    workdir = scenario.workdir()
    with scratch_database(), start_simulator(port=0, seed=7) as sim:
        private_redis = PrivateRedis().start()
        env = child_environment(private_redis.url(), sim.url, sim.database, ODOO_WEBHOOK_SECRET=secret)
        web, worker = Web("load-web", env), Worker("load-worker", env, broker_for(private_redis.url()))
        try:
            plan = scenario.seed(sim, settings, secret, workdir)
            web.start()
            worker.start()
            assert web.process is not None and worker.process is not None
            info = redis.Redis(port=private_redis.port)

            def redis_cpu() -> float:
                cpu = info.info("cpu")
                return float(cpu["used_cpu_sys"]) + float(cpu["used_cpu_user"])

            processes = {"Daphne": web.process.pid, "Celery worker": worker.process.pid}
            result = scenario.run_locust(web.url, plan, settings, workdir, processes, redis_cpu)
            check = scenario.check_nothing_lost(sim, result.ledger, plan)
        finally:
            worker.stop()
            web.stop()
            private_redis.stop()
    scenario.report(result, check, settings)
    shutil.rmtree(workdir, ignore_errors=True)
    cpu = ", ".join(f"{name} {seconds:.1f}" for name, seconds in result.cpu_s.items())
    note = (
        f"{settings.users} users, {result.window_s:.0f} s after {settings.warmup_s:.0f} s warm-up, HTTP only; "
        f"load average {result.load}; CPU s: {cpu}; 429s {result.rate_limited}; "
        + (f"LOST: {'; '.join(check.lost)}" if check.lost else "nothing lost")
    )
    return {
        "load_p95_ms": {"value": round(result.p95_ms), "unit": "ms", "goal": "< 300", "note": note},
        "load_error_rate": {"value": round(result.error_rate, 4), "unit": "ratio", "goal": "0"},
        "load_rps": {"value": round(result.rps, 1), "unit": "req/s", "goal": ""},
    }
