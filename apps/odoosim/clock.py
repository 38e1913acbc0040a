"""The simulator's clock: real time by default, shiftable (advance) and freezable for tests."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

DT_FORMAT = "%Y-%m-%d %H:%M:%S"
DT_MICRO_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def utcnow_naive() -> datetime:
    """Current UTC time without tzinfo (Odoo stores naive UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


class SimClock:
    """now() = origin + offset + elapsed real time x rate.

    `rate` is 1.0 (real time), `speed` when the scenario runs faster, or 0.0 when frozen:
    a frozen clock only moves through `advance()`, which makes runs reproducible.
    """

    def __init__(self, start: datetime | None = None, rate: float = 1.0) -> None:
        self._lock = threading.Lock()
        self._origin = start or utcnow_naive()
        self._t0 = time.monotonic()
        self._offset = 0.0
        self.rate = rate

    def now(self) -> datetime:
        """Current simulated UTC time (naive)."""
        with self._lock:
            elapsed = (time.monotonic() - self._t0) * self.rate
            return self._origin + timedelta(seconds=self._offset + elapsed)

    def advance(self, seconds: float) -> datetime:
        """Jump forward by `seconds` of simulated time; returns the new now()."""
        with self._lock:
            self._offset += seconds
        return self.now()

    @property
    def frozen(self) -> bool:
        return self.rate == 0.0


def parse_dt(text: str) -> datetime:
    """Parse a stored/normalised datetime text (seconds or microseconds)."""
    if "." in text:
        return datetime.strptime(text, DT_MICRO_FORMAT)
    return datetime.strptime(text, DT_FORMAT)


def fmt_micro(value: datetime) -> str:
    """Storage form: always 6-digit microseconds so text order == time order."""
    return value.strftime(DT_MICRO_FORMAT)
