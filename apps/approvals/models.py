"""Approval policies (versioned data), the requests they route, their steps, decisions and timeline.

A request copies the steps of the policy version that routed it at the moment it is raised, so a
later edit of the policy never changes a request already in flight.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.sites.models import Site


class RequestType(models.TextChoices):
    ORDER_RELEASE = "order_release", _("Standard order release")
    SHIPMENT_RELEASE = "shipment_release", _("Shipment with credit hold")
    INVENTORY_ADJUSTMENT = "inventory_adjustment", _("Large inventory adjustment")
    CARRIER_UPGRADE = "carrier_upgrade", _("Expedited carrier upgrade")
    EMERGENCY_PURCHASE = "emergency_purchase", _("Emergency replenishment purchase")
    # Asked by the dock schedule through apps/core/approval_kinds.py (its own code is this value).
    DOCK_RESCHEDULE = "dock_reschedule", _("Dock appointment reschedule")


class ControlModel(models.TextChoices):
    STRAIGHT_THROUGH = "straight_through", _("Straight-through")
    SINGLE_STEP = "single_step", _("Single-step approval")
    SUPERVISOR = "supervisor", _("Supervisor approval")
    COST_ESCALATION = "cost_escalation", _("Cost approval with escalation")
    MULTI_ROLE = "multi_role", _("Multi-role approval")


class ApprovalPolicy(models.Model):
    """One version of the policy for a request type at a site (site empty: the default for every site).

    `definition` holds the routes: each with a condition, a control model, a low-risk flag and the
    chain of steps. Versions are never edited once written; a revision adds the next version.
    """

    request_type = models.CharField(max_length=40, choices=RequestType.choices)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    is_current = models.BooleanField(default=True)
    name = models.CharField(max_length=200)
    definition = models.JSONField()
    note = models.CharField(max_length=500, blank=True)  # why this version exists
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request_type", "site__code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["request_type", "site", "version"], name="approval_policy_version"),
            models.UniqueConstraint(
                fields=["request_type", "site"], condition=Q(is_current=True), name="approval_policy_one_current"
            ),
        ]
        verbose_name_plural = "approval policies"

    def __str__(self) -> str:
        return f"{self.name} v{self.version} ({self.site.code if self.site else 'all sites'})"

    @property
    def label(self) -> str:
        """How the audit log and the screens name this exact version."""
        return f"{self.request_type}@{self.site.code if self.site else '*'}:v{self.version}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    INFO_REQUESTED = "info_requested", _("More information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    STRAIGHT_THROUGH = "straight_through", _("Released straight-through")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (RequestStatus.PENDING, RequestStatus.INFO_REQUESTED)


class ApprovalRequest(models.Model):
    """A decision to take about one Odoo record, routed by a policy version."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    request_type = models.CharField(max_length=40, choices=RequestType.choices)
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    title = models.CharField(max_length=300)
    # one open request per condition and record: the rule that raises it may fire again
    dedupe_key = models.CharField(max_length=200, db_index=True)
    odoo_model = models.CharField(max_length=100)
    odoo_id = models.PositiveIntegerField(null=True)
    policy = models.ForeignKey(ApprovalPolicy, on_delete=models.PROTECT, related_name="requests")
    route_name = models.CharField(max_length=200)
    control_model = models.CharField(max_length=30, choices=ControlModel.choices)
    condition_text = models.CharField(max_length=500)  # the condition that routed it, with the values
    is_low_risk = models.BooleanField(default=False)
    facts = models.JSONField(default=dict)  # what the policy was evaluated on
    context = models.JSONField(default=dict)  # order, customer, credit, stock as seen when raised
    effect = models.JSONField(default=dict)  # the outbox entry the approval will create
    raised_by_rule = models.CharField(max_length=100, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    # The active step, denormalised so the inbox is one indexed query.
    active_step = models.ForeignKey("ApprovalStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    active_role = models.CharField(max_length=40, blank=True)
    escalated_role = models.CharField(max_length=40, blank=True)
    due_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True)
    decided_at = models.DateTimeField(null=True)
    outbox_entry_id = models.BigIntegerField(null=True)  # apps.writeback OutboxEntry, read by id

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "site", "active_role", "due_at"], name="approval_inbox"),
            models.Index(fields=["status", "site", "escalated_role", "due_at"], name="approval_inbox_escalated"),
            models.Index(fields=["site", "-created_at"], name="approval_history"),
            models.Index(fields=["odoo_model", "odoo_id"], name="approval_subject"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(status__in=["pending", "info_requested"]),
                name="approval_one_open_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def subject(self) -> str:
        return f"approval:{self.pk}"


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for an earlier step")
    ACTIVE = "active", _("Active")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SKIPPED = "skipped", _("Not reached")


class ApprovalStep(models.Model):
    """One step of a request's chain, copied from the policy version when the request was raised."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=40, blank=True)  # any holder of the role at the site may act
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")  # or these people
    approvals_needed = models.PositiveSmallIntegerField(default=1)
    reason_required = models.BooleanField(default=False)
    sla_minutes = models.PositiveIntegerField()
    reminder_minutes = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=StepStatus.choices, default=StepStatus.WAITING)
    activated_at = models.DateTimeField(null=True)
    remind_at = models.DateTimeField(null=True, db_index=True)
    due_at = models.DateTimeField(null=True, db_index=True)
    reminded_at = models.DateTimeField(null=True)
    escalated_at = models.DateTimeField(null=True)
    acknowledged_at = models.DateTimeField(null=True)
    completed_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["request", "position"]
        constraints = [models.UniqueConstraint(fields=["request", "position"], name="approval_step_position")]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.position} {self.name}"


class DecisionKind(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    REQUEST_INFO = "request_info", _("Asked for more information")
    PROVIDE_INFO = "provide_info", _("Provided information")
    DELEGATE = "delegate", _("Delegated")


class ApprovalDecision(models.Model):
    """What one person did on a request, with what their screen showed them."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="decisions")
    step = models.ForeignKey(ApprovalStep, null=True, on_delete=models.CASCADE, related_name="decisions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    reason = models.TextField(blank=True)
    shown = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["user", "request"], name="approval_decision_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} #{self.request_id}"


class ApprovalEvent(models.Model):
    """One line of a request's timeline."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    message = models.CharField(max_length=500)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"#{self.request_id} {self.kind}: {self.message}"


class Delegation(models.Model):
    """For a period, `delegate` may act where `delegator` could (on one request, or on all of them)."""

    delegator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(ApprovalRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=500, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["delegate", "ends_at"], name="approval_delegation_active")]

    def __str__(self) -> str:
        return f"{self.delegator_id} → {self.delegate_id} until {self.ends_at:%Y-%m-%d %H:%M}"
