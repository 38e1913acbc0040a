"""Write-back settings, read from Django settings at call time (tests override them freely).

Each setting and its default is defined once, in controltower/settings.py (and listed in the
README's configuration table). The sweeper runs every 30 s from the default beat schedule
(editable in the admin).
"""

from __future__ import annotations

from django.conf import settings


def max_attempts() -> int:
    return int(settings.WRITEBACK_MAX_ATTEMPTS)


def backoff_base_s() -> float:
    return float(settings.WRITEBACK_BACKOFF_BASE_S)


def backoff_max_s() -> float:
    return float(settings.WRITEBACK_BACKOFF_MAX_S)


def claim_stale_s() -> float:
    return float(settings.WRITEBACK_CLAIM_STALE_S)


def redispatch_after_s() -> float:
    return float(settings.WRITEBACK_REDISPATCH_AFTER_S)


def sweep_batch() -> int:
    return int(settings.WRITEBACK_SWEEP_BATCH)


def recovery_rate_per_s() -> float:
    return float(settings.WRITEBACK_RECOVERY_RATE_PER_S)
