"""`python manage.py odoo_simulator`: serve the Odoo 17 simulator until Ctrl-C."""

from __future__ import annotations

import errno
import signal
import socket
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.odoosim.server import start_simulator


class Command(BaseCommand):
    help = "Run the Odoo 17 simulator (JSON-RPC, session and JSON-2 endpoints) with a live scenario."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--port",
            type=int,
            default=settings.ODOO_SIMULATOR_PORT,
            help="default ODOO_SIMULATOR_PORT (8169; 8069 is where a local Odoo listens)",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--speed", type=float, default=1.0, help="scenario clock speed vs real time (0 = still)")
        parser.add_argument("--state", default=None, help="SQLite file to keep the database across restarts")
        parser.add_argument("--scale", type=int, default=1, help="data volume (200 = ~50k pickings, ~200k moves)")
        parser.add_argument(
            "--history", type=float, default=0.0, help="hours of scenario played into a fresh database before serving"
        )
        parser.add_argument(
            "--inventory-history", type=float, default=0.0, help="days of past inventory counts (one a day) to add"
        )
        parser.add_argument("--webhook-url", default=None, help="POST Odoo-style webhooks for record changes here")
        parser.add_argument("--database", default="demo")
        parser.add_argument("--login", default="admin")
        parser.add_argument("--password", default="admin")
        parser.add_argument("--api-key", default="demo-api-key")

    def handle(self, *args: Any, **opts: Any) -> None:
        # Refuse a taken port before spending time on the database (a real Odoo may be there).
        refuse_taken_port(opts["host"], opts["port"])
        self.stdout.write("Building the simulated database...")
        try:
            handle = self._start(opts)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(taken_port_message(opts["host"], opts["port"])) from exc
            raise
        self._serve(handle, opts)

    def _start(self, opts: dict[str, Any]) -> Any:
        return start_simulator(
            opts["host"],
            opts["port"],
            seed=opts["seed"],
            state_path=opts["state"],
            scale=opts["scale"],
            speed=opts["speed"],
            database=opts["database"],
            login=opts["login"],
            password=opts["password"],
            api_key=opts["api_key"],
            webhook_url=opts["webhook_url"],
            history_hours=opts["history"],
            inventory_history_days=opts["inventory_history"],
        )

    def _serve(self, handle: Any, opts: dict[str, Any]) -> None:
        counts = handle.state()["counts"]
        lines = [
            f"  database: {handle.database}",
            f"  login:    {opts['login']}",
            f"  password: {opts['password']}",
            f"  API key:  {opts['api_key']}",
            f"  JSON-RPC: POST {handle.url}/jsonrpc   JSON-2: POST {handle.url}/json/2/<model>/<method>",
            f"  seed {opts['seed']}, scale {opts['scale']}, speed {opts['speed']}x",
            f"  state: {opts['state'] or '(temporary database)'}",
            f"  webhooks: {opts['webhook_url'] or 'off'}",
            f"  data: {counts['stock.picking']} pickings, {counts['stock.move']} moves, {counts['stock.quant']} quants,"
            f" {counts['sale.order']} sale orders, {counts['purchase.order']} purchase orders",
            f"  control: GET {handle.url}/__sim__/state, POST {handle.url}/__sim__/faults",
            "Press Ctrl-C to stop.",
        ]
        self.stdout.write(self.style.SUCCESS(f"Odoo 17 simulator serving on {handle.url}"))
        self.stdout.write("\n".join(lines))
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            handle.stop()
            self.stdout.write("Simulator stopped.")


def taken_port_message(host: str, port: int) -> str:
    return (
        f"Port {port} on {host} is already in use (is an Odoo or another simulator running there?). "
        "The simulator does not share a port: stop what listens there, or choose another port with "
        "--port (or ODOO_SIMULATOR_PORT, which also sets the default ODOO_URL)."
    )


def refuse_taken_port(host: str, port: int) -> None:
    """Raise CommandError when something already listens on host:port."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        if probe.connect_ex((host, port)) == 0:
            raise CommandError(taken_port_message(host, port))
