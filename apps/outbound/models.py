"""One row per outbound HTTP delivery (an event webhook, a chat notification): what to send, where, and how
every attempt went. The row is the durable state; Celery only carries its id."""

from urllib.parse import urlsplit

from django.db import models


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DEAD = "dead", "Dead letter"


class OutboundDelivery(models.Model):
    """One HTTP POST to one receiver, retried with backoff until it is sent or becomes a dead letter."""

    source = models.CharField(max_length=40, db_index=True)  # who asked: "webhook", "escalation.chat"
    source_ref = models.CharField(max_length=100, blank=True, db_index=True)  # e.g. the subscription's id
    message_id = models.CharField(max_length=64, blank=True)  # the webhook-id: the same on every retry
    event_type = models.CharField(max_length=60, blank=True)
    site_code = models.CharField(max_length=20, blank=True, db_index=True)
    url = models.CharField(max_length=2000)
    headers = models.JSONField(default=dict)  # extra request headers (the content type is always JSON)
    body = models.TextField()
    signer = models.CharField(max_length=40, blank=True)  # a name in apps.outbound.signing.SIGNERS; blank: unsigned
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField()
    timeout_s = models.FloatField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)  # HTTP status of the last answer
    last_error = models.CharField(max_length=500, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    replays = models.PositiveSmallIntegerField(default=0)  # times a person sent a dead letter again

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "outbound deliveries"
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbound_due")]

    def __str__(self) -> str:
        return f"{self.source} {self.event_type or ''} to {self.receiver}: {self.state}"

    @property
    def receiver(self) -> str:
        """The URL without its path: chat webhook URLs carry their secret in the path, logs and lists must not."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}/…" if parts.netloc else "…"
