"""/api/v1/tokens/: list, create and revoke API tokens (your own; administrators see all).
Token calls to these endpoints need the admin scope. The screen (/settings/tokens/) uses the same
services (apps/accounts/api_tokens.py)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from apps.accounts.api import serializers as s
from apps.accounts.api_tokens import (
    ApiTokenError,
    api_token_create,
    api_token_get,
    api_token_revoke,
    tokens_visible_to,
)
from apps.accounts.models import User
from apps.accounts.permissions import HasRole
from apps.accounts.roles import Role, has_role
from apps.accounts.selectors import sites_visible_to
from apps.core.api import PagePagination, register_problem

register_problem(ApiTokenError, status=status.HTTP_400_BAD_REQUEST)

TOKEN_ROLES = tuple(role for role in Role.values if role != Role.DISPLAY)
TOKEN_USERS = HasRole.of(*TOKEN_ROLES)


class ApiTokenListApi(ListAPIView):
    """Your API tokens (administrators: everyone's), newest first; POST creates one and answers its
    secret once."""

    permission_classes = [TOKEN_USERS]
    serializer_class = s.ApiTokenSerializer
    pagination_class = PagePagination
    token_scope = "admin"  # noqa: S105 (a scope name, not a secret)

    def get_queryset(self):
        return tokens_visible_to(self.request.user)  # type: ignore[arg-type]  # signed in: a User

    @extend_schema(request=s.ApiTokenCreateInputSerializer, responses={201: s.ApiTokenCreatedSerializer})
    def post(self, request):
        data = s.ApiTokenCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        owner = request.user
        if values["user"] and values["user"] != request.user.get_username():
            other = User.objects.filter(username=values["user"], is_active=True).first()
            if not has_role(request.user, Role.ADMIN) or other is None:
                raise ValidationError({"user": ["Not a user you may create tokens for."]})
            owner = other
        sites = list(sites_visible_to(request.user).filter(code__in=values["sites"]))
        missing = sorted(set(values["sites"]) - {site.code for site in sites})
        if missing:
            raise ValidationError({"sites": [f"Not among your sites: {', '.join(missing)}."]})
        new = api_token_create(
            user=owner, name=values["name"], scopes=values["scopes"], created_by=request.user, sites=sites,
            carrier=values["carrier"], expires_in_days=values["expires_in_days"],
        )  # fmt: skip
        body = dict(s.ApiTokenSerializer(new.token).data, token=new.raw)
        return Response(body, status=status.HTTP_201_CREATED)


class ApiTokenRevokeApi(GenericAPIView):
    """Revoke a token now: the next call with it is refused (401). Revoking twice changes nothing."""

    permission_classes = [TOKEN_USERS]
    serializer_class = s.ApiTokenSerializer
    token_scope = "admin"  # noqa: S105 (a scope name, not a secret)

    @extend_schema(request=None, responses={200: s.ApiTokenSerializer})
    def post(self, request, token_id: int):
        token = api_token_get(user=request.user, token_id=token_id)
        if token is None:
            raise Http404("No such token among yours.")
        return Response(s.ApiTokenSerializer(api_token_revoke(token=token, revoked_by=request.user)).data)
