"""API tokens: create one for an integration (secret shown once), find it from a Bearer header,
revoke it, list them. The screens (/settings/tokens/) and the API (/api/v1/tokens/) both call these.

A token `ct_<prefix>_<secret>` is looked up by its public 8-hex prefix and checked by comparing the
SHA-256 of the secret in constant time; revocation and expiry are read from the database on every
call, so they take effect at once. The authenticated user object carries its token
(`token_of(user)`), so `sites_visible_to` and the dock selectors narrow to the token's limits
wherever they are called for that request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import ApiScope, ApiToken, User
from apps.accounts.roles import Role, has_role
from apps.accounts.selectors import sites_visible_to
from apps.accounts.token_limits import attach_token, token_of, token_site_ids
from apps.audit.services import audit_record
from apps.sites.models import Site

TOKEN_PREFIX = "ct_"  # noqa: S105 (the public start of every token)
TOKEN_RE = re.compile(r"^ct_([0-9a-f]{8})_([A-Za-z0-9_-]{20,100})$")
USED_EVERY_S = 60  # last_used_at is written at most this often
MAX_EXPIRY_DAYS = 366
DEFAULT_EXPIRY_DAYS = 90


class ApiTokenError(Exception):
    """Bad input when creating or revoking a token (the caller shows the message)."""

    status = 400


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str  # ct_<prefix>_<secret>: shown once, never stored


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_prefix() -> str:
    while True:
        prefix = secrets.token_hex(4)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scopes: Iterable[str],
    created_by: User,
    sites: Iterable[Site] = (),
    carrier: str = "",
    expires_in_days: int | None = DEFAULT_EXPIRY_DAYS,
) -> NewToken:
    """Create a token for `user` (by the user or an admin); return it with its secret, shown only now."""
    name = name.strip()
    if not name:
        raise ApiTokenError("Give the token a name (what will use it).")
    asked = set(scopes)
    unknown = sorted(asked - set(ApiScope.values))
    scope_list = [scope for scope in ApiScope.values if scope in asked]  # read, decide, docks, admin
    if unknown or not scope_list:
        raise ApiTokenError(f"Scopes must be one or more of {', '.join(ApiScope.values)}.")
    if created_by.pk != user.pk and not has_role(created_by, Role.ADMIN):
        raise ApiTokenError("Only an administrator creates tokens for someone else.")
    if has_role(user, Role.DISPLAY) and not has_role(user, Role.ADMIN):
        raise ApiTokenError("Wall displays do not get API tokens.")
    site_list = list(sites)
    visible = set(sites_visible_to(user).values_list("pk", flat=True))
    outside = [site.code for site in site_list if site.pk not in visible]
    if outside:
        raise ApiTokenError(f"Not among the user's sites: {', '.join(outside)}.")
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise ApiTokenError(f"Expiry must be from 1 to {MAX_EXPIRY_DAYS} days.")
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    carrier = carrier.strip()[:100]
    parent = token_of(created_by)
    if parent is not None:  # made with a token: never more than that token may do
        site_list, carrier, expires_at = _within_parent(parent, created_by, scope_list, site_list, carrier, expires_at)
    secret = secrets.token_urlsafe(32)
    prefix = _new_prefix()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=prefix,
        secret_hash=secret_digest(secret),
        scopes=scope_list,
        carrier=carrier,
        created_by=created_by,
        expires_at=expires_at,
    )
    token.sites.set(site_list)
    audit_record(action="api_token.created", subject=f"api_token:{token.pk}", actor=created_by,
                 data={"name": token.name, "user": user.get_username(), "prefix": prefix, "scopes": scope_list,
                       "sites": sorted(site.code for site in site_list), "carrier": token.carrier})  # fmt: skip
    return NewToken(token=token, raw=f"{TOKEN_PREFIX}{prefix}_{secret}")


def _within_parent(
    parent: ApiToken,
    created_by: User,
    scopes: list[str],
    sites: list[Site],
    carrier: str,
    expires_at: datetime | None,
) -> tuple[list[Site], str, datetime | None]:
    """A token made by a token call gets no scope, site, carrier or lifetime its parent lacks."""
    extra = sorted(set(scopes) - set(parent.scopes))
    if extra:
        raise ApiTokenError(f"The calling token lacks these scopes: {', '.join(extra)}.")
    limit = token_site_ids(created_by)
    if limit is not None:
        if not sites:
            sites = list(Site.objects.filter(pk__in=limit))
        elif any(site.pk not in limit for site in sites):
            raise ApiTokenError("The calling token does not cover all these sites.")
    if parent.carrier:
        if carrier and carrier.casefold() != parent.carrier.casefold():
            raise ApiTokenError(f"The calling token is limited to carrier {parent.carrier}.")
        carrier = parent.carrier
    if parent.expires_at is not None and (expires_at is None or expires_at > parent.expires_at):
        expires_at = parent.expires_at
    return sites, carrier, expires_at


def api_token_revoke(*, token: ApiToken, revoked_by: User) -> ApiToken:
    """Revoke now (the next call with it is refused); revoking twice changes nothing."""
    if token.user_id != revoked_by.pk and not has_role(revoked_by, Role.ADMIN):
        raise ApiTokenError("Only the token's owner or an administrator revokes it.")
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())
        if updated:
            audit_record(action="api_token.revoked", subject=f"api_token:{token.pk}", actor=revoked_by,
                         data={"name": token.name, "prefix": token.prefix})  # fmt: skip
    token.refresh_from_db()
    return token


class TokenRefused(Exception):
    """The header names one of our tokens, but it cannot be used; the message says why."""


def api_token_authenticate(raw: str) -> ApiToken:
    """The usable token for `ct_<prefix>_<secret>`; TokenRefused when unknown, revoked or expired."""
    match = TOKEN_RE.match(raw)
    if match is None:
        raise TokenRefused("Malformed API token.")
    prefix, secret = match.groups()
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    digest = secret_digest(secret)
    # Compare even when the prefix is unknown, so timing does not tell which prefixes exist.
    matches = hmac.compare_digest(digest, token.secret_hash if token is not None else "0" * 64)
    if token is None or not matches:
        raise TokenRefused("Unknown API token.")
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRefused("This API token was revoked.")
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRefused("This API token has expired.")
    if not token.user.is_active:
        raise TokenRefused("The token's user is deactivated.")
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= USED_EVERY_S:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    attach_token(token.user, token, site_ids=frozenset(token.sites.values_list("pk", flat=True)))
    return token


def tokens_visible_to(user: User) -> QuerySet[ApiToken]:
    """Admins see every token; everyone else their own."""
    tokens = ApiToken.objects.select_related("user").prefetch_related("sites")
    return tokens if has_role(user, Role.ADMIN) else tokens.filter(user=user)


def api_token_get(*, user: User, token_id: int) -> ApiToken | None:
    return tokens_visible_to(user).filter(pk=token_id).first()


def token_status(token: ApiToken, now: datetime | None = None) -> str:
    return token.status_at(now or timezone.now())
