"""The advisor API: recommendations (list, accept, reject) for desk roles at their sites; the run log for
managers and admins. Accept and reject call the same services as the screens."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from apps.accounts.permissions import HasRole
from apps.accounts.roles import APPROVER_ROLES, Role
from apps.advisor.api.serializers import (
    DecisionInputSerializer,
    RecommendationSerializer,
    RejectInputSerializer,
    RunSerializer,
)
from apps.advisor.errors import AdvisorError
from apps.advisor.selectors import LogFilters, recommendation_list, run_log
from apps.advisor.services import recommendation_accept, recommendation_reject
from apps.core.api import PagePagination, register_problem

register_problem(AdvisorError)  # carries its own status (400, 403, 404, 409)

DESK = HasRole.of(Role.SUPERVISOR, Role.MANAGER, Role.ADMIN, *APPROVER_ROLES)
MANAGERS = HasRole.of(Role.MANAGER, Role.ADMIN)
FILTERS = [
    OpenApiParameter("site", str, description="Site code, e.g. BRU."),
    OpenApiParameter("advisor", str, description="priority, delay_risk, anomalies, shift_summary, message_triage."),
]


class RecommendationListView(ListAPIView):
    """Recommendations at the caller's sites: open ones first, the highest score first."""

    permission_classes = [DESK]
    pagination_class = PagePagination
    serializer_class = RecommendationSerializer

    @extend_schema(
        parameters=[
            *FILTERS,
            OpenApiParameter("status", str, description="open, or an outcome: accepted, rejected, auto_applied…"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return recommendation_list(self.request.user, LogFilters.from_query(self.request.query_params))


class RecommendationAcceptView(GenericAPIView):
    """Accept a recommendation (a reason is optional): its action is applied through the usual services."""

    permission_classes = [DESK]
    serializer_class = DecisionInputSerializer

    @extend_schema(request=DecisionInputSerializer, responses=RecommendationSerializer)
    def post(self, request, recommendation_id: int):
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recommendation = recommendation_accept(
            recommendation_id=recommendation_id, user=request.user, reason=data.validated_data["reason"]
        )
        return Response(RecommendationSerializer(recommendation).data)


class RecommendationRejectView(GenericAPIView):
    """Reject a recommendation, saying why."""

    permission_classes = [DESK]
    serializer_class = RejectInputSerializer

    @extend_schema(request=RejectInputSerializer, responses=RecommendationSerializer)
    def post(self, request, recommendation_id: int):
        data = RejectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recommendation = recommendation_reject(
            recommendation_id=recommendation_id, user=request.user, reason=data.validated_data["reason"]
        )
        return Response(RecommendationSerializer(recommendation).data)


class RunListView(ListAPIView):
    """The run log (inputs redacted, prompt, output, confidence, latency, outcome), newest first."""

    permission_classes = [MANAGERS]
    pagination_class = PagePagination
    serializer_class = RunSerializer

    @extend_schema(parameters=[*FILTERS, OpenApiParameter("outcome", str, description="e.g. rejected.")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return run_log(self.request.user, LogFilters.from_query(self.request.query_params))
