"""One supervisor for the whole stack (web, worker, beat, and in embedded mode Redis), used by
`run_demo` (with the Odoo simulator and demo users) and `run_stack` (against your Odoo).

Logs of every process stream with a prefix; Ctrl-C stops every child (honcho's Manager sends
SIGTERM, then SIGKILL after a grace period).
"""

from __future__ import annotations

import socket
import sys
import threading
import time
import urllib.request
from collections.abc import Callable

from django.conf import settings
from honcho.manager import Manager


def listening(host: str, port: int) -> bool:
    """Whether something already accepts connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def stack_manager(*, host: str, port: int) -> Manager:
    """Redis (embedded mode only), Daphne, Celery workers (general, live screens) and beat; add more before `run`."""
    python = sys.executable
    manager = Manager()
    if settings.EMBEDDED_REDIS:
        manager.add_process("redis", f"{python} manage.py embedded_redis")
    # Daphne through controltower.serve: the same server, with secrets masked in its access log.
    manager.add_process("web", f"{python} -m controltower.serve -b {host} -p {port} controltower.asgi:application")
    manager.add_process("worker", f"{python} -m celery -A controltower worker -Q celery -l INFO --concurrency 2")
    # Live screens' renders on their own worker: a long sync or reconcile never holds a wall back.
    manager.add_process(
        "worker-live", f"{python} -m celery -A controltower worker -Q live -n live@%h -l INFO --pool solo"
    )
    manager.add_process("beat", f"{python} -m celery -A controltower beat -l INFO")
    return manager


def run(manager: Manager, url: str, announce: Callable[[], list[str]], write: Callable[[str], None]) -> None:
    """Run until Ctrl-C; once the web process answers, print the URL and `announce()`'s lines."""

    def when_ready() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}healthz", timeout=1) as response:  # noqa: S310 (our own URL)
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        lines = ["", "=" * 72, f"  Control Tower is running: {url}", *announce(), "  Press Ctrl-C to stop everything."]
        write("\n".join([*lines, "=" * 72, ""]))

    threading.Thread(target=when_ready, daemon=True).start()
    manager.loop()
    sys.exit(manager.returncode)
