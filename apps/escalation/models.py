"""Escalation: who to call (contacts, on-call calendar), when (policies with levels), and what was sent (timers,
deliveries). Times are stored in UTC; the calendar is read in the site's time zone through its shifts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from apps.accounts.roles import Role
from apps.approvals.models import ApprovalStep, RequestType
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


class Rotation(models.Model):
    """People taking turns on call for a role, a week or a day each, counted from a local start date.

    A rotation covers every shift the weekly calendar leaves empty; a holiday rota (`for_holidays`) covers the site's
    holidays instead, when the weekly calendar and the ordinary rotations stand down.
    """

    class Period(models.TextChoices):
        WEEK = "week", "A week each"
        DAY = "day", "A day each"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="on_call_rotations")
    role = models.CharField(max_length=30, choices=ON_CALL_ROLES)
    name = models.CharField(max_length=100)
    period = models.CharField(max_length=10, choices=Period.choices, default=Period.WEEK)
    starts_on = models.DateField(help_text="The local date the first person's turn begins (at that day's first shift).")
    for_holidays = models.BooleanField(default=False, help_text="A holiday rota: applies only on the site's holidays.")

    class Meta:
        ordering = ["site", "role", "for_holidays", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "role", "for_holidays"], name="one_rotation_per_role_and_kind")
        ]

    def __str__(self) -> str:
        return f"{self.site.code} {self.role} {self.name}"


class RotationMember(models.Model):
    """One person's place in a rotation's order."""

    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="turns")
    position = models.PositiveSmallIntegerField()
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="rotation_turns")

    class Meta:
        ordering = ["rotation", "position"]
        constraints = [models.UniqueConstraint(fields=["rotation", "position"], name="one_member_per_turn")]

    def __str__(self) -> str:
        return f"{self.rotation} #{self.position}: {self.contact.name}"


class Holiday(models.Model):
    """A site's holiday (a local date): only the holiday rota is on call, or nobody."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="on_call_holidays")
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["site", "date"]
        constraints = [models.UniqueConstraint(fields=["site", "date"], name="one_holiday_per_site_date")]

    def __str__(self) -> str:
        return f"{self.site.code} {self.date:%Y-%m-%d} {self.name}"


class AppliesTo(models.TextChoices):
    CASE = "case", "Exception cases"
    APPROVAL = "approval", "Approval steps"


class EscalationPolicy(models.Model):
    """The levels that follow an exception case nobody owns, or an approval step past its SLA, at one site.

    For cases, the most specific active policy applies: kind and severity, then kind, then severity, then the site's
    default; levels count from the case's opening. For approval steps: request type and step name, then request type,
    then step name, then any; levels count from the step's due time (its SLA). Repeat rules send the last level again
    until someone acknowledges; quiet hours hold low-severity cases' notifications until they end.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="escalation_policies")
    applies_to = models.CharField(max_length=10, choices=AppliesTo.choices, default=AppliesTo.CASE)
    case_kind = models.CharField(max_length=40, blank=True, help_text="A detector code; blank for every kind.")
    severity = models.CharField(max_length=10, choices=Severity.choices, blank=True, help_text="Blank for every one.")
    request_type = models.CharField(
        max_length=40, choices=RequestType.choices, blank=True, help_text="Approval policies: blank for every type."
    )
    step_name = models.CharField(max_length=200, blank=True, help_text="Approval policies: blank for every step.")
    repeat_every_min = models.PositiveIntegerField(
        default=0, help_text="Send the last level again every this many minutes until acknowledged (0: never)."
    )
    repeat_limit = models.PositiveSmallIntegerField(default=0, help_text="How many times the last level repeats.")
    quiet_start = models.TimeField(null=True, blank=True, help_text="Quiet hours (site's local time) start.")
    quiet_end = models.TimeField(null=True, blank=True, help_text="Quiet hours end; low-severity cases wait for it.")
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "escalation policies"
        ordering = ["site", "applies_to", "case_kind", "severity", "request_type", "step_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "applies_to", "case_kind", "severity", "request_type", "step_name"],
                name="one_policy_per_scope",
            ),
        ]

    def __str__(self) -> str:
        if self.applies_to == AppliesTo.APPROVAL:
            return f"{self.site.code} approvals {self.request_type or 'any type'} / {self.step_name or 'any step'}"
        return f"{self.site.code} {self.case_kind or 'any kind'} / {self.severity or 'any severity'}"

    @property
    def has_quiet_hours(self) -> bool:
        return self.quiet_start is not None and self.quiet_end is not None and self.quiet_start != self.quiet_end


class EscalationLevel(models.Model):
    """One level: `delay_min` minutes after an unowned case opened (or an approval step fell due), notify the on-call
    of a role or a person."""

    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField()
    delay_min = models.PositiveIntegerField(help_text="Minutes after the case opened or the approval step fell due.")
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
    """The next level due for one case or one approval step. Stored in the database and swept, so it survives
    worker and beat restarts. Numbers past the policy's last level are repeats of it.

    A level is claimed (pending → sending) by a conditional update before anything is sent; a claim left in
    `sending` by a crashed worker is taken back after ESCALATION_CLAIM_STALE_S and marked possibly sent twice.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Sending"
        DONE = "done", "All levels sent"
        STOPPED = "stopped", "Stopped"

    case = models.OneToOneField(Case, null=True, on_delete=models.CASCADE, related_name="escalation_timer")
    approval_step = models.OneToOneField(
        ApprovalStep, null=True, on_delete=models.CASCADE, related_name="escalation_timer"
    )
    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="timers")
    next_level = models.PositiveSmallIntegerField(default=1)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    stopped_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False, approval_step__isnull=True)
                | models.Q(case__isnull=True, approval_step__isnull=False),
                name="timer_for_a_case_or_a_step",
            )
        ]

    def __str__(self) -> str:
        subject = f"case {self.case_id}" if self.case_id else f"approval step {self.approval_step_id}"
        return f"{subject} level {self.next_level} {self.state}"


class Delivery(models.Model):
    """One notification to one contact on one channel, and how it went."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        CHAT = "chat", "Chat webhook"

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    approval_step = models.ForeignKey(
        ApprovalStep, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
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
