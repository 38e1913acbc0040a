"""The escalation API: who is on call now, contacts, the on-call calendar and policies. Reads for desk roles at
their sites; writes for admins, through the same services as the settings screen."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from apps.accounts.permissions import HasRole
from apps.accounts.roles import APPROVER_ROLES, Role
from apps.accounts.selectors import sites_visible_to
from apps.core.api import PagePagination, register_problem
from apps.escalation.api.serializers import (
    ContactChangeSerializer,
    ContactInputSerializer,
    ContactSerializer,
    HolidayInputSerializer,
    HolidaySerializer,
    OnCallListSerializer,
    OnCallSlotInputSerializer,
    OnCallSlotResultSerializer,
    OnCallSlotSerializer,
    PolicyRulesSerializer,
    PolicySerializer,
    RotationInputSerializer,
    RotationResultSerializer,
    RotationSerializer,
)
from apps.escalation.models import EscalationPolicy, Holiday, OnCallSlot, Rotation
from apps.escalation.selectors import contacts_visible_to, on_call_board, policies_for_user
from apps.escalation.services import (
    EscalationError,
    contact_create,
    contact_update,
    holiday_add,
    on_call_slot_set,
    policy_rules_update,
    rotation_set,
)
from apps.sites.models import Site

register_problem(EscalationError, status=status.HTTP_400_BAD_REQUEST)

DESK = HasRole.of(Role.SUPERVISOR, Role.MANAGER, Role.ADMIN, *APPROVER_ROLES)
ADMIN = HasRole.of(Role.ADMIN)
SITE_PARAMETER = OpenApiParameter("site", str, description="Site code, e.g. BRU.")


def _site(user, code: str) -> Site:
    site = sites_visible_to(user).filter(code=code).first()
    if site is None:
        raise ValidationError({"site": [f"No site {code!r} that you can see."]})
    return site


class OnCallNowView(GenericAPIView):
    """Who is on call now, per site and role with a calendar (the settings screen and the wall strip read the same)."""

    permission_classes = [DESK]
    serializer_class = OnCallListSerializer

    @extend_schema(parameters=[SITE_PARAMETER, OpenApiParameter("role", str, description="e.g. supervisor.")])
    def get(self, request):
        now = timezone.now()
        entries = on_call_board(request.user, now, site_code=request.query_params.get("site"))
        role = request.query_params.get("role")
        if role:
            entries = [entry for entry in entries if entry.role == role]
        return Response(OnCallListSerializer({"at": now, "on_call": entries}).data)


class ContactListView(ListAPIView):
    """Contacts at the caller's sites (GET, desk roles); POST adds one (admins)."""

    pagination_class = PagePagination
    serializer_class = ContactSerializer

    def get_permissions(self):
        return [ADMIN()] if self.request.method == "POST" else [DESK()]

    def get_queryset(self):
        queryset = contacts_visible_to(self.request.user).order_by("site__code", "role", "name", "id")
        site = self.request.query_params.get("site")
        return queryset.filter(site__code=site) if site else queryset

    @extend_schema(parameters=[SITE_PARAMETER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ContactInputSerializer, responses={201: ContactSerializer})
    def post(self, request):
        data = ContactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        site = _site(request.user, values.pop("site"))
        contact = contact_create(actor=request.user, site=site, **values)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class ContactDetailView(GenericAPIView):
    """One contact (GET, desk roles); PATCH changes it (admins), audited from what to what."""

    serializer_class = ContactSerializer

    def get_permissions(self):
        return [ADMIN()] if self.request.method == "PATCH" else [DESK()]

    def _contact(self, contact_id: int):
        contact = contacts_visible_to(self.request.user).filter(pk=contact_id).first()
        if contact is None:
            raise NotFound("No such contact at your sites.")
        return contact

    def get(self, request, contact_id: int):
        return Response(ContactSerializer(self._contact(contact_id)).data)

    @extend_schema(request=ContactChangeSerializer, responses={200: ContactSerializer})
    def patch(self, request, contact_id: int):
        contact = self._contact(contact_id)
        data = ContactChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = contact_update(actor=request.user, contact_id=contact.pk, **data.validated_data)
        return Response(ContactSerializer(contact).data)


class SlotListView(ListAPIView):
    """The weekly on-call calendar (GET, desk roles); POST sets or clears one slot (admins)."""

    pagination_class = PagePagination
    serializer_class = OnCallSlotSerializer

    def get_permissions(self):
        return [ADMIN()] if self.request.method == "POST" else [DESK()]

    def get_queryset(self):
        queryset = OnCallSlot.objects.filter(site__in=sites_visible_to(self.request.user)).select_related(
            "site", "contact"
        )
        site = self.request.query_params.get("site")
        return (queryset.filter(site__code=site) if site else queryset).order_by("site__code", "role", "weekday", "id")

    @extend_schema(parameters=[SITE_PARAMETER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=OnCallSlotInputSerializer, responses={200: OnCallSlotResultSerializer})
    def post(self, request):
        data = OnCallSlotInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        site = _site(request.user, values["site"])
        on_call_slot_set(
            actor=request.user,
            site=site,
            role=values["role"],
            weekday=values["weekday"],
            shift_name=values["shift_name"],
            contact_id=values["contact"],
        )
        slot = (
            OnCallSlot.objects.filter(
                site=site, role=values["role"], weekday=values["weekday"], shift_name=values["shift_name"]
            )
            .select_related("site", "contact")
            .first()
        )
        return Response(OnCallSlotResultSerializer({"slot": slot}).data)


class PolicyListView(ListAPIView):
    """Escalation policies with their levels, at the caller's sites."""

    permission_classes = [DESK]
    pagination_class = PagePagination
    serializer_class = PolicySerializer

    def get_queryset(self):
        return (
            EscalationPolicy.objects.filter(site__in=sites_visible_to(self.request.user))
            .select_related("site")
            .prefetch_related("levels")
            .order_by("site__code", "case_kind", "severity", "id")
        )


class PolicyRulesView(GenericAPIView):
    """PATCH a policy's repeat rule, quiet hours or whether it is in force (admins); audited from what to what."""

    permission_classes = [ADMIN]
    serializer_class = PolicyRulesSerializer

    @extend_schema(request=PolicyRulesSerializer, responses={200: PolicySerializer})
    def patch(self, request, policy_id: int):
        policy = policies_for_user(request.user).filter(pk=policy_id).first()
        if policy is None:
            raise NotFound("No such policy at your sites.")
        data = PolicyRulesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = policy_rules_update(actor=request.user, policy_id=policy.pk, **data.validated_data)
        return Response(PolicySerializer(policy).data)


class RotationListView(ListAPIView):
    """Rotations and holiday rotas (GET, desk roles); POST sets or removes one (admins)."""

    pagination_class = PagePagination
    serializer_class = RotationSerializer

    def get_permissions(self):
        return [ADMIN()] if self.request.method == "POST" else [DESK()]

    def get_queryset(self):
        queryset = (
            Rotation.objects.filter(site__in=sites_visible_to(self.request.user))
            .select_related("site")
            .prefetch_related("turns")
        )
        site = self.request.query_params.get("site")
        return (queryset.filter(site__code=site) if site else queryset).order_by("site__code", "role", "id")

    @extend_schema(parameters=[SITE_PARAMETER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=RotationInputSerializer, responses={200: RotationResultSerializer})
    def post(self, request):
        data = RotationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        site = _site(request.user, values.pop("site"))
        rotation = rotation_set(actor=request.user, site=site, contact_ids=values.pop("people"), **values)
        return Response(RotationResultSerializer({"rotation": rotation}).data)


class HolidayListView(ListAPIView):
    """The sites' holidays (GET, desk roles); POST adds one (admins)."""

    pagination_class = PagePagination
    serializer_class = HolidaySerializer

    def get_permissions(self):
        return [ADMIN()] if self.request.method == "POST" else [DESK()]

    def get_queryset(self):
        queryset = Holiday.objects.filter(site__in=sites_visible_to(self.request.user)).select_related("site")
        site = self.request.query_params.get("site")
        return (queryset.filter(site__code=site) if site else queryset).order_by("site__code", "date", "id")

    @extend_schema(parameters=[SITE_PARAMETER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=HolidayInputSerializer, responses={201: HolidaySerializer})
    def post(self, request):
        data = HolidayInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        site = _site(request.user, values["site"])
        holiday = holiday_add(actor=request.user, site=site, day=values["date"], name=values["name"])
        return Response(HolidaySerializer(holiday).data, status=status.HTTP_201_CREATED)
