"""REST API for exception cases (n8n, BI, other tools). Site-scoped like the screens, and each
action runs the same input and service as the screen's button (apps/cases/forms.py)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import HasRole
from apps.accounts.roles import Role
from apps.cases import forms
from apps.cases.api import serializers as s
from apps.cases.selectors import READING_ROLES, CaseFilters, case_get, case_list, user_can_report_at
from apps.cases.services.actions import CaseError, cases_bulk_act
from apps.cases.services.intake import pick_failure_report
from apps.core.api import PagePagination, register_problem

register_problem(CaseError, status=status.HTTP_409_CONFLICT)

FILTER_PARAMETERS = [
    OpenApiParameter("site", str, description="Site code, e.g. BRU."),
    OpenApiParameter("type", str, description="Detector code, e.g. late_receipt, outbound_near_cutoff."),
    OpenApiParameter("severity", str, enum=["critical", "high", "medium", "low"]),
    OpenApiParameter(
        "status",
        str,
        description="active (default: not closed), closed, all, or one status: open, acknowledged, "
        "in_progress, snoozed, resolved, auto_resolved.",
    ),
    OpenApiParameter("owner", str, description="A role (supervisor, approver_finance…), 'me' or 'unassigned'."),
    OpenApiParameter("q", str, description="Text in the title or record name."),
]


class CaseListApi(ListAPIView):
    """Cases of your sites, most urgent first (severity, then priority score), in numbered pages."""

    serializer_class = s.CaseSerializer
    permission_classes = [HasRole.of(*READING_ROLES)]
    pagination_class = PagePagination

    def get_queryset(self):
        return case_list(user=self.request.user, filters=CaseFilters.from_query(self.request.query_params))

    @extend_schema(parameters=FILTER_PARAMETERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CaseDetailApi(RetrieveAPIView):
    """One case with its attached steps, context package and timeline."""

    serializer_class = s.CaseDetailSerializer
    permission_classes = [HasRole.of(*READING_ROLES)]

    def get_object(self):
        return forms.case_or_404(self.request.user, self.kwargs["case_id"])


def _action_view(name: str, action: forms.CaseAction) -> type[APIView]:
    """One endpoint per action, each with its own input serializer in the schema."""

    class ActionApi(APIView):
        permission_classes = [HasRole.of(*READING_ROLES)]

        @extend_schema(summary=action.summary, request=action.input, responses={200: s.CaseDetailSerializer})
        def post(self, request, case_id: int):
            case = forms.case_act(
                case=forms.case_or_404(request.user, case_id), actor=request.user, action=name, data=request.data
            )
            return Response(s.CaseDetailSerializer(case_get(user=request.user, case_id=case.pk)).data)

    ActionApi.__name__ = ActionApi.__qualname__ = f"Case{name.title().replace('-', '')}Api"
    return ActionApi


ACTION_VIEWS = {name: _action_view(name, action) for name, action in forms.CASE_ACTIONS.items()}


class CaseBulkApi(APIView):
    """Acknowledge or assign many cases at once; each case succeeds or fails on its own."""

    permission_classes = [HasRole.of(*READING_ROLES)]

    @extend_schema(request=forms.CaseBulkInput, responses={200: s.CaseBulkOutput})
    def post(self, request):
        data = forms.CaseBulkInput(data=request.data)
        data.is_valid(raise_exception=True)
        done, errors = cases_bulk_act(actor=request.user, **data.validated_data)
        return Response({"done": [c.pk for c in done], "errors": errors})


class PickFailureApi(APIView):
    """Report a failed pick (scanner, n8n). Repeated failures at one location open a case."""

    permission_classes = [HasRole.of(Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)]

    @extend_schema(request=s.PickFailureReportInput, responses={201: s.PickFailureReportOutput})
    def post(self, request):
        data = s.PickFailureReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        if not user_can_report_at(request.user, data.validated_data["location_odoo_id"]):
            raise PermissionDenied("That location is not in one of your sites.")
        report = pick_failure_report(reported_by=request.user, **data.validated_data)
        return Response(s.PickFailureReportOutput(report).data, status=status.HTTP_201_CREATED)
