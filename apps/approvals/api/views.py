"""The approvals API: list, read, raise and decide with the same inputs, selectors and services as
the screens (n8n, chat bots)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from apps.accounts.permissions import HasRole
from apps.accounts.roles import APPROVER_ROLES, Role
from apps.accounts.selectors import sites_visible_to
from apps.approvals.api.serializers import (
    ApprovalDelegationInputSerializer,
    ApprovalPolicyInputSerializer,
    ApprovalPolicySerializer,
    ApprovalRaiseInputSerializer,
    ApprovalRequestDetailSerializer,
    ApprovalRequestListSerializer,
)
from apps.approvals.builders import DraftError
from apps.approvals.forms import (
    ApprovalBulkInputSerializer,
    ApprovalDecideInputSerializer,
    decide_with_input,
    request_or_404,
)
from apps.approvals.models import ApprovalRequest
from apps.approvals.policies import PolicyError, policy_revise
from apps.approvals.selectors import (
    HistoryFilters,
    InboxFilters,
    history_queryset,
    inbox_queryset,
    policies_visible_to,
    request_page,
)
from apps.approvals.services.decisions import DecisionRefused, bulk_approve, delegation_create
from apps.approvals.services.people import request_raise_by_person
from apps.core.api import PagePagination, register_problem

register_problem(DecisionRefused)  # carries its own status (403, 409, 400)
register_problem(DraftError, status=status.HTTP_400_BAD_REQUEST)
register_problem(PolicyError, status=status.HTTP_400_BAD_REQUEST)

DESK = HasRole.of(Role.SUPERVISOR, Role.MANAGER, Role.ADMIN, *APPROVER_ROLES)

INBOX_PARAMETERS = [
    OpenApiParameter("site", str, description="Site code, e.g. BRU."),
    OpenApiParameter("type", str, description="Request type, e.g. shipment_release."),
]
HISTORY_PARAMETERS = [
    *INBOX_PARAMETERS,
    OpenApiParameter("status", str, description="pending, info_requested, approved, rejected, …"),
    OpenApiParameter("q", str, description="Text in the title."),
    OpenApiParameter("decided_by", str, description="Username of someone who decided."),
]


def _detail(user, approval: ApprovalRequest) -> dict:
    return ApprovalRequestDetailSerializer(approval, context={"page": request_page(user, approval)}).data


class InboxView(ListAPIView):
    """What waits on the caller now, soonest due first (the same list as the /approvals/ screen)."""

    permission_classes = [DESK]
    pagination_class = PagePagination
    serializer_class = ApprovalRequestListSerializer

    def get_queryset(self):
        filters = InboxFilters.from_query(self.request.query_params)
        queryset = inbox_queryset(self.request.user, **filters.as_kwargs())
        return queryset.select_related("site", "active_step", "policy__site").order_by("due_at", "id")

    @extend_schema(parameters=INBOX_PARAMETERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RequestListView(ListAPIView):
    """History of the caller's sites, newest first (the /approvals/history/ screen's filters); POST raises one."""

    permission_classes = [DESK]
    pagination_class = PagePagination
    serializer_class = ApprovalRequestListSerializer

    def get_queryset(self):
        return history_queryset(self.request.user, HistoryFilters.from_query(self.request.query_params))

    @extend_schema(parameters=HISTORY_PARAMETERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    class NotRaisedSerializer(serializers.Serializer):
        raised = serializers.BooleanField()
        message = serializers.CharField()

    @extend_schema(
        request=ApprovalRaiseInputSerializer,
        responses={201: ApprovalRequestDetailSerializer, 200: NotRaisedSerializer},
    )
    def post(self, request):
        data = ApprovalRaiseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        request_type = values.pop("request_type")
        raised = request_raise_by_person(request_type=request_type, user=request.user, data=values)
        if raised is None:
            return Response({"raised": False, "message": "The policy in force needs no approval for this."})
        return Response(_detail(request.user, raised), status=status.HTTP_201_CREATED)


class RequestDetailView(GenericAPIView):
    permission_classes = [DESK]
    serializer_class = ApprovalRequestDetailSerializer

    @extend_schema(responses={200: ApprovalRequestDetailSerializer})
    def get(self, request, request_id: int):
        return Response(_detail(request.user, request_or_404(request.user, request_id)))


class DecideView(GenericAPIView):
    """approve | reject (reason) | request_info (reason) | provide_info (reason) | delegate (to_user, until)."""

    permission_classes = [DESK]
    serializer_class = ApprovalDecideInputSerializer

    class DecidedSerializer(serializers.Serializer):
        message = serializers.CharField()
        request = ApprovalRequestDetailSerializer()

    @extend_schema(request=ApprovalDecideInputSerializer, responses={200: DecidedSerializer})
    def post(self, request, request_id: int):
        message = decide_with_input(
            request=request_or_404(request.user, request_id), user=request.user, data=request.data
        )
        return Response(
            {"message": message, "request": _detail(request.user, request_or_404(request.user, request_id))}
        )


class BulkApproveView(GenericAPIView):
    """Approve several low-risk requests; each is checked on its own, refusals come back with reasons."""

    permission_classes = [DESK]
    serializer_class = ApprovalBulkInputSerializer

    class BulkResultSerializer(serializers.Serializer):
        approved = serializers.ListField(child=serializers.IntegerField())
        refused = serializers.ListField(child=serializers.DictField())

    @extend_schema(request=ApprovalBulkInputSerializer, responses={200: BulkResultSerializer})
    def post(self, request):
        data = ApprovalBulkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(bulk_approve(request_ids=data.validated_data["ids"], user=request.user))


class PolicyView(ListAPIView):
    """Policy versions (GET, desk roles); POST writes the next version of one (admins only)."""

    pagination_class = PagePagination
    serializer_class = ApprovalPolicySerializer

    def get_permissions(self):
        return [HasRole.of(Role.ADMIN)()] if self.request.method == "POST" else [DESK()]

    def get_queryset(self):
        return policies_visible_to(self.request.user)

    @extend_schema(request=ApprovalPolicyInputSerializer, responses={201: ApprovalPolicySerializer})
    def post(self, request):
        data = ApprovalPolicyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        site = None
        if values["site"]:
            site = sites_visible_to(request.user).filter(code=values["site"]).first()
            if site is None:
                raise ValidationError({"site": [f"No site {values['site']!r}."]})
        policy = policy_revise(
            request_type=values["request_type"],
            definition=values["definition"],
            site=site,
            name=values["name"],
            note=values["note"],
            actor=request.user,
        )
        return Response(ApprovalPolicySerializer(policy).data, status=status.HTTP_201_CREATED)


class DelegationView(GenericAPIView):
    """Hand all of one's approvals to someone for a period."""

    permission_classes = [DESK]
    serializer_class = ApprovalDelegationInputSerializer

    class DelegationSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        delegate = serializers.CharField()
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField()

    @extend_schema(request=ApprovalDelegationInputSerializer, responses={201: DelegationSerializer})
    def post(self, request):
        data = ApprovalDelegationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        delegate = get_user_model().objects.filter(username=values["delegate"]).first()
        if delegate is None:
            raise ValidationError({"delegate": [f"No user {values['delegate']!r}."]})
        delegation = delegation_create(
            delegator=request.user,
            delegate=delegate,
            starts_at=values["starts_at"],
            ends_at=values["ends_at"],
            reason=values["reason"],
        )
        return Response(
            {
                "id": delegation.pk,
                "delegate": delegate.get_username(),
                "starts_at": delegation.starts_at,
                "ends_at": delegation.ends_at,
            },
            status=status.HTTP_201_CREATED,
        )
