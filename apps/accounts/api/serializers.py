"""API tokens over the API: what a token looks like (never its secret, except once at creation)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from apps.accounts.api_tokens import DEFAULT_EXPIRY_DAYS, MAX_EXPIRY_DAYS
from apps.accounts.models import ApiScope, ApiToken


class ApiTokenSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    display_prefix = serializers.SerializerMethodField(help_text="What the token starts with: ct_<prefix>_…")
    sites = serializers.SerializerMethodField(help_text="Site codes it is limited to; empty = all the user's sites.")
    status = serializers.SerializerMethodField(help_text="active, expired or revoked.")

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "user",
            "display_prefix",
            "scopes",
            "sites",
            "carrier",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "status",
        ]
        read_only_fields = fields

    def get_display_prefix(self, token: ApiToken) -> str:
        return f"ct_{token.prefix}_…"

    def get_sites(self, token: ApiToken) -> list[str]:
        return sorted(site.code for site in token.sites.all())

    def get_status(self, token: ApiToken) -> str:
        return token.status_at(timezone.now())


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(
        help_text="The secret: shown only in this answer. Send it as `Authorization: Bearer …`."
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class ApiTokenCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiScope.choices), min_length=1, max_length=len(ApiScope.values)
    )
    sites = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, default=list, max_length=200,
        help_text="Site codes; empty = every site of the user.",
    )  # fmt: skip
    carrier = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    expires_in_days = serializers.IntegerField(
        min_value=1, max_value=MAX_EXPIRY_DAYS, required=False, default=DEFAULT_EXPIRY_DAYS
    )
    user = serializers.CharField(
        max_length=150, required=False, default="", allow_blank=True,
        help_text="Administrators only: the username the token acts as (default: yourself).",
    )  # fmt: skip
