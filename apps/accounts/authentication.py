"""API token authentication (`Authorization: Bearer ct_…`), the scope each view needs, and the
per-token rate limit. Registered in settings.REST_FRAMEWORK, so every API view has them.

Scopes: a view may name the scope it needs in a `token_scope` attribute (a string, or a dict by
HTTP method); otherwise safe methods need "read" and writes need "decide". A token call to a view
whose scope the token lacks is a 403 problem. Sessions are unaffected (no scope, CSRF as before);
token calls need no CSRF token, since a browser never sends the header on its own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from apps.accounts.api_tokens import TOKEN_PREFIX, TokenRefused, api_token_authenticate
from apps.accounts.models import ApiScope, ApiToken

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_HEADER_LENGTH = 200


def required_scope(view: Any, method: str) -> str:
    """The scope a token needs to call `method` on `view`."""
    declared = getattr(view, "token_scope", None)
    if isinstance(declared, dict):
        declared = declared.get(method.upper()) or declared.get("*")
    if declared:
        return str(declared)
    return ApiScope.READ if method.upper() in SAFE_METHODS else ApiScope.DECIDE


def _bearer(request: Request) -> str | None:
    """The credential of an `Authorization: Bearer ct_…` header, or None when it is not ours."""
    header = get_authorization_header(request).split()
    if len(header) != 2 or header[0].lower() != b"bearer":
        return None
    try:
        raw = header[1].decode("ascii")
    except UnicodeDecodeError:
        return None
    return raw if raw.startswith(TOKEN_PREFIX) else None


class ApiTokenAuthentication(BaseAuthentication):
    """Authenticates `Bearer ct_<prefix>_<secret>`; refuses a bad, revoked or expired token with 401,
    and a token lacking the view's scope with 403. Other requests fall through to the session."""

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        raw = _bearer(request)
        if raw is None:
            return None
        if len(raw) > MAX_HEADER_LENGTH:
            raise exceptions.AuthenticationFailed("Malformed API token.")
        try:
            token = api_token_authenticate(raw)
        except TokenRefused as refused:
            raise exceptions.AuthenticationFailed(str(refused)) from None
        view = (request.parser_context or {}).get("view")
        scope = required_scope(view, request.method or "GET")
        if scope not in token.scopes:
            raise exceptions.PermissionDenied(f"This API token lacks the '{scope}' scope this call needs.")
        return token.user, token

    def authenticate_header(self, request: Request) -> str | None:
        # A refused token is a 401 with a challenge; a call with no token keeps the session answer
        # (403 not_authenticated), as the API contract has always said.
        if _bearer(request) is not None:
            return 'Bearer realm="api"'
        return None


class ApiTokenRateThrottle(SimpleRateThrottle):
    """settings.API_TOKEN_RATE per token ("600/min"); a 429 problem with Retry-After beyond it.
    Session calls are not throttled here."""

    scope = "api_token"
    cache_format = "throttle:api_token:%(ident)s"

    def get_rate(self) -> str | None:
        return settings.API_TOKEN_RATE or None

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"ident": request.auth.pk}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI schema names the token: `Authorization: Bearer ct_<prefix>_<secret>`."""

    target_class = "apps.accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "ct_<prefix>_<secret>",
            "description": "An API token from /settings/tokens/ (scopes: read, decide, docks, admin).",
        }
