"""The audit log: append-only, each entry chained to the previous one by a SHA-256 hash."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One decision or effect: who, what, when, under which policy, with what the screen showed."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=150)  # kept even if the user is renamed: "system", "sam"
    action = models.CharField(max_length=100, db_index=True)  # e.g. "approval.approved", "outbox.done"
    subject = models.CharField(max_length=200, db_index=True)  # e.g. "approval:42", "stock.picking:17"
    site_code = models.CharField(max_length=20, blank=True, db_index=True)
    policy_version = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict)  # inputs, what the screen showed, results
    previous_hash = models.CharField(max_length=64, unique=True)  # one successor per entry: no forks
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.subject}"
