"""The locustfile runs: a short, light load against the test servers answers every call as expected
and loses nothing (so `make load` and `make bench` cannot rot unnoticed)."""

from __future__ import annotations

import shutil

import pytest

from apps.core.redis import get_redis
from apps.odoosim.server import start_simulator
from tests.perf.load import scenario
from tests.servers import celery_worker, daphne, free_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]


def redis_cpu() -> float:
    cpu = get_redis().info("cpu")
    return float(cpu["used_cpu_sys"]) + float(cpu["used_cpu_user"])


def test_a_short_light_load_gets_no_errors_and_loses_nothing():
    settings = scenario.LoadSettings(users=8, spawn_rate=8, warmup_s=0, duration_s=15, cases=20, accounts=2)
    secret = scenario.new_webhook_secret()
    workdir = scenario.workdir()
    with start_simulator(port=0, seed=7) as sim:
        odoo = {"ODOO_URL": sim.url, "ODOO_DATABASE": sim.database, "ODOO_LOGIN": "admin", "ODOO_PASSWORD": "admin",
                "ODOO_API_KEY": "", "ODOO_TRANSPORT": "jsonrpc", "ODOO_WEBHOOK_SECRET": secret}  # fmt: skip
        plan = scenario.seed(sim, settings, secret, workdir)
        web = daphne(free_port(), **odoo).start()
        worker = celery_worker(**odoo).start()
        try:
            processes = {"Daphne": web.process.pid, "Celery worker": worker.process.pid}
            result = scenario.run_locust(
                web.ready_url.removesuffix("/healthz"), plan, settings, workdir, processes, redis_cpu
            )
            check = scenario.check_nothing_lost(sim, result.ledger, plan)
        finally:
            worker.stop()
            web.stop()
    scenario.report(result, check, settings)
    shutil.rmtree(workdir, ignore_errors=True)
    assert result.requests > 20
    assert result.failures == 0, result.failures_by_reason
    names = {row["name"] for row in result.per_endpoint}
    assert {"queue page", "inbox API", "decide API", "wall socket", "wall tile", "odoo webhook"} <= names
    assert result.ledger["sockets"]["opened"] > 0 and "closed early" not in result.ledger["sockets"]
    assert check.approved > 0 and check.events_accepted > 0
    assert check.lost == []
