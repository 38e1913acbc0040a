"""Warehouse sites: the unit of scoping for every screen, query, API call and live group."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

# Site codes appear in URLs and websocket group names, which allow only these characters.
site_code_validator = RegexValidator(
    r"^[A-Za-z0-9_-]{1,20}$", "Use 1–20 letters, digits, '-' or '_' (it appears in URLs and live group names)."
)


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone such as 'Europe/Brussels'.")


class Site(models.Model):
    """A distribution warehouse, matched to an Odoo stock.warehouse by its id when known."""

    code = models.CharField(max_length=20, unique=True, validators=[site_code_validator])
    name = models.CharField(max_length=100)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    odoo_warehouse_id = models.PositiveIntegerField(null=True, blank=True, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Shift(models.Model):
    """A named shift of a site, starting each day at a local wall-clock time and running until the next one starts.

    Stored as a local time in the site's time zone (a 06:00 shift starts at 06:00 local on both sides of a
    DST change); a site with no shifts uses DEFAULT_SHIFTS.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="shifts")
    name = models.CharField(max_length=50)
    starts_at = models.TimeField(help_text="Local time in the site's time zone.")

    class Meta:
        ordering = ["site", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["site", "starts_at"], name="shift_one_start_per_time"),
            models.UniqueConstraint(fields=["site", "name"], name="shift_unique_name_per_site"),
        ]

    def __str__(self) -> str:
        return f"{self.site.code} {self.name} from {self.starts_at:%H:%M}"
