"""What a token-authenticated request is narrowed to, read from the user object of that request.

The API token authentication (apps/accounts/authentication.py) attaches the token to the user it
returns; `sites_visible_to` (apps/accounts/selectors.py) and the dock selectors read the limits
here, so every site-scoped query of that request is narrowed without each caller knowing about
tokens. A session request's user carries no token: nothing is narrowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apps.accounts.models import ApiToken

_TOKEN = "_ct_api_token"  # noqa: S105 (an attribute name)
_SITE_IDS = "_ct_api_token_site_ids"


def attach_token(user: Any, token: ApiToken, *, site_ids: frozenset[int]) -> None:
    setattr(user, _TOKEN, token)
    setattr(user, _SITE_IDS, site_ids)


def token_of(user: Any) -> ApiToken | None:
    """The token this user object was authenticated with in this request (None for a session)."""
    return getattr(user, _TOKEN, None)


def token_site_ids(user: Any) -> frozenset[int] | None:
    """The token's site limit, or None when there is none (no token, or a token for all the user's sites)."""
    if token_of(user) is None:
        return None
    return getattr(user, _SITE_IDS, None) or None


def token_carrier(user: Any) -> str:
    """The carrier a token limits this request to ('' when none): dock selectors filter by it."""
    token = token_of(user)
    return token.carrier if token is not None else ""
