"""Every API error in one shape, modelled on RFC 9457 problem details (application/problem+json):

    {"type": "urn:control-tower:problem:conflict", "title": "Conflict", "status": 409,
     "detail": "CT-00042 is already resolved; it cannot be acknowledged.", "code": "conflict",
     "errors": {}}

`code` is the machine-readable reason (stable, for scripts); `detail` is the sentence for a person;
`errors` maps each invalid field to its messages (`non_field_errors` for the body as a whole; empty
unless the answer is a 400).
DRF's exceptions, Django's Http404/PermissionDenied, an oversized body, and the domain errors apps
register with `register_problem` all come out this way; anything else is a logged 500 problem.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.api.exceptions import PayloadTooLarge

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:control-tower:problem:"

# The machine codes, by HTTP status; a few exceptions refine them (see _code_for).
CODES: dict[int, str] = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    503: "unavailable",
}
SERVER_ERROR = "server_error"
# The database or Redis refused or dropped the connection (restarting, failing over): not a bug, and
# over in a moment. Clients get a 503 with Retry-After to try again, never a 500.
SERVICE_AWAY: dict[tuple[type[Exception], ...], str] = {
    (OperationalError, InterfaceError): "The database is not answering; try again in a moment.",
    (
        RedisConnectionError,
        RedisTimeoutError,
    ): "Redis (the cache and task queue) is not answering; try again in a moment.",
}
RETRY_AFTER_S = 5


def _service_away(exc: BaseException | None) -> str | None:
    """The sentence for an outage of a service we depend on, or None for any other error."""
    for errors, detail in SERVICE_AWAY.items():
        if isinstance(exc, errors):
            return detail
    return None


# Domain error class → HTTP status when the exception does not carry its own `status`.
_DOMAIN_ERRORS: dict[type[Exception], int] = {}


def register_problem(error: type[Exception], *, status: int = 409) -> None:
    """Answer `error` (raised by a service) as a problem with this status, or with the exception's
    own `status` attribute when it has one. Apps call it next to the API views that may meet it."""
    _DOMAIN_ERRORS[error] = status


def problem_body(status: int, detail: str, *, code: str = "", errors: Mapping[str, list[str]] | None = None) -> dict:
    """The one error shape; `code` defaults to the status's code."""
    code = code or CODES.get(status, SERVER_ERROR if status >= 500 else "error")
    return {
        "type": TYPE_PREFIX + code,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "errors": dict(errors or {}),
    }


def _domain_status(exc: Exception) -> int | None:
    for error, default in _DOMAIN_ERRORS.items():
        if isinstance(exc, error):
            return int(getattr(exc, "status", default))
    return None


def _translate(exc: Exception) -> Exception:
    """Turn what is not yet a DRF exception into one, so one code path shapes them all."""
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args)
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    domain = _domain_status(exc)
    if domain is not None:
        translated = exceptions.APIException(str(exc))
        translated.status_code = domain
        return translated
    return exc


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation errors as {"field": [...], "items.0": [...]}."""
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, Mapping | list) for item in detail):
        flat = {}
        for index, value in enumerate(detail):
            flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(message) for message in messages]}


def validation_sentence(error: exceptions.ValidationError) -> str:
    """A validation error as one line ("reason_code: This field is required."), for a problem's
    `detail` and for a screen's flash message alike."""
    return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in _flatten(error.detail).items())


def _code_for(exc: exceptions.APIException, status_code: int) -> str:
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return "not_authenticated"  # answered 403 under session authentication, still this code
    return CODES.get(status_code, SERVER_ERROR if status_code >= 500 else "error")


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponse:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every error a view raises, as a problem.

    The answer is always JSON, whatever renderer the request negotiated (the schema view's YAML, the
    browsable API's HTML): one shape and one media type for every client."""
    away = _service_away(exc)
    if away is not None:
        logger.warning("API request while a service is away: %s: %s", type(exc).__name__, exc)
        return _service_away_response(away)
    exc = _translate(exc)
    handled = drf_exception_handler(exc, context)  # status, WWW-Authenticate/Retry-After, rollback
    if handled is None:
        # Not an error we know: log it with its traceback, answer without leaking internals.
        request = context.get("request")
        logger.exception("Unhandled API error on %s", getattr(request, "path", "?"), exc_info=exc)
        body = problem_body(500, "Something went wrong on our side; it has been logged.")
    elif isinstance(exc, exceptions.ValidationError):
        body = problem_body(handled.status_code, validation_sentence(exc), code="invalid", errors=_flatten(exc.detail))
    else:
        assert isinstance(exc, exceptions.APIException)
        detail = str(exc.detail)
        # A 400 always says what is wrong in `errors`: here, the body as a whole (unreadable JSON…).
        errors = {"non_field_errors": [detail]} if handled.status_code == 400 else None
        body = problem_body(handled.status_code, detail, code=_code_for(exc, handled.status_code), errors=errors)
    response = JsonResponse(body, status=body["status"], content_type=PROBLEM_CONTENT_TYPE)
    for header, value in handled.headers.items() if handled is not None else ():
        if header.lower() in ("www-authenticate", "retry-after"):
            response[header] = value
    return response


# --- Django's own error views: /api/ paths answer problems too (unknown URL, crash outside DRF) ---


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _problem_response(status_code: int, detail: str) -> JsonResponse:
    return JsonResponse(problem_body(status_code, detail), status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def handler400(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _problem_response(400, "The request could not be read.")
    return defaults.bad_request(request, exception)


def handler403(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _problem_response(403, "You do not have permission to do this.")
    return defaults.permission_denied(request, exception)


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _problem_response(404, f"No endpoint at {request.path}; see /api/v1/docs/.")
    return defaults.page_not_found(request, exception)


def _service_away_response(detail: str) -> JsonResponse:
    response = _problem_response(503, detail)
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


def handler500(request: HttpRequest) -> HttpResponse:
    # Called while Django handles the exception, so the exception is at hand.
    away = _service_away(sys.exc_info()[1])
    if _is_api(request):
        if away is not None:
            return _service_away_response(away)
        return _problem_response(500, "Something went wrong on our side; it has been logged.")
    if away is not None:
        response = HttpResponse(away, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_S)
        return response
    return defaults.server_error(request)
