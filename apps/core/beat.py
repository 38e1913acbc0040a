"""Celery beat that stays single: a second beat started by mistake stands by instead of doubling
every periodic job. The active beat holds a Redis lock and renews it on every tick; if it dies, the
lock expires and a standby takes over within BEAT_LOCK_TTL_S."""

from __future__ import annotations

import logging

from django_celery_beat.schedulers import DatabaseScheduler
from redis.exceptions import LockError, RedisError

from apps.core.redis import get_redis

logger = logging.getLogger(__name__)

BEAT_LOCK_NAME = "ct:lock:beat"
BEAT_LOCK_TTL_S = 30
STANDBY_SLEEP_S = 5.0


class BeatLock:
    """The lock one beat holds while it is the active one."""

    def __init__(self, name: str = BEAT_LOCK_NAME, ttl_s: int = BEAT_LOCK_TTL_S):
        self._lock = get_redis().lock(name, timeout=ttl_s, blocking=False)

    def hold(self) -> bool:
        """Take the lock, or renew it if we have it. False: another beat is active (or Redis is down)."""
        try:
            if self._lock.owned():
                self._lock.reacquire()
                return True
            return bool(self._lock.acquire())
        except (LockError, RedisError) as exc:
            logger.warning("beat lock unavailable: %s", exc)
            return False

    def release(self) -> None:
        try:
            if self._lock.owned():
                self._lock.release()
        except (LockError, RedisError):
            pass  # expired or Redis gone: nothing left to release


class SingleBeatScheduler(DatabaseScheduler):
    """django-celery-beat's database scheduler, active only while it holds the beat lock."""

    def __init__(self, *args, **kwargs):
        self.beat_lock = BeatLock()
        self._was_active = None
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        active = self.beat_lock.hold()
        if active != self._was_active:
            logger.info("beat %s", "active: sending periodic jobs" if active else "standing by: another beat is active")
            self._was_active = active
        if not active:
            return STANDBY_SLEEP_S
        return min(super().tick(*args, **kwargs), BEAT_LOCK_TTL_S / 3)

    def close(self):
        self.beat_lock.release()
        super().close()
