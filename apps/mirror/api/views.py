import time

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import HasRole
from apps.accounts.roles import Role
from apps.core.api import register_problem
from apps.mirror.selectors import sync_overview
from apps.mirror.services.webhooks import (
    WebhookRejected,
    secret_matches,
    webhook_answer_time_record,
    webhook_receive,
)

register_problem(WebhookRejected, status=status.HTTP_400_BAD_REQUEST)  # carries 400 or 413


class OdooWebhookView(APIView):
    """Odoo automation rules ("Send Webhook Notification") post here. The secret is in the URL."""

    authentication_classes = []  # Odoo sends no credentials: the URL secret is the check
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        status = serializers.CharField()
        event = serializers.IntegerField()

    # The body is Odoo's webhook payload ({"_model", "_id", …}); only a hint, the record is re-read.
    @extend_schema(request=OpenApiTypes.OBJECT, responses={202: OutputSerializer, 200: OutputSerializer})
    def post(self, request, secret: str):
        if not secret_matches(secret):
            raise Http404  # a wrong secret learns nothing, not even that the endpoint exists
        started = time.perf_counter()
        try:
            event, is_new = webhook_receive(
                body=request.body
            )  # WebhookRejected (400/413) and a body past Django's cap answer as problems
        finally:
            webhook_answer_time_record((time.perf_counter() - started) * 1000)
        if is_new:
            return Response({"status": "accepted", "event": event.pk}, status=status.HTTP_202_ACCEPTED)
        return Response({"status": "duplicate", "event": event.pk}, status=status.HTTP_200_OK)


class SyncStatusView(APIView):
    """Per mirrored model: cursor, lag, last run, last error; and the Odoo circuit breaker."""

    permission_classes = [HasRole.of(Role.ADMIN, Role.MANAGER)]

    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response(sync_overview())
