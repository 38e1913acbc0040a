"""Exception cases: what went wrong, for which record, who owns it, and everything that happened since.

Local data (Odoo has no place for it). A case is opened by a detector, keyed by a dedupe key so
one condition on one record has at most one open case, and closed by a person (with a reason
code) or by the detector when the condition clears.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.sites.models import Site


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


# Sort order: the most severe first (stored on the case so the queue sorts in SQL).
SEVERITY_RANK: dict[str, int] = {Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    SNOOZED = "snoozed", _("Snoozed")
    RESOLVED = "resolved", _("Resolved")
    AUTO_RESOLVED = "auto_resolved", _("Cleared by itself")


ACTIVE_STATUSES = (Status.OPEN, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.SNOOZED)
CLOSED_STATUSES = (Status.RESOLVED, Status.AUTO_RESOLVED)


class ResolutionCode(models.TextChoices):
    FIXED_IN_ODOO = "fixed_in_odoo", _("Fixed in Odoo")
    FIXED_ON_FLOOR = "fixed_on_floor", _("Fixed on the floor")
    CUSTOMER_INFORMED = "customer_informed", _("Customer informed, accepted")
    NOT_AN_ISSUE = "not_an_issue", _("Not an issue (false alarm)")
    DUPLICATE = "duplicate", _("Duplicate of another case")
    WONT_FIX = "wont_fix", _("Accepted as is")


class Case(models.Model):
    """One exception on one record (or one sale order, with its pick, pack and ship steps attached)."""

    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(max_length=40, db_index=True)  # a detector's code, e.g. "late_receipt"
    dedupe_key = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    is_open = models.BooleanField(default=True)  # status in ACTIVE_STATUSES, kept for the unique index
    # True while the detector still sees the condition. A case resolved by hand while the condition
    # holds stays "present" so the detector does not reopen it at once; once it clears, it may return.
    condition_present = models.BooleanField(default=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    severity_rank = models.PositiveSmallIntegerField(default=2)
    priority_score = models.PositiveSmallIntegerField(default=0, db_index=True)
    priority_reasons = models.JSONField(default=list)
    owner_role = models.CharField(max_length=30, choices=Role.choices, default=Role.SUPERVISOR)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_cases"
    )
    # The primary Odoo record (a picking, a sale order, an orderpoint, a quant, an outbox entry…).
    odoo_model = models.CharField(max_length=100, blank=True)
    odoo_id = models.PositiveIntegerField(null=True, blank=True)
    record_name = models.CharField(max_length=200, blank=True)
    sale_order_odoo_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    subject_ids = models.JSONField(default=list)  # the detector's subjects, re-checked by the sweep
    steps = models.JSONField(
        encoder=DjangoJSONEncoder, default=list
    )  # attached records: [{"model", "id", "name", "state", "role"}]
    context = models.JSONField(encoder=DjangoJSONEncoder, default=dict)  # what the detector saw when it opened the case
    detail = models.JSONField(
        encoder=DjangoJSONEncoder, default=dict
    )  # the detector's latest numbers (minutes late, shortfall…)
    opened_at = models.DateTimeField(db_index=True)
    last_seen_at = models.DateTimeField()  # the detector last confirmed the condition
    updated_at = models.DateTimeField(auto_now=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    sla_due_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_code = models.CharField(max_length=30, choices=ResolutionCode.choices, blank=True)
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-severity_rank", "-priority_score", "opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], condition=Q(is_open=True), name="one_open_case_per_key"),
        ]
        indexes = [
            # The queue: open (or closed) cases walked in queue order, so a page stops after its rows.
            models.Index(fields=["is_open", "-severity_rank", "-priority_score", "opened_at", "id"], name="case_queue"),
            models.Index(fields=["site", "is_open"], name="case_site_open"),
            models.Index(fields=["dedupe_key", "condition_present"], name="case_dedupe"),
            models.Index(fields=["kind", "is_open"], name="case_kind_open"),
            models.Index(fields=["is_open", "sla_due_at"], name="case_sla"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def reference(self) -> str:
        return f"EX-{self.pk:06d}"


class CaseEvent(models.Model):
    """One line of a case's timeline: detected, acknowledged, commented, cleared…"""

    class Kind(models.TextChoices):
        DETECTED = "detected", _("Detected")
        CHANGED = "changed", _("Changed")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        STARTED = "started", _("Work started")
        ASSIGNED = "assigned", _("Assigned")
        COMMENTED = "commented", _("Comment")
        SNOOZED = "snoozed", _("Snoozed")
        WOKE = "woke", _("Snooze ended")
        ESCALATED = "escalated", _("Escalated")
        RESOLVED = "resolved", _("Resolved")
        AUTO_RESOLVED = "auto_resolved", _("Cleared by itself")
        ODOO_NOTE = "odoo_note", _("Note sent to Odoo")
        ODOO_ACTIVITY = "odoo_activity", _("Activity scheduled in Odoo")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    text = models.TextField(blank=True)
    data = models.JSONField(encoder=DjangoJSONEncoder, default=dict)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%H:%M} {self.get_kind_display()}"


def _default_route_cutoff() -> time:
    """16:00. A callable: Django's check for fixed date defaults warns about a plain time value
    whenever it runs within 10 s of that time of day (`check --deploy` at 16:00 failed)."""
    return time(16, 0)


def _default_carrier_cutoffs() -> dict:
    return {}


def _default_disabled() -> list:
    return []


def _default_markers() -> list:
    return ["DELAY", "EXCEPTION", "HOLD", "DAMAGED"]


class CaseSettings(models.Model):
    """Detector thresholds, cutoffs and SLAs of one site. Times of day are the site's local time."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="case_settings")
    disabled_detectors = models.JSONField(default=_default_disabled, blank=True, help_text="Detector codes to skip.")
    late_receipt_grace_min = models.PositiveIntegerField(
        default=30, help_text="A receipt counts as late this many minutes after its expected date."
    )
    picking_late_grace_min = models.PositiveIntegerField(
        default=15, help_text="A transfer counts as late this many minutes after its scheduled date."
    )
    route_cutoff = models.TimeField(
        default=_default_route_cutoff, help_text="Default carrier cutoff (site local time)."
    )
    carrier_cutoffs = models.JSONField(
        default=_default_carrier_cutoffs,
        blank=True,
        help_text='Per carrier name, its cutoff in local time, e.g. {"DHL Express": "15:30"}.',
    )
    cutoff_warning_min = models.PositiveIntegerField(
        default=120, help_text="Raise when an outbound transfer is not ready this many minutes before its cutoff."
    )
    aging_transfer_hours = models.PositiveIntegerField(
        default=48, help_text="Raise when a transfer has waited this many hours."
    )
    unassigned_start_min = models.PositiveIntegerField(
        default=30, help_text="Raise when a ready transfer has nobody responsible this close to its start."
    )
    variance_qty = models.FloatField(default=10, help_text="Inventory variance (units) that raises a case.")
    variance_pct = models.FloatField(default=25, help_text="Inventory variance (% of stock) that raises a case.")
    variance_value = models.FloatField(default=1000, help_text="Inventory variance (value) that raises a case.")
    pick_failure_count = models.PositiveIntegerField(
        default=2, help_text="Pick failures at one location within the window that raise a case."
    )
    pick_failure_window_hours = models.PositiveIntegerField(default=8)
    carrier_exception_markers = models.JSONField(
        default=_default_markers, blank=True, help_text="Tracking reference prefixes carriers use for exceptions."
    )
    sla_critical_min = models.PositiveIntegerField(default=30)
    sla_high_min = models.PositiveIntegerField(default=60)
    sla_medium_min = models.PositiveIntegerField(default=240)
    sla_low_min = models.PositiveIntegerField(default=1440)

    class Meta:
        verbose_name = "exception settings"
        verbose_name_plural = "exception settings"

    def __str__(self) -> str:
        return f"Exception settings · {self.site.code}"

    def sla_minutes(self, severity: str) -> int:
        minutes: dict[str, int] = {
            Severity.CRITICAL: self.sla_critical_min,
            Severity.HIGH: self.sla_high_min,
            Severity.MEDIUM: self.sla_medium_min,
        }
        return minutes.get(severity, self.sla_low_min)


class PickFailureReport(models.Model):
    """A picker could not pick (location empty, damaged, wrong item), reported by a scanner or n8n.

    Odoo records these as chatter notes and To-Do activities, which the mirror does not hold, so
    they come in through the API and feed the repeated-pick-failure detector.
    """

    picking_odoo_id = models.PositiveIntegerField(null=True, blank=True)
    location_odoo_id = models.PositiveIntegerField(db_index=True)
    product_odoo_id = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    reported_at = models.DateTimeField(db_index=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    external_id = models.CharField(max_length=100, unique=True, null=True, blank=True)  # the sender's dedupe key

    class Meta:
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["location_odoo_id", "reported_at"])]

    def __str__(self) -> str:
        return f"pick failure at location {self.location_odoo_id} ({self.reported_at:%Y-%m-%d %H:%M})"
