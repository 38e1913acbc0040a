"""Dock doors, their out-of-service periods and opening hours, per-site dock rules, and the
appointments a dock clerk checks trucks in and out against.

Odoo 17 has no dock appointment model, so these are local data (DESIGN.md rule 1); an appointment
names the mirrored Odoo pickings it serves by their Odoo ids. Times are stored in UTC; opening
hours are wall-clock times in the site's time zone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.sites.models import Site


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")
    BOTH = "both", _("Inbound and outbound")


class Capability(models.TextChoices):
    REEFER = "reefer", _("Reefer (refrigerated)")
    CONTAINER = "container", _("Container")
    SIDE_LOAD = "side_load", _("Side-load")


class DockDoor(models.Model):
    """A door at a site. Opening hours are local times; both empty means open around the clock,
    and a closing time before the opening time means the door is open overnight."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="dock_doors")
    name = models.CharField(max_length=40)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.BOTH)
    capabilities = models.JSONField(default=list, blank=True, help_text="Any of: reefer, container, side_load.")
    opens_at = models.TimeField(null=True, blank=True, help_text="Local time (the site's time zone).")
    closes_at = models.TimeField(null=True, blank=True, help_text="Local time; before opens_at = open overnight.")
    position = models.PositiveIntegerField(default=0, help_text="Order on the timeline.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="one_door_name_per_site")]

    def __str__(self) -> str:
        return f"{self.site.code}/{self.name}"


class DoorClosure(models.Model):
    """A period a door is out of service (repair, blocked): nothing may be planned on it then."""

    door = models.ForeignKey(DockDoor, on_delete=models.CASCADE, related_name="closures")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["door", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="closure_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.door} out of service {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M} UTC"


class DockRules(models.Model):
    """Per-site dock parameters. A site without a row uses the defaults below."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="dock_rules")
    late_after_min = models.PositiveIntegerField(
        default=15, help_text="An arrival this long after the planned start is late."
    )
    no_show_after_min = models.PositiveIntegerField(
        default=60, help_text="No arrival this long after the planned start is a no-show."
    )
    overrun_after_min = models.PositiveIntegerField(
        default=15, help_text="A truck still on the door this long after its planned end overruns it."
    )
    base_minutes = models.PositiveIntegerField(default=20, help_text="Door time of any load: docking, paperwork.")
    minutes_per_line = models.DecimalField(
        max_digits=5, decimal_places=2, default=2, help_text="Added per picking line."
    )
    slot_step_min = models.PositiveIntegerField(default=15, help_text="'Find a slot' proposes starts on this grid.")
    minutes_per_unit = models.DecimalField(
        max_digits=5, decimal_places=2, default=0, help_text="Added per unit of quantity in the pickings."
    )
    # Planning proposals (apps/docks/proposals.py): which receipts and deliveries need a door slot.
    planning_horizon_hours = models.PositiveIntegerField(
        default=48, help_text="Receipts and deliveries scheduled this far ahead get proposed appointments."
    )
    planned_operation_types = models.JSONField(
        default=list,
        blank=True,
        help_text="Odoo operation type ids that need a dock appointment; empty: every receipt and delivery type.",
    )
    unplanned_carriers = models.JSONField(
        default=list, blank=True, help_text="Carriers whose pickups need no door slot (parcel services), by name."
    )
    # Reschedules that change Odoo's scheduled date may need an approval first.
    reschedule_needs_approval = models.BooleanField(
        default=False, help_text="A move that changes the pickings' date in Odoo waits for an approval."
    )
    approval_after_min = models.PositiveIntegerField(
        default=0, help_text="Only moves shifting the start by more than this many minutes ask (0: any shift)."
    )
    approval_across_days = models.BooleanField(
        default=False, help_text="A move to another local day always asks, however short the shift."
    )

    class Meta:
        verbose_name_plural = "dock rules"

    def __str__(self) -> str:
        return f"Dock rules of {self.site.code}"


class AppointmentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ARRIVED = "arrived", _("Arrived")
    AT_DOOR = "at_door", _("At door")
    WORKING = "working", _("Loading/unloading")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


# Appointments that no longer hold their door: they never conflict and cannot change.
CLOSED_STATUSES = frozenset({AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED})


class Appointment(models.Model):
    """A truck's slot at a door, for one or several mirrored Odoo pickings, planned and actual."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="dock_appointments")
    door = models.ForeignKey(DockDoor, on_delete=models.PROTECT, related_name="appointments")
    direction = models.CharField(
        max_length=10, choices=[c for c in Direction.choices if c[0] != Direction.BOTH], default=Direction.INBOUND
    )
    carrier = models.CharField(max_length=100, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="Trailer plate or the carrier's reference.")
    picking_odoo_ids = models.JSONField(default=list, blank=True, help_text="Odoo stock.picking ids served.")
    needs = models.JSONField(default=list, blank=True, help_text="Door capabilities the load needs.")
    load_lines = models.PositiveIntegerField(default=0, help_text="Picking lines, for the door time the load needs.")
    planned_start = models.DateTimeField()
    planned_end = models.DateTimeField()
    pinned = models.BooleanField(default=False, help_text="Moved by a person: Odoo date changes no longer move it.")
    status = models.CharField(max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.PLANNED)
    arrived_at = models.DateTimeField(null=True, blank=True)
    on_door_at = models.DateTimeField(null=True, blank=True)
    work_started_at = models.DateTimeField(null=True, blank=True)
    off_door_at = models.DateTimeField(null=True, blank=True)
    departed_at = models.DateTimeField(null=True, blank=True)
    # A move waiting for an approval (the site's rules ask for one): where it would go, and the
    # request (apps.approvals, read by id). The appointment stays where it is until approved.
    pending_door = models.ForeignKey(DockDoor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pending_start = models.DateTimeField(null=True, blank=True)
    pending_end = models.DateTimeField(null=True, blank=True)
    pending_approval_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["planned_start", "id"]
        indexes = [models.Index(fields=["site", "planned_start"]), models.Index(fields=["door", "planned_start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gt=models.F("planned_start")), name="appointment_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site.code} {self.door.name} {self.carrier or '—'} {self.planned_start:%Y-%m-%d %H:%M} UTC"

    @property
    def label(self) -> str:
        return " · ".join(part for part in (self.carrier, self.reference) if part) or f"Appointment {self.pk}"


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")


class AppointmentProposal(models.Model):
    """An appointment the planner proposes for mirrored pickings that have none: one truck for the
    pickings sharing a direction, carrier, route and cutoff. A supervisor accepts it (it becomes a
    planned appointment) or dismisses it (its pickings are not proposed again). Open proposals
    whose pickings got an appointment, or were done or cancelled, are dropped (deleted)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="dock_proposals")
    door = models.ForeignKey(DockDoor, on_delete=models.CASCADE, related_name="proposals")
    direction = models.CharField(max_length=10, choices=[c for c in Direction.choices if c[0] != Direction.BOTH])
    carrier = models.CharField(max_length=100, blank=True)
    route = models.CharField(max_length=100, blank=True, help_text="The operation type the pickings go through.")
    cutoff = models.DateTimeField(null=True, blank=True)
    group_key = models.CharField(max_length=300, help_text="Direction, carrier, route and cutoff: one truck.")
    picking_odoo_ids = models.JSONField(default=list)
    load_lines = models.PositiveIntegerField(default=0)
    load_quantity = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    planned_start = models.DateTimeField()
    planned_end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN)
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["planned_start", "id"]
        indexes = [models.Index(fields=["site", "status", "planned_start"])]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "group_key"], condition=Q(status="open"), name="dock_one_open_proposal_per_group"
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gt=models.F("planned_start")), name="proposal_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"Proposal {self.site.code} {self.door.name} {self.carrier or '—'} {self.planned_start:%Y-%m-%d %H:%M} UTC"
        )

    @property
    def label(self) -> str:
        return " · ".join(part for part in (self.carrier, self.route) if part) or f"Proposal {self.pk}"
