"""Real server processes for tests: Daphne (and a Celery worker) on the test database and Redis."""

import os
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from django.db import connection

from controltower.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


# A stopped test server answers shutdown() within one poll: the default 0.5 s was half a second of
# every test with a receiver of its own.
SHUTDOWN_POLL_S = 0.02


def serve_in_background(server: socketserver.BaseServer) -> threading.Thread:
    """Serve from a daemon thread until ``server.shutdown()``."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL_S}, daemon=True)
    thread.start()
    return thread


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_for_children() -> str:
    """The URL of the database pytest-django created, for child processes."""
    conf = connection.settings_dict
    if conf["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{conf['NAME']}"
    credentials = conf["USER"] + (f":{conf['PASSWORD']}" if conf["PASSWORD"] else "")
    return f"postgres://{credentials}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


class ServerProcess:
    """A child process we can start, kill and start again on the same port."""

    def __init__(self, argv: list[str], env: dict[str, str], ready_url: str | None = None):
        self.argv, self.env, self.ready_url = argv, env, ready_url
        self.process: subprocess.Popen | None = None
        self.log_path = ROOT / "var" / f"test-{Path(argv[0]).name}-{os.getpid()}.log"

    def start(self, timeout_s: float = 30) -> "ServerProcess":
        self.log_path.parent.mkdir(exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        if self.ready_url:
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline:
                try:
                    with urllib.request.urlopen(self.ready_url, timeout=1):
                        return self
                except OSError:
                    if self.process.poll() is not None:
                        raise RuntimeError(f"{self.argv[0]} exited; see {self.log_path}") from None
                    time.sleep(0.1)
            raise RuntimeError(f"{self.argv[0]} not ready in {timeout_s} s; see {self.log_path}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def child_env(**overrides: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url_for_children(), "PYTHONUNBUFFERED": "1", **overrides}


def daphne(port: int, **env: str) -> ServerProcess:
    argv = [
        sys.executable,
        "-m",
        "controltower.serve",
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "controltower.asgi:application",
    ]
    return ServerProcess(argv, child_env(**env), ready_url=f"http://127.0.0.1:{port}/healthz")


def purge_broker() -> None:
    """Drop tasks left in the broker by earlier tests, so a new worker runs only this test's work."""
    celery_app.control.purge()


class CeleryWorker(ServerProcess):
    """A worker that counts as started once it answers a ping: work sent before that may expire
    unseen (the pulse lives 10 s) while a loaded machine is still importing the worker."""

    def start(self, timeout_s: float = 60) -> "CeleryWorker":
        super().start(timeout_s)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited; see {self.log_path}")
            if celery_app.control.ping(timeout=0.5):
                return self
        raise RuntimeError(f"the Celery worker did not answer a ping in {timeout_s} s; see {self.log_path}")


def celery_worker(**env: str) -> CeleryWorker:
    purge_broker()
    argv = [sys.executable, "-m", "celery", "-A", "controltower", "worker", "--pool", "solo", "-l", "INFO"]
    return CeleryWorker(argv, child_env(**env))
