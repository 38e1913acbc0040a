from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import HasRole
from apps.accounts.roles import Role
from apps.core.parsers import PayloadTooLarge
from apps.mirror.selectors import sync_overview
from apps.mirror.services.webhooks import WebhookRejected, secret_matches, webhook_receive


class OdooWebhookView(APIView):
    """Odoo automation rules ("Send Webhook Notification") post here. The secret is in the URL."""

    authentication_classes = []  # Odoo sends no credentials: the URL secret is the check
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        status = serializers.CharField()
        event = serializers.IntegerField()

    @extend_schema(request=None, responses={202: OutputSerializer, 200: OutputSerializer})
    def post(self, request, secret: str):
        if not secret_matches(secret):
            raise Http404  # a wrong secret learns nothing, not even that the endpoint exists
        try:
            event, is_new = webhook_receive(body=_body(request))
        except WebhookRejected as exc:
            return Response({"error": str(exc)}, status=exc.status)
        if is_new:
            return Response({"status": "accepted", "event": event.pk}, status=status.HTTP_202_ACCEPTED)
        return Response({"status": "duplicate", "event": event.pk}, status=status.HTTP_200_OK)


def _body(request) -> bytes:
    """The raw body; past Django's upload cap it is a 413 like any body past the webhook's own cap."""
    try:
        return request.body
    except RequestDataTooBig:
        raise PayloadTooLarge(f"Body too large: at most {settings.MIRROR_WEBHOOK_MAX_BYTES} bytes.") from None


class SyncStatusView(APIView):
    """Per mirrored model: cursor, lag, last run, last error; and the Odoo circuit breaker."""

    permission_classes = [HasRole.of(Role.ADMIN, Role.MANAGER)]

    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response(sync_overview())
