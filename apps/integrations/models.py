"""Webhook subscriptions: which events of which site go to which URL, and the secrets that sign them.
The deliveries themselves are outbound deliveries (apps/outbound) with source "webhook" and the
subscription's id as reference."""

from django.conf import settings
from django.db import models

from apps.sites.models import Site


class EventType(models.TextChoices):
    CASE_OPENED = "case.opened", "Exception case opened"
    CASE_ESCALATED = "case.escalated", "Exception case escalated"
    CASE_RESOLVED = "case.resolved", "Exception case resolved"
    APPROVAL_REQUESTED = "approval.requested", "Approval requested"
    APPROVAL_DECIDED = "approval.decided", "Approval decided"
    WRITEBACK_FAILED = "writeback.failed", "Write-back to Odoo failed"
    SYNC_STALLED = "sync.stalled", "Sync from Odoo stalled"
    DOCK_CHANGED = "dock.changed", "Dock appointment changed"


class WebhookSubscription(models.Model):
    """One receiver URL for some event types of one site (no site: every site)."""

    name = models.CharField(max_length=100)
    url = models.CharField(max_length=2000)
    event_types = models.JSONField(default=list)  # EventType values
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.CASCADE, related_name="webhooks")
    secret = models.CharField(max_length=100)  # whsec_…: signs every delivery
    # After a rotation the previous secret signs too, until this time, so receivers can switch without a gap.
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} → {self.url}"
