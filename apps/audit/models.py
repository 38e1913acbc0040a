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


class AuditArchive(models.Model):
    """The anchor left by one `audit_archive` run: the chain's link across the entries it exported and removed.

    The oldest remaining entry's ``previous_hash`` is the last archive's ``end_hash``, so `audit_verify`
    starts from here instead of the genesis; an archive file is checked against ``start_hash``,
    ``end_hash`` and ``entry_count``. Archives chain too: each one's ``start_hash`` is the previous
    one's ``end_hash`` (the first one's is the genesis).
    """

    created_at = models.DateTimeField()
    before = models.DateTimeField()  # entries written before this moment were archived (a prefix of the chain)
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField(unique=True)
    entry_count = models.PositiveIntegerField()
    start_hash = models.CharField(max_length=64)  # previous_hash of the first archived entry
    end_hash = models.CharField(max_length=64, unique=True)  # entry_hash of the last archived entry
    file_name = models.CharField(max_length=500)  # as given to --out: where the operator put it
    file_sha256 = models.CharField(max_length=64)  # the file's bytes as written
    completed_at = models.DateTimeField(null=True, blank=True)  # None: removal interrupted; run it again

    class Meta:
        ordering = ["last_id"]

    def __str__(self) -> str:
        return f"audit archive of entries {self.first_id}–{self.last_id} ({self.entry_count})"
