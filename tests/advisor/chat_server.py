"""A faithful local stand-in for an OpenAI-compatible chat completions API.

It speaks the real shapes: POST /v1/chat/completions with {"model", "messages", "max_tokens", ...}
and a bearer key; it answers {"id", "object": "chat.completion", "created", "model", "choices":
[{"index": 0, "message": {"role": "assistant", "content": ...}, "finish_reason": "stop"}], "usage"}
and errors as {"error": {"message", "type", "code"}} with 401/404/429/500. A test sets what the
"model" says (`content`) or how it misbehaves (`mode`), and reads what it was sent (`requests`).
"""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.servers import serve_in_background

API_KEY = "sk-test-advisor-0123456789"


class ChatServer:
    def __init__(self) -> None:
        self.requests: list[dict] = []  # the JSON bodies received
        self.headers: list[dict[str, str]] = []
        self.content: str = "{}"  # what the assistant answers
        self.mode = "ok"  # ok | hang | error | not_a_completion
        self.status = 500
        self.hang_s = 5.0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.headers.append({k.lower(): v for k, v in self.headers.items()})
                if self.path.rstrip("/") != "/v1/chat/completions":
                    return self._reply(
                        404, {"error": {"message": "Unknown path", "type": "invalid_request_error", "code": None}}
                    )
                if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                    return self._reply(
                        401,
                        {
                            "error": {
                                "message": "Incorrect API key provided",
                                "type": "invalid_request_error",
                                "code": "invalid_api_key",
                            }
                        },
                    )
                try:
                    body = json.loads(raw)
                    assert isinstance(body.get("messages"), list) and body.get("model")
                except (ValueError, AssertionError):
                    return self._reply(
                        400, {"error": {"message": "Invalid request", "type": "invalid_request_error", "code": None}}
                    )
                server.requests.append(body)
                if server.mode == "hang":
                    time.sleep(server.hang_s)
                if server.mode == "error":
                    return self._reply(
                        server.status,
                        {"error": {"message": "The server had an error", "type": "server_error", "code": None}},
                    )
                if server.mode == "not_a_completion":
                    return self._reply(200, {"result": "ok"})
                prompt_tokens = sum(len(str(m.get("content", ""))) for m in body["messages"]) // 4
                completion_tokens = min(len(server.content) // 4, int(body.get("max_tokens") or 10**6))
                self._reply(200, {
                    "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
                    "model": body["model"],
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": server.content},
                                 "logprobs": None, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                              "total_tokens": prompt_tokens + completion_tokens},
                })  # fmt: skip

            def _reply(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the caller gave up (timeout), as it should

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def answer(self, value: dict | str) -> None:
        self.content = value if isinstance(value, str) else json.dumps(value)

    def sent_text(self) -> str:
        """Everything the model was sent, as one string (to look for names that must not be there)."""
        return "\n".join(str(message.get("content", "")) for body in self.requests for message in body["messages"])

    def __enter__(self) -> ChatServer:
        serve_in_background(self.server)
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
