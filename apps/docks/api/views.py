"""The dock API (carrier portals, n8n): doors, appointments, moves, the clerk's check-in/out and
"find a slot". Site-scoped like the screens; each action runs the same input and service."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import HasRole
from apps.core.api import PagePagination, register_problem
from apps.docks import forms
from apps.docks.api import serializers as s
from apps.docks.selectors import (
    CLERK_ROLES,
    PLANNING_ROLES,
    READING_ROLES,
    appointment_list,
    appointment_view,
    doors_visible_to,
    site_for,
    slot_find,
)
from apps.docks.services import EVENTS, DockError, appointment_cancel

register_problem(DockError)  # carries its own status (400 for bad input, 409 for the wrong state)

TOKEN_SCOPE = "docks"  # noqa: S105 (a scope name). API tokens need the docks scope for every dock endpoint, reading or writing
SITE_PARAMETER = OpenApiParameter("site", str, description="Site code, e.g. BRU.")


def _detail(user, appointment_id: int) -> dict[str, Any]:
    view = appointment_view(user=user, appointment_id=appointment_id)
    data = dict(s.AppointmentSerializer(view.appointment).data)
    data.update(state=view.state, detail=view.detail, conflicts=[c.__dict__ for c in view.conflicts])
    return data


class DockDoorListApi(ListAPIView):
    """Dock doors of your sites, in timeline order."""

    token_scope = TOKEN_SCOPE

    serializer_class = s.DockDoorSerializer
    permission_classes = [HasRole.of(*READING_ROLES)]
    pagination_class = PagePagination

    def get_queryset(self):
        return doors_visible_to(self.request.user, site_code=self.request.query_params.get("site", "")).order_by(
            "site__code", "position", "name"
        )

    @extend_schema(parameters=[SITE_PARAMETER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class AppointmentListApi(ListAPIView):
    """Appointments of your sites by planned start (GET; `from`/`to` bound the planned time), and
    booking a door (POST, supervisors): overlaps are allowed and reported, a closed door is refused."""

    token_scope = TOKEN_SCOPE

    serializer_class = s.AppointmentSerializer
    pagination_class = PagePagination

    def get_permissions(self):
        roles = PLANNING_ROLES if self.request.method == "POST" else READING_ROLES
        return [HasRole.of(*roles)()]

    def get_queryset(self):
        params = self.request.query_params
        bounds = {}
        for name in ("from", "to"):
            field = forms.SiteDateTimeField()
            if params.get(name):
                try:
                    value = field.to_internal_value(params[name])
                except ValidationError as error:
                    raise ValidationError({name: error.detail}) from None
                bounds[name] = value if value.tzinfo else value.replace(tzinfo=UTC)
        return appointment_list(
            user=self.request.user,
            site_code=params.get("site", ""),
            start=bounds.get("from"),
            end=bounds.get("to"),
            status=params.get("status", ""),
        )

    @extend_schema(
        parameters=[
            SITE_PARAMETER,
            OpenApiParameter("from", str, description="ISO 8601 (UTC when no offset)."),
            OpenApiParameter("to", str, description="ISO 8601 (UTC when no offset)."),
            OpenApiParameter("status", str, description="planned, arrived, at_door, working, done, no_show…"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=forms.AppointmentCreateInput, responses={201: s.AppointmentDetailSerializer})
    def post(self, request):
        appointment = forms.create_with_input(user=request.user, data=request.data)
        return Response(_detail(request.user, appointment.pk), status=status.HTTP_201_CREATED)


class AppointmentDetailApi(APIView):
    """One appointment with its state (late, conflict, …) and the conflicts of its plan."""

    token_scope = TOKEN_SCOPE

    permission_classes = [HasRole.of(*READING_ROLES)]

    @extend_schema(responses={200: s.AppointmentDetailSerializer})
    def get(self, request, appointment_id: int):
        return Response(_detail(request.user, appointment_id))


class AppointmentMoveApi(APIView):
    """Move or resize (supervisors); the appointment is pinned from then on. When the site's dock
    rules want reschedules approved, the move waits: `pending_*` say where, until the decision."""

    token_scope = TOKEN_SCOPE

    permission_classes = [HasRole.of(*PLANNING_ROLES)]

    @extend_schema(request=forms.AppointmentMoveInput, responses={200: s.AppointmentDetailSerializer})
    def post(self, request, appointment_id: int):
        appointment = forms.appointment_or_404(request.user, appointment_id)
        forms.move_with_input(user=request.user, appointment=appointment, data=request.data)
        return Response(_detail(request.user, appointment_id))


class AppointmentCancelApi(APIView):
    """Cancel a planned appointment (supervisors); its door is free again."""

    token_scope = TOKEN_SCOPE

    permission_classes = [HasRole.of(*PLANNING_ROLES)]

    @extend_schema(request=None, responses={200: s.AppointmentDetailSerializer})
    def post(self, request, appointment_id: int):
        appointment_cancel(appointment=forms.appointment_or_404(request.user, appointment_id), actor=request.user)
        return Response(_detail(request.user, appointment_id))


def _event_view(event: str) -> type[APIView]:
    """One endpoint per clerk step (check-in, on door, start, off door, departed)."""
    step = EVENTS[event]

    class EventApi(APIView):
        token_scope = TOKEN_SCOPE
        permission_classes = [HasRole.of(*CLERK_ROLES)]

        @extend_schema(
            summary=f"{step.label}: record the actual time",
            request=forms.AppointmentEventInput,
            responses={200: s.AppointmentDetailSerializer},
        )
        def post(self, request, appointment_id: int):
            appointment = forms.appointment_or_404(request.user, appointment_id)
            forms.record_with_input(user=request.user, appointment=appointment, event=event, data=request.data)
            return Response(_detail(request.user, appointment_id))

    EventApi.__name__ = EventApi.__qualname__ = f"Appointment{event.title().replace('_', '')}Api"
    return EventApi


EVENT_VIEWS = {event.replace("_", "-"): _event_view(event) for event in EVENTS}


class SlotFindApi(APIView):
    """The first free door and time that fit a load: 404 problem when nothing fits within two days."""

    token_scope = TOKEN_SCOPE

    permission_classes = [HasRole.of(*PLANNING_ROLES)]

    @extend_schema(request=forms.SlotFindInput, responses={200: s.DockSlotSerializer})
    def post(self, request):
        data = forms.SlotFindInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            site = site_for(request.user, values["site"])
        except Http404:
            raise ValidationError({"site": ["Not one of your sites."]}) from None
        minutes = values["minutes"] or forms.minutes_for(site, values["load_lines"])
        slot = slot_find(
            site=site,
            minutes=minutes,
            direction=values["direction"],
            needs=values["needs"],
            after=forms.in_site_time(values["after"], site),
        )
        if slot is None:
            raise Http404("No door fits that load in the next two days.")
        return Response(s.DockSlotSerializer(slot).data)
