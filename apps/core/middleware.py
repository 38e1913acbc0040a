"""Request and response guards every page and endpoint shares (settings.MIDDLEWARE)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse

from apps.core.api.problems import PROBLEM_CONTENT_TYPE, problem_body

MESSAGE = "NUL characters (\\u0000) are not allowed in parameters."
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())


class RejectNulCharactersMiddleware:
    """Refuse NUL characters in the path, query string and form fields before any view sees them.

    PostgreSQL text cannot hold NUL, so a filter or a field carrying one fails inside the database
    (a 500). Django's form CharField refuses them; query strings and hand-read POST values (bulk
    ids, script posts) do not, so they are checked here once for every page and endpoint.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        form = request.POST if request.method == "POST" and request.content_type in _FORM_TYPES else None
        if "\x00" in request.path or _has_nul(request.GET) or (form is not None and _has_nul(form)):
            if request.path.startswith("/api/"):
                # The API's one error shape (a 400 names what is wrong in `errors`).
                body = problem_body(400, MESSAGE, errors={"non_field_errors": [MESSAGE]})
                return JsonResponse(body, status=400, content_type=PROBLEM_CONTENT_TYPE)
            return HttpResponseBadRequest(MESSAGE)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (Referrer-Policy: Django's own).

    Our pages load scripts only from our static files (no inline scripts or handlers), so a script
    injected into a page is not run; frames, plugins and foreign form targets are refused too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
