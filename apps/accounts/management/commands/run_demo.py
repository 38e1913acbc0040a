"""Run the whole embedded product under one supervisor: Redis, Odoo simulator, Daphne, Celery.

It lives with the demo users it announces (apps/accounts/demo.py); the other processes are started
by command name, so it imports no app above accounts and never the simulator.

Logs of every process stream with a prefix; Ctrl-C stops every child (honcho's Manager sends
SIGTERM, then SIGKILL after a grace period).

Against a real Odoo, use `run_stack` (`make run`): the same supervisor without the simulator.
"""

import os
import sys

from django.apps import apps as django_apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.demo import read_demo_credentials
from apps.core import supervisor

# A fresh demo opens on a working day already under way: orders, purchases, holds and exceptions
# of the last hours, instead of an empty morning that fills at one scenario step a minute.
DEMO_HISTORY_HOURS = 8


class Command(BaseCommand):
    help = "Runs web (Daphne), Celery worker and beat, and in embedded mode Redis and the Odoo simulator."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address Daphne listens on")
        parser.add_argument("--port", type=int, default=8000, help="port Daphne listens on")
        parser.add_argument(
            "--no-simulator", action="store_true", help="use the Odoo at ODOO_URL instead (better: run_stack)"
        )
        parser.add_argument("--simulator-speed", default="1", help="simulated seconds per real second")
        parser.add_argument(
            "--simulator-port",
            type=int,
            default=settings.ODOO_SIMULATOR_PORT,
            help="port of the Odoo simulator (default ODOO_SIMULATOR_PORT, 8169; 8069 is a local Odoo's)",
        )

    def handle(self, *args, host, port, no_simulator, simulator_speed, simulator_port, **options):
        if not no_simulator and django_apps.is_installed("apps.odoosim"):
            if supervisor.listening("127.0.0.1", simulator_port):
                raise CommandError(
                    f"Port {simulator_port} is already in use (is an Odoo running there?); the simulator "
                    "needs its own: pass --simulator-port N (or set ODOO_SIMULATOR_PORT), or use your "
                    "Odoo with `make run`."
                )
            # Children inherit it, so their default ODOO_URL points at this simulator.
            os.environ["ODOO_SIMULATOR_PORT"] = str(simulator_port)
        manager = supervisor.stack_manager(host=host, port=port)
        if not no_simulator and django_apps.is_installed("apps.odoosim"):
            webhook_url = f"http://{host}:{port}/api/v1/hooks/odoo/{settings.ODOO_WEBHOOK_SECRET}/"
            state = settings.VAR_DIR / "odoo-simulator.sqlite3"
            manager.add_process(
                "odoo",
                f"{sys.executable} manage.py odoo_simulator --port {simulator_port} --state {state}"
                f" --speed {simulator_speed} --history {DEMO_HISTORY_HOURS} --webhook-url {webhook_url}",
            )
        supervisor.run(manager, f"http://{host}:{port}/", self._demo_users, self._write)

    def _demo_users(self) -> list[str]:
        lines = ["  Demo users (login / password / role):"]
        for credential in read_demo_credentials():
            lines.append(f"    {credential['username']:<12} {credential['password']:<24} {credential['role']}")
        return lines

    def _write(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()
