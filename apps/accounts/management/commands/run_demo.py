"""Run the whole embedded product under one supervisor: Redis, Odoo simulator, Daphne, Celery.

It lives with the demo users it announces (apps/accounts/demo.py); the other processes are started
by command name, so it imports no app above accounts and never the simulator.

Logs of every process stream with a prefix; Ctrl-C stops every child (honcho's Manager sends
SIGTERM, then SIGKILL after a grace period).
"""

import shutil
import sys
import threading
import time
import urllib.request
from pathlib import Path

from django.apps import apps as django_apps
from django.conf import settings
from django.core.management.base import BaseCommand
from honcho.manager import Manager

from apps.accounts.demo import read_demo_credentials


def _bin(name: str) -> str:
    """An executable of this virtualenv (falls back to PATH)."""
    candidate = Path(sys.executable).with_name(name)
    return str(candidate) if candidate.exists() else (shutil.which(name) or name)


# A fresh demo opens on a working day already under way: orders, purchases, holds and exceptions
# of the last hours, instead of an empty morning that fills at one scenario step a minute.
DEMO_HISTORY_HOURS = 8


class Command(BaseCommand):
    help = "Runs web (Daphne), Celery worker and beat, and in embedded mode Redis and the Odoo simulator."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address Daphne listens on")
        parser.add_argument("--port", type=int, default=8000, help="port Daphne listens on")
        parser.add_argument("--no-simulator", action="store_true", help="use the Odoo at ODOO_URL instead")
        parser.add_argument("--simulator-speed", default="1", help="simulated seconds per real second")

    def handle(self, *args, host, port, no_simulator, simulator_speed, **options):
        python = sys.executable
        manager = Manager()
        if settings.EMBEDDED_REDIS:
            manager.add_process("redis", f"{python} manage.py embedded_redis")
        if not no_simulator and django_apps.is_installed("apps.odoosim"):
            webhook_url = f"http://{host}:{port}/api/v1/hooks/odoo/{settings.ODOO_WEBHOOK_SECRET}/"
            state = settings.VAR_DIR / "odoo-simulator.sqlite3"
            manager.add_process(
                "odoo",
                f"{python} manage.py odoo_simulator --port 8069 --state {state} --speed {simulator_speed}"
                f" --history {DEMO_HISTORY_HOURS} --webhook-url {webhook_url}",
            )
        manager.add_process(
            "web", f"{sys.executable} -m controltower.serve -b {host} -p {port} controltower.asgi:application"
        )
        manager.add_process("worker", f"{python} -m celery -A controltower worker -l INFO --concurrency 2")
        manager.add_process("beat", f"{python} -m celery -A controltower beat -l INFO")

        url = f"http://{host}:{port}/"
        threading.Thread(target=self._announce_when_ready, args=(url,), daemon=True).start()
        manager.loop()
        sys.exit(manager.returncode)

    def _announce_when_ready(self, url: str) -> None:
        """Print the URL and the demo users once the web process answers."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}healthz", timeout=1) as response:  # noqa: S310 (our own URL)
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        lines = ["", "=" * 72, f"  Control Tower is running: {url}", "  Demo users (login / password / role):"]
        for credential in read_demo_credentials():
            lines.append(f"    {credential['username']:<12} {credential['password']:<24} {credential['role']}")
        lines += ["  Press Ctrl-C to stop everything.", "=" * 72, ""]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()
