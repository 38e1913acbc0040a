"""HTTP server of the simulator and `start_simulator()`, the helper tests and the demo use.

with start_simulator(seed=1) as sim:
    odoo = odoorpc.ODOO("127.0.0.1", port=sim.port)
    odoo.login("demo", "admin", "admin")
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .errors import SerializationFailure
from .http_routes import Reply, Routes
from .protocol import dumps, rpc_error
from .simulator import Simulator

CONTROL_PREFIX = "/__sim__/"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class SimulatorHandle:
    """A running simulator: `.url`, `.port`, `.store`, `.sim`, `.stop()`; a context manager."""

    def __init__(self, sim: Simulator, host: str, port: int) -> None:
        self.sim = sim
        self.host = host
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._reopen_timer: threading.Timer | None = None
        self._stopped = False
        self.routes = Routes(sim)
        self._open(port)
        assert self._httpd is not None  # _open() started it
        self.port: int = int(self._httpd.server_address[1])
        sim.base_url = self.url
        sim.faults.on_down_change.append(self._apply_downtime)

    # -- lifecycle ---------------------------------------------------------------------
    def _open(self, port: int) -> None:
        httpd = _Server((self.host, port), _make_handler(self))
        thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True, name="odoosim-http"
        )
        thread.start()
        self._httpd, self._thread = httpd, thread

    def _close_listener(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()

    def _apply_downtime(self) -> None:
        """`down_mode=refuse`: close the listening socket for the window, then listen again."""
        settings = self.sim.faults.settings
        remaining = self.sim.faults.down_remaining()
        with self._lock:
            if self._stopped:
                return
            if remaining > 0 and settings.down_mode == "refuse" and self._httpd is not None:
                threading.Thread(target=self._close_listener, daemon=True).start()
                self._schedule_reopen(remaining)
            elif remaining <= 0 and self._httpd is None:
                self._reopen()

    def _schedule_reopen(self, delay: float) -> None:
        if self._reopen_timer:
            self._reopen_timer.cancel()
        self._reopen_timer = threading.Timer(delay, self._reopen)
        self._reopen_timer.daemon = True
        self._reopen_timer.start()

    def _reopen(self) -> None:
        for _ in range(50):
            if self._stopped or self._httpd is not None:
                return
            try:
                self._open(self.port)
                return
            except OSError:
                time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def store(self):
        """Direct access to the SQLite store (tests)."""
        return self.sim.store

    @property
    def database(self) -> str:
        return self.sim.database

    def stop(self) -> None:
        """Stop serving and release the database."""
        with self._lock:
            self._stopped = True
            if self._reopen_timer:
                self._reopen_timer.cancel()
        self._close_listener()
        self.sim.close()

    def __enter__(self) -> SimulatorHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- control API (same as POST /__sim__/...) ----------------------------------------
    def set_faults(self, **knobs: Any) -> dict:
        """Merge fault knobs (see faults.FaultSettings); returns the new fault state."""
        return self.sim.faults.update(knobs)

    def set_module_states(self, **states: str) -> dict[str, str]:
        """Module states as Odoo reports them (`installed`, `uninstalled`, ...); same as POST /__sim__/modules."""
        return self.sim.set_module_states(states)

    def reset_faults(self) -> dict:
        return self.sim.faults.reset()

    def advance(self, seconds: float) -> str:
        """Advance the simulated clock (the scenario runs deterministically up to it)."""
        return self.sim.advance(seconds)

    def slow_transaction(
        self, model: str = "stock.picking", record_id: int | None = None, age_seconds: float = 120.0
    ) -> dict:
        return self.sim.slow_transaction(model, record_id, age_seconds)

    def backup(self) -> None:
        """Take a backup of the database now; `restore_backup()` puts it back."""
        self._backup = self.sim.store.backup()

    def restore_backup(self) -> None:
        """Restore the last backup over the running database (as an Odoo admin restoring a dump)."""
        if getattr(self, "_backup", None) is None:
            raise ValueError("no backup taken: POST /__sim__/backup first")
        self.sim.store.restore(self._backup)

    def rows_served(self, model: str) -> int:
        """Records of `model` served with their data since start (reads and search_reads)."""
        return self.sim.rows_served.get(model, 0)

    def writes(self, model: str, record_id: int, method: str) -> int:
        """Committed calls of `method` on the record since start (write, action_..., message_post)."""
        return self.sim.writes.get((model, record_id, method), 0)

    def set_webhook_url(self, url: str | None) -> None:
        self.sim.webhooks.url = url

    def state(self) -> dict:
        return self.sim.state()

    def call(self, model: str, method: str, *args: Any, uid: int = 2, **kwargs: Any) -> Any:
        """Run an RPC method in-process (test convenience, no HTTP)."""
        return self.sim.execute(uid, model, method, list(args), kwargs)


def _make_handler(handle: SimulatorHandle) -> type[BaseHTTPRequestHandler]:
    sim = handle.sim
    routes = handle.routes

    class Handler(BaseHTTPRequestHandler):
        server_version = "Werkzeug/2.0.2"
        sys_version = "Python/3.11"
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: tests and the demo print their own summaries

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _send(self, reply: Reply) -> None:
            data = reply.raw if reply.raw is not None else dumps(reply.body)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(data)))
            for cookie in reply.cookies:
                self.send_header("Set-Cookie", cookie)
            self.end_headers()
            self.wfile.write(data)

        def _drop(self) -> None:
            """Close the connection without answering (what a crash or a proxy reset looks like)."""
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

        def _pre_faults(self) -> bool:
            """Downtime and latency; True when the request was swallowed."""
            if sim.faults.is_down:
                self._drop()
                return True
            delay = sim.faults.latency()
            if delay:
                time.sleep(delay)
            return False

        def _failed_by_fault(self, method: str, request_id: Any) -> bool:
            delay = sim.faults.method_latency(method)
            if delay:
                time.sleep(delay)
            if not sim.faults.should_fail(method):
                return False
            mode = sim.faults.settings.error_mode
            if mode == "drop":
                self._drop()
            elif mode == "http_503":
                self._send(
                    Reply(
                        503, raw=b"<html><body><h1>503 Service Unavailable</h1></body></html>", content_type="text/html"
                    )
                )
            else:
                self._send(Reply(body=rpc_error(request_id, SerializationFailure())))
            return True

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path.startswith(CONTROL_PREFIX):
                return self._control(path, b"")
            if self._pre_faults():
                return None
            if path == "/web/webclient/version_info":
                reply, _ = routes.jsonrpc(path, b"{}", self.headers.get("Cookie"))
                return self._send(reply)
            if path == "/web/version":
                from .protocol import VERSION_INFO

                return self._send(Reply(body={"version_info": VERSION_INFO["server_version_info"], "version": "17.0"}))
            return self._send(Reply(404, raw=b"<h1>Not Found</h1>", content_type="text/html; charset=utf-8"))

        def do_POST(self) -> None:
            path = self.path.split("?", 1)[0]
            raw = self._body()
            if path.startswith(CONTROL_PREFIX):
                return self._control(path, raw)
            if self._pre_faults():
                return None
            if path.startswith("/json/2/"):
                method = path.rsplit("/", 1)[-1]
                if self._failed_by_fault(method, None):
                    return None
                reply, _ = routes.json2(path, raw, {k.lower(): v for k, v in self.headers.items()})
                return self._send(reply)
            try:
                peek = json.loads(raw or b"{}")
            except ValueError:
                peek = {}
            params = peek.get("params") if isinstance(peek, dict) else None
            from .http_routes import rpc_method_name

            method = rpc_method_name(path, params if isinstance(params, dict) else {})
            if self._failed_by_fault(method, peek.get("id") if isinstance(peek, dict) else None):
                return None
            reply, _ = routes.jsonrpc(path, raw, self.headers.get("Cookie"))
            return self._send(reply)

        def _control(self, path: str, raw: bytes) -> None:
            try:
                data = json.loads(raw or b"{}")
                action = path[len(CONTROL_PREFIX) :].strip("/")
                if action == "state":
                    result = sim.state()
                elif action == "faults":
                    if data.pop("reset", False):
                        sim.faults.reset()
                    result = sim.faults.update(data) if data else sim.faults.state()
                elif action == "clock/advance":
                    result = {"now": sim.advance(float(data.get("seconds", 0)))}
                elif action == "slow_transaction":
                    result = sim.slow_transaction(
                        data.get("model", "stock.picking"), data.get("id"), float(data.get("age_seconds", 120))
                    )
                elif action == "modules":
                    result = sim.set_module_states(data)

                elif action == "backup":
                    handle.backup()
                    result = {"backup": "taken"}
                elif action == "restore":
                    handle.restore_backup()
                    result = {"restored": True}
                elif action == "webhook":
                    sim.webhooks.url = data.get("url")
                    result = {"webhook_url": sim.webhooks.url}
                else:
                    return self._send(Reply(404, body={"error": f"unknown control action {action!r}"}))
                return self._send(Reply(body=result))
            except (ValueError, TypeError) as exc:
                return self._send(Reply(400, body={"error": str(exc)}))

    return Handler


def start_simulator(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    seed: int = 1,
    state_path: str | Path | None = None,
    scale: int = 1,
    speed: float = 0.0,
    database: str = "demo",
    login: str = "admin",
    password: str = "admin",  # noqa: S107 - the documented demo credentials
    api_key: str = "demo-api-key",
    webhook_url: str | None = None,
    faults: dict | None = None,
    clock_start: datetime | None = None,
    frozen_clock: bool = False,
    exception_rates: dict | None = None,
    history_hours: float = 0.0,
    inventory_history_days: float = 0.0,
) -> SimulatorHandle:
    """Start a simulator in background threads and return its handle (also a context manager).

    port=0 picks a free port. `speed` > 0 runs the scenario clock that many times faster than
    real time in the background; 0 leaves the data still unless `handle.advance()` is called.
    `frozen_clock` stops the clock entirely (only `advance` moves it) for reproducible runs.
    `history_hours` plays that many hours of the scenario into a fresh database before serving;
    `inventory_history_days` adds inventory counts applied over that many past days (one a day).
    """
    sim = Simulator(
        seed=seed,
        state_path=state_path,
        scale=scale,
        speed=speed,
        database=database,
        login=login,
        password=password,
        api_key=api_key,
        clock_start=clock_start,
        frozen_clock=frozen_clock,
        webhook_url=webhook_url,
        faults=faults,
        exception_rates=exception_rates,
        history_hours=history_hours,
        inventory_history_days=inventory_history_days,
    )
    handle = SimulatorHandle(sim, host, port)
    if speed > 0:
        sim.scenario.start_background()
    return handle
