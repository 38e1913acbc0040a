"""Decision support in advisory mode: per-site advisor settings, the run log and the recommendations people decide.

Every advisor invocation is an `AdvisorRun` (inputs or their hash, prompt, output, confidence, version,
latency, provider, what was done with it). A run that proposes something to people carries one
`Recommendation`: its reasons, confidence and the action accepting it would take. Run logs are purged after
RETENTION_ADVISOR_RUNS_DAYS; recommendations (the decision record, and the acceptance rate) outlive them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.sites.models import Site


class AdvisorName(models.TextChoices):
    PRIORITY = "priority", _("Priority")
    DELAY_RISK = "delay_risk", _("Delay risk")
    ANOMALIES = "anomalies", _("Anomalies")
    SHIFT_SUMMARY = "shift_summary", _("Shift summary")
    MESSAGE_TRIAGE = "message_triage", _("Message triage")


class Mode(models.TextChoices):
    ADVISORY = "advisory", _("Advisory: people accept or reject")
    AUTO_APPLY = "auto_apply", _("Auto-apply above the confidence threshold, where policy allows")


class Outcome(models.TextChoices):
    """What was done with a run (and its recommendation)."""

    RECOMMENDED = "recommended", _("Recommended")
    AUTO_APPLIED = "auto_applied", _("Applied automatically")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    FAILED = "failed", _("Failed")
    LOGGED = "logged", _("Logged (nothing to decide)")


OPEN_OUTCOMES = (Outcome.RECOMMENDED,)
DECIDED_OUTCOMES = (Outcome.ACCEPTED, Outcome.REJECTED, Outcome.AUTO_APPLIED)


class AdvisorSetting(models.Model):
    """How one advisor works at one site. No row: the defaults (enabled, advisory, no external provider)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="advisor_settings")
    advisor = models.CharField(max_length=30, choices=AdvisorName.choices)
    enabled = models.BooleanField(default=True)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.ADVISORY)
    auto_apply_min_confidence = models.FloatField(
        default=0.9,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("Auto-apply only at or above this confidence (0 to 1), and only what policy lets through."),
    )
    external_provider_enabled = models.BooleanField(
        default=False, help_text=_("Let this advisor use the external language model (summaries and triage only).")
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["site__code", "advisor"]
        constraints = [models.UniqueConstraint(fields=["site", "advisor"], name="advisor_setting_per_site")]

    def __str__(self) -> str:
        return f"{self.site.code} · {self.get_advisor_display()} · {self.get_mode_display()}"


class AdvisorRun(models.Model):
    """One invocation of one advisor on one subject: logged whatever happened (failures too)."""

    advisor = models.CharField(max_length=30, choices=AdvisorName.choices)
    version = models.CharField(max_length=40)  # the advisor's (or model's) version, e.g. "priority-1", "lr-2026-12-03"
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The subject: a row of ours (a case, an approval request) or a string key ("picking:123", "site:BRU:2026-12-03").
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject_key = models.CharField(max_length=200, blank=True, db_index=True)
    inputs_hash = models.CharField(max_length=64)  # sha256 of the inputs before redaction
    inputs = models.JSONField(encoder=DjangoJSONEncoder, default=dict)  # redacted: no customer or person names
    prompt = models.TextField(blank=True)  # empty for local providers
    output = models.JSONField(encoder=DjangoJSONEncoder, default=dict)
    reasons = models.JSONField(default=list)  # sentences a person can read
    confidence = models.FloatField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    provider = models.CharField(max_length=100, default="local")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.LOGGED)
    error = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)  # why it was accepted, rejected, auto-applied or expired
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["advisor", "site", "-created_at"], name="advisor_run_log"),
            models.Index(fields=["advisor", "subject_key", "inputs_hash"], name="advisor_run_inputs"),
        ]

    def __str__(self) -> str:
        return f"{self.advisor} v{self.version} on {self.subject_key or self.subject_id} → {self.outcome}"


class Recommendation(models.Model):
    """What an advisor proposes to people: reasons, confidence, and the action accepting it takes.

    `action` is {"kind": <a name in apps.advisor.actions.ACTIONS>, ...its arguments}. One open recommendation
    per `dedupe_key` (advisor + subject + what is proposed); a newer run on the same key expires the older one.
    """

    run = models.OneToOneField(
        AdvisorRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="recommendation"
    )
    advisor = models.CharField(max_length=30, choices=AdvisorName.choices)
    version = models.CharField(max_length=40)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject_key = models.CharField(max_length=200, blank=True)
    dedupe_key = models.CharField(max_length=250)
    is_open = models.BooleanField(default=True)  # status is "recommended": kept for the unique index
    status = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.RECOMMENDED)
    title = models.CharField(max_length=300)
    reasons = models.JSONField(default=list)
    confidence = models.FloatField(default=0.0)
    score = models.FloatField(null=True, blank=True)  # the advisor's number (priority 0–100, delay probability…)
    action = models.JSONField(encoder=DjangoJSONEncoder, default=dict)
    result = models.JSONField(encoder=DjangoJSONEncoder, default=dict)  # what applying it did (request id…)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], condition=Q(is_open=True), name="one_open_recommendation")
        ]
        indexes = [
            models.Index(fields=["site", "is_open", "-created_at"], name="recommendation_open"),
            models.Index(fields=["subject_type", "subject_id", "is_open"], name="recommendation_subject"),
            models.Index(fields=["advisor", "status"], name="recommendation_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.get_advisor_display()}: {self.title} ({self.status})"


class TrainedModel(models.Model):
    """A fitted model (the delay-risk classifier of one site), pickled with joblib and kept in the database.

    In the database rather than var/: web, workers and beat on several machines all read the same bytes with
    no shared volume; each training adds a version, so a run names exactly the model it used.
    """

    advisor = models.CharField(max_length=30, choices=AdvisorName.choices)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    version = models.CharField(max_length=40)
    is_current = models.BooleanField(default=True)
    kind = models.CharField(max_length=60)  # "calibrated-logistic-regression", "rules" (too little history)
    blob = models.BinaryField(blank=True)
    metrics = models.JSONField(default=dict)  # rows, positives, Brier and AUC on the hold-out, calibration bins
    trained_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-trained_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["advisor", "site"], condition=Q(is_current=True), name="one_current_trained_model"
            )
        ]

    def __str__(self) -> str:
        return f"{self.advisor}@{self.site.code} {self.version} ({self.kind})"


def subject_type_is(model: type[models.Model] | models.Model) -> Q:
    """Recommendations about rows of this model, matched by the content type's natural key: a process's
    cached content type id goes stale when the table is rebuilt (a restore, a test database flush)."""
    meta = model._meta
    return Q(subject_type__app_label=meta.app_label, subject_type__model=meta.model_name)
