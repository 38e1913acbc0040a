"""Core's own rows: what the retention purge did, per kind of record."""

from django.db import models


class RetentionState(models.Model):
    """The last purge of one retention kind (apps.core.retention) and the running total.

    Written by the purge only (one row per kind, updated in place); read by the integration page
    and /metrics, so what an operator sees is the shared state, not one process's memory.
    """

    kind = models.CharField(max_length=40, unique=True)  # a RetentionKind.code
    period_days = models.PositiveIntegerField(default=0)  # the period the last run applied (0: kept forever)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_removed = models.PositiveIntegerField(default=0)  # rows of the kind removed by the last run
    total_removed = models.PositiveBigIntegerField(default=0)  # since the first run
    waiting = models.PositiveIntegerField(default=0)  # past their period after the last run (cap, or kept)
    kept = models.PositiveIntegerField(default=0)  # of those, kept because a live record refers to them
    last_duration_ms = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"retention {self.kind}: {self.last_removed} removed last run"
