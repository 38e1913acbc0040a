"""The inputs of the dock actions, shared by the screens and the API (one validation, one message),
and the glue that turns a validated input into a service call."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.http import Http404
from rest_framework import serializers

from apps.accounts.token_limits import token_carrier
from apps.docks import services
from apps.docks.facts import site_rules
from apps.docks.models import Appointment, Capability, Direction, DockDoor
from apps.docks.selectors import appointment_get, site_for
from apps.sites.models import Site


class SiteDateTimeField(serializers.DateTimeField):
    """A time with an offset, or without one meaning the site's local time (a clerk's wall clock).
    Left naive here; `in_site_time` gives it the site's time zone once the site is known."""

    def enforce_timezone(self, value: datetime) -> datetime:
        return value


def site_instant(value: datetime, site: Site) -> datetime:
    """A required time (never None) in UTC; naive means the site's local time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=site.tzinfo)
    return value.astimezone(UTC)


def in_site_time(value: datetime | None, site: Site) -> datetime | None:
    """The instant in UTC (storage, and arithmetic that does not jump with the clocks)."""
    return None if value is None else site_instant(value, site)


DIRECTIONS = [(Direction.INBOUND, "Inbound"), (Direction.OUTBOUND, "Outbound")]  # an appointment's, as the model's
TIME_HELP = "ISO 8601; without an offset it is the site's local time."


class AppointmentCreateInput(serializers.Serializer):
    site = serializers.CharField(max_length=20, help_text="Site code, e.g. BRU.")
    door = serializers.IntegerField(min_value=1, help_text="Door id (GET /docks/doors/).")
    planned_start = SiteDateTimeField(help_text=TIME_HELP)
    planned_end = SiteDateTimeField(
        required=False, allow_null=True, default=None, help_text=TIME_HELP + " Empty: from the load."
    )
    direction = serializers.ChoiceField(choices=DIRECTIONS, default=Direction.INBOUND)
    carrier = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    reference = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    picking_odoo_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=Capability.choices), required=False, default=list
    )
    load_lines = serializers.IntegerField(min_value=0, max_value=100000, required=False, default=0)


class AppointmentMoveInput(serializers.Serializer):
    door = serializers.IntegerField(min_value=1, help_text="Door id of the same site.")
    planned_start = SiteDateTimeField(help_text=TIME_HELP)
    planned_end = SiteDateTimeField(help_text=TIME_HELP)


class AppointmentEventInput(serializers.Serializer):
    at = SiteDateTimeField(required=False, allow_null=True, default=None, help_text="When it happened; empty: now.")


class SlotFindInput(serializers.Serializer):
    site = serializers.CharField(max_length=20)
    direction = serializers.ChoiceField(choices=DIRECTIONS, default=Direction.INBOUND)
    load_lines = serializers.IntegerField(min_value=0, max_value=100000, required=False, default=0)
    minutes = serializers.IntegerField(
        min_value=5,
        max_value=24 * 60,
        required=False,
        allow_null=True,
        default=None,
        help_text="Door time; empty: from the load (per-site rules).",
    )
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=Capability.choices), required=False, default=list
    )
    after = SiteDateTimeField(required=False, allow_null=True, default=None, help_text="Earliest start; empty: now.")


def _door_of(site: Site, door_id: int) -> DockDoor:
    door = DockDoor.objects.filter(pk=door_id).select_related("site").first()
    if door is None:
        raise serializers.ValidationError({"door": ["No such door."]})
    if door.site_id != site.pk:
        raise services.DockError(f"Door {door.name} belongs to another site.", status=400)
    return door


def appointment_or_404(user, appointment_id: int) -> Appointment:
    return appointment_get(user=user, appointment_id=appointment_id)


def create_with_input(*, user, data: Any) -> Appointment:
    form = AppointmentCreateInput(data=data)
    form.is_valid(raise_exception=True)
    values = dict(form.validated_data)
    try:
        site = site_for(user, values.pop("site"))
    except Http404:
        raise serializers.ValidationError({"site": ["Not one of your sites."]}) from None
    limit = token_carrier(user)  # a carrier-limited API token books only for its carrier
    if limit:
        if (values.get("carrier") or limit).casefold() != limit.casefold():
            raise serializers.ValidationError({"carrier": [f"This API token books only for {limit}."]})
        values["carrier"] = values.get("carrier") or limit
    values["door"] = _door_of(site, values["door"])
    values["planned_start"] = in_site_time(values["planned_start"], site)
    values["planned_end"] = in_site_time(values["planned_end"], site)
    return services.appointment_create(site=site, actor=user, **values)


def move_with_input(*, user, appointment: Appointment, data: Any) -> Appointment:
    form = AppointmentMoveInput(data=data)
    form.is_valid(raise_exception=True)
    values = form.validated_data
    site = appointment.site
    return services.appointment_move(
        appointment=appointment,
        door=_door_of(site, values["door"]),
        planned_start=site_instant(values["planned_start"], site),
        planned_end=site_instant(values["planned_end"], site),
        actor=user,
    )


def record_with_input(*, user, appointment: Appointment, event: str, data: Any) -> Appointment:
    form = AppointmentEventInput(data=data)
    form.is_valid(raise_exception=True)
    at = in_site_time(form.validated_data["at"], appointment.site)
    return services.appointment_record(appointment=appointment, event=event, at=at, actor=user)


def minutes_for(site: Site, load_lines: int) -> int:
    return site_rules(site).minutes_for(load_lines)
