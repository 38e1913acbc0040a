"""A gateway client wrapper that keeps every request and answer of one attempt, for the attempt log.

Operations talk to Odoo only through it, so an admin inspecting an entry sees exactly what was sent
and what came back (or which error), in order, with durations.
"""

from __future__ import annotations

import json
import time
from typing import Any

from apps.odoo.client import OdooClient
from apps.odoo.errors import OdooError

MAX_LOGGED_CHARS = 4000  # a read of many fields stays readable; the log is for people, not replay


class RecordingClient:
    """Duck-types the ``OdooClient`` methods operations use and logs each call in ``self.calls``."""

    def __init__(self, client: OdooClient) -> None:
        self.client = client
        self.calls: list[dict[str, Any]] = []

    def _run(self, method: str, model: str, request: dict[str, Any], func: Any) -> Any:
        record: dict[str, Any] = {"model": model, "method": method, **request}
        started = time.perf_counter()
        try:
            result = func()
        except OdooError as exc:
            record["error"] = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            record["ms"] = round((time.perf_counter() - started) * 1000, 1)
            self.calls.append(record)
        record["result"] = _loggable(result)
        return result

    def read(self, model: str, ids: list[int], fields: list[str], *, context: dict | None = None) -> list[dict]:
        return self._run(
            "read", model, {"ids": ids, "fields": fields}, lambda: self.client.read(model, ids, fields, context=context)
        )

    def search(self, model: str, domain: list, *, limit: int | None = None) -> list[int]:
        return self._run("search", model, {"domain": domain}, lambda: self.client.search(model, domain, limit=limit))

    def search_read(
        self, model: str, domain: list, fields: list[str], *, order: str | None = None, limit: int | None = None
    ) -> list[dict]:
        return self._run(
            "search_read",
            model,
            {"domain": domain, "fields": fields, "order": order, "limit": limit},
            lambda: self.client.search_read(model, domain, fields, order=order, limit=limit),
        )

    def search_count(self, model: str, domain: list) -> int:
        return self._run("search_count", model, {"domain": domain}, lambda: self.client.search_count(model, domain))

    def write(self, model: str, ids: list[int], values: dict, *, context: dict | None = None) -> bool:
        return self._run(
            "write",
            model,
            {"ids": ids, "values": values, "context": context},
            lambda: self.client.write(model, ids, values, context=context),
        )

    def create(self, model: str, values: dict | list[dict], *, context: dict | None = None) -> int | list[int]:
        return self._run(
            "create",
            model,
            {"values": values, "context": context},
            lambda: self.client.create(model, values, context=context),
        )

    def call(self, model: str, method: str, ids: list[int] | None = None, *args: Any, **kwargs: Any) -> Any:
        return self._run(
            method,
            model,
            {"ids": ids, "args": list(args), "kwargs": kwargs},
            lambda: self.client.call(model, method, ids, *args, **kwargs),
        )


def _loggable(value: Any) -> Any:
    try:
        text = json.dumps(value, default=str)
    except (TypeError, ValueError):
        return repr(value)[:MAX_LOGGED_CHARS]
    if len(text) <= MAX_LOGGED_CHARS:
        return value
    return {"truncated": text[:MAX_LOGGED_CHARS]}
