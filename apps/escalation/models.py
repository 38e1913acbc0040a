"""Escalation: who to call (contacts, on-call calendar), when (policies with levels), and what was sent (timers,
deliveries). Times are stored in UTC; the calendar is read in the site's time zone through its shifts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from apps.accounts.roles import Role
from apps.cases.models import Case, Severity
from apps.sites.models import Site

# Roles a person on call can hold: every role but the wall display's (a TV is never notified).
ON_CALL_ROLES = [(value, label) for value, label in Role.choices if value != Role.DISPLAY]


class Contact(models.Model):
    """A person who can be notified: a user of the product or someone without an account."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="escalation_contacts")
    role = models.CharField(max_length=30, choices=ON_CALL_ROLES, default=Role.SUPERVISOR)
    name = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    email = models.EmailField(blank=True)
    chat_webhook_url = models.URLField(blank=True, help_text="Slack, Teams or Mattermost incoming webhook URL.")
    phone = models.CharField(max_length=40, blank=True, help_text="Shown for calling; never dialled by the system.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site", "role", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.site.code}, {self.get_role_display()})"

    @property
    def is_reachable(self) -> bool:
        return bool(self.is_active and (self.email or self.chat_webhook_url))


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class OnCallSlot(models.Model):
    """The weekly on-call calendar: who covers a role for one shift on one weekday (the local date the shift starts)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="on_call_slots")
    role = models.CharField(max_length=30, choices=ON_CALL_ROLES)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    shift_name = models.CharField(max_length=50)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="on_call_slots")

    class Meta:
        ordering = ["site", "role", "weekday", "shift_name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "role", "weekday", "shift_name"], name="one_on_call_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.site.code} {self.role} {self.get_weekday_display()} {self.shift_name}: {self.contact.name}"


class OnCallOverride(models.Model):
    """ "I cover Tuesday night": a contact on call for a role over a stretch of time, ahead of the weekly calendar."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="on_call_overrides")
    role = models.CharField(max_length=30, choices=ON_CALL_ROLES)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="on_call_overrides")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="override_ends_after")
        ]

    def __str__(self) -> str:
        return f"{self.contact.name} covers {self.role} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class EscalationPolicy(models.Model):
    """The levels that follow an exception case nobody owns, per site and optionally per case kind and severity.

    The most specific active policy applies: kind and severity, then kind, then severity, then the site's default.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="escalation_policies")
    case_kind = models.CharField(max_length=40, blank=True, help_text="A detector code; blank for every kind.")
    severity = models.CharField(max_length=10, choices=Severity.choices, blank=True, help_text="Blank for every one.")
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "escalation policies"
        ordering = ["site", "case_kind", "severity"]
        constraints = [
            models.UniqueConstraint(fields=["site", "case_kind", "severity"], name="one_policy_per_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.site.code} {self.case_kind or 'any kind'} / {self.severity or 'any severity'}"


class EscalationLevel(models.Model):
    """One level: `delay_min` minutes after an unowned case opened, notify the on-call of a role or a person."""

    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField()
    delay_min = models.PositiveIntegerField(help_text="Minutes after the case opened.")
    target_role = models.CharField(max_length=30, choices=ON_CALL_ROLES, blank=True)
    target_contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["policy", "number"]
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="one_level_number_per_policy")]

    def __str__(self) -> str:
        return f"level {self.number} after {self.delay_min} min"

    def clean(self) -> None:
        if bool(self.target_role) == bool(self.target_contact_id):
            raise ValidationError("Choose either the on-call of a role or one person as the target of this level.")


class EscalationTimer(models.Model):
    """The next level due for one case. Stored in the database and swept, so it survives worker and beat restarts.

    A level is claimed (pending → sending) by a conditional update before anything is sent; a claim left in
    `sending` by a crashed worker is taken back after ESCALATION_CLAIM_STALE_S and marked possibly sent twice.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Sending"
        DONE = "done", "All levels sent"
        STOPPED = "stopped", "Stopped"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="escalation_timer")
    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="timers")
    next_level = models.PositiveSmallIntegerField(default=1)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    stopped_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"case {self.case_id} level {self.next_level} {self.state}"


class Delivery(models.Model):
    """One notification to one contact on one channel, and how it went."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        CHAT = "chat", "Chat webhook"

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    level = models.PositiveSmallIntegerField(null=True, blank=True)  # None for a test notification
    contact = models.ForeignKey(Contact, null=True, on_delete=models.SET_NULL, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    address = models.CharField(max_length=500)
    ok = models.BooleanField()
    attempts = models.PositiveSmallIntegerField(default=1)
    error = models.CharField(max_length=500, blank=True)
    possibly_repeated = models.BooleanField(default=False)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.channel} to {self.address}: {'sent' if self.ok else 'failed'}"
