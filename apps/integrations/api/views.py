"""/api/v1/webhooks/: subscriptions (list, create, change, delete, rotate the secret, send a test event), the
delivery log and the dead letters with replay. Administrators only; token calls need the admin scope. The
screen (/settings/integrations/) uses the same services."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from apps.accounts.permissions import HasRole
from apps.accounts.roles import Role
from apps.accounts.selectors import sites_visible_to
from apps.core.api import PagePagination, register_problem
from apps.integrations.api import serializers as s
from apps.integrations.models import WebhookSubscription
from apps.integrations.selectors import (
    deliveries_visible_to,
    sees_every_site,
    subscription_deliveries,
    subscriptions_visible_to,
)
from apps.integrations.services import (
    IntegrationError,
    subscription_create,
    subscription_delete,
    subscription_rotate_secret,
    subscription_update,
    webhook_test_send,
)
from apps.outbound.models import DeliveryState
from apps.outbound.services import OutboundError, delivery_replay

register_problem(IntegrationError, status=status.HTTP_400_BAD_REQUEST)
register_problem(OutboundError, status=status.HTTP_409_CONFLICT)

ADMINS = HasRole.of(Role.ADMIN)


class _AdminApi(GenericAPIView):
    permission_classes = [ADMINS]
    token_scope = "admin"  # noqa: S105 (a scope name, not a secret)

    def subscription(self, subscription_id: int) -> WebhookSubscription:
        found = subscriptions_visible_to(self.request.user).filter(pk=subscription_id).first()
        if found is None:
            raise Http404("No such webhook subscription on your sites.")
        return found


class SubscriptionListApi(_AdminApi, ListAPIView):
    """Webhook subscriptions of your sites; POST creates one and answers its signing secret once."""

    serializer_class = s.SubscriptionSerializer
    pagination_class = PagePagination

    def get_queryset(self):
        return subscriptions_visible_to(self.request.user).order_by("name", "id")

    @extend_schema(request=s.SubscriptionCreateInputSerializer, responses={201: s.SubscriptionWithSecretSerializer})
    def post(self, request):
        data = s.SubscriptionCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        site = None
        if values["site"]:
            site = sites_visible_to(request.user).filter(code=values["site"]).first()
            if site is None:
                raise ValidationError({"site": [f"Not among your sites: {values['site']}."]})
        elif not sees_every_site(request.user):
            raise ValidationError({"site": ["Name a site: you may not subscribe to every site."]})
        try:
            new = subscription_create(
                name=values["name"], url=values["url"], event_types=values["event_types"], site=site, actor=request.user
            )
        except IntegrationError as exc:
            raise ValidationError({"url": [str(exc)]}) from None
        body = dict(s.SubscriptionSerializer(new.subscription).data, secret=new.secret)
        return Response(body, status=status.HTTP_201_CREATED)


class SubscriptionDetailApi(_AdminApi):
    """One subscription: read it, change its URL, events, name or pause it (PATCH), or delete it."""

    serializer_class = s.SubscriptionSerializer

    def get(self, request, subscription_id: int):
        return Response(s.SubscriptionSerializer(self.subscription(subscription_id)).data)

    @extend_schema(request=s.SubscriptionUpdateInputSerializer, responses={200: s.SubscriptionSerializer})
    def patch(self, request, subscription_id: int):
        subscription = self.subscription(subscription_id)
        data = s.SubscriptionUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            changed = subscription_update(subscription=subscription, actor=request.user, **data.validated_data)
        except IntegrationError as exc:
            raise ValidationError({"url": [str(exc)]}) from None
        return Response(s.SubscriptionSerializer(changed).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, subscription_id: int):
        subscription_delete(subscription=self.subscription(subscription_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SubscriptionRotateSecretApi(_AdminApi):
    """A new signing secret, answered once; the previous one keeps signing for WEBHOOK_SECRET_OVERLAP_H hours."""

    serializer_class = s.SubscriptionWithSecretSerializer

    @extend_schema(request=None, responses={200: s.SubscriptionWithSecretSerializer})
    def post(self, request, subscription_id: int):
        rotated = subscription_rotate_secret(subscription=self.subscription(subscription_id), actor=request.user)
        return Response(dict(s.SubscriptionSerializer(rotated.subscription).data, secret=rotated.secret))


class SubscriptionTestApi(_AdminApi):
    """Send a signed webhook.test event to this subscription now; follow it in the delivery log."""

    serializer_class = s.TestSentSerializer

    @extend_schema(request=None, responses={202: s.TestSentSerializer})
    def post(self, request, subscription_id: int):
        delivery_id = webhook_test_send(subscription=self.subscription(subscription_id), actor=request.user)
        return Response({"delivery": delivery_id}, status=status.HTTP_202_ACCEPTED)


class SubscriptionDeliveryListApi(_AdminApi, ListAPIView):
    """The subscription's delivery log, newest first."""

    serializer_class = s.DeliverySerializer
    pagination_class = PagePagination

    def get_queryset(self):
        return subscription_deliveries(self.subscription(self.kwargs["subscription_id"]))


STATE_PARAMETER = OpenApiParameter(
    "state",
    OpenApiTypes.STR,
    enum=DeliveryState.values,
    description="Only deliveries in this state (dead: dead letters).",
)


class DeliveryListApi(_AdminApi, ListAPIView):
    """Every outbound delivery you may see (webhooks; chat notifications too for all-site admins), newest
    first; `?state=dead` lists the dead letters."""

    serializer_class = s.DeliverySerializer
    pagination_class = PagePagination

    def get_queryset(self):
        deliveries = deliveries_visible_to(self.request.user)
        state = self.request.query_params.get("state", "")
        if state:
            if state not in DeliveryState.values:
                raise ValidationError({"state": [f"One of: {', '.join(DeliveryState.values)}."]})
            deliveries = deliveries.filter(state=state)
        return deliveries

    @extend_schema(parameters=[STATE_PARAMETER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DeliveryReplayApi(_AdminApi):
    """Send a dead letter again (a fresh set of attempts); 409 when it is not a dead letter."""

    serializer_class = s.DeliverySerializer

    @extend_schema(request=None, responses={202: s.DeliverySerializer})
    def post(self, request, delivery_id: int):
        if not deliveries_visible_to(request.user).filter(pk=delivery_id).exists():
            raise Http404("No such delivery among yours.")
        delivery = delivery_replay(delivery_id=delivery_id, actor_name=request.user.get_username())
        return Response(s.DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
