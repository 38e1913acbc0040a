"""Write-back settings, read from Django settings at call time (tests override them freely).

The sweeper runs every 30 s from the default beat schedule (editable in the admin).

| setting | default | meaning |
|---|---|---|
| ``WRITEBACK_MAX_ATTEMPTS`` | 12 | tries before a transiently failing entry is dead (~4 h with the defaults) |
| ``WRITEBACK_BACKOFF_BASE_S`` | 30 | delay after the first failure; doubles each time, with jitter |
| ``WRITEBACK_BACKOFF_MAX_S`` | 3600 | ceiling of one delay |
| ``WRITEBACK_CLAIM_STALE_S`` | 600 | a ``running`` claim this old is a dead worker's (> task time limit) |
| ``WRITEBACK_REDISPATCH_AFTER_S`` | 60 | a due entry whose task was sent this long ago without running is sent again |
| ``WRITEBACK_SWEEP_BATCH`` | 500 | entries the sweeper dispatches per run |
| ``WRITEBACK_RECOVERY_RATE_PER_S`` | 10 | entries sent per second when Odoo answers again after an outage |
"""

from __future__ import annotations

from django.conf import settings


def max_attempts() -> int:
    return int(getattr(settings, "WRITEBACK_MAX_ATTEMPTS", 12))


def backoff_base_s() -> float:
    return float(getattr(settings, "WRITEBACK_BACKOFF_BASE_S", 30.0))


def backoff_max_s() -> float:
    return float(getattr(settings, "WRITEBACK_BACKOFF_MAX_S", 3600.0))


def claim_stale_s() -> float:
    return float(getattr(settings, "WRITEBACK_CLAIM_STALE_S", 600.0))


def redispatch_after_s() -> float:
    return float(getattr(settings, "WRITEBACK_REDISPATCH_AFTER_S", 60.0))


def sweep_batch() -> int:
    return int(getattr(settings, "WRITEBACK_SWEEP_BATCH", 500))


def recovery_rate_per_s() -> float:
    return float(getattr(settings, "WRITEBACK_RECOVERY_RATE_PER_S", 10.0))
