"""Redis locks that keep one sync of a model (and one beat) running at a time, across processes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from redis.exceptions import LockError

from apps.core.redis import get_redis


class AlreadyRunning(Exception):
    """Another process holds the lock."""


@contextmanager
def exclusive(name: str, *, timeout_s: int) -> Iterator[Callable[[], None]]:
    """Hold the lock `name` for the block, or raise AlreadyRunning at once.

    The lock expires `timeout_s` after it was taken or last renewed: the block calls the yielded
    `renew()` as it makes progress, so a long run keeps it and a crashed holder frees it soon.
    """
    lock = get_redis().lock(f"ct:lock:{name}", timeout=timeout_s, blocking=False)
    if not lock.acquire():
        raise AlreadyRunning(name)

    def renew() -> None:
        with suppress(LockError):
            lock.reacquire()

    try:
        yield renew
    finally:
        # Expired while we worked: the next holder already has it, nothing to release.
        with suppress(LockError):
            lock.release()
