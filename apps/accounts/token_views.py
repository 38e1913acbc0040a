"""The API tokens screen (/settings/tokens/): list (prefix, scopes, sites, expiry, last use, status),
create (the secret is shown once, with a copy button) and revoke. Users manage their own tokens,
administrators see and revoke everyone's. Same services as /api/v1/tokens/."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.accounts.api_tokens import (
    ApiTokenError,
    api_token_create,
    api_token_get,
    api_token_revoke,
    tokens_visible_to,
)
from apps.accounts.decorators import role_required
from apps.accounts.models import ApiScope, User
from apps.accounts.roles import Role
from apps.accounts.selectors import sites_visible_to
from apps.accounts.token_forms import ApiTokenForm

TOKEN_ROLES = tuple(role for role in Role.values if role != Role.DISPLAY)


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)  # role_required: signed in


def _page(request: HttpRequest, form: ApiTokenForm, *, created=None, status: int = 200) -> HttpResponse:
    now = timezone.now()
    tokens = [(token, token.status_at(now)) for token in tokens_visible_to(_me(request))[:500]]
    context = {
        "form": form,
        "tokens": tokens,
        "created": created,
        "scope_labels": dict(ApiScope.choices),
        "show_owner": any(token.user_id != request.user.pk for token, _ in tokens),
    }
    return render(request, "accounts/api_tokens.html", context, status=status)


@never_cache
@role_required(*TOKEN_ROLES)
def tokens_page(request: HttpRequest) -> HttpResponse:
    sites = sites_visible_to(request.user)
    if request.method != "POST":
        return _page(request, ApiTokenForm(sites=sites))
    form = ApiTokenForm(request.POST, sites=sites)
    if not form.is_valid():
        return _page(request, form, status=400)
    values = form.cleaned_data
    if not cache.add(f"api_token_form:{request.user.pk}:{values['once']}", 1, timeout=24 * 3600):
        # The same form sent again (a reload of the page that showed the secret): nothing new is made.
        messages.info(request, "That token was already created; its secret was shown once, when it was made.")
        return redirect("api_tokens:index")
    try:
        created = api_token_create(
            user=_me(request), name=values["name"], scopes=values["scopes"], created_by=_me(request),
            sites=values["sites"], carrier=values["carrier"], expires_in_days=values["expires_in_days"],
        )  # fmt: skip
    except ApiTokenError as error:
        form.add_error(None, str(error))
        return _page(request, form, status=400)
    # The secret is in this answer only (never stored, never redirected through the session).
    return _page(request, ApiTokenForm(sites=sites), created=created)


@require_POST
@role_required(*TOKEN_ROLES)
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = api_token_get(user=_me(request), token_id=token_id)
    if token is None:
        raise Http404("No such token among yours.")
    try:
        api_token_revoke(token=token, revoked_by=_me(request))
    except ApiTokenError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Revoked “{token.name}” (ct_{token.prefix}_…): calls with it are refused now.")
    return redirect("api_tokens:index")
