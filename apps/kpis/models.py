"""KPI snapshots (one number per site, KPI and local day, computed from the history) and targets."""

from django.conf import settings
from django.db import models

from apps.sites.models import Site


class KpiSnapshot(models.Model):
    """A KPI's value for one site over one local day, with what it was computed from.

    Pages read these rows only, never the raw history. ``period_start``/``period_end`` are the
    day's bounds in UTC: a day on which the clocks change lasts 23 or 25 hours.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    kpi = models.CharField(max_length=40)  # a definition's code (apps.kpis.definitions)
    day = models.DateField()  # the site's local calendar day
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    value = models.FloatField(null=True)  # None: nothing to measure that day (no deliveries, no decisions)
    sample_size = models.PositiveIntegerField(default=0)  # how many cases, pickings or requests it counts
    breakdown = models.JSONField(default=dict)  # the parts a KPI page charts (severity, age bucket, p90…)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "kpi", "day"], name="one_kpi_snapshot_per_day")]
        indexes = [models.Index(fields=["kpi", "day"], name="kpi_snapshot_day")]

    def __str__(self) -> str:
        return f"{self.kpi} {self.site_id} {self.day}: {self.value}"


class KpiTarget(models.Model):
    """What a site aims for on one KPI, set by its managers (audited)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    kpi = models.CharField(max_length=40)
    value = models.FloatField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "kpi"], name="one_kpi_target_per_site")]

    def __str__(self) -> str:
        return f"{self.kpi} {self.site_id} → {self.value}"


class KpiHourSnapshot(models.Model):
    """A KPI's value for one site over one local hour (only the KPIs whose definition says ``hourly``).

    Kept beside the daily rows so the hourly view reads a few dozen rows, never the raw history.
    ``day`` is the site's local day the hour belongs to: a day on which the clocks change has 23 or
    25 of them (the repeated local hour is told apart by its UTC start).
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    kpi = models.CharField(max_length=40)
    day = models.DateField()
    period_start = models.DateTimeField()  # the hour's start, UTC
    period_end = models.DateTimeField()
    value = models.FloatField(null=True)
    sample_size = models.PositiveIntegerField(default=0)
    breakdown = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "kpi", "period_start"], name="one_kpi_snapshot_per_hour")
        ]
        indexes = [models.Index(fields=["kpi", "site", "period_start"], name="kpi_snapshot_hour")]

    def __str__(self) -> str:
        return f"{self.kpi} {self.site_id} {self.period_start:%Y-%m-%d %H:%M}Z: {self.value}"


class KpiSiteSettings(models.Model):
    """A site's KPI choices. ``per_person_figures`` off: nobody sees figures per approver there
    (changed by admins, audited)."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, primary_key=True, related_name="+")
    per_person_figures = models.BooleanField(default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"KPI settings {self.site_id}"
