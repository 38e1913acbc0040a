"""A person's own preferences, set from the screens that use them."""

from typing import cast

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.models import LANGUAGE_CHOICES, LANGUAGE_CODES, User
from apps.accounts.services import user_language_set, user_shortcuts_set


@require_GET
def preferences(request: HttpRequest) -> HttpResponse:
    """The person's own preferences: the language of every screen, single-key shortcuts."""
    return render(request, "accounts/preferences.html", {"language_choices": LANGUAGE_CHOICES})


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Choose the language of every screen ("" follows the browser), then back to the screen."""
    language = request.POST.get("language", "")
    if language not in LANGUAGE_CODES:
        return HttpResponseBadRequest(_("Choose one of the languages offered."))
    user_language_set(user=cast(User, request.user), language=language)
    return _back(request)


@require_POST
def shortcuts_set(request: HttpRequest) -> HttpResponse:
    """Turn single-key shortcuts on (enabled=1) or off (enabled=0), then back to the screen.
    Signed in: LoginRequiredEverywhereMiddleware sends anyone else to the login page."""
    enabled = request.POST.get("enabled", "")
    if enabled not in ("0", "1"):
        return HttpResponseBadRequest(_("enabled must be 0 (off) or 1 (on)."))
    user_shortcuts_set(user=cast(User, request.user), enabled=enabled == "1")
    return _back(request)


def _back(request: HttpRequest) -> HttpResponse:
    """To the screen the form was on (`next`), if it is one of ours; home otherwise."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(target if target and safe else reverse("home"))
