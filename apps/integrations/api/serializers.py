"""Webhook subscriptions and their deliveries over the API (the secret only once, at creation or rotation)."""

from __future__ import annotations

from rest_framework import serializers

from apps.integrations.models import EventType, WebhookSubscription
from apps.outbound.models import OutboundDelivery


class SubscriptionSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code", default=None, read_only=True, help_text="None: every site.")
    secret_rotation_ends_at = serializers.DateTimeField(
        source="previous_secret_until", read_only=True, help_text="Until then the previous secret signs too."
    )

    class Meta:
        model = WebhookSubscription
        fields = ["id", "name", "url", "event_types", "site", "is_active", "created_at", "secret_rotation_ends_at"]
        read_only_fields = fields


class SubscriptionWithSecretSerializer(SubscriptionSerializer):
    secret = serializers.CharField(help_text="whsec_…: shown only in this answer. Verify signatures with it.")

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class SubscriptionCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    url = serializers.CharField(max_length=2000, help_text="https://… of the receiver (public addresses only).")
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices), min_length=1, max_length=len(EventType.values)
    )
    site = serializers.CharField(
        max_length=20, required=False, default="", allow_blank=True, help_text="Site code; empty: every site."
    )


class SubscriptionUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    url = serializers.CharField(max_length=2000, required=False)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        min_length=1,
        max_length=len(EventType.values),
        required=False,
    )
    is_active = serializers.BooleanField(required=False)


class DeliverySerializer(serializers.ModelSerializer):
    subscription = serializers.SerializerMethodField(help_text="The subscription's id (webhooks only).")
    receiver = serializers.CharField(read_only=True, help_text="Scheme and host (the path may hold a secret).")

    class Meta:
        model = OutboundDelivery
        fields = [
            "id", "source", "subscription", "message_id", "event_type", "site_code", "receiver", "state", "attempts",
            "max_attempts", "created_at", "last_attempt_at", "next_attempt_at", "sent_at", "last_status",
            "last_error", "last_duration_ms", "replays",
        ]  # fmt: skip
        read_only_fields = fields

    def get_subscription(self, delivery: OutboundDelivery) -> int | None:
        return int(delivery.source_ref) if delivery.source == "webhook" and delivery.source_ref.isdigit() else None


class TestSentSerializer(serializers.Serializer):
    delivery = serializers.IntegerField(help_text="The test delivery's id: follow it in the delivery log.")
