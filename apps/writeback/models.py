"""The outbox: one row per write to Odoo, created in the decision's transaction, and its attempts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class OutboxEntry(models.Model):
    """One write to Odoo: what, on which record, under which preconditions, why, and how it went."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped (already in Odoo)"
        NEEDS_ATTENTION = "needs_attention", "Needs attention"
        DEAD = "dead", "Dead (gave up after retries)"
        CANCELLED = "cancelled", "Cancelled"

    operation = models.CharField(max_length=50, db_index=True)  # a name in apps.writeback.operations
    odoo_model = models.CharField(max_length=100)
    odoo_id = models.IntegerField(null=True, blank=True)
    arguments = models.JSONField(default=dict, blank=True)
    preconditions = models.JSONField(default=dict, blank=True)  # {"state_in": [...], "write_date": "..."}
    idempotency_key = models.CharField(max_length=200, unique=True)
    cause_type = models.CharField(max_length=50)  # "approval", "case_action", "dock_change", ...
    cause_id = models.CharField(max_length=100)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    site_code = models.CharField(max_length=20, blank=True, db_index=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)  # since creation or the last manual retry
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    # Set before the first write call: from then on Odoo's write_date may be our own doing.
    write_started_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)  # when a task was last sent for it
    result = models.JSONField(default=dict, blank=True)  # what Odoo answered, what was found

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "outbox entry"
        verbose_name_plural = "outbox entries"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="writeback_due_idx"),
            models.Index(fields=["cause_type", "cause_id"], name="writeback_cause_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.operation} {self.target} ({self.status})"

    @property
    def target(self) -> str:
        """``stock.picking:17``: the Odoo record the entry writes to."""
        return f"{self.odoo_model}:{self.odoo_id}" if self.odoo_id else self.odoo_model

    @property
    def record_id(self) -> int:
        """The Odoo id of the record the entry writes to (every operation but a creation has one)."""
        if self.odoo_id is None:
            raise ValueError(f"Outbox entry {self.pk} ({self.operation}) names no Odoo record.")
        return self.odoo_id

    @property
    def subject(self) -> str:
        """The audit log's subject for this entry."""
        return f"outbox:{self.pk}"


class OutboxAttempt(models.Model):
    """One execution of an entry: what was read, every call sent to Odoo and its answer, the outcome."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Already in Odoo"
        NEEDS_ATTENTION = "needs_attention", "Needs attention"
        RETRY = "retry", "Failed, will retry"
        DEAD = "dead", "Failed, gave up"
        LOST = "lost", "Worker stopped before recording a result"
        SUPERSEDED = "superseded", "Claim taken over by another worker"

    entry = models.ForeignKey(OutboxEntry, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.RUNNING)
    calls = models.JSONField(
        default=list, blank=True
    )  # [{"model", "method", "ids", "args", "kwargs", "result"|"error", "ms"}]
    message = models.TextField(blank=True)
    error_type = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["entry", "number"]
        constraints = [models.UniqueConstraint(fields=["entry", "number"], name="writeback_attempt_number_unique")]

    def __str__(self) -> str:
        return f"attempt {self.number} of outbox:{self.entry_id} ({self.outcome})"


class OutboxEffect(models.Model):
    """An Odoo record an outbox entry produced or wrote, as Odoo showed it right after: the link that
    lets every rule on the mirror side tell "our own effect" from a new event in Odoo (an approved
    count applied by the outbox makes an inventory move; that move is not a new count)."""

    # Cleared when the retention purge removes a finished entry: the effect stays, so a write of ours
    # that Odoo still shows is never taken for a new event (an old count raising a variance case).
    entry = models.ForeignKey(OutboxEntry, null=True, on_delete=models.SET_NULL, related_name="effects")
    odoo_model = models.CharField(max_length=100)
    odoo_id = models.IntegerField()
    # Odoo's write_date of the record right after our write: a later write there is someone else's.
    write_date = models.DateTimeField(null=True, blank=True)
    created = models.BooleanField(default=False)  # made by our calls (a move), not only written to
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["odoo_model", "odoo_id"], name="writeback_effect_record_idx")]
        constraints = [
            models.UniqueConstraint(fields=["entry", "odoo_model", "odoo_id"], name="writeback_effect_unique")
        ]

    def __str__(self) -> str:
        return f"{self.odoo_model}:{self.odoo_id} by outbox:{self.entry_id}"


class OutboxSwitch(models.Model):
    """The outbox's pause switch: one row (pk 1), absent until first used (absent = running).

    While paused no worker claims an entry (sweeps, recovery and dispatched tasks find nothing to
    run), so nothing reaches Odoo; decisions still queue their entries. Set after a restore of Control
    Tower's database (``manage.py after_restore``) until a person has looked at what Odoo shows.
    Stored in the database, not in a setting or Redis, so every web and worker process sees it and it
    outlives restarts.
    """

    SINGLETON = 1

    paused = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.CharField(max_length=150, blank=True)  # a username or "operator <os user>"

    class Meta:
        verbose_name = "outbox switch"

    def __str__(self) -> str:
        return "outbox paused" if self.paused else "outbox running"
