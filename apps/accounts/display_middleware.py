"""Wall displays sign in by token, once, and may only see their own site's wall."""

import re

from axes.helpers import get_client_ip_address
from django.contrib.auth import login
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.template.loader import render_to_string

from apps.accounts.display_tokens import display_token_authenticate, display_token_seen
from apps.accounts.models import DisplayToken

SESSION_KEY = "display_token_id"
ALWAYS_ALLOWED = ("/static/", "/healthz", "/readyz", "/manifest.webmanifest", "/jsi18n/")  # the wall links both


def _refuse(request, reason: str) -> HttpResponseForbidden:
    return HttpResponseForbidden(render_to_string("accounts/display_refused.html", {"reason": reason}, request))


def _allowed_paths(token: DisplayToken) -> re.Pattern:
    code = re.escape(token.site.code)
    return re.compile(rf"^/(wall|live/sites)/{code}(/|$)")


def _client_ip(request) -> str | None:
    """The TV's address, through the trusted proxies configured for django-axes."""
    return get_client_ip_address(request)


class DisplayTokenMiddleware:
    """Place after AuthenticationMiddleware and before the login-required middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.GET.get("token")
        if raw is not None and request.path.startswith("/wall/"):
            return self._sign_in(request, raw)
        token_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if token_id is None:
            return self.get_response(request)
        token = DisplayToken.objects.select_related("site").filter(pk=token_id).first()
        request.display_token = token  # read again by ChosenLanguageMiddleware, not queried twice
        if token is None or not token.is_active:
            # The session stays (its user is deactivated, so it is signed in as nobody): the TV keeps
            # showing this refusal instead of a login form nobody at a TV can fill in.
            return _refuse(request, "This display's link was revoked. Ask an administrator for a new one.")
        if not request.path.startswith(ALWAYS_ALLOWED) and not _allowed_paths(token).match(request.path):
            return _refuse(request, f"This display shows the wall of {token.site.name} only.")
        display_token_seen(token, _client_ip(request))
        return self.get_response(request)

    def _sign_in(self, request, raw: str):
        token = display_token_authenticate(raw)
        if token is None:
            return _refuse(request, "This display link is wrong or was revoked. Ask an administrator for a new one.")
        login(request, token.user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SESSION_KEY] = token.pk
        request.session.set_expiry(token.session_days * 24 * 3600)  # survives TV browser restarts
        display_token_seen(token, _client_ip(request))
        # Drop the secret from the address bar and the browser history.
        return HttpResponseRedirect(f"/wall/{token.site.code}/{token.board}/")
