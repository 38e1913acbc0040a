"""Display tokens: create one for a TV, authenticate the TV by it, revoke it (closing its sockets)."""

from __future__ import annotations

import hashlib
import secrets

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import LANGUAGE_CODES, MAX_SESSION_DAYS, DisplayToken, User
from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.audit.services import audit_record

SEEN_EVERY_S = 60  # last-seen is written at most this often


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def display_group(token_id: int) -> str:
    """The live group every socket of one display joins, so a revocation can close them all."""
    return f"display.{token_id}"


@transaction.atomic
def display_token_create(
    *, site, board: str, name: str, created_by: User, session_days: int = 30, language: str = ""
) -> tuple[DisplayToken, str]:
    """Create a token and its display user; return the token and the raw secret (shown once).
    `language` is the wall's language on that TV ("" follows the TV's browser)."""
    if not 1 <= session_days <= MAX_SESSION_DAYS:
        raise ValueError(f"session_days must be from 1 to {MAX_SESSION_DAYS}.")
    if language not in LANGUAGE_CODES:
        raise ValueError(f"language must be one of {sorted(LANGUAGE_CODES)}.")
    raw = secrets.token_urlsafe(32)
    user = user_upsert(
        username=f"display-{secrets.token_hex(6)}",
        password=secrets.token_urlsafe(32),
        roles=[Role.DISPLAY],
        sites=[site],
    )
    token = DisplayToken.objects.create(
        name=name, site=site, board=board, token_hash=token_digest(raw), user=user, created_by=created_by,
        session_days=session_days, language=language,
    )  # fmt: skip
    audit_record(action="display_token.created", subject=f"display_token:{token.pk}", actor=created_by,
                 site_code=site.code, data={"name": name, "board": board})  # fmt: skip
    return token, raw


def display_token_authenticate(raw: str) -> DisplayToken | None:
    """The active token for this secret, or None."""
    if not raw or len(raw) > 200:
        return None
    return (
        DisplayToken.objects.select_related("site", "user")
        .filter(token_hash=token_digest(raw), revoked_at=None)
        .first()
    )


def display_token_seen(token: DisplayToken, ip: str | None) -> None:
    now = timezone.now()
    if (
        token.last_seen_at is None
        or (now - token.last_seen_at).total_seconds() > SEEN_EVERY_S
        or ip != token.last_seen_ip
    ):
        DisplayToken.objects.filter(pk=token.pk).update(last_seen_at=now, last_seen_ip=ip)


def display_token_revoke(*, token: DisplayToken, revoked_by: User) -> None:
    """Revoke now: pages are refused on their next request and open sockets are closed at once."""
    with transaction.atomic():
        updated = DisplayToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())
        if not updated:
            return  # already revoked: nothing more to do
        User.objects.filter(pk=token.user_id).update(is_active=False)
        audit_record(action="display_token.revoked", subject=f"display_token:{token.pk}", actor=revoked_by,
                     site_code=token.site.code, data={"name": token.name})  # fmt: skip
        transaction.on_commit(lambda: _close_sockets(token.pk))


def _close_sockets(token_id: int) -> None:
    async_to_sync(get_channel_layer().group_send)(display_group(token_id), {"type": "live.disconnect", "code": 4403})
