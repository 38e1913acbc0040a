"""The approvals API: list, read, raise and decide with the same rules as the screens (n8n, chat bots)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import HasRole
from apps.accounts.roles import APPROVER_ROLES, Role
from apps.accounts.selectors import sites_visible_to
from apps.approvals.api.serializers import (
    ApprovalBulkInputSerializer,
    ApprovalDecideInputSerializer,
    ApprovalDelegationInputSerializer,
    ApprovalPolicyInputSerializer,
    ApprovalPolicySerializer,
    ApprovalRaiseInputSerializer,
    ApprovalRequestDetailSerializer,
    ApprovalRequestListSerializer,
)
from apps.approvals.builders import DraftError
from apps.approvals.models import ApprovalRequest
from apps.approvals.policies import PolicyError, policy_revise
from apps.approvals.selectors import (
    INBOX_LIMIT,
    HistoryFilters,
    history_for,
    inbox_queryset,
    policies_visible_to,
    request_for,
    request_page,
)
from apps.approvals.services.decisions import DecisionRefused, bulk_approve, delegation_create
from apps.approvals.services.dispatch import request_decide
from apps.approvals.services.people import request_raise_by_person
from apps.core.numbers import page_number

DESK = HasRole.of(Role.SUPERVISOR, Role.MANAGER, Role.ADMIN, *APPROVER_ROLES)


def _detail(user, approval: ApprovalRequest) -> dict:
    return ApprovalRequestDetailSerializer(approval, context={"page": request_page(user, approval)}).data


def _get(user, request_id: int) -> ApprovalRequest:
    try:
        return request_for(user, request_id)
    except ApprovalRequest.DoesNotExist:
        raise Http404 from None


class InboxView(APIView):
    """What waits on the caller now (the same list as the /approvals/ screen)."""

    permission_classes = [DESK]

    @extend_schema(responses={200: ApprovalRequestListSerializer(many=True)})
    def get(self, request):
        queryset = inbox_queryset(
            request.user,
            site_code=request.query_params.get("site", ""),
            request_type=request.query_params.get("type", ""),
        )
        rows = queryset.select_related("site", "active_step", "policy__site").order_by("due_at", "id")[:INBOX_LIMIT]
        results = ApprovalRequestListSerializer(rows, many=True).data
        total = queryset.count() if len(results) >= INBOX_LIMIT else len(results)
        return Response({"total": total, "results": results})


class RequestListView(APIView):
    """History of the caller's sites (filters: status, type, site, q, decided_by, page); POST raises one."""

    permission_classes = [DESK]

    @extend_schema(responses={200: ApprovalRequestListSerializer(many=True)})
    def get(self, request):
        params = request.query_params
        filters = HistoryFilters(
            status=params.get("status", ""),
            request_type=params.get("type", ""),
            site_code=params.get("site", ""),
            text=params.get("q", ""),
            decided_by=params.get("decided_by", ""),
            page=page_number(params.get("page")),
        )
        history = history_for(request.user, filters)
        return Response(
            {
                "page": history["page"],
                "has_next": history["has_next"],
                "results": ApprovalRequestListSerializer(history["rows"], many=True).data,
            }
        )

    @extend_schema(request=ApprovalRaiseInputSerializer, responses={201: ApprovalRequestDetailSerializer})
    def post(self, request):
        data = ApprovalRaiseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        request_type = values.pop("request_type")
        try:
            raised = request_raise_by_person(request_type=request_type, user=request.user, data=values)
        except (DraftError, PolicyError) as exc:
            return Response({"error": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        if raised is None:
            return Response({"raised": False, "message": "The policy in force needs no approval for this."})
        return Response(_detail(request.user, raised), status=status.HTTP_201_CREATED)


class RequestDetailView(APIView):
    permission_classes = [DESK]

    @extend_schema(responses={200: ApprovalRequestDetailSerializer})
    def get(self, request, request_id: int):
        return Response(_detail(request.user, _get(request.user, request_id)))


class DecideView(APIView):
    """approve | reject (reason) | request_info (reason) | provide_info (reason) | delegate (to_user, until)."""

    permission_classes = [DESK]

    @extend_schema(request=ApprovalDecideInputSerializer, responses={200: ApprovalRequestDetailSerializer})
    def post(self, request, request_id: int):
        approval = _get(request.user, request_id)
        data = ApprovalDecideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            message = request_decide(request=approval, user=request.user, **data.validated_data)
        except DecisionRefused as exc:
            return Response({"error": str(exc)}, status=exc.status)
        return Response({"message": message, "request": _detail(request.user, _get(request.user, request_id))})


class BulkApproveView(APIView):
    """Approve several low-risk requests; each is checked on its own, refusals come back with reasons."""

    permission_classes = [DESK]

    @extend_schema(request=ApprovalBulkInputSerializer, responses={200: dict})
    def post(self, request):
        data = ApprovalBulkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visible = set(
            ApprovalRequest.objects.filter(
                pk__in=data.validated_data["ids"], site__in=sites_visible_to(request.user)
            ).values_list("pk", flat=True)
        )
        result = bulk_approve(request_ids=sorted(visible), user=request.user)
        result["refused"] += [
            {"id": pk, "reason": "No such request."} for pk in data.validated_data["ids"] if pk not in visible
        ]
        return Response(result)


class PolicyView(APIView):
    """Policy versions (GET, desk roles); POST writes the next version of one (admins only)."""

    def get_permissions(self):
        return [HasRole.of(Role.ADMIN)()] if self.request.method == "POST" else [DESK()]

    @extend_schema(responses={200: ApprovalPolicySerializer(many=True)})
    def get(self, request):
        return Response(ApprovalPolicySerializer(policies_visible_to(request.user), many=True).data)

    @extend_schema(request=ApprovalPolicyInputSerializer, responses={201: ApprovalPolicySerializer})
    def post(self, request):
        data = ApprovalPolicyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        site = None
        if values["site"]:
            site = sites_visible_to(request.user).filter(code=values["site"]).first()
            if site is None:
                return Response({"error": f"No site {values['site']!r}."}, status=status.HTTP_400_BAD_REQUEST)
        try:
            policy = policy_revise(
                request_type=values["request_type"],
                definition=values["definition"],
                site=site,
                name=values["name"],
                note=values["note"],
                actor=request.user,
            )
        except PolicyError as exc:
            return Response({"error": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(ApprovalPolicySerializer(policy).data, status=status.HTTP_201_CREATED)


class DelegationView(APIView):
    """Hand all of one's approvals to someone for a period."""

    permission_classes = [DESK]

    @extend_schema(request=ApprovalDelegationInputSerializer, responses={201: dict})
    def post(self, request):
        data = ApprovalDelegationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        delegate = get_user_model().objects.filter(username=values["delegate"]).first()
        if delegate is None:
            return Response({"error": f"No user {values['delegate']!r}."}, status=status.HTTP_400_BAD_REQUEST)
        try:
            delegation = delegation_create(
                delegator=request.user,
                delegate=delegate,
                starts_at=values["starts_at"],
                ends_at=values["ends_at"],
                reason=values["reason"],
            )
        except DecisionRefused as exc:
            return Response({"error": str(exc)}, status=exc.status)
        return Response(
            {
                "id": delegation.pk,
                "delegate": delegate.get_username(),
                "starts_at": delegation.starts_at,
                "ends_at": delegation.ends_at,
            },
            status=status.HTTP_201_CREATED,
        )
