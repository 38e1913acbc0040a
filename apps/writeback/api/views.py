"""Outbox API: list and inspect entries (admins, managers), retry and cancel them (admins)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import HasRole
from apps.accounts.roles import Role
from apps.core.api import FeedPagination, register_problem
from apps.writeback.models import OutboxAttempt, OutboxEntry
from apps.writeback.operations import OPERATIONS
from apps.writeback.selectors import outbox_entry_get, outbox_entry_list
from apps.writeback.services import OutboxStateError, outbox_cancel, outbox_retry

register_problem(OutboxStateError, status=status.HTTP_409_CONFLICT)


class OutboxEntrySerializer(serializers.ModelSerializer):
    """An outbox entry as lists show it."""

    requested_by = serializers.CharField(source="requested_by.username", default=None, read_only=True)
    target = serializers.CharField(read_only=True)

    class Meta:
        model = OutboxEntry
        fields = [
            "id",
            "operation",
            "odoo_model",
            "odoo_id",
            "target",
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "cause_type",
            "cause_id",
            "requested_by",
            "site_code",
            "idempotency_key",
            "created_at",
            "updated_at",
            "finished_at",
        ]


class OutboxAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutboxAttempt
        fields = ["number", "started_at", "finished_at", "outcome", "message", "error_type", "calls"]


class OutboxEntryDetailSerializer(OutboxEntrySerializer):
    """An entry with what it asks, what Odoo answered, and every attempt's requests and answers."""

    attempts_log = OutboxAttemptSerializer(source="attempt_log", many=True, read_only=True)

    class Meta(OutboxEntrySerializer.Meta):
        fields = [
            *OutboxEntrySerializer.Meta.fields,
            "arguments",
            "preconditions",
            "result",
            "write_started_at",
            "attempts_log",
        ]


def _entry_or_404(request, entry_id: int) -> OutboxEntry:
    entry = outbox_entry_get(user=request.user, entry_id=entry_id)
    if entry is None:
        raise Http404("No such outbox entry at your sites.")
    return entry


class OutboxFeed(FeedPagination):
    ordering = ("-created_at", "-id")


class OutboxEntryListApi(GenericAPIView):
    """Outbox entries, newest first (a feed: follow `next`); filter by status, operation and site."""

    permission_classes = [HasRole.of(Role.ADMIN, Role.MANAGER)]
    pagination_class = OutboxFeed
    serializer_class = OutboxEntrySerializer

    class OutboxFilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=OutboxEntry.Status.choices, required=False)
        operation = serializers.ChoiceField(choices=sorted(OPERATIONS), required=False)
        site = serializers.CharField(required=False, max_length=20)

    FilterSerializer = OutboxFilterSerializer

    OutputSerializer = OutboxEntrySerializer

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True)},
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(outbox_entry_list(user=request.user, **filters.validated_data))
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)


class OutboxEntryDetailApi(APIView):
    """One entry with its attempts (requests sent to Odoo and the answers)."""

    permission_classes = [HasRole.of(Role.ADMIN, Role.MANAGER)]

    OutputSerializer = OutboxEntryDetailSerializer

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request, entry_id: int):
        return Response(self.OutputSerializer(_entry_or_404(request, entry_id)).data)


class OutboxEntryRetryApi(APIView):
    """Run an entry that needs attention or is dead again now (audited). 409 when its status forbids it."""

    permission_classes = [HasRole.of(Role.ADMIN)]
    token_scope = "admin"  # noqa: S105 (a scope name: an API token needs "admin" for this)

    OutputSerializer = OutboxEntryDetailSerializer

    @extend_schema(request=None, responses={200: OutputSerializer})
    def post(self, request, entry_id: int):
        _entry_or_404(request, entry_id)
        entry = outbox_retry(entry_id=entry_id, actor=request.user)
        return Response(self.OutputSerializer(outbox_entry_get(user=request.user, entry_id=entry.pk)).data)


class OutboxEntryCancelApi(APIView):
    """Cancel an entry that has not been written (audited, with an optional reason). 409 when too late."""

    permission_classes = [HasRole.of(Role.ADMIN)]
    token_scope = "admin"  # noqa: S105 (a scope name: an API token needs "admin" for this)

    class OutboxCancelInputSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    InputSerializer = OutboxCancelInputSerializer

    OutputSerializer = OutboxEntryDetailSerializer

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request, entry_id: int):
        _entry_or_404(request, entry_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = outbox_cancel(entry_id=entry_id, actor=request.user, reason=data.validated_data["reason"])
        return Response(self.OutputSerializer(outbox_entry_get(user=request.user, entry_id=entry.pk)).data)
