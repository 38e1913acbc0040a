"""REST API for exception cases (n8n, BI, other tools). Site-scoped like the screens."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import HasRole
from apps.accounts.roles import Role
from apps.cases.api import serializers as s
from apps.cases.selectors import (
    ACTING_ROLES,
    READING_ROLES,
    CaseFilters,
    can_act_on,
    case_get,
    case_list,
    user_can_report_at,
)
from apps.cases.services import actions, followups
from apps.cases.services.actions import CaseError
from apps.cases.services.intake import pick_failure_report

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
    """Cases of your sites, most urgent first (severity, then priority score). Paged with limit/offset."""

    serializer_class = s.CaseSerializer
    permission_classes = [HasRole.of(*READING_ROLES)]

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
        case = case_get(user=self.request.user, case_id=self.kwargs["case_id"])
        if case is None:
            raise Http404
        return case


def _action_view(name: str, input_serializer, run, summary: str) -> type[APIView]:
    """One endpoint per action, each with its own input serializer in the schema."""

    class ActionApi(APIView):
        permission_classes = [IsAuthenticated, HasRole.of(*READING_ROLES)]

        @extend_schema(
            summary=summary,
            request=input_serializer,
            responses={200: s.CaseDetailSerializer, 409: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
        )
        def post(self, request, case_id: int):
            case = case_get(user=request.user, case_id=case_id)
            if case is None:
                raise Http404
            if not can_act_on(request.user, case):
                return Response({"detail": "Your role can read this case but not act on it."}, status=403)
            data = input_serializer(data=request.data)
            data.is_valid(raise_exception=True)
            try:
                case = run(case_id=case.pk, actor=request.user, **data.validated_data)
            except CaseError as exc:
                return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
            return Response(s.CaseDetailSerializer(case_get(user=request.user, case_id=case.pk)).data)

    ActionApi.__name__ = ActionApi.__qualname__ = f"Case{name.title().replace('-', '')}Api"
    return ActionApi


ACTION_VIEWS = {
    "acknowledge": _action_view("acknowledge", s.CaseNoInput, actions.case_acknowledge, "Acknowledge a case"),
    "start": _action_view("start", s.CaseNoInput, actions.case_start, "Start work on a case"),
    "assign": _action_view("assign", s.CaseAssignInput, actions.case_assign, "Assign a case to a person"),
    "comment": _action_view("comment", s.CaseCommentInput, actions.case_comment, "Comment on a case"),
    "snooze": _action_view("snooze", s.CaseSnoozeInput, actions.case_snooze, "Snooze a case until a time"),
    "resolve": _action_view("resolve", s.CaseResolveInput, actions.case_resolve, "Resolve a case with a reason"),
    "escalate": _action_view("escalate", s.CaseEscalateInput, actions.case_escalate, "Escalate a case now"),
    "odoo-note": _action_view(
        "odoo-note", s.CaseOdooNoteInput, followups.case_note_to_odoo, "Post a note on the Odoo record"
    ),
    "odoo-activity": _action_view(
        "odoo-activity", s.CaseOdooActivityInput, followups.case_schedule_odoo_activity, "Schedule an Odoo activity"
    ),
}


class CaseBulkApi(APIView):
    """Acknowledge or assign many cases at once; each case succeeds or fails on its own."""

    permission_classes = [HasRole.of(*ACTING_ROLES)]

    @extend_schema(request=s.CaseBulkInput, responses={200: s.CaseBulkOutput})
    def post(self, request):
        data = s.CaseBulkInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = list(
            case_list(user=request.user, filters=CaseFilters(status="all"))
            .filter(pk__in=data.validated_data["case_ids"])
            .values_list("pk", flat=True)
        )
        missing = {i: "Not found on your sites." for i in data.validated_data["case_ids"] if i not in ids}
        if data.validated_data["action"] == "acknowledge":
            done, errors = actions.bulk(actions.case_acknowledge, case_ids=ids, actor=request.user)
        else:
            done, errors = actions.bulk(
                actions.case_assign, case_ids=ids, actor=request.user, assignee_id=data.validated_data["assignee_id"]
            )
        return Response({"done": [c.pk for c in done], "errors": {**missing, **errors}})


class PickFailureApi(APIView):
    """Report a failed pick (scanner, n8n). Repeated failures at one location open a case."""

    permission_classes = [HasRole.of(Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)]

    @extend_schema(request=s.PickFailureReportInput, responses={201: s.PickFailureReportOutput})
    def post(self, request):
        data = s.PickFailureReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        if not user_can_report_at(request.user, data.validated_data["location_odoo_id"]):
            return Response({"detail": "That location is not in one of your sites."}, status=403)
        report = pick_failure_report(reported_by=request.user, **data.validated_data)
        return Response(s.PickFailureReportOutput(report).data, status=status.HTTP_201_CREATED)
