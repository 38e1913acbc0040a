"""Sync bookkeeping: one row per Odoo model (cursor, lag, last run) and the inbound webhook events."""

from django.db import models


class SyncState(models.Model):
    """Where the incremental sync of one Odoo model stands."""

    odoo_model = models.CharField(max_length=100, unique=True)
    # Next run reads write_date >= cursor - overlap. Moves only after the rows before it are committed.
    cursor = models.DateTimeField(null=True)
    newest_write_date = models.DateTimeField(null=True)  # for lag: now - newest change seen
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
