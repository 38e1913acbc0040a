"""One shared Redis client for the few things that need raw Redis (counters, locks)."""

from functools import cache

import redis
from django.conf import settings


@cache
def get_redis() -> redis.Redis:
    # Short timeouts: when Redis is down, callers fail within a second and say so.
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
