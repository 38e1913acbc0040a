# ruff: noqa: S311  -- fault injection needs reproducible pseudo-randomness, not cryptography
"""Fault knobs: latency, per-method errors, downtime, webhook duplication/reordering, slow commits.

Settable at start (`start_simulator(faults=...)`), at run time through
`POST /__sim__/faults` (JSON merged into the current settings) or the Python handle.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

ERROR_MODES = ("server_error", "drop", "http_503")
DOWN_MODES = ("refuse", "close")


@dataclass
class FaultSettings:
    """The current fault configuration (all off by default)."""

    latency_ms: float = 0.0
    #: extra latency of one RPC method, in ms ({"action_apply_inventory": 3000}): the call waits,
    #: then commits and answers, so a client that dies meanwhile leaves a write nobody recorded
    method_latency_ms: dict[str, float] = field(default_factory=dict)
    #: probability of failing a call, by RPC method name ("*" = any method)
    error_rate: dict[str, float] = field(default_factory=dict)
    #: server_error: Odoo error body (psycopg2 SerializationFailure); drop: close the connection
    #: without an answer; http_503: a proxy-style 503 page
    error_mode: str = "server_error"
    webhook_duplicate_rate: float = 0.0
    webhook_reorder_rate: float = 0.0
    #: seconds left of a downtime window (computed on read)
    down_for_seconds: float = 0.0
    down_mode: str = "close"


class Faults:
    """Thread-safe holder of FaultSettings plus a seeded RNG for reproducible failures."""

    def __init__(self, seed: int = 1, settings: dict | None = None) -> None:
        self._lock = threading.Lock()
        self.settings = FaultSettings()
        self._rng = random.Random(f"faults-{seed}")
        self._down_until = 0.0
        self.on_down_change: list[Any] = []
        if settings:
            self.update(settings)

    def update(self, data: dict) -> dict:
        """Merge `data` into the settings; returns the new state. Unknown keys raise ValueError."""
        with self._lock:
            for key, value in data.items():
                if key == "down_for_seconds":
                    self._down_until = time.monotonic() + float(value) if value else 0.0
                elif key == "error_rate":
                    if isinstance(value, int | float):
                        value = {"*": float(value)}
                    self.settings.error_rate = {k: float(v) for k, v in (value or {}).items()}
                elif key == "method_latency_ms":
                    self.settings.method_latency_ms = {k: float(v) for k, v in (value or {}).items()}
                elif key == "error_mode" and value not in ERROR_MODES:
                    raise ValueError(f"error_mode must be one of {ERROR_MODES}")
                elif key == "down_mode" and value not in DOWN_MODES:
                    raise ValueError(f"down_mode must be one of {DOWN_MODES}")
                elif hasattr(self.settings, key):
                    setattr(self.settings, key, type(getattr(self.settings, key))(value))
                else:
                    raise ValueError(f"unknown fault knob {key!r}")
        for callback in list(self.on_down_change):
            callback()
        return self.state()

    def reset(self) -> dict:
        """All knobs off."""
        with self._lock:
            self.settings = FaultSettings()
            self._down_until = 0.0
        for callback in list(self.on_down_change):
            callback()
        return self.state()

    def state(self) -> dict:
        data = asdict(self.settings)
        data["down_for_seconds"] = round(self.down_remaining(), 3)
        return data

    def down_remaining(self) -> float:
        return max(0.0, self._down_until - time.monotonic())

    @property
    def is_down(self) -> bool:
        return self.down_remaining() > 0

    def latency(self) -> float:
        """Seconds to sleep before answering."""
        return self.settings.latency_ms / 1000.0

    def method_latency(self, method: str) -> float:
        """Seconds to sleep before running `method` (on top of `latency`)."""
        return self.settings.method_latency_ms.get(method, 0.0) / 1000.0

    def should_fail(self, method: str) -> bool:
        rates = self.settings.error_rate
        rate = rates.get(method, rates.get("*", 0.0))
        if rate <= 0:
            return False
        with self._lock:
            return self._rng.random() < rate

    def roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._lock:
            return self._rng.random() < rate
