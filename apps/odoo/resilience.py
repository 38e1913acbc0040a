"""Retries (tenacity) and the circuit breaker (pybreaker) around every Odoo call.

Order: ``retry(breaker(call))``. Each attempt passes through the breaker, so a dead Odoo trips
it after ``fail_max`` failed attempts, and once it is open the remaining retries stop at once
(:class:`OdooUnavailable` is never retried) instead of hammering a server that is down.

What is retried, with exponential backoff and full jitter (``wait_random_exponential``):
- reads, on any transient error (refused connection, timeout, HTTP 502/503/504, serialization
  failure);
- writes and actions only when the request provably did not take effect (refused connection,
  HTTP 503/429, serialization failure, which Odoo rolled back). A timeout or a dropped connection
  on a write leaves its outcome unknown: it raises :class:`OdooTimeout` to the caller, whose job
  (the outbox) is to re-read the record and check its preconditions before trying again.
- never validation, access, missing-record or unknown-model errors.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pybreaker
import redis
from django.conf import settings
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from .config import OdooConfig
from .errors import OdooError, OdooUnavailable

logger = logging.getLogger("apps.odoo")
T = TypeVar("T")

# ORM methods that change nothing: safe to repeat whatever happened to the first attempt.
READ_METHODS = frozenset(
    {
        "read",
        "search",
        "search_read",
        "search_count",
        "search_fetch",
        "fields_get",
        "name_search",
        "name_get",
        "read_group",
        "web_read",
        "web_search_read",
        "default_get",
        "context_get",
        "check_access_rights",
        "has_group",
        "version",
        "version_info",
        "login",
    }
)


def is_read(method: str) -> bool:
    """Whether ``method`` only reads (and may be repeated after an unknown outcome)."""
    return method in READ_METHODS


@dataclass
class RetryPolicy:
    """How many times and how long to wait; ``sleep`` is injectable so tests run fast."""

    attempts: int = 4
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def from_config(cls, config: OdooConfig, **overrides: Any) -> RetryPolicy:
        """The policy configured by ``ODOO_RETRY_*``."""
        values: dict[str, Any] = {
            "attempts": config.retry_attempts,
            "base_delay_s": config.retry_base_delay_s,
            "max_delay_s": config.retry_max_delay_s,
        }
        values.update(overrides)
        return cls(**values)

    @staticmethod
    def should_retry(error: BaseException, *, read: bool) -> bool:
        """Transient errors only; on writes only those that provably changed nothing."""
        if not isinstance(error, OdooError) or isinstance(error, OdooUnavailable):
            return False
        return error.transient and (read or not error.outcome_unknown)

    def run(self, func: Callable[[], T], *, read: bool, label: str) -> T:
        """Run ``func`` with retries; the last error is raised as it is (never a RetryError)."""

        def log_retry(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            delay = state.next_action.sleep if state.next_action else 0.0
            logger.warning(
                "odoo %s failed (attempt %d of %d), retrying in %.2f s: %s",
                label,
                state.attempt_number,
                self.attempts,
                delay,
                error,
                extra={"odoo_call": label, "attempt": state.attempt_number, "retry_in_s": round(delay, 3)},
            )

        retrying = Retrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_random_exponential(multiplier=self.base_delay_s, max=self.max_delay_s),
            retry=retry_if_exception(lambda error: self.should_retry(error, read=read)),
            sleep=self.sleep,
            before_sleep=log_retry,
            reraise=True,
        )
        return retrying(func)


# --- Circuit breaker ---------------------------------------------------------------------------


def _is_business_error(error: BaseException) -> bool:
    """Excluded from the breaker's count: Odoo answered, it just said no."""
    return not (isinstance(error, OdooError) and error.transient)


class _StatusStore:
    """Last error and time of the last state change, beside pybreaker's own state."""

    def __init__(self, redis_client: Any = None, namespace: str = "") -> None:
        self._redis = redis_client
        self._key = f"{namespace}:pybreaker:status"
        self._memory: dict[str, Any] = {}

    def update(self, **values: Any) -> None:
        self._memory.update(values)
        if self._redis is not None:
            try:
                self._redis.hset(self._key, mapping={k: json.dumps(v) for k, v in values.items()})
            except Exception:  # Redis down: the in-memory copy still answers for this process
                logger.debug("could not store the Odoo breaker status in Redis", exc_info=True)

    def read(self) -> dict[str, Any]:
        if self._redis is not None:
            try:
                raw = self._redis.hgetall(self._key)
                return {k.decode() if isinstance(k, bytes) else k: json.loads(v) for k, v in raw.items()}
            except Exception:
                logger.debug("could not read the Odoo breaker status from Redis", exc_info=True)
        return dict(self._memory)


class _Listener(pybreaker.CircuitBreakerListener):
    def __init__(self, status: _StatusStore) -> None:
        self.status = status

    def failure(self, cb: pybreaker.CircuitBreaker, exc: BaseException) -> None:
        self.status.update(last_error=str(exc)[:500], last_error_type=type(exc).__name__, last_error_at=_now_iso())

    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: Any, new_state: Any) -> None:
        old_name = getattr(old_state, "name", None)
        if old_name == new_state.name:
            return
        self.status.update(state_since=_now_iso())
        log = logger.warning if new_state.name == pybreaker.STATE_OPEN else logger.info
        log("odoo circuit breaker %s -> %s", old_name, new_state.name, extra={"breaker_state": new_state.name})


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class OdooBreaker:
    """A pybreaker circuit breaker counting only transient failures, with a readable status."""

    fail_max: int = 5
    reset_timeout_s: float = 30.0
    storage: pybreaker.CircuitBreakerStorage | None = None
    redis_client: Any = None
    namespace: str = "odoo"
    _breaker: pybreaker.CircuitBreaker = field(init=False, repr=False)
    _status: _StatusStore = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._status = _StatusStore(self.redis_client, self.namespace)
        self._breaker = pybreaker.CircuitBreaker(
            fail_max=self.fail_max,
            reset_timeout=self.reset_timeout_s,
            exclude=[_is_business_error],
            listeners=[_Listener(self._status)],
            state_storage=self.storage or pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED),
            # Keep the original error when the breaker trips: the caller learns why.
            throw_new_error_on_trip=False,
            name=self.namespace,
        )

    def call(self, func: Callable[[], T]) -> T:
        """Run ``func`` through the breaker; raise :class:`OdooUnavailable` while it is open."""
        try:
            # `calling()` holds pybreaker's lock only around the state checks, not around the
            # call itself (`breaker.call` would serialise every Odoo call of the process).
            with self._breaker.calling():
                return func()
        except pybreaker.CircuitBreakerError:
            raise self._unavailable() from None

    def _unavailable(self) -> OdooUnavailable:
        status = self.status()
        opened_at = self._breaker._state_storage.opened_at
        since = opened_at.strftime("%Y-%m-%d %H:%M:%S UTC") if opened_at else "a moment ago"
        retry_in = ""
        if opened_at:
            seconds = (opened_at + timedelta(seconds=self.reset_timeout_s) - datetime.now(UTC)).total_seconds()
            retry_in = f"; the next attempt is allowed in {max(seconds, 0):.0f} s"
        last = f" Last error: {status['last_error']}" if status["last_error"] else ""
        return OdooUnavailable(
            f"Odoo unreachable since {since}: calls are paused after {self.fail_max} failures{retry_in}.{last}",
            since=status["opened_at"],
            retry_at=status["retry_at"],
        )

    def status(self) -> dict[str, Any]:
        """State, since when, failure count and last error, for health pages and logs."""
        storage = self._breaker._state_storage
        opened_at = storage.opened_at
        state = self._breaker.current_state
        extra = self._status.read()
        retry_at = opened_at + timedelta(seconds=self.reset_timeout_s) if opened_at and state != "closed" else None
        return {
            "state": state,
            "since": extra.get("state_since"),
            "opened_at": opened_at.isoformat(timespec="seconds") if opened_at and state != "closed" else None,
            "retry_at": retry_at.isoformat(timespec="seconds") if retry_at else None,
            "failure_count": self._breaker.fail_counter,
            "fail_max": self.fail_max,
            "reset_timeout_s": self.reset_timeout_s,
            "last_error": extra.get("last_error"),
            "last_error_type": extra.get("last_error_type"),
            "last_error_at": extra.get("last_error_at"),
            "shared": isinstance(storage, pybreaker.CircuitRedisStorage),
        }

    def reset(self) -> None:
        """Close the breaker (tests, or an admin's "retry now")."""
        self._breaker.close()


def make_storage(namespace: str) -> tuple[pybreaker.CircuitBreakerStorage, Any]:
    """Redis-backed storage shared by all processes, or in-memory when Redis is unreachable."""
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
        client.ping()
        return pybreaker.CircuitRedisStorage(pybreaker.STATE_CLOSED, client, namespace=namespace), client
    except Exception as exc:  # no Redis, no settings: one breaker per process still protects
        logger.info("odoo circuit breaker state kept in memory (Redis unavailable: %s)", exc)
        return pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED), None


_breakers: dict[tuple[str, str], OdooBreaker] = {}
_breakers_lock = threading.Lock()


def get_breaker(config: OdooConfig) -> OdooBreaker:
    """The process-wide breaker for this Odoo (one per URL and database)."""
    key = (config.base_url, config.database)
    with _breakers_lock:
        if key not in _breakers:
            namespace = f"ct:odoo:{config.base_url}:{config.database}"
            storage, client = make_storage(namespace)
            _breakers[key] = OdooBreaker(
                fail_max=config.breaker_fail_max,
                reset_timeout_s=config.breaker_reset_timeout_s,
                storage=storage,
                redis_client=client,
                namespace=namespace,
            )
        return _breakers[key]
