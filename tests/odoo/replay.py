"""A tiny HTTP server that answers with recorded Odoo 17 bodies, to test the real transports."""

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CONTRACT = Path(__file__).resolve().parents[1] / "contract" / "odoo17"


def recorded(relative: str) -> dict:
    """The first exchange of a recorded file."""
    data = json.loads((CONTRACT / relative).read_text())
    return data["steps"][0] if "steps" in data else data


VERSION_BODY = recorded("auth/version_info.json")["response"]["body"]["result"]

# answer(path, request_body) -> (status, body dict or None for "no body at all", raw bytes or None)
Answer = Callable[[str, dict], tuple[int, Any]]


def default_answer(path: str, body: dict) -> tuple[int, Any]:
    """version_info, login ok (uid 2) and context_get, as recorded."""
    request_id = body.get("id")
    if path == "/web/webclient/version_info":
        return 200, {"jsonrpc": "2.0", "id": request_id, "result": VERSION_BODY}
    params = body.get("params", {})
    if params.get("method") == "login":
        return 200, {"jsonrpc": "2.0", "id": request_id, "result": 2}
    if params.get("method") == "execute" and params["args"][4] == "context_get":
        return 200, {"jsonrpc": "2.0", "id": request_id, "result": {"lang": "en_US", "tz": "Europe/Brussels", "uid": 2}}
    return 404, None


@contextmanager
def replay_server(answer: Answer) -> Iterator[dict]:
    """Serve ``answer`` (falling back to ``default_answer``); yields ``{"url", "requests"}``."""
    state: dict[str, Any] = {"requests": []}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.loads(raw or b"{}")
            state["requests"].append({"path": self.path, "body": body, "headers": dict(self.headers)})
            status, reply = answer(self.path, body)
            if status == 404 and reply is None:
                status, reply = default_answer(self.path, body)
            data = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
