"""A webhook receiver on a local port that misbehaves on purpose: answers a set status, hangs past the
sender's timeout, redirects, or answers a 10 MB body. Records each request's headers and body."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.servers import serve_in_background


class Receiver:
    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes, float]] = []  # headers, body, monotonic arrival
        self.status = 200
        self.mode = "ok"  # ok | hang | redirect | huge
        self.hang_s = 5.0
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body, time.monotonic()))
                receiver.arrived.set()
                try:
                    if receiver.mode == "hang":
                        time.sleep(receiver.hang_s)
                    if receiver.mode == "redirect":
                        self.send_response(302)
                        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                        self.end_headers()
                        return
                    self.send_response(receiver.status)
                    if receiver.mode == "huge":
                        size = 10 * 1024 * 1024
                        self.send_header("Content-Length", str(size))
                        self.end_headers()
                        chunk = b"x" * 65536
                        for _ in range(size // len(chunk)):
                            self.wfile.write(chunk)
                        return
                    self.end_headers()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender stopped reading, as it should

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/in"

    def __enter__(self) -> Receiver:
        serve_in_background(self.server)
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
