"""Sync bookkeeping: one row per Odoo model (cursor, lag, last run) and the inbound webhook events."""

from django.db import models


class SyncState(models.Model):
    """Where the incremental sync of one Odoo model stands."""

    odoo_model = models.CharField(max_length=100, unique=True)
    # Next run reads write_date >= cursor - overlap. Moves only after the rows before it are committed.
    cursor = models.DateTimeField(null=True)
    newest_write_date = models.DateTimeField(null=True)  # for lag: now - newest change seen
    # Rows written before this were read after the clock had passed them by the overlap: settled, so
    # the overlap never reaches back before it (a bulk write is not re-read by every later pass).
    settled_until = models.DateTimeField(null=True)
    last_started_at = models.DateTimeField(null=True)
    last_finished_at = models.DateTimeField(null=True)
    last_success_at = models.DateTimeField(null=True)
    last_rows = models.PositiveIntegerField(default=0)
    last_changed = models.PositiveIntegerField(default=0)
    last_duration_ms = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # Rows the last run could not read (a value of the wrong shape) and left out, with the first reason.
    last_rejected = models.PositiveIntegerField(default=0)
    last_rejected_detail = models.TextField(blank=True)
    last_reconciled_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["odoo_model"]

    def __str__(self) -> str:
        return self.odoo_model


class SyncRun(models.Model):
    """One first or full sync of the mirror (not the periodic passes): per-model progress, updated per
    page, and what it did downstream. Shown by `sync_odoo`, the integration page and the connection
    wizard; read it through `apps.mirror.selectors.sync_run_latest`."""

    class Kind(models.TextChoices):
        FIRST = "first", "First sync"
        FULL = "full", "Full sync"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # {odoo_model: {"rows_done", "rows_total", "started_at", "finished_at", "seconds_left", "error"}}
    progress = models.JSONField(default=dict, blank=True)
    # Decisions the rules did not raise because the event was in the past (an old applied count).
    decisions_skipped = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"


class InboundEvent(models.Model):
    """An Odoo webhook as received. Kept whatever happens to it, so nothing is lost or unexplained."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received, refresh queued"
        PROCESSED = "processed", "Record refreshed"
        DUPLICATE = "duplicate", "Duplicate of an earlier event"
        REJECTED = "rejected", "Rejected (malformed)"
        DEAD = "dead", "Failed after retries"

    dedupe_key = models.CharField(max_length=64, unique=True)
    odoo_model = models.CharField(max_length=100, blank=True)
    odoo_id = models.PositiveIntegerField(null=True)
    action = models.CharField(max_length=200, blank=True)
    payload = models.JSONField(null=True)
    raw_body = models.TextField(blank=True)  # for rejected bodies, as received (truncated)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["odoo_model", "odoo_id"])]

    def __str__(self) -> str:
        return f"{self.odoo_model}#{self.odoo_id} ({self.status})"
